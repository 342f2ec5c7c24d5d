//! docs/rules.md §2–§4: Security, the three Azure areas and Business Applications. Each
//! worked example is a test, and each effective date is tested on both sides.
//! Evaluation month 2024-06 unless said otherwise (m-12 = 2023-06).

mod common;

use capscore_catalog::{Catalog, EMBEDDED_FILES};
use capscore_core::Num;
use common::{Data, area_metric, pts};

const OLD: &str = "2022-01-01";

fn n(v: i128) -> Num {
    Num::from_integer(v)
}

fn with_certs(people: &[(&str, &[&str])]) -> Data {
    let mut d = Data::new();
    for (person, titles) in people {
        for t in *titles {
            d = d.cert(person, t, "2023-01-01", "");
        }
    }
    d
}

// ---- §2 Security certification steps (version from 2023-12-01) ---------------------

const SEC_ENG: &str = "Azure Security Engineer Associate";
const SEC_OPS: &str = "Microsoft Certified: Security Operations Analyst Associate";
const CYBER: &str = "Cybersecurity Architect Expert";
const M365_SEC_ADMIN: &str = "Microsoft 365 Certified: Security Administrator Associate";

fn security_intermediate(d: &Data, month: &str) -> (Num, Num, Vec<String>) {
    let a = d.area("security", month);
    let m = area_metric(&a, "intermediate_certifications");
    (m.value, m.points, m.notes.clone())
}

#[test]
fn security_steps_worked_example_full_steps() {
    // A,B step 1; C,D step 2; E,F,G step 3 -> 3 x 6.67 = 20.
    let d = with_certs(&[
        ("A", &[SEC_ENG]),
        ("B", &[SEC_ENG]),
        ("C", &[SEC_OPS]),
        ("D", &[SEC_OPS]),
        ("E", &[CYBER]),
        ("F", &[CYBER]),
        ("G", &[CYBER]),
    ]);
    let (v, p, _) = security_intermediate(&d, "2024-06");
    assert_eq!((v, p), (n(3), n(20)));
}

#[test]
fn security_steps_worked_example_same_people_in_every_step() {
    // A and B in all three steps -> 2 x 6.67 = 13.33.
    let d = with_certs(&[
        ("A", &[SEC_ENG, SEC_OPS, CYBER]),
        ("B", &[SEC_ENG, SEC_OPS, CYBER]),
    ]);
    let (v, p, _) = security_intermediate(&d, "2024-06");
    assert_eq!((v, p), (n(2), Num::new(40, 3)));
}

#[test]
fn security_steps_worked_example_missing_a_prerequisite_gives_zero() {
    // A and B in steps 1 and 3 only -> 0.
    let d = with_certs(&[("A", &[SEC_ENG, CYBER]), ("B", &[SEC_ENG, CYBER])]);
    let (v, p, notes) = security_intermediate(&d, "2024-06");
    assert_eq!((v, p), (n(0), n(0)));
    assert!(notes[0].contains("step 2 not met: 0 of 2"), "{notes:?}");
}

#[test]
fn security_steps_change_on_2023_12_01() {
    // One person per prerequisite; the step-2 person is a Security Operations Analyst,
    // which scored in step 3 until 2023-11-30.
    let d = with_certs(&[("A", &[SEC_ENG]), ("B", &[SEC_OPS])]);
    let (v, p, _) = security_intermediate(&d, "2023-11");
    assert_eq!((v, p), (n(1), Num::new(20, 3)));
    let (v, _, notes) = security_intermediate(&d, "2023-12");
    assert_eq!(v, n(0));
    assert!(
        notes.iter().any(|x| x.contains("step 1 not met: 1 of 2")),
        "{notes:?}"
    );
}

