//! Security, the Azure areas and Business Applications: what is about code rather than a
//! rule case (the shape of each area, the classification's reason). The rules, worked examples and effective dates of docs/rules.md §2–§4 are
//! cases in cases/<area>/ (docs/cases.md). Evaluation month 2024-06.

use crate::common::Data;

const OLD: &str = "2022-01-01";

#[test]
fn data_ai_has_four_metrics_and_the_others_five() {
    let d = Data::new();
    assert_eq!(d.area("data_ai", "2024-06").metrics.len(), 4);
    assert_eq!(d.area("infrastructure", "2024-06").metrics.len(), 5);
    assert_eq!(d.area("digital_app_innovation", "2024-06").metrics.len(), 5);
    assert_eq!(d.area("security", "2024-06").metrics.len(), 4);
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
