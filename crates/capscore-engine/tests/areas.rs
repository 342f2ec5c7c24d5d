//! Security, the Azure areas and Business Applications: what is about code rather than a
//! rule case (the shape of each area, the classification's reason, badges over a changed
//! catalog). The rules, worked examples and effective dates of docs/rules.md §2–§4 are
//! cases in cases/<area>/ (docs/cases.md). Evaluation month 2024-06.

mod common;

use capscore_catalog::{Catalog, EMBEDDED_FILES};
use common::Data;

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
