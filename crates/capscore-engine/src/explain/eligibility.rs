//! Customer and skilling eligibility: the explanation regrouped by tenant and by
//! person. Nothing is recomputed; every line comes from the explanation's entries.

use std::collections::BTreeMap;

use capscore_catalog::{Catalog, ParameterValue};
use capscore_core::{Month, Num, TimeDelta};
use serde::Serialize;

use super::tree::{Entry, Explanation, Reason};
use crate::result::fraction;

/// The catalog parameter giving how many days ahead of the month's end an expiring
/// certification is flagged.
pub const EXPIRY_WARNING_PARAMETER: &str = "certification_expiry_warning_days";

/// Per partner: each tenant, and for each area, track, metric and option whether it
/// counts and why not.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerEligibility {
    /// `partner_id`.
    pub partner_id: String,
    /// Partner name.
    pub name: Option<String>,
    /// Evaluation month.
    pub month: Month,
    /// Tenants, in id order.
    pub tenants: Vec<TenantEligibility>,
}

/// One tenant of a partner.
#[derive(Debug, Clone, Serialize)]
pub struct TenantEligibility {
    /// Tenant id.
    pub tenant: String,
    /// Tenant name, where the data gives one.
    pub tenant_name: Option<String>,
    /// One line per area, track, metric and option that saw the tenant.
    pub lines: Vec<CustomerLine>,
}

/// Whether a tenant counts in one option of one metric.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerLine {
    /// Area id.
    pub area: String,
    /// Track id.
    pub track: Option<String>,
    /// Metric id.
    pub metric: String,
    /// Option name.
    pub option: Option<String>,
    /// Whether the option is the metric's winning one.
    pub chosen: bool,
    /// Whether some of the tenant's data counts.
    pub counts: bool,
    /// What the tenant adds to the value.
    #[serde(serialize_with = "fraction")]
    pub amount_exact: Num,
    /// Why the rest of its data does not count (distinct reasons).
    pub reasons: Vec<Reason>,
    /// The entries, summarised.
    pub details: Vec<String>,
}

/// Groups an explanation by tenant; `tenant` keeps one tenant id only.
#[must_use]
pub fn customers(expl: &Explanation, tenant: Option<&str>) -> Vec<CustomerEligibility> {
    expl.partners
        .iter()
        .map(|p| {
            let mut by: BTreeMap<String, TenantEligibility> = BTreeMap::new();
            for a in &p.areas {
                for t in &a.tracks {
                    for m in &t.metrics {
                        for o in &m.options {
                            let mut lines: BTreeMap<&str, CustomerLine> = BTreeMap::new();
                            let all = o.contributions.iter().chain(&o.excluded);
                            for e in all {
                                let Some(id) = e.tenant.as_deref() else {
                                    continue;
                                };
                                if tenant.is_some_and(|x| x != id) {
                                    continue;
                                }
                                by.entry(id.to_string())
                                    .or_insert_with(|| TenantEligibility {
                                        tenant: id.to_string(),
                                        tenant_name: e.tenant_name.clone(),
                                        lines: Vec::new(),
                                    });
                                let line = lines.entry(id).or_insert_with(|| CustomerLine {
                                    area: a.area.clone(),
                                    track: t.track.clone(),
                                    metric: m.metric.clone(),
                                    option: o.option.clone(),
                                    chosen: o.chosen,
                                    counts: false,
                                    amount_exact: Num::from_integer(0),
                                    reasons: Vec::new(),
                                    details: Vec::new(),
                                });
                                match (e.reason, e.amount_exact) {
                                    (Some(r), _) => {
                                        if !line.reasons.contains(&r) {
                                            line.reasons.push(r);
                                        }
                                        line.details.push(format!(
                                            "{}: {}",
                                            r.describe(),
                                            e.summary()
                                        ));
                                    }
                                    (None, Some(v)) => {
                                        line.counts = true;
                                        line.amount_exact += v;
                                        line.details.push(format!("{}{}", about(e), e.summary()));
                                    }
                                    (None, None) => {}
                                }
                            }
                            for (id, line) in lines {
                                if let Some(t) = by.get_mut(id) {
                                    t.lines.push(line);
                                }
                            }
                        }
                    }
                }
            }
            CustomerEligibility {
                partner_id: p.partner_id.clone(),
                name: p.name.clone(),
                month: expl.month,
                tenants: by.into_values().collect(),
            }
        })
        .collect()
}

