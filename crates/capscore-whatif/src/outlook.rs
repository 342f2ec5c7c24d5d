//! `outlook`: the next months if nothing changes. Every usage series present in the
//! data's last usage month stays at that month's values for the months projected;
//! associations and certifications stay as dated in the data. The projected months
//! are scored by the engine on the projected dataset, and each change of points is
//! traced to its causes by comparing the engine's explanations month to month.

use std::collections::BTreeSet;

use capscore_catalog::Catalog;
use capscore_core::{Month, Num};
use capscore_data::Dataset;
use capscore_engine::explain::{Entry, Explanation, MetricExplanation, Reason};
use capscore_engine::{
    AreaScore, ExplainRequest, MetricScore, PartnerScore, ensure_covered, explain,
};
use serde::Serialize;

use crate::edit;
use crate::error::WhatIfError;
use crate::simulate::{Base, score_partner};

/// The dataset with every usage series of its last usage month repeated for the
/// `months` months after it, with that month; `None` when it has no usage. Made in
/// memory from the loaded dataset (see [`edit`]): what loading the tables with those
/// rows added would give.
#[must_use]
pub fn project(d: &Dataset, months: u32) -> Option<(Dataset, Month)> {
    let last = edit::latest_usage_month(d)?;
    Some((edit::repeat_last(d, last, months), last))
}

/// Why a metric's points changed from one month to the next.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum Cause {
    /// A certification that counted expired.
    CertificationExpired {
        /// Person id.
        person: String,
        /// Certification name.
        certification: String,
    },
    /// An association that attributed a customer ended.
    AssociationEnded {
        /// Tenant id.
        tenant: String,
        /// Tenant name.
        tenant_name: Option<String>,
    },
    /// The months compared moved (`m-12`, the TTM, the claim baseline): usage itself
    /// is unchanged by the assumption (a projected month).
    BaselineMoved,
    /// A month of the data: its usage differs from the month before, and the months
    /// compared moved.
    UsageChanged,
}

/// A metric whose points change.
#[derive(Debug, Clone, Serialize)]
pub struct MetricMove {
    /// Area id.
    pub area: String,
    /// Track id.
    pub track: Option<String>,
    /// Metric id.
    pub metric: String,
    /// Value before.
    #[serde(serialize_with = "crate::simulate::ser_num")]
    pub value_before: Num,
    /// Value after.
    #[serde(serialize_with = "crate::simulate::ser_num")]
    pub value_after: Num,
    /// Points before.
    #[serde(serialize_with = "crate::simulate::ser_num")]
    pub points_before: Num,
    /// Points after.
    #[serde(serialize_with = "crate::simulate::ser_num")]
    pub points_after: Num,
    /// Causes found.
    pub causes: Vec<Cause>,
}

/// One month of the outlook.
#[derive(Debug, Clone, Serialize)]
pub struct OutlookMonth {
    /// The month.
    pub month: Month,
    /// Whether the month is projected (after the data's last usage month).
    pub projected: bool,
    /// Total and qualification per area (of the track that counts).
    pub areas: Vec<AreaPoint>,
    /// Metrics whose points differ from the month before.
    pub changes: Vec<MetricMove>,
}

/// An area in one month.
#[derive(Debug, Clone, Serialize)]
pub struct AreaPoint {
    /// Area id.
    pub area: String,
    /// Track that counts.
    pub track: Option<String>,
    /// Total.
    #[serde(serialize_with = "crate::simulate::ser_num")]
    pub total: Num,
    /// Qualified.
    pub qualified: bool,
}

/// The outlook of a partner.
#[derive(Debug, Clone, Serialize)]
pub struct Outlook {
    /// Partner id.
    pub partner_id: String,
    /// The month the outlook starts from.
    pub from: Month,
    /// The data's last usage month (months after it are projected).
    pub last_data_month: Option<Month>,
    /// The assumption, in words.
    pub assumption: String,
    /// The starting month, then each month after it.
    pub months: Vec<OutlookMonth>,
}