#[test]
fn retired_security_administrator_counts_through_its_grace_date() {
    let d = with_certs(&[
        ("A", &[SEC_ENG]),
        ("B", &[SEC_ENG]),
        ("C", &[M365_SEC_ADMIN]),
        ("D", &[M365_SEC_ADMIN]),
        ("E", &[CYBER]),
    ]);
    assert_eq!(
        security_intermediate(&d, "2024-06").0,
        n(1),
        "eligible through 2024-06-30"
    );
    assert_eq!(security_intermediate(&d, "2024-07").0, n(0), "grace over");
}

// ---- §2 Security performance and customer success ----------------------------------

#[test]
fn security_net_customer_adds_adds_both_sources() {
    let d = Data::new()
        // Azure (PAL): 150 of security ACR in the TTM -> counts; 99 -> does not.
        .assoc("A1", "PAL", "", OLD, "")
        .acr("A1", "S1", "Key Vault", "Pay-As-You-Go", "2024-02", "150")
        .assoc("A2", "PAL", "", OLD, "")
        .acr("A2", "S2", "Sentinel", "Pay-As-You-Go", "2024-02", "99")
        // Not security services, or an excluded offer, or not through PAL.
        .assoc("A3", "PAL", "", OLD, "")
        .acr("A3", "S3", "Storage", "Pay-As-You-Go", "2024-02", "5000")
        .acr("A3", "S3", "Sentinel", "Support", "2024-02", "5000")
        .assoc("A4", "DPOR", "", OLD, "")
        .acr("A4", "S4", "Sentinel", "Pay-As-You-Go", "2024-02", "5000")
        // Microsoft 365 (CPOR): 30 paid seats now, 20 a year ago -> +1.
        .assoc("M1", "CPOR", "Microsoft Defender for Endpoint", OLD, "")
        .usage("M1", "MDE", "2023-06", 20, 5)
        .usage("M1", "MDE", "2024-06", 30, 5)
        // 30 seats of a workload the claim does not cover.
        .assoc("M2", "CPOR", "Intune", OLD, "")
        .usage("M2", "Microsoft Defender for Endpoint", "2024-06", 30, 5);
    let a = d.area("security", "2024-06");
    let nca = area_metric(&a, "net_customer_adds");
    assert_eq!(nca.value, n(2));
    assert_eq!(nca.points, n(4));
    assert_eq!(nca.notes, vec!["Azure 1 + Microsoft 365 1".to_string()]);
}

#[test]
fn security_azure_customers_compare_ttm_with_the_previous_ttm() {
    let d = Data::new()
        .assoc("A1", "PAL", "", OLD, "")
        .acr("A1", "S1", "Key Vault", "Pay-As-You-Go", "2023-01", "500")
        .acr("A1", "S1", "Key Vault", "Pay-As-You-Go", "2023-07", "500");
    // Counted in both the TTM (2023-07..2024-06) and the previous TTM (2022-07..2023-06).
    assert_eq!(
        area_metric(&d.area("security", "2024-06"), "net_customer_adds").value,
        n(0)
    );
    // At 2025-01 the TTM (2024-02..2025-01) is empty; the previous TTM holds 2023-07.
    assert_eq!(
        area_metric(&d.area("security", "2025-01"), "net_customer_adds").value,
        n(-1)
    );
    assert_eq!(
        area_metric(&d.area("security", "2025-06"), "net_customer_adds").value,
        n(-1)
    );
}

#[test]
fn security_usage_growth_is_dollars_and_users_per_point_added() {
    let d = Data::new()
        .assoc("A1", "PAL", "", OLD, "")
        .acr(
            "A1",
            "S1",
            "Azure Firewall",
            "Enterprise Agreement",
            "2023-06",
            "1000",
        )
        .acr(
            "A1",
            "S1",
            "Azure Firewall",
            "Enterprise Agreement",
            "2024-06",
            "3500",
        )
        .assoc("M1", "CPOR", "", OLD, "")
        .usage("M1", "Azure Active Directory Premium", "2023-06", 400, 100)
        .usage("M1", "Azure Active Directory Premium", "2024-06", 400, 350)
        // Active users without paid seats are not protected users.
        .usage("M1", "Intune", "2024-06", 0, 500);
    let a = d.area("security", "2024-06");
    let ug = area_metric(&a, "usage_growth");
    // $2,500 / 1,250 = 2 points + 250 users / 125 = 2 points.
    assert_eq!(ug.value, n(4));
    assert_eq!(ug.points, n(4));
}