/// Per partner: each person, their certifications, and for each certification
/// metric whether each certification counts on the date.
#[derive(Debug, Clone, Serialize)]
pub struct SkillingEligibility {
    /// `partner_id`.
    pub partner_id: String,
    /// Partner name.
    pub name: Option<String>,
    /// Evaluation month.
    pub month: Month,
    /// Certifications expiring within this many days after the month's end are
    /// flagged (the catalog parameter `certification_expiry_warning_days`).
    #[serde(serialize_with = "fraction")]
    pub expiry_warning_days: Num,
    /// People, in id order.
    pub people: Vec<PersonSkilling>,
}

/// One person.
#[derive(Debug, Clone, Serialize)]
pub struct PersonSkilling {
    /// Person id.
    pub person: String,
    /// Their certification rows.
    pub certifications: Vec<PersonCert>,
    /// Per area, track, metric and certification: counts or why not.
    pub lines: Vec<CertStatus>,
}

/// A certification a person holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonCert {
    /// Catalog id (empty for a title the catalog does not know).
    pub certification: String,
    /// Title on the date (or as written, when unknown).
    pub name: String,
    /// Earned on.
    pub earned: String,
    /// Expires on.
    pub expires: Option<String>,
    /// Expires within the warning period after the month's end.
    pub expiring_soon: bool,
}

/// Whether one certification of a person counts in one metric.
#[derive(Debug, Clone, Serialize)]
pub struct CertStatus {
    /// Area id.
    pub area: String,
    /// Track id.
    pub track: Option<String>,
    /// Metric id.
    pub metric: String,
    /// Certification id (empty when unknown).
    pub certification: String,
    /// Whether the person counts through it.
    pub counts: bool,
    /// What the person adds (0 in a prerequisite step).
    #[serde(serialize_with = "fraction")]
    pub amount_exact: Num,
    /// The rule (`data_ai.intermediate_certifications.steps.1`).
    pub rule: String,
    /// Why not.
    pub reason: Option<Reason>,
}

/// The warning period in force on the month's last day (0 when the catalog has none).
fn warning_days(catalog: &Catalog, m: Month) -> Num {
    catalog
        .parameters
        .get(EXPIRY_WARNING_PARAMETER)
        .and_then(|p| p.values.iter().find(|v| v.in_force(m.last_day())))
        .and_then(|v| match &v.value {
            ParameterValue::Number(n) => Some(*n),
            ParameterValue::Choice(_) => None,
        })
        .unwrap_or_else(|| Num::from_integer(0))
}

/// Groups an explanation's certification entries by person.
#[must_use]
pub fn skilling(expl: &Explanation, catalog: &Catalog) -> Vec<SkillingEligibility> {
    let days = warning_days(catalog, expl.month);
    let end = expl.month.last_day();
    let horizon = i64::try_from(days.floor().to_integer()).unwrap_or(0);
    let limit = end + TimeDelta::days(horizon);
    expl.partners
        .iter()
        .map(|p| {
            let mut by: BTreeMap<String, PersonSkilling> = BTreeMap::new();
            for a in &p.areas {
                for t in &a.tracks {
                    for m in &t.metrics {
                        for o in &m.options {
                            for e in o.contributions.iter().chain(&o.excluded) {
                                let Some(person) = e.person.as_deref() else {
                                    continue;
                                };
                                let who = by.entry(person.to_string()).or_insert_with(|| {
                                    PersonSkilling {
                                        person: person.to_string(),
                                        certifications: Vec::new(),
                                        lines: Vec::new(),
                                    }
                                });
                                let cert = person_cert(e, end, limit);
                                if !who.certifications.contains(&cert) {
                                    who.certifications.push(cert.clone());
                                }
                                who.lines.push(CertStatus {
                                    area: a.area.clone(),
                                    track: t.track.clone(),
                                    metric: m.metric.clone(),
                                    certification: cert.certification,
                                    counts: e.reason.is_none(),
                                    amount_exact: e
                                        .amount_exact
                                        .unwrap_or_else(|| Num::from_integer(0)),
                                    rule: e.rule.id.clone(),
                                    reason: e.reason,
                                });
                            }
                        }
                    }
                }
            }
            SkillingEligibility {
                partner_id: p.partner_id.clone(),
                name: p.name.clone(),
                month: expl.month,
                expiry_warning_days: days,
                people: by.into_values().collect(),
            }
        })
        .collect()
}

