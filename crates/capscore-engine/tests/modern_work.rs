//! Every rule of docs/rules.md §0–§1 (Modern Work) and the worked examples, each as a test
//! that fails when the rule is broken. Evaluation month 2024-06 unless said otherwise:
//! m-12 = 2023-06, the TTM = 2023-07 ..= 2024-06.

mod common;

use capscore_catalog::{Catalog, EMBEDDED_FILES, Rounding};
use capscore_core::Num;
use capscore_engine::{Unmet, metric_points};
use common::{Data, metric, option_value, pts, track};

const OLD: &str = "2022-01-01";

fn n(v: i128) -> Num {
    Num::from_integer(v)
}

// ---- §0 points --------------------------------------------------------------------

#[test]
fn points_are_max_times_capped_value_over_target() {
    let r = Rounding::Exact;
    // Each unit is worth max / target: 20/6 = 3.33...
    assert_eq!(metric_points(n(1), n(6), n(20), r), Num::new(10, 3));
    assert_eq!(metric_points(n(7), n(10), n(20), r), n(14));
    assert_eq!(
        metric_points(n(12), n(10), n(20), r),
        n(20),
        "capped at max"
    );
    assert_eq!(metric_points(n(0), n(10), n(20), r), n(0));
    assert_eq!(
        metric_points(n(-3), n(10), n(20), r),
        n(0),
        "negative gives 0"
    );
    assert_eq!(
        metric_points(n(1), n(7), n(15), r),
        Num::new(15, 7),
        "2.14 exactly 15/7"
    );
    assert_eq!(metric_points(n(1), n(6), n(20), Rounding::FloorWhole), n(3));
}

#[test]
fn worked_examples_as_plain_points() {
    let r = Rounding::Exact;
    // Enterprise usage growth: DPOR 2000/4000*30 = 15; CPOR 1500 -> 45 capped to 30.
    assert_eq!(metric_points(n(2000), n(4000), n(30), r), n(15));
    assert_eq!(metric_points(n(1500), n(1000), n(30), r), n(30));
    // SMB usage growth: CSP 1000 -> 15; CPOR 1000 -> 60 capped.
    assert_eq!(metric_points(n(1000), n(2000), n(30), r), n(15));
    assert_eq!(metric_points(n(1000), n(500), n(30), r), n(30));
    // Enterprise deployments: DPOR 4 -> 10; CPOR 3 -> 15.
    assert_eq!(metric_points(n(4), n(10), n(25), r), n(10));
    assert_eq!(metric_points(n(3), n(5), n(25), r), n(15));
    // SMB deployments: CSP 4 -> 10; CPOR 4 -> 20.
    assert_eq!(metric_points(n(4), n(10), n(25), r), n(10));
    assert_eq!(metric_points(n(4), n(5), n(25), r), n(20));
}

// ---- §1 worked examples through the whole engine ----------------------------------

#[test]
fn worked_example_enterprise_usage_growth() {
    let d = Data::new()
        .assoc("TE1", "DPOR", "", OLD, "")
        .usage("TE1", "Exchange", "2023-06", 400, 1000)
        .usage("TE1", "Exchange", "2024-06", 400, 3000)
        .assoc("TE2", "CPOR", "Teams", OLD, "")
        .usage("TE2", "Teams", "2023-06", 500, 500)
        .usage("TE2", "Teams", "2024-06", 500, 2000);
    let a = d.mw("2024-06");
    let ug = metric(track(&a, "enterprise"), "usage_growth");
    assert_eq!(option_value(ug, "DPOR"), 2000.0);
    assert_eq!(option_value(ug, "CPOR"), 1500.0);
    let dpor = ug
        .options
        .iter()
        .find(|o| o.option.as_deref() == Some("DPOR"))
        .unwrap();
    assert_eq!(dpor.points, n(15));
    assert_eq!(ug.points, n(30));
    assert_eq!(ug.option.as_deref(), Some("CPOR"));
}