#[test]
fn security_usage_growth_is_capped_at_its_maximum() {
    let d = Data::new().assoc("A1", "PAL", "", OLD, "").acr(
        "A1",
        "S1",
        "Sentinel",
        "Pay-As-You-Go",
        "2024-06",
        "100000",
    );
    let ug = area_metric(&d.area("security", "2024-06"), "usage_growth").clone();
    assert_eq!(ug.value, n(80));
    assert_eq!(ug.points, n(20));
}

#[test]
fn security_deployments_add_azure_and_microsoft_365_tenants() {
    let d = Data::new()
        .assoc("A1", "PAL", "", OLD, "")
        .acr("A1", "S1", "Sentinel", "Pay-As-You-Go", "2024-01", "12000")
        .assoc("A2", "PAL", "", OLD, "")
        .acr(
            "A2",
            "S2",
            "Sentinel",
            "Pay-As-You-Go",
            "2024-01",
            "11999.99",
        )
        .assoc("M1", "CPOR", "", OLD, "")
        .usage("M1", "Microsoft Defender for Office 365", "2024-06", 25, 4)
        .assoc("M2", "CPOR", "", OLD, "")
        .usage("M2", "Microsoft Defender for Office 365", "2024-06", 25, 3)
        .assoc("M3", "CPOR", "", OLD, "")
        .usage("M3", "Microsoft Defender for Office 365", "2024-06", 24, 24);
    let dep = area_metric(&d.area("security", "2024-06"), "deployments").clone();
    // A1 (>= $12,000 over the TTM) + M1 (25 seats, 16% active); M2 is 12%, M3 24 seats.
    assert_eq!(dep.value, n(2));
    assert_eq!(dep.points, Num::new(20, 3));
}

// ---- §3 Azure areas --------------------------------------------------------------

#[test]
fn azure_net_customer_adds_month_or_month_before() {
    let d = Data::new()
        .assoc("T1", "CSP_T1", "", OLD, "")
        .acr("T1", "S1", "Storage", "Pay-As-You-Go", "2024-06", "1000")
        .assoc("T2", "DPOR", "", OLD, "")
        .acr("T2", "S2", "Storage", "Pay-As-You-Go", "2024-05", "1000")
        .acr("T2", "S2", "Storage", "Pay-As-You-Go", "2024-06", "10")
        .assoc("T3", "PAL", "", OLD, "")
        .acr("T3", "S3", "Storage", "Pay-As-You-Go", "2024-05", "999")
        .acr("T3", "S3", "Storage", "Pay-As-You-Go", "2024-06", "999")
        // Excluded offer and a non-eligible association type.
        .assoc("T4", "PAL", "", OLD, "")
        .acr("T4", "S4", "Storage", "Trial", "2024-06", "5000")
        .assoc("T5", "CPOR", "", OLD, "")
        .acr("T5", "S5", "Storage", "Pay-As-You-Go", "2024-06", "5000")
        // Eligible a year ago.
        .assoc("T6", "PAL", "", OLD, "")
        .acr("T6", "S6", "Storage", "Pay-As-You-Go", "2023-05", "4000");
    for area in ["data_ai", "infrastructure", "digital_app_innovation"] {
        let nca = area_metric(&d.area(area, "2024-06"), "net_customer_adds").clone();
        assert_eq!(nca.value, n(2 - 1), "{area}");
        assert_eq!(nca.points, n(10), "{area}");
    }
}

