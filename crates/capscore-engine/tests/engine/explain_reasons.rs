//! Every exclusion reason of an explanation, each from a dataset built through the
//! real loader and catalog, with the details it must carry.

use crate::common::{Data, m};
use capscore_catalog::Catalog;
use capscore_core::Num;
use capscore_engine::explain::{Entry, Explanation, OptionExplanation, Reason};
use capscore_engine::{ExplainRequest, explain};

fn explained(d: &Data, area: &str) -> Explanation {
    let catalog = Catalog::embedded().unwrap();
    let data = d.load_with(&catalog);
    explain(
        &data,
        &catalog,
        &ExplainRequest {
            month: m("2024-06"),
            partners: None,
            areas: Some(vec![area.to_string()]),
            tracks: None,
            metrics: None,
            exclusions: capscore_engine::explain::Exclusions::All,
        },
    )
    .unwrap()
}

/// One option of a metric of P1 (`track` None for areas without tracks).
fn option<'a>(
    e: &'a Explanation,
    track: Option<&str>,
    metric: &str,
    option: Option<&str>,
) -> &'a OptionExplanation {
    let p = e.partners.iter().find(|p| p.partner_id == "P1").unwrap();
    let t = p.areas[0]
        .tracks
        .iter()
        .find(|t| t.track.as_deref() == track)
        .unwrap();
    let mm = t.metrics.iter().find(|x| x.metric == metric).unwrap();
    mm.options
        .iter()
        .find(|o| o.option.as_deref() == option)
        .unwrap()
}

fn with(o: &OptionExplanation, reason: Reason) -> Vec<&Entry> {
    let v: Vec<&Entry> = o
        .excluded
        .iter()
        .filter(|e| e.reason == Some(reason))
        .collect();
    assert!(!v.is_empty(), "no {reason:?} in {:#?}", o.excluded);
    v
}

fn n(v: i128) -> Num {
    Num::from_integer(v)
}

#[test]
fn outside_the_band_with_the_seats() {
    let d = Data::new()
        .assoc("T1", "CPOR", "", "2020-01-01", "")
        .usage("T1", "Teams", "2024-06", 5, 5);
    let e = explained(&d, "modern_work");
    let x = with(
        option(&e, Some("smb"), "usage_growth", Some("CPOR")),
        Reason::OutsideBand,
    );
    assert_eq!(x[0].amounts["seats"], n(5));
    assert_eq!(x[0].rule.id, "modern_work.track.smb.band");
    assert_eq!(x[0].tenant.as_deref(), Some("T1"));
}

#[test]
fn association_not_in_force_with_its_dates() {
    let d = Data::new()
        .assoc("T1", "CPOR", "", "2020-01-01", "2022-12-31")
        .usage("T1", "Teams", "2024-06", 50, 40);
    let e = explained(&d, "modern_work");
    let o = option(&e, Some("smb"), "usage_growth", Some("CPOR"));
    let x = with(o, Reason::AssociationNotInForce);
    let a = x[0].sources[0].association.as_ref().unwrap();
    assert_eq!(
        (a.start.as_str(), a.end.as_deref()),
        ("2020-01-01", Some("2022-12-31"))
    );
    // And the usage it no longer attributes.
    assert_eq!(with(o, Reason::NotAttributed)[0].amounts["mau"], n(40));
}

#[test]
fn association_type_not_eligible_for_the_option() {
    let d = Data::new()
        .assoc("T1", "DPOR", "", "2020-01-01", "")
        .usage("T1", "Teams", "2024-06", 50, 40);
    let e = explained(&d, "modern_work");
    let x = with(
        option(&e, Some("smb"), "usage_growth", Some("CPOR")),
        Reason::AssociationTypeNotEligible,
    );
    assert_eq!(x[0].sources[0].association.as_ref().unwrap().kind, "DPOR");
    assert_eq!(x[0].rule.id, "modern_work.usage_growth.associations");
}

#[test]
fn claim_and_usage_on_a_workload_outside_the_area() {
    let d = Data::new()
        .assoc("T1", "CPOR", "Power Apps", "2020-01-01", "")
        .assoc("T1", "CPOR", "Teams", "2020-01-01", "")
        .usage("T1", "MDE", "2024-06", 50, 40);
    let e = explained(&d, "modern_work");
    let x = with(
        option(&e, Some("smb"), "usage_growth", Some("CPOR")),
        Reason::WorkloadOutsideArea,
    );
    assert!(
        x.iter()
            .any(|e| e.workload.as_deref() == Some("power_apps"))
    );
    assert!(
        x.iter()
            .any(|e| e.workload.as_deref() == Some("defender_for_endpoint"))
    );
}