#[test]
fn worked_example_smb_usage_growth() {
    let d = Data::new()
        .assoc("TS1", "CSP_T1", "", OLD, "")
        .usage("TS1", "Exchange", "2023-06", 100, 50)
        .usage("TS1", "Exchange", "2024-06", 100, 1050)
        .assoc("TS2", "CPOR", "Exchange", OLD, "")
        .usage("TS2", "EXO", "2023-06", 200, 10)
        .usage("TS2", "Exchange Online", "2024-06", 200, 1010);
    let a = d.mw("2024-06");
    let ug = metric(track(&a, "smb"), "usage_growth");
    assert_eq!(option_value(ug, "CSP"), 1000.0);
    assert_eq!(option_value(ug, "CPOR"), 1000.0);
    let csp = ug
        .options
        .iter()
        .find(|o| o.option.as_deref() == Some("CSP"))
        .unwrap();
    assert_eq!(csp.points, n(15));
    assert_eq!(ug.points, n(30));
    assert_eq!(ug.option.as_deref(), Some("CPOR"));
}

const FOUR: [&str; 4] = ["Exchange", "SharePoint", "Teams", "Microsoft 365 Apps"];

#[test]
fn worked_example_enterprise_deployments() {
    let mut d = Data::new().assoc("TE3", "DPOR", "", OLD, "");
    for w in FOUR {
        d = d
            .usage("TE3", w, "2023-06", 400, 40)
            .usage("TE3", w, "2024-06", 400, 200);
    }
    for w in &FOUR[..3] {
        d = d
            .assoc("TE4", "CPOR", w, OLD, "")
            .usage("TE4", w, "2023-06", 400, 100)
            .usage("TE4", w, "2024-06", 400, 200);
    }
    let a = d.mw("2024-06");
    let dep = metric(track(&a, "enterprise"), "deployments");
    assert_eq!(option_value(dep, "DPOR"), 4.0);
    assert_eq!(option_value(dep, "CPOR"), 3.0);
    assert_eq!(pts(dep), 15.0);
    assert_eq!(dep.option.as_deref(), Some("CPOR"));
}

#[test]
fn worked_example_smb_deployments() {
    let mut d = Data::new().assoc("TS3", "CSP_T2", "", OLD, "");
    for w in FOUR {
        d = d
            .usage("TS3", w, "2023-06", 50, 5)
            .usage("TS3", w, "2024-06", 50, 25)
            .assoc("TS4", "CPOR", w, OLD, "")
            .usage("TS4", w, "2023-06", 60, 0)
            .usage("TS4", w, "2024-06", 60, 24);
    }
    let a = d.mw("2024-06");
    let dep = metric(track(&a, "smb"), "deployments");
    assert_eq!(option_value(dep, "CSP"), 4.0);
    assert_eq!(option_value(dep, "CPOR"), 4.0);
    assert_eq!(pts(dep), 20.0);
    assert_eq!(dep.option.as_deref(), Some("CPOR"));
}

// ---- §0 bands -----------------------------------------------------------------------

#[test]
fn bands_at_10_11_300_301_seats() {
    let mut d = Data::new();
    for (t, seats) in [("B10", 10), ("B11", 11), ("B300", 300), ("B301", 301)] {
        d = d
            .assoc(t, "CPOR", "", "2024-01-01", "")
            .usage(t, "Teams", "2024-06", seats, 1);
    }
    let a = d.mw("2024-06");
    // SMB: 10 < seats <= 300 -> B11 and B300. Enterprise: > 300 -> B301.
    assert_eq!(metric(track(&a, "smb"), "net_customer_adds").value, n(2));
    assert_eq!(
        metric(track(&a, "enterprise"), "net_customer_adds").value,
        n(1)
    );
}

#[test]
fn band_is_judged_on_any_eligible_workload_and_per_month() {
    // 400 seats of Intune put the tenant in Enterprise even though Exchange has 50;
    // the same tenant was SMB a year earlier, so it is a new Enterprise customer and
    // a lost SMB one.
    let d = Data::new()
        .assoc("T1", "CPOR", "", OLD, "")
        .usage("T1", "Exchange", "2023-06", 50, 10)
        .usage("T1", "Exchange", "2024-06", 50, 10)
        .usage("T1", "Intune", "2024-06", 400, 10);
    let a = d.mw("2024-06");
    assert_eq!(
        metric(track(&a, "enterprise"), "net_customer_adds").value,
        n(1)
    );
    // 50 seats of Exchange keep it in SMB too at 2024-06: both bands in the same month.
    assert_eq!(metric(track(&a, "smb"), "net_customer_adds").value, n(0));
}