#[test]
fn azure_usage_growth_is_a_percentage_with_a_baseline() {
    let grow = |before: &str, now: &str| {
        let d = Data::new()
            .assoc("T1", "PAL", "", OLD, "")
            .acr(
                "T1",
                "S1",
                "Azure SQL Database",
                "Pay-As-You-Go",
                "2023-06",
                before,
            )
            .acr(
                "T1",
                "S1",
                "Azure SQL Database",
                "Pay-As-You-Go",
                "2024-06",
                now,
            );
        area_metric(&d.area("data_ai", "2024-06"), "usage_growth").clone()
    };
    let g = grow("1000", "1200");
    assert_eq!((g.value, g.points), (n(20), n(20)));
    let g = grow("3000", "3100");
    assert_eq!(g.value, Num::new(10, 3), "(3100 - 3000) x 100 / 3000");
    assert_eq!(g.points, Num::new(10, 3));
    let g = grow("999.99", "5000");
    assert_eq!(g.points, n(0), "baseline under $1,000");
    assert!(g.notes[0].contains("under $1,000"), "{:?}", g.notes);
    let g = grow("2000", "1000");
    assert_eq!((g.value, g.points), (n(-50), n(0)));
}

#[test]
fn azure_deployments_count_distinct_services_over_the_ttm() {
    let d = Data::new()
        .assoc("T1", "PAL", "", OLD, "")
        .assoc("T2", "CSP_T2", "", OLD, "")
        .acr("T1", "S1", "Storage", "Pay-As-You-Go", "2024-01", "5")
        .acr("T2", "S2", "Storage", "Pay-As-You-Go", "2024-02", "5")
        .acr("T2", "S2", "storage", "Pay-As-You-Go", "2024-03", "5")
        .acr(
            "T1",
            "S1",
            "Azure SQL Database",
            "Pay-As-You-Go",
            "2023-07",
            "5",
        )
        .acr(
            "T2",
            "S2",
            "Azure Kubernetes Service",
            "Pay-As-You-Go",
            "2024-06",
            "5",
        )
        .acr(
            "T1",
            "S1",
            "Virtual Machines",
            "Pay-As-You-Go",
            "2024-06",
            "500",
        )
        .acr(
            "T1",
            "S1",
            "virtual machines licenses",
            "Pay-As-You-Go",
            "2024-06",
            "500",
        )
        .acr("T1", "S1", "Key Vault", "Pay-As-You-Go", "2023-06", "5")
        .acr("T2", "S2", "Cosmos DB", "Pay-As-You-Go", "2024-03", "5")
        .acr("T2", "S2", "Cosmos DB", "Pay-As-You-Go", "2024-04", "-5");
    let dep = area_metric(&d.area("infrastructure", "2024-06"), "deployments").clone();
    // Storage (whatever its case), Azure SQL Database, Azure Kubernetes Service.
    assert_eq!(dep.value, n(3));
    assert_eq!(dep.points, n(6));
}

#[test]
fn pal_on_one_subscription_credits_only_that_subscription() {
    let d = Data::new()
        .assoc_sub("P1", "T1", "PAL", "", "S1", OLD, "")
        .acr("T1", "S1", "Storage", "Pay-As-You-Go", "2024-06", "600")
        .acr("T1", "S2", "Storage", "Pay-As-You-Go", "2024-06", "600");
    assert_eq!(
        area_metric(&d.area("data_ai", "2024-06"), "net_customer_adds").value,
        n(0)
    );
    let d = d.assoc_sub("P1", "T1", "PAL", "", "S2", OLD, "");
    assert_eq!(
        area_metric(&d.area("data_ai", "2024-06"), "net_customer_adds").value,
        n(1)
    );
}

const ARCHITECT: &str = "Azure Solutions Architect Expert";
const ADMIN: &str = "Microsoft Certified: Azure Administrator Associate";
const AI_ENG: &str = "Azure AI Engineer Associate";

fn data_ai_intermediate(people: &[(&str, &[&str])]) -> (Num, Num) {
    let a = with_certs(people).area("data_ai", "2024-06");
    let m = area_metric(&a, "intermediate_certifications");
    (m.value, m.points)
}