#[test]
fn workload_association_does_not_attribute_azure() {
    let d = Data::new()
        .assoc("T1", "PAL", "Teams", "2020-01-01", "")
        .acr("T1", "S1", "Storage", "Pay-As-You-Go", "2024-06", "5000");
    let e = explained(&d, "data_ai");
    let o = option(&e, None, "net_customer_adds", None);
    with(o, Reason::AssociationScopeNotAzure);
    assert_eq!(
        with(o, Reason::NotAttributed)[0].amounts["acr_at_m"],
        n(5000)
    );
}

#[test]
fn excluded_offer_and_excluded_service() {
    let d = Data::new()
        .assoc("T1", "PAL", "", "2020-01-01", "")
        .acr("T1", "S1", "Storage", "Trial", "2024-06", "700")
        .acr(
            "T1",
            "S1",
            "Virtual Machines",
            "Pay-As-You-Go",
            "2024-06",
            "900",
        );
    let e = explained(&d, "data_ai");
    let o = option(&e, None, "deployments", None);
    let offer = with(o, Reason::OfferExcluded);
    assert_eq!(offer[0].offer.as_deref(), Some("Trial"));
    assert_eq!(offer[0].rule.id, "data_ai.excluded_offers");
    let svc = with(o, Reason::ServiceExcluded);
    assert_eq!(svc[0].rule.id, "data_ai.deployments.excluded_services");
    assert_eq!(svc[0].amounts["ttm_acr_usd"], n(900));
    // Security counts only its listed services.
    let e = explained(&d, "security");
    let o = option(&e, None, "usage_growth", None);
    assert_eq!(
        with(o, Reason::ServiceExcluded)[0].rule.id,
        "security.eligible_services"
    );
}

#[test]
fn below_a_threshold_with_the_amount_and_the_threshold() {
    let d = Data::new().assoc("T1", "PAL", "", "2020-01-01", "").acr(
        "T1",
        "S1",
        "Storage",
        "Pay-As-You-Go",
        "2024-06",
        "400.50",
    );
    let e = explained(&d, "data_ai");
    let x = with(
        option(&e, None, "net_customer_adds", None),
        Reason::BelowThreshold,
    );
    assert_eq!(x[0].amounts["acr_at_m"], Num::new(801, 2));
    assert_eq!(x[0].amounts["threshold"], n(1000));
    assert_eq!(
        x[0].rule.id,
        "data_ai.net_customer_adds.min_monthly_acr_usd"
    );
}

#[test]
fn already_deployed_at_the_claim_month() {
    let d = Data::new()
        .assoc("T1", "CPOR", "", "2024-01-10", "")
        .usage("T1", "Teams", "2024-01", 50, 40)
        .usage("T1", "Teams", "2024-06", 50, 45);
    let e = explained(&d, "modern_work");
    let o = option(&e, Some("smb"), "deployments", Some("CPOR"));
    let x = with(o, Reason::DeployedBeforeClaim);
    assert_eq!(x[0].months["claim"], "2024-01");
    assert!(x[0].flags["deployed_at_claim"]);
    assert_eq!(o.value_exact, n(0));
}

#[test]
fn certifications_expired_not_yet_earned_not_listed_unknown_and_counted_once() {
    let d = Data::new()
        .cert(
            "p1",
            "Teams Administrator Associate",
            "2022-01-01",
            "2024-05-31",
        )
        .cert("p2", "Teams Administrator Associate", "2024-07-01", "")
        .cert("p3", "Azure Administrator Associate", "2022-01-01", "")
        .cert("p4", "Some Certification Nobody Knows", "2022-01-01", "")
        .cert("p5", "Teams Administrator Associate", "2022-01-01", "")
        .cert("p5", "Microsoft 365 Fundamentals", "2022-02-01", "");
    let e = explained(&d, "modern_work");
    let o = option(&e, Some("smb"), "intermediate_certifications", None);
    let expired = with(o, Reason::CertificationExpired);
    assert_eq!(expired[0].person.as_deref(), Some("p1"));
    assert_eq!(expired[0].details["expires"], "2024-05-31");
    assert_eq!(
        with(o, Reason::CertificationNotYetEarned)[0]
            .person
            .as_deref(),
        Some("p2")
    );
    let listed = with(o, Reason::CertificationNotEligible);
    assert_eq!(
        listed[0].certification.as_ref().unwrap().id,
        "azure_administrator_associate"
    );
    assert_eq!(
        listed[0].rule.id,
        "modern_work.intermediate_certifications.certifications"
    );
    assert_eq!(
        with(o, Reason::CertificationUnknown)[0].person.as_deref(),
        Some("p4")
    );
    assert_eq!(
        with(o, Reason::PersonAlreadyCounted)[0].person.as_deref(),
        Some("p5")
    );
    assert_eq!(o.value_exact, n(1));
}