#[test]
fn seats_of_a_non_eligible_workload_do_not_set_the_band() {
    let d = Data::new()
        .assoc("T1", "CPOR", "", "2024-01-01", "")
        .usage("T1", "Microsoft Defender for Endpoint", "2024-06", 500, 100)
        .usage("T1", "Exchange", "2024-06", 5, 5);
    let a = d.mw("2024-06");
    assert_eq!(
        metric(track(&a, "enterprise"), "net_customer_adds").value,
        n(0)
    );
    assert_eq!(metric(track(&a, "smb"), "net_customer_adds").value, n(0));
}

// ---- §0 associations in force ---------------------------------------------------------

#[test]
fn association_in_force_is_judged_at_month_end() {
    let mut d = Data::new();
    let cases = [
        ("ENDS_LAST_DAY", "2024-01-01", "2024-06-30", true),
        ("ENDS_DAY_BEFORE", "2024-01-01", "2024-06-29", false),
        ("STARTS_LAST_DAY", "2024-06-30", "", true),
        ("STARTS_NEXT_MONTH", "2024-07-01", "", false),
    ];
    for (t, s, e, _) in cases {
        d = d
            .assoc(t, "CPOR", "", s, e)
            .usage(t, "Teams", "2024-06", 100, 10);
    }
    let a = d.mw("2024-06");
    let expected = cases.iter().filter(|c| c.3).count() as i128;
    assert_eq!(
        metric(track(&a, "smb"), "net_customer_adds").value,
        n(expected)
    );
}

#[test]
fn a_claim_on_one_workload_does_not_cover_another() {
    let d = Data::new()
        .assoc("T1", "CPOR", "Exchange", OLD, "")
        .usage("T1", "Exchange", "2023-06", 100, 100)
        .usage("T1", "Exchange", "2024-06", 100, 150)
        .usage("T1", "Teams", "2023-06", 100, 0)
        .usage("T1", "Teams", "2024-06", 100, 100);
    let a = d.mw("2024-06");
    let smb = track(&a, "smb");
    assert_eq!(
        option_value(metric(smb, "usage_growth"), "CPOR"),
        50.0,
        "Teams growth not credited"
    );
    // Teams is deployed at m (100%) but not covered; Exchange was deployed already.
    assert_eq!(option_value(metric(smb, "deployments"), "CPOR"), 0.0);
}

#[test]
fn a_claim_outside_the_area_does_not_make_a_customer() {
    let d = Data::new()
        .assoc(
            "T1",
            "CPOR",
            "Microsoft Defender for Endpoint",
            "2024-01-01",
            "",
        )
        .usage("T1", "Exchange", "2024-06", 100, 100);
    let a = d.mw("2024-06");
    assert_eq!(metric(track(&a, "smb"), "net_customer_adds").value, n(0));
}

#[test]
fn an_association_limited_to_an_azure_subscription_covers_no_microsoft_365_workload() {
    let scoped = Data::new()
        .assoc_sub("P1", "T1", "CSP_T1", "", "AZ-SUB-1", "2024-01-01", "")
        .usage("T1", "Exchange", "2023-06", 100, 10)
        .usage("T1", "Exchange", "2024-06", 100, 100);
    let a = scoped.mw("2024-06");
    assert_eq!(metric(track(&a, "smb"), "net_customer_adds").value, n(0));
    assert_eq!(
        option_value(metric(track(&a, "smb"), "usage_growth"), "CSP"),
        0.0
    );
    // Limited to a subscription but naming a workload, it covers that workload.
    let named = Data::new()
        .assoc_sub("P1", "T1", "CSP_T1", "Exchange", "SUB-1", "2024-01-01", "")
        .usage("T1", "Exchange", "2024-06", 100, 100);
    assert_eq!(
        metric(track(&named.mw("2024-06"), "smb"), "net_customer_adds").value,
        n(1)
    );
}