#[test]
fn data_ai_steps_worked_examples() {
    // A,B step 1; C,D step 2; E,F,G step 3 -> 12 points.
    assert_eq!(
        data_ai_intermediate(&[
            ("A", &[ARCHITECT]),
            ("B", &[ARCHITECT]),
            ("C", &[ADMIN]),
            ("D", &[ADMIN]),
            ("E", &[AI_ENG]),
            ("F", &[AI_ENG]),
            ("G", &[AI_ENG]),
        ]),
        (n(3), n(12))
    );
    // A,B all steps -> 8.
    assert_eq!(
        data_ai_intermediate(&[
            ("A", &[ARCHITECT, ADMIN, AI_ENG]),
            ("B", &[ARCHITECT, ADMIN, AI_ENG])
        ]),
        (n(2), n(8))
    );
    // A,B steps 1 and 3 only -> 0.
    assert_eq!(
        data_ai_intermediate(&[("A", &[ARCHITECT, AI_ENG]), ("B", &[ARCHITECT, AI_ENG])]),
        (n(0), n(0))
    );
    // A step 1; B,C steps 2 and 3 -> 0.
    assert_eq!(
        data_ai_intermediate(&[
            ("A", &[ARCHITECT]),
            ("B", &[ADMIN, AI_ENG]),
            ("C", &[ADMIN, AI_ENG])
        ]),
        (n(0), n(0))
    );
}

#[test]
fn data_ai_has_four_metrics_and_the_others_five() {
    let d = Data::new();
    assert_eq!(d.area("data_ai", "2024-06").metrics.len(), 4);
    assert_eq!(d.area("infrastructure", "2024-06").metrics.len(), 5);
    assert_eq!(d.area("digital_app_innovation", "2024-06").metrics.len(), 5);
    assert_eq!(d.area("security", "2024-06").metrics.len(), 4);
}

#[test]
fn retired_azure_specialties_count_through_2024_07_31() {
    let d = with_certs(&[
        ("A", &[ARCHITECT]),
        ("B", &[ARCHITECT]),
        ("C", &["Azure IoT Developer Specialty"]),
        ("D", &["Azure Stack Hub Operator Associate"]),
        ("E", &[ADMIN]),
        ("F", &[ADMIN]),
    ]);
    let adv = |month: &str| {
        area_metric(
            &d.area("digital_app_innovation", month),
            "advanced_certifications",
        )
        .value
    };
    let infra = |month: &str| {
        area_metric(
            &d.area("infrastructure", month),
            "intermediate_certifications",
        )
        .value
    };
    assert_eq!((adv("2024-07"), infra("2024-07")), (n(1), n(1)));
    assert_eq!((adv("2024-08"), infra("2024-08")), (n(0), n(0)));
}

// ---- §4 Business Applications -----------------------------------------------------------

/// A partner with `pairs_now` pairs over $5,000 at m and `pairs_before` at m-12.
fn revenue_pairs(pairs_now: usize, pairs_before: usize) -> Data {
    let mut d = Data::new();
    let workloads = [
        "Dynamics 365 Sales",
        "Customer Service",
        "Field Service",
        "Finance",
        "Business Central",
        "Power Apps",
    ];
    for (i, w) in workloads.iter().enumerate() {
        let t = format!("B{i}");
        d = d.assoc(&t, "CSP_T1", "", OLD, "");
        d = d.biz(
            &t,
            w,
            "2024-06",
            if i < pairs_now { "5000.01" } else { "5000" },
            "1",
        );
        d = d.biz(
            &t,
            w,
            "2023-06",
            if i < pairs_before { "9000" } else { "100" },
            "1",
        );
    }
    d
}