#[test]
fn prerequisite_step_unmet_takes_the_scoring_people_back() {
    let d = Data::new()
        .cert("p1", "Azure Data Engineer Associate", "2022-01-01", "")
        .cert("p2", "Azure AI Engineer Associate", "2022-01-01", "")
        .cert("p3", "Azure Solutions Architect Expert", "2022-01-01", "");
    let e = explained(&d, "data_ai");
    let o = option(&e, None, "intermediate_certifications", None);
    let unmet = with(o, Reason::PrerequisiteStepUnmet);
    assert_eq!(
        unmet[0].rule.id,
        "data_ai.intermediate_certifications.steps.1"
    );
    assert_eq!(unmet[0].amounts["people"], n(1));
    assert_eq!(unmet[0].amounts["min_people"], n(2));
    // Two scoring people (+1 each), taken back by the rule as a whole.
    let rule = o
        .contributions
        .iter()
        .find(|c| c.rule.id == "data_ai.intermediate_certifications")
        .unwrap();
    assert_eq!(rule.amount_exact, Some(n(-2)));
    assert_eq!(o.contributions_total_exact, n(0));
}

#[test]
fn an_association_that_attributes_nothing() {
    let d = Data::new().assoc("T1", "CPOR", "", "2020-01-01", "");
    let e = explained(&d, "modern_work");
    let x = with(
        option(&e, Some("smb"), "usage_growth", Some("CPOR")),
        Reason::NothingAttributed,
    );
    assert_eq!(x[0].sources[0].table, "associations");
}

#[test]
fn a_baseline_under_its_minimum_is_a_contribution_naming_the_rule() {
    let d = Data::new()
        .assoc("T1", "PAL", "", "2020-01-01", "")
        .acr("T1", "S1", "Storage", "Pay-As-You-Go", "2023-06", "500")
        .acr("T1", "S1", "Storage", "Pay-As-You-Go", "2024-06", "2000");
    let e = explained(&d, "data_ai");
    let o = option(&e, None, "usage_growth", None);
    // 300% growth, taken back by the baseline rule: the value is 0.
    let rows: Num = o
        .contributions
        .iter()
        .filter(|c| c.rule.id == "data_ai.usage_growth")
        .map(|c| c.amount_exact.unwrap())
        .sum();
    assert_eq!(rows, n(300));
    let rule = o
        .contributions
        .iter()
        .find(|c| c.rule.id == "data_ai.usage_growth.min_baseline_acr_usd")
        .unwrap();
    assert_eq!(rule.amount_exact, Some(n(-300)));
    assert_eq!(o.value_exact, n(0));
}

#[test]
fn reason_ids_are_the_json_ids() {
    let all = [
        Reason::OutsideBand,
        Reason::AssociationNotInForce,
        Reason::AssociationTypeNotEligible,
        Reason::WorkloadOutsideArea,
        Reason::AssociationScopeNotAzure,
        Reason::NotAttributed,
        Reason::OfferExcluded,
        Reason::ServiceExcluded,
        Reason::BelowThreshold,
        Reason::DeployedBeforeClaim,
        Reason::CertificationExpired,
        Reason::CertificationNotYetEarned,
        Reason::CertificationNotEligible,
        Reason::CertificationUnknown,
        Reason::PersonAlreadyCounted,
        Reason::PrerequisiteStepUnmet,
        Reason::NothingAttributed,
    ];
    for r in all {
        assert_eq!(serde_json::to_value(r).unwrap(), r.id());
        assert!(!r.describe().is_empty());
    }
}