#[test]
fn a_workload_claim_makes_a_customer_even_without_usage_of_that_workload() {
    let d = Data::new()
        .assoc("T1", "CPOR", "Viva Insights", "2024-01-01", "")
        .usage("T1", "Exchange", "2024-06", 100, 100);
    let a = d.mw("2024-06");
    assert_eq!(metric(track(&a, "smb"), "net_customer_adds").value, n(1));
}

// ---- §1 net customer adds -------------------------------------------------------------

#[test]
fn net_customer_adds_dedup_across_cpor_and_dpor() {
    let d = Data::new()
        .assoc("T1", "CPOR", "Exchange", "2024-01-01", "")
        .assoc("T1", "DPOR", "", "2023-09-01", "")
        .assoc("T1", "CPOR", "Teams", "2024-02-01", "")
        .usage("T1", "Exchange", "2024-06", 400, 100);
    let a = d.mw("2024-06");
    assert_eq!(
        metric(track(&a, "enterprise"), "net_customer_adds").value,
        n(1)
    );
}

#[test]
fn net_customer_adds_subtracts_last_year_and_negative_gives_zero() {
    let mut d = Data::new();
    for t in ["L1", "L2", "L3"] {
        d = d
            .assoc(t, "CSP_T1", "", OLD, "2023-12-15")
            .usage_flat(t, "Exchange", "2023-06", "2024-06", 50, 10);
    }
    d = d
        .assoc("N1", "CPOR", "", "2024-03-01", "")
        .usage("N1", "Exchange", "2024-06", 50, 10);
    let a = d.mw("2024-06");
    let nca = metric(track(&a, "smb"), "net_customer_adds");
    assert_eq!(nca.value, n(1 - 3));
    assert_eq!(nca.points, n(0));
}

#[test]
fn enterprise_does_not_count_csp_and_smb_does_not_count_dpor() {
    let d = Data::new()
        .assoc("E1", "CSP_T1", "", "2024-01-01", "")
        .usage("E1", "Exchange", "2024-06", 400, 10)
        .assoc("S1", "DPOR", "", "2024-01-01", "")
        .usage("S1", "Exchange", "2024-06", 40, 10);
    let a = d.mw("2024-06");
    assert_eq!(
        metric(track(&a, "enterprise"), "net_customer_adds").value,
        n(0)
    );
    assert_eq!(metric(track(&a, "smb"), "net_customer_adds").value, n(0));
}

// ---- §0 claim baseline --------------------------------------------------------------

#[test]
fn usage_growth_subtracts_mau_at_the_claim_month() {
    let d = Data::new()
        .assoc("T1", "CPOR", "Exchange", "2024-01-15", "")
        .usage("T1", "Exchange", "2023-06", 100, 40)
        .usage("T1", "Exchange", "2024-01", 100, 60)
        .usage("T1", "Exchange", "2024-06", 100, 100);
    let a = d.mw("2024-06");
    // Not covered at m-12, so nothing is subtracted for m-12; the claim baseline is 60.
    assert_eq!(
        option_value(metric(track(&a, "smb"), "usage_growth"), "CPOR"),
        40.0
    );
}

#[test]
fn claim_baseline_uses_the_start_of_the_current_unbroken_spell() {
    let d = Data::new()
        .assoc("T1", "CPOR", "Exchange", OLD, "2023-03-31")
        .assoc("T1", "CPOR", "Exchange", "2023-09-10", "")
        .usage("T1", "Exchange", "2023-06", 100, 10)
        .usage("T1", "Exchange", "2023-09", 100, 70)
        .usage("T1", "Exchange", "2024-06", 100, 100);
    let a = d.mw("2024-06");
    assert_eq!(
        option_value(metric(track(&a, "smb"), "usage_growth"), "CPOR"),
        30.0
    );
}

#[test]
fn no_baseline_for_an_association_in_force_a_year_ago() {
    let d = Data::new()
        .assoc("T1", "CPOR", "Exchange", OLD, "")
        .usage("T1", "Exchange", "2023-06", 100, 40)
        .usage("T1", "Exchange", "2024-01", 100, 60)
        .usage("T1", "Exchange", "2024-06", 100, 100);
    let a = d.mw("2024-06");
    assert_eq!(
        option_value(metric(track(&a, "smb"), "usage_growth"), "CPOR"),
        60.0
    );
}