/// The workload, subscription, service or offer an entry is about, for details.
fn about(e: &Entry) -> String {
    let parts: Vec<String> = [
        e.workload.clone(),
        e.subscription.as_ref().map(|s| format!("subscription {s}")),
        e.service.clone(),
        e.offer.as_ref().map(|o| format!("offer {o}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}: ", parts.join(", "))
    }
}

fn person_cert(
    e: &Entry,
    end: capscore_core::NaiveDate,
    limit: capscore_core::NaiveDate,
) -> PersonCert {
    let expires = e.details.get("expires").filter(|s| !s.is_empty()).cloned();
    let expiring_soon = expires
        .as_deref()
        .and_then(|s| capscore_core::parse_date(s).ok())
        .is_some_and(|d| d >= end && d <= limit);
    PersonCert {
        certification: e
            .certification
            .as_ref()
            .map_or_else(String::new, |c| c.id.clone()),
        name: e.certification.as_ref().map_or_else(
            || e.details.get("title").cloned().unwrap_or_default(),
            |c| c.name_on_date.clone(),
        ),
        earned: e.details.get("earned").cloned().unwrap_or_default(),
        expires,
        expiring_soon,
    }
}

impl Reason {
    /// The reason in words.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Reason::OutsideBand => "outside the track's band of paid seats",
            Reason::AssociationNotInForce => "association not in force at month end",
            Reason::AssociationTypeNotEligible => "association type not eligible for this option",
            Reason::WorkloadOutsideArea => "workload outside the area",
            Reason::AssociationScopeNotAzure => "association limited to a workload (not Azure)",
            Reason::NotAttributed => "no association of the option attributes it",
            Reason::OfferExcluded => "offer excluded",
            Reason::ServiceExcluded => "service excluded",
            Reason::BelowThreshold => "below the threshold",
            Reason::DeployedBeforeClaim => "already deployed at the claim month",
            Reason::CertificationExpired => "certification expired",
            Reason::CertificationNotYetEarned => "certification not yet earned",
            Reason::CertificationNotEligible => {
                "certification not listed for this metric on that date (or retired)"
            }
            Reason::CertificationUnknown => "certification title unknown to the catalog",
            Reason::PersonAlreadyCounted => "person already counted",
            Reason::PrerequisiteStepUnmet => "prerequisite step not met",
            Reason::NothingAttributed => "association attributes nothing that counts",
        }
    }

    /// The id the JSON contract uses (`outside_band`).
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Reason::OutsideBand => "outside_band",
            Reason::AssociationNotInForce => "association_not_in_force",
            Reason::AssociationTypeNotEligible => "association_type_not_eligible",
            Reason::WorkloadOutsideArea => "workload_outside_area",
            Reason::AssociationScopeNotAzure => "association_scope_not_azure",
            Reason::NotAttributed => "not_attributed",
            Reason::OfferExcluded => "offer_excluded",
            Reason::ServiceExcluded => "service_excluded",
            Reason::BelowThreshold => "below_threshold",
            Reason::DeployedBeforeClaim => "deployed_before_claim",
            Reason::CertificationExpired => "certification_expired",
            Reason::CertificationNotYetEarned => "certification_not_yet_earned",
            Reason::CertificationNotEligible => "certification_not_eligible",
            Reason::CertificationUnknown => "certification_unknown",
            Reason::PersonAlreadyCounted => "person_already_counted",
            Reason::PrerequisiteStepUnmet => "prerequisite_step_unmet",
            Reason::NothingAttributed => "nothing_attributed",
        }
    }
}