/// The assumption the outlook states.
pub const ASSUMPTION: &str = "every usage series stays at its value of the last month of data; associations and certifications as dated in the data";

fn explain_one(
    data: &Dataset,
    catalog: &Catalog,
    base: &Base<'_>,
    month: Month,
    scope: &Changed,
) -> Result<Explanation, WhatIfError> {
    let idx = data.partners.find(&base.partner).ok_or_else(|| {
        WhatIfError::Scenario(format!(
            "partner \"{}\" is not in the partners table",
            base.partner
        ))
    })?;
    if !base.partial {
        ensure_covered(data, catalog, month, base.areas.as_deref())?;
    }
    Ok(explain(
        data,
        catalog,
        &ExplainRequest {
            month,
            partners: Some(vec![idx]),
            areas: Some(scope.areas.iter().cloned().collect()),
            tracks: None,
            metrics: Some(scope.metrics.iter().cloned().collect()),
            // The causes of a fall read these alone (see `causes`).
            exclusions: capscore_engine::explain::Exclusions::Only(vec![
                Reason::CertificationExpired,
                Reason::AssociationNotInForce,
            ]),
        },
    )?)
}

/// The areas and metrics to explain.
#[derive(Debug, Default)]
struct Changed {
    areas: BTreeSet<String>,
    metrics: BTreeSet<String>,
}

/// Each metric of a score with its track, in the engine's order.
fn metrics_of(a: &AreaScore) -> Vec<(Option<String>, &MetricScore)> {
    if a.tracks.is_empty() {
        a.metrics.iter().map(|m| (a.track.clone(), m)).collect()
    } else {
        a.tracks
            .iter()
            .flat_map(|t| t.metrics.iter().map(|m| (t.track.clone(), m)))
            .collect()
    }
}

/// The metrics whose points differ between two scores (causes still to find), in the
/// engine's order.
fn moves(before: &PartnerScore, after: &PartnerScore) -> Vec<MetricMove> {
    let mut out = Vec::new();
    for a in &after.areas {
        let Some(b) = before.areas.iter().find(|b| b.area == a.area) else {
            continue;
        };
        let old = metrics_of(b);
        for (track, m) in metrics_of(a) {
            let Some((_, o)) = old
                .iter()
                .find(|(t, o)| *t == track && o.metric == m.metric)
            else {
                continue;
            };
            if o.points != m.points {
                out.push(MetricMove {
                    area: a.area.clone(),
                    track,
                    metric: m.metric.clone(),
                    value_before: o.value,
                    value_after: m.value,
                    points_before: o.points,
                    points_after: m.points,
                    causes: Vec::new(),
                });
            }
        }
    }
    out
}

/// The explained metric of a move.
fn find<'e>(e: &'e Explanation, mv: &MetricMove) -> Option<&'e MetricExplanation> {
    e.partners
        .first()?
        .areas
        .iter()
        .find(|a| a.area == mv.area)?
        .tracks
        .iter()
        .find(|t| t.track == mv.track)?
        .metrics
        .iter()
        .find(|m| m.metric == mv.metric)
}

/// The counted contributions of a metric's winning option, as keys.
fn counted(m: &MetricExplanation) -> Vec<&Entry> {
    m.options
        .iter()
        .filter(|o| o.chosen)
        .flat_map(|o| o.contributions.iter())
        .collect()
}