#[test]
fn claim_baseline_uses_the_claim_month_values_whatever_the_band_then() {
    // At the claim month the tenant had 400 seats (Enterprise), SMB at m: the SMB
    // baseline still subtracts the claim month's MAU.
    let d = Data::new()
        .assoc("T1", "CPOR", "Exchange", "2023-10-01", "")
        .usage("T1", "Exchange", "2023-10", 400, 80)
        .usage("T1", "Exchange", "2024-06", 200, 100);
    let a = d.mw("2024-06");
    assert_eq!(
        option_value(metric(track(&a, "smb"), "usage_growth"), "CPOR"),
        20.0
    );
}

#[test]
fn negative_usage_growth_gives_zero_points() {
    let d = Data::new()
        .assoc("T1", "CPOR", "Exchange", OLD, "")
        .usage("T1", "Exchange", "2023-06", 100, 90)
        .usage("T1", "Exchange", "2024-06", 100, 30);
    let a = d.mw("2024-06");
    let ug = metric(track(&a, "smb"), "usage_growth");
    assert_eq!(option_value(ug, "CPOR"), -60.0);
    assert_eq!(ug.points, n(0));
}

#[test]
fn deployments_already_deployed_at_the_claim_month_are_not_new() {
    let d = Data::new()
        .assoc("T1", "CPOR", "Exchange", "2024-01-15", "")
        .assoc("T1", "CPOR", "Teams", "2024-01-15", "")
        .usage("T1", "Exchange", "2024-01", 100, 50)
        .usage("T1", "Teams", "2024-01", 100, 10)
        .usage("T1", "Exchange", "2024-06", 100, 60)
        .usage("T1", "Teams", "2024-06", 100, 60);
    let a = d.mw("2024-06");
    assert_eq!(
        option_value(metric(track(&a, "smb"), "deployments"), "CPOR"),
        1.0
    );
}

#[test]
fn deployed_means_paid_seats_and_at_least_40_percent_active() {
    let mut d = Data::new();
    for (t, paid, active) in [
        ("D40", 100, 40),
        ("D39", 100, 39),
        ("D0", 0, 0),
        ("DX", 50, 200),
    ] {
        d = d
            .assoc(t, "CSP_T1", "", OLD, "")
            .usage(t, "Exchange", "2024-06", paid, active);
    }
    // D0 has no seats: in no band and not deployed. DX: 50 seats, 200 active -> deployed.
    let a = d.mw("2024-06");
    assert_eq!(
        option_value(metric(track(&a, "smb"), "deployments"), "CSP"),
        2.0
    );
}

// ---- §0 certified people --------------------------------------------------------------

#[test]
fn certification_expiring_on_the_last_day_still_counts() {
    let d = Data::new()
        .cert(
            "a",
            "Teams Administrator Associate",
            "2023-01-01",
            "2024-06-30",
        )
        .cert(
            "b",
            "Teams Administrator Associate",
            "2023-01-01",
            "2024-06-29",
        )
        .cert("c", "Teams Administrator Associate", "2024-06-30", "")
        .cert("d", "Teams Administrator Associate", "2024-07-01", "");
    let a = d.mw("2024-06");
    assert_eq!(
        metric(track(&a, "enterprise"), "intermediate_certifications").value,
        n(2)
    );
}

#[test]
fn a_person_counts_once_per_metric() {
    let d = Data::new()
        .cert("a", "Teams Administrator Associate", "2023-01-01", "")
        .cert(
            "a",
            "Microsoft 365 Certified: Messaging Administrator Associate",
            "2023-01-01",
            "",
        )
        .cert("a", "Administrator Expert", "2023-01-01", "");
    let a = d.mw("2024-06");
    let ent = track(&a, "enterprise");
    assert_eq!(metric(ent, "intermediate_certifications").value, n(1));
    assert_eq!(metric(ent, "advanced_certifications").value, n(1));
    assert_eq!(
        metric(ent, "intermediate_certifications").points,
        Num::new(5, 2)
    );
    assert_eq!(
        metric(ent, "advanced_certifications").points,
        Num::new(15, 2)
    );
}