#[test]
fn business_applications_classification() {
    let a = revenue_pairs(5, 5).area("business_applications", "2024-06");
    assert_eq!(
        a.track.as_deref(),
        Some("enterprise"),
        "{:?}",
        a.track_reason
    );
    assert_eq!(a.tracks.len(), 1, "no best-of: only the classified track");
    let a = revenue_pairs(6, 4).area("business_applications", "2024-06");
    assert_eq!(a.track.as_deref(), Some("smb"));
    let why = a.track_reason.unwrap();
    assert!(
        why.starts_with("6 (tenant, workload) pairs with revenue over $5,000")
            && why.ends_with("the Enterprise track needs 5 in both"),
        "{why}"
    );
    // Exactly $5,000 is not over $5,000.
    assert_eq!(
        revenue_pairs(4, 6)
            .area("business_applications", "2024-06")
            .track
            .as_deref(),
        Some("smb")
    );
}

#[test]
fn business_applications_net_customer_adds_count_pairs() {
    let d = Data::new()
        .assoc("B1", "CPOR", "", OLD, "")
        .biz("B1", "Dynamics 365 Sales", "2024-06", "250", "1")
        .biz("B1", "Power BI", "2024-06", "300", "1")
        .biz("B1", "Business Central", "2024-06", "249.99", "1")
        .assoc("B2", "DPOR", "", OLD, "")
        .biz("B2", "Finance", "2024-06", "1000", "1")
        .biz("B2", "Finance", "2023-06", "1000", "1")
        .assoc("B3", "PAL", "", OLD, "")
        .biz("B3", "Finance", "2024-06", "1000", "1");
    let a = d.area("business_applications", "2024-06");
    assert_eq!(a.track.as_deref(), Some("smb"));
    let nca = area_metric(&a, "net_customer_adds");
    // Sales, Power BI, Finance (B2) at m; Finance (B2) at m-12; PAL is not performance.
    assert_eq!(nca.value, n(3 - 1));
    assert_eq!(nca.points, n(6));
}

#[test]
fn mcv_is_units_times_the_rate_card() {
    // 10 Business Central MAU + 50,000 Customer Insights profiles = 10,000 + 10,000.
    let d = Data::new()
        .assoc("B1", "CSP_T2", "", OLD, "")
        .biz("B1", "Business Central", "2023-06", "", "10")
        .biz("B1", "Customer Insights", "2023-06", "", "50000")
        .biz("B1", "Business Central", "2024-06", "", "10")
        .biz("B1", "Customer Insights", "2024-06", "", "50000");
    let a = d.area("business_applications", "2024-06");
    let ug = area_metric(&a, "usage_growth");
    assert_eq!(ug.points, n(0));
    assert!(
        ug.notes[0].contains("baseline MCV at 2023-06 is 20000, under 25000"),
        "{:?}",
        ug.notes
    );
    let dep = area_metric(&a, "deployments");
    assert_eq!(
        dep.value,
        n(0),
        "both pairs at >= 5,000 MCV at m and at m-12"
    );
}

#[test]
fn business_applications_usage_growth_percent_over_the_baseline() {
    let d = Data::new()
        .assoc("B1", "CSP_T1", "", OLD, "")
        .biz("B1", "Business Central", "2023-06", "", "25")
        .biz("B1", "Business Central", "2024-06", "", "30");
    let ug = area_metric(&d.area("business_applications", "2024-06"), "usage_growth").clone();
    assert_eq!((ug.value, ug.points), (n(20), n(20)));
}

#[test]
fn customer_success_associations_depend_on_the_workload() {
    let d = Data::new()
        // Power Apps through DPOR does not count; through PAL it does.
        .assoc("B1", "DPOR", "", OLD, "")
        .biz("B1", "Power Apps", "2024-06", "", "100")
        .assoc("B2", "PAL", "", OLD, "")
        .biz("B2", "Power Apps", "2024-06", "", "100")
        // Sales through PAL does not count; through CPOR it does.
        .assoc("B3", "PAL", "", OLD, "")
        .biz("B3", "Dynamics 365 Sales", "2024-06", "", "100")
        .assoc("B4", "CPOR", "Sales", OLD, "")
        .biz("B4", "Dynamics 365 Sales", "2024-06", "", "100")
        // Customer Insights through PAL counts; 25,000 profiles x 0.2 = 5,000 MCV.
        .assoc("B5", "PAL", "", OLD, "")
        .biz("B5", "Customer Insights", "2024-06", "", "25000");
    let dep = area_metric(&d.area("business_applications", "2024-06"), "deployments").clone();
    assert_eq!(dep.value, n(3));
    assert_eq!(dep.points, n(12));
}

