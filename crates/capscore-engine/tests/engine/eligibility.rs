//! Customer and skilling eligibility, regrouped from the explanation.

use crate::common::{Data, m};
use capscore_catalog::Catalog;
use capscore_engine::explain::{Reason, customers, skilling};
use capscore_engine::{ExplainRequest, explain};

fn run(d: &Data, area: &str) -> capscore_engine::explain::Explanation {
    let catalog = Catalog::embedded().unwrap();
    let data = d.load_with(&catalog);
    explain(
        &data,
        &catalog,
        &ExplainRequest {
            month: m("2024-06"),
            partners: None,
            areas: Some(vec![area.into()]),
            tracks: None,
            metrics: None,
            exclusions: capscore_engine::explain::Exclusions::All,
        },
    )
    .unwrap()
}

#[test]
fn a_tenant_lookup_says_why_a_customer_does_not_count() {
    // TX, a tenant no partner has, makes m365_usage cover m-12..m (a month the data
    // does not cover is refused).
    let d = Data::new()
        .usage_flat("TX", "Teams", "2023-06", "2024-06", 1, 0)
        .assoc("T1", "CPOR", "", "2020-01-01", "")
        .usage("T1", "Teams", "2024-06", 5, 5)
        .assoc("T2", "CPOR", "", "2020-01-01", "")
        .usage("T2", "Teams", "2024-06", 50, 40);
    let e = run(&d, "modern_work");
    let v = customers(&e, Some("T1"));
    assert_eq!(v[0].tenants.len(), 1);
    let t1 = &v[0].tenants[0];
    assert_eq!(t1.tenant, "T1");
    let smb_growth = t1
        .lines
        .iter()
        .find(|l| l.track.as_deref() == Some("smb") && l.metric == "usage_growth")
        .unwrap();
    assert!(!smb_growth.counts);
    assert!(smb_growth.reasons.contains(&Reason::OutsideBand));
    // T2 counts in the same metric, with its MAU.
    let v = customers(&e, Some("T2"));
    let l = v[0].tenants[0]
        .lines
        .iter()
        .find(|l| {
            l.track.as_deref() == Some("smb")
                && l.metric == "usage_growth"
                && l.option.as_deref() == Some("CPOR")
        })
        .unwrap();
    assert!(l.counts);
    assert_eq!(l.amount_exact, capscore_core::Num::from_integer(40));
}

#[test]
fn skilling_flags_certifications_expiring_within_the_catalog_period() {
    // 2024-06-30 + 90 days = 2024-09-28.
    let d = Data::new()
        .cert(
            "p1",
            "Teams Administrator Associate",
            "2023-01-01",
            "2024-09-28",
        )
        .cert(
            "p2",
            "Teams Administrator Associate",
            "2023-01-01",
            "2024-09-29",
        )
        .cert(
            "p3",
            "Teams Administrator Associate",
            "2022-01-01",
            "2024-05-31",
        );
    let e = run(&d, "modern_work");
    let v = skilling(&e, &Catalog::embedded().unwrap());
    assert_eq!(
        v[0].expiry_warning_days,
        capscore_core::Num::from_integer(90)
    );
    let person = |id: &str| v[0].people.iter().find(|p| p.person == id).unwrap();
    assert!(person("p1").certifications[0].expiring_soon);
    assert!(!person("p2").certifications[0].expiring_soon);
    assert!(!person("p3").certifications[0].expiring_soon);
    let line = person("p3")
        .lines
        .iter()
        .find(|l| l.metric == "intermediate_certifications")
        .unwrap();
    assert_eq!(line.reason, Some(Reason::CertificationExpired));
    assert!(
        person("p1")
            .lines
            .iter()
            .any(|l| l.metric == "intermediate_certifications" && l.counts)
    );
}