#[test]
fn renamed_certifications_count_under_either_name_on_both_sides_of_2023_07_01() {
    let d = Data::new()
        .cert(
            "a",
            "Microsoft 365 Certified: Modern Desktop Administrator Associate",
            "2022-05-01",
            "",
        )
        .cert(
            "b",
            "Microsoft 365 Certified: Enterprise Administrator Expert",
            "2022-05-01",
            "",
        )
        .cert("c", "Endpoint Administrator Associate", "2023-08-01", "");
    for (month, inter) in [("2023-06", 1), ("2023-07", 1), ("2024-06", 2)] {
        let a = d.mw(month);
        let smb = track(&a, "smb");
        assert_eq!(
            metric(smb, "intermediate_certifications").value,
            n(inter),
            "{month}"
        );
        assert_eq!(
            metric(smb, "advanced_certifications").value,
            n(1),
            "{month}"
        );
    }
    let catalog = Catalog::embedded().unwrap();
    let cert = catalog
        .certifications
        .iter()
        .find(|c| c.id == "endpoint_administrator_associate")
        .unwrap();
    assert_eq!(
        cert.name_on("2023-06-30".parse().unwrap()),
        "Modern Desktop Administrator Associate"
    );
    assert_eq!(
        cert.name_on("2023-07-01".parse().unwrap()),
        "Endpoint Administrator Associate"
    );
}

#[test]
fn unknown_or_unlisted_certifications_never_count() {
    let d = Data::new()
        .cert("a", "Teams Administrator Asociate", "2023-01-01", "")
        .cert(
            "b",
            "Microsoft Certified: Azure Fundamentals",
            "2023-01-01",
            "",
        );
    let a = d.mw("2024-06");
    assert_eq!(
        metric(track(&a, "smb"), "intermediate_certifications").value,
        n(0)
    );
}

// ---- §1 best-of, tracks, qualification ------------------------------------------------

#[test]
fn best_of_tie_takes_the_option_listed_first() {
    // CPOR 500 and CSP 2000 both earn the full 30 points: CPOR is listed first.
    let d = Data::new()
        .assoc("T1", "CPOR", "Exchange", OLD, "")
        .usage("T1", "Exchange", "2023-06", 100, 0)
        .usage("T1", "Exchange", "2024-06", 100, 500)
        .assoc("T2", "CSP_T1", "", OLD, "")
        .usage("T2", "Exchange", "2023-06", 250, 0)
        .usage("T2", "Exchange", "2024-06", 250, 2000);
    let a = d.mw("2024-06");
    let ug = metric(track(&a, "smb"), "usage_growth");
    assert_eq!(ug.points, n(30));
    assert_eq!(ug.option.as_deref(), Some("CPOR"));
    // Options never add up.
    assert!(ug.options.iter().all(|o| o.points == n(30)));
}

/// An SMB partner with full marks everywhere but the advanced certifications.
fn strong_smb() -> Data {
    let mut d = Data::new()
        .cert("a", "Teams Administrator Associate", "2023-01-01", "")
        .cert("b", "Messaging Administrator Associate", "2023-01-01", "");
    for i in 0..10 {
        let t = format!("S{i}");
        d = d.assoc(&t, "CPOR", "", "2023-08-01", "");
        for w in ["Exchange", "Teams"] {
            d = d
                .usage(&t, w, "2023-08", 100, 0)
                .usage(&t, w, "2024-06", 100, 80);
        }
    }
    d
}

#[test]
fn over_70_with_a_metric_at_zero_does_not_qualify() {
    let a = strong_smb().mw("2024-06");
    assert_eq!(a.track.as_deref(), Some("smb"));
    assert_eq!(a.total, n(85));
    assert!(!a.qualified);
    assert_eq!(
        a.unmet,
        vec![Unmet::MetricUnderMinimum {
            metric: "advanced_certifications".into(),
            points: n(0),
            needed: n(1)
        }]
    );
}

#[test]
fn qualifies_with_every_metric_and_70_points() {
    let a = strong_smb()
        .cert("c", "Administrator Expert", "2023-01-01", "")
        .mw("2024-06");
    assert_eq!(a.total, n(100));
    assert!(a.qualified);
    assert!(a.unmet.is_empty());
    assert_eq!(a.tracks.len(), 2, "both tracks are listed");
}