#[test]
fn business_applications_certifications_end_on_their_dates() {
    let d = with_certs(&[
        ("A", &["Power Platform App Maker Associate"]),
        (
            "B",
            &["Dynamics 365 + Power Platform Solution Architect Expert"],
        ),
    ]);
    let at = |month: &str| {
        let a = d.area("business_applications", month);
        (
            area_metric(&a, "intermediate_certifications").value,
            area_metric(&a, "advanced_certifications").value,
        )
    };
    assert_eq!(at("2023-06"), (n(1), n(1)));
    assert_eq!(
        at("2023-07"),
        (n(1), n(0)),
        "architect expert ends 2023-06-30"
    );
    assert_eq!(at("2023-11"), (n(1), n(0)));
    assert_eq!(at("2023-12"), (n(0), n(0)), "app maker ends 2023-11-30");
}

#[test]
fn enterprise_certification_targets_apply_on_the_enterprise_track() {
    let mut d = revenue_pairs(5, 5);
    for p in ["a", "b"] {
        d = d.cert(
            p,
            "Power Platform Solution Architect Expert",
            "2023-01-01",
            "",
        );
    }
    let a = d.area("business_applications", "2024-06");
    assert_eq!(a.track.as_deref(), Some("enterprise"));
    // 2 of 7 people x 15.
    assert_eq!(
        area_metric(&a, "advanced_certifications").points,
        Num::new(30, 7)
    );
    assert!((pts(area_metric(&a, "advanced_certifications")) - 4.2857).abs() < 1e-3);
}

// ---- Badges ------------------------------------------------------------------------

#[test]
fn a_badge_needs_every_listed_area_qualified() {
    // A catalog whose badge needs only Modern Work, to exercise the rule with a small
    // dataset; the real badge needs all six.
    let files: Vec<(String, String)> = EMBEDDED_FILES
        .iter()
        .map(|(name, t)| {
            let t = if *name == "catalog.toml" {
                t.replace(
                    "requires_areas = [\"modern_work\", \"security\", \"data_ai\", \"infrastructure\", \"digital_app_innovation\", \"business_applications\"]",
                    "requires_areas = [\"modern_work\"]",
                )
            } else {
                t.to_string()
            };
            (name.to_string(), t)
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let only_mw = Catalog::from_files(&borrowed, "test").unwrap();
    let mut d = Data::new()
        .cert("a", "Teams Administrator Associate", "2023-01-01", "")
        .cert("b", "Messaging Administrator Associate", "2023-01-01", "")
        .cert("c", "Administrator Expert", "2023-01-01", "");
    for i in 0..10 {
        let t = format!("S{i}");
        d = d.assoc(&t, "CPOR", "", "2023-08-01", "");
        for w in ["Exchange", "Teams"] {
            d = d
                .usage(&t, w, "2023-08", 100, 0)
                .usage(&t, w, "2024-06", 100, 80);
        }
    }
    let s = d.score_areas(&only_mw, "2024-06", &["modern_work"]);
    assert_eq!(s.partners[0].badges, vec!["microsoft_cloud".to_string()]);
    let real = Catalog::embedded().unwrap();
    let s = d.score_areas(
        &real,
        "2024-06",
        &[
            "modern_work",
            "security",
            "data_ai",
            "infrastructure",
            "digital_app_innovation",
            "business_applications",
        ],
    );
    assert!(
        s.partners[0].badges.is_empty(),
        "qualifies in Modern Work only"
    );
}
