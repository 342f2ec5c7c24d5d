//! Modern Work code paths that are not rule cases: the points formula, the catalog
//! parameters the engine reads, accounts and refusals. The rules and worked examples of
//! docs/rules.md §0–§1 are cases in `cases/modern_work`/ (docs/cases.md).
//! Evaluation month 2024-06 unless said otherwise.

use crate::common::{Data, metric, option_value, track};
use capscore_catalog::{Catalog, EMBEDDED_FILES, Rounding};
use capscore_core::Num;
use capscore_engine::metric_points;

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

const FOUR: [&str; 4] = ["Exchange", "SharePoint", "Teams", "Microsoft 365 Apps"];

// ---- §0 bands -----------------------------------------------------------------------

// ---- §0 associations in force ---------------------------------------------------------

// ---- §1 net customer adds -------------------------------------------------------------

// ---- §0 claim baseline --------------------------------------------------------------

// ---- §0 certified people --------------------------------------------------------------

/// The counting on both sides of the rename is in `cases/modern_work/renamed_certifications`_*.toml;
/// this checks the name the catalog shows for each date.
#[test]
fn a_renamed_certification_shows_the_name_of_the_date() {
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

// ---- §1 best-of, tracks, qualification ------------------------------------------------

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
        c.at_month(crate::common::m("2024-05"))
            .unwrap()
            .params
            .qualifying_total_points,
        n(70)
    );
    assert_eq!(
        c.at_month(crate::common::m("2024-06"))
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
        month: crate::common::m("2024-06"),
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
        month: crate::common::m("2024-06"),
        partners: None,
        areas: None,
    };
    let err = capscore_engine::score(&data, &catalog, &req)
        .unwrap_err()
        .to_string();
    assert!(err.contains("cycle of parent_id links"), "{err}");
}