#[test]
fn under_70_does_not_qualify_and_says_so() {
    // Two customers only: 4 points of net customer adds.
    let d = Data::new()
        .cert("a", "Teams Administrator Associate", "2023-01-01", "")
        .cert("b", "Messaging Administrator Associate", "2023-01-01", "")
        .cert("c", "Administrator Expert", "2023-01-01", "")
        .assoc("T1", "CPOR", "", "2023-08-01", "")
        .assoc("T2", "CPOR", "", "2023-08-01", "");
    let mut d = d;
    for t in ["T1", "T2"] {
        for w in ["Exchange", "Teams", "SharePoint"] {
            d = d
                .usage(t, w, "2023-08", 100, 0)
                .usage(t, w, "2024-06", 100, 100);
        }
    }
    let a = d.mw("2024-06");
    let smb = track(&a, "smb");
    // 4 + 10 + 15 + 30 (600 MAU growth >= 500) + 25 (6 services >= 5) = 84: qualifies.
    assert_eq!(smb.total, n(84));
    assert!(smb.qualified);
    // Remove three of the services' growth: 2 tenants x 1 workload.
    let mut d2 = Data::new()
        .cert("a", "Teams Administrator Associate", "2023-01-01", "")
        .cert("b", "Messaging Administrator Associate", "2023-01-01", "")
        .cert("c", "Administrator Expert", "2023-01-01", "");
    for t in ["T1", "T2"] {
        d2 = d2
            .assoc(t, "CPOR", "", "2023-08-01", "")
            .usage(t, "Exchange", "2023-08", 100, 0)
            .usage(t, "Exchange", "2024-06", 100, 100);
    }
    let a2 = d2.mw("2024-06");
    let smb2 = track(&a2, "smb");
    // 4 + 10 + 15 + 30*200/500=12 + 25*2/5=10 = 51.
    assert_eq!(smb2.total, n(51));
    assert!(!smb2.qualified);
    assert!(matches!(smb2.unmet[0], Unmet::TotalUnderMinimum { .. }));
}

#[test]
fn the_better_track_is_reported() {
    let a = strong_smb()
        .cert("c", "Administrator Expert", "2023-01-01", "")
        .mw("2024-06");
    let ent = track(&a, "enterprise");
    assert!(ent.total < a.total);
    assert_eq!(a.track.as_deref(), Some("smb"));
}

// ---- §9 parameters from the catalog ----------------------------------------------------