fn causes(before: &MetricExplanation, after: &MetricExplanation, projected: bool) -> Vec<Cause> {
    let mut out = BTreeSet::new();
    let was: Vec<&Entry> = counted(before);
    // Only a fall is traced to an expiry or an ending: both only ever take away.
    if after.points < before.points {
        for o in after.options.iter().filter(|o| o.chosen) {
            for e in &o.excluded {
                let counted_before = |same: &dyn Fn(&Entry) -> bool| {
                    was.iter().any(|w| {
                        same(w) && w.amount_exact.is_some_and(|a| a != Num::from_integer(0))
                    })
                };
                match e.reason {
                    Some(Reason::CertificationExpired)
                        if e.person.is_some() && counted_before(&|w| w.person == e.person) =>
                    {
                        out.insert(Cause::CertificationExpired {
                            person: e.person.clone().unwrap_or_default(),
                            certification: e
                                .certification
                                .as_ref()
                                .map(|c| c.name.clone())
                                .unwrap_or_default(),
                        });
                    }
                    Some(Reason::AssociationNotInForce)
                        if e.tenant.is_some()
                            && counted_before(&|w| {
                                w.tenant == e.tenant && w.workload == e.workload
                            }) =>
                    {
                        out.insert(Cause::AssociationEnded {
                            tenant: e.tenant.clone().unwrap_or_default(),
                            tenant_name: e.tenant_name.clone(),
                        });
                    }
                    _ => {}
                }
            }
        }
    }
    if out.is_empty() {
        out.insert(if projected {
            Cause::BaselineMoved
        } else {
            Cause::UsageChanged
        });
    }
    out.into_iter().collect()
}

/// The outlook of `base.partner` from `base.month` for `months` months after it.
///
/// # Errors
/// A month the projected data does not cover; engine refusals.
pub fn outlook(base: &Base<'_>, months: u32) -> Result<Outlook, WhatIfError> {
    let d = &base.loaded.dataset;
    let last = edit::latest_usage_month(d);
    let projected = last.map(|l| edit::repeat_last(d, l, months));
    let data = projected.as_ref().unwrap_or(d);
    let mut scores = Vec::new();
    for k in 0..=months {
        let m = base.month.offset(i32::try_from(k).unwrap_or(i32::MAX));
        scores.push((
            m,
            score_partner(
                data,
                base.catalog,
                &base.partner,
                m,
                base.areas.as_deref(),
                base.partial,
            )?,
        ));
    }
    let mut out = Vec::new();
    for (k, (m, score)) in scores.iter().enumerate() {
        let m = *m;
        let projected = last.is_some_and(|l| m > l);
        let mut changes = match k.checked_sub(1).and_then(|p| scores.get(p)) {
            Some((_, prev)) => moves(prev, score),
            None => Vec::new(),
        };
        // A rise has no cause to trace (expiries and endings only take away); a fall is
        // traced in the engine's explanations of the two months, of the falling metrics
        // only.
        let mut scope = Changed::default();
        for c in changes.iter().filter(|c| c.points_after < c.points_before) {
            scope.areas.insert(c.area.clone());
            scope.metrics.insert(c.metric.clone());
        }
        let explained = if scope.metrics.is_empty() {
            None
        } else {
            // The two months on two threads.
            let (before, now) = std::thread::scope(|t| {
                let before =
                    t.spawn(|| explain_one(data, base.catalog, base, m.offset(-1), &scope));
                let now = explain_one(data, base.catalog, base, m, &scope);
                (before.join(), now)
            });
            let before = before.map_err(|_| {
                WhatIfError::Scenario("the explanation of the month before failed".to_string())
            })??;
            Some((before, now?))
        };
        for c in &mut changes {
            let traced = explained
                .as_ref()
                .filter(|_| c.points_after < c.points_before)
                .and_then(|(b, n)| Some((find(b, c)?, find(n, c)?)));
            c.causes = match traced {
                Some((old, me)) => causes(old, me, projected),
                None if projected => vec![Cause::BaselineMoved],
                None => vec![Cause::UsageChanged],
            };
        }
        out.push(OutlookMonth {
            month: m,
            projected: last.is_some_and(|l| m > l),
            areas: score
                .areas
                .iter()
                .map(|a| AreaPoint {
                    area: a.area.clone(),
                    track: a.track.clone(),
                    total: a.total,
                    qualified: a.qualified,
                })
                .collect(),
            changes,
        });
    }
    Ok(Outlook {
        partner_id: base.partner.clone(),
        from: base.month,
        last_data_month: last,
        assumption: ASSUMPTION.to_string(),
        months: out,
    })
}