fn catalog_with(replace: &[(&str, &str)]) -> Catalog {
    let files: Vec<(String, String)> = EMBEDDED_FILES
        .iter()
        .map(|(n, t)| {
            let mut t = t.to_string();
            for (from, to) in replace {
                t = t.replace(from, to);
            }
            (n.to_string(), t)
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Catalog::from_files(&borrowed, "test").unwrap()
}

#[test]
fn floor_whole_rounding_is_a_catalog_choice() {
    let c = catalog_with(&[(
        "values = [{ value = \"exact\" }]",
        "values = [{ value = \"floor_whole\" }]",
    )]);
    let d = Data::new().cert("a", "Teams Administrator Associate", "2023-01-01", "");
    let exact = d.mw("2024-06");
    let floored = d.mw_with(&c, "2024-06");
    assert_eq!(
        metric(track(&exact, "enterprise"), "intermediate_certifications").points,
        Num::new(5, 2)
    );
    assert_eq!(
        metric(track(&floored, "enterprise"), "intermediate_certifications").points,
        n(2)
    );
}

#[test]
fn deployment_unit_tenant_counts_tenants() {
    let c = catalog_with(&[(
        "values = [{ value = \"service\" }]",
        "values = [{ value = \"tenant\" }]",
    )]);
    let mut d = Data::new().assoc("T1", "CSP_T1", "", OLD, "");
    for w in FOUR {
        d = d.usage("T1", w, "2024-06", 100, 50);
    }
    assert_eq!(
        option_value(metric(track(&d.mw("2024-06"), "smb"), "deployments"), "CSP"),
        4.0
    );
    assert_eq!(
        option_value(
            metric(track(&d.mw_with(&c, "2024-06"), "smb"), "deployments"),
            "CSP"
        ),
        1.0
    );
}

#[test]
fn min_metric_points_is_a_catalog_parameter() {
    let c = catalog_with(&[(
        "unit = \"points\"\nvalues = [{ value = 1 }]",
        "unit = \"points\"\nvalues = [{ value = 0 }]",
    )]);
    let a = strong_smb().mw_with(&c, "2024-06");
    assert!(a.qualified, "with a minimum of 0 a metric at 0 passes");
}

#[test]
fn parameters_change_on_their_effective_date() {
    let c = catalog_with(&[(
        "[parameters.qualifying_total_points]\ndescription = \"A designation needs at least this many points in total.\"\nreference = \"docs/rules.md §0; seed 001 'Minimum total points required ... 70'\"\nunit = \"points\"\nvalues = [{ value = 70 }]",
        "[parameters.qualifying_total_points]\ndescription = \"x\"\nreference = \"x\"\nunit = \"points\"\nvalues = [{ until = \"2024-05-31\", value = 70 }, { since = \"2024-06-01\", value = 90 }]",
    )]);
    let d = strong_smb().cert("c", "Administrator Expert", "2023-01-01", "");
    assert_eq!(
        c.at_month(common::m("2024-05"))
            .unwrap()
            .params
            .qualifying_total_points,
        n(70)
    );
    assert_eq!(
        c.at_month(common::m("2024-06"))
            .unwrap()
            .params
            .qualifying_total_points,
        n(90)
    );
    assert!(d.mw_with(&c, "2024-06").qualified, "100 >= 90");
    let s = d.score_with(&c, "2024-06");
    assert!(
        s.catalog_version.ends_with("+2024-06-01"),
        "{}",
        s.catalog_version
    );
}

// ---- accounts ----------------------------------------------------------------------------

#[test]
fn a_location_account_counts_for_its_global_account() {
    let d = Data::new()
        .partner("P1-LOC", "P1")
        .assoc_of("P1-LOC", "T1", "CPOR", "", "2024-01-01", "")
        .usage("T1", "Exchange", "2024-06", 100, 10)
        .cert_of(
            "P1-LOC",
            "x",
            "Teams Administrator Associate",
            "2023-01-01",
            "",
        );
    let s = d.score_with(&capscore_catalog::Catalog::embedded().unwrap(), "2024-06");
    let ids: Vec<&str> = s.partners.iter().map(|p| p.partner_id.as_str()).collect();
    assert_eq!(ids, ["P1"], "only the global account is scored");
    let a = &s.partners[0].areas[0];
    assert_eq!(metric(track(a, "smb"), "net_customer_adds").value, n(1));
    assert_eq!(
        metric(track(a, "smb"), "intermediate_certifications").value,
        n(1)
    );
    // Asking for the location account is refused with the global account named.
    let catalog = capscore_catalog::Catalog::embedded().unwrap();
    let data = d.load_with(&catalog);
    let loc = data.partners.find("P1-LOC").unwrap();
    let req = capscore_engine::ScoreRequest {
        month: common::m("2024-06"),
        partners: Some(vec![loc]),
        areas: None,
    };
    let err = capscore_engine::score(&data, &catalog, &req)
        .unwrap_err()
        .to_string();
    assert!(err.contains("P1-LOC is a location account of P1"), "{err}");
}

#[test]
fn parent_links_in_a_circle_are_refused() {
    // The loader refuses such links with their lines; a dataset built otherwise still
    // meets the engine's own check.
    let mut d = Data::new().partner("A", "B").partner("B", "");
    d.partners[0] = "P1,Partner One,".into();
    let catalog = capscore_catalog::Catalog::embedded().unwrap();
    let mut data = d.load_with(&catalog);
    let idx = |id: &str| data.partners.ids.iter().position(|p| p == id).unwrap();
    let (a, b) = (idx("A"), idx("B"));
    data.partners.parent[b] = Some(capscore_core::PartnerIdx(u32::try_from(a).unwrap()));
    let req = capscore_engine::ScoreRequest {
        month: common::m("2024-06"),
        partners: None,
        areas: None,
    };
    let err = capscore_engine::score(&data, &catalog, &req)
        .unwrap_err()
        .to_string();
    assert!(err.contains("cycle of parent_id links"), "{err}");
}
