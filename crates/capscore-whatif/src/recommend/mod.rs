//! `recommend`: actions that add points, each verified by simulation, with its cost;
//! and the risks of the next months (from the outlook).
//!
//! Candidates come from the engine's explanation of the month
//! ([`candidates`]): rows that did not count and why, and contributions that could
//! grow. Each candidate is a scenario fragment; it is applied through the same scenario
//! code as `capscore simulate` and the partner scored again, so the points printed are
//! the engine's, on the changed data. A candidate that adds nothing is dropped.

pub mod candidates;

use capscore_catalog::costs::Costs;
use capscore_core::{Month, Num};
use capscore_engine::{ExplainRequest, PartnerScore, explain};
use serde::Serialize;

use crate::error::WhatIfError;
use crate::outlook::{Cause, outlook};
use crate::scenario;
use crate::simulate::{Base, score_partner, ser_num};
use crate::tables::Tables;
pub use candidates::Candidate;

/// One unit of cost of an action.
#[derive(Debug, Clone, Serialize)]
pub struct CostLine {
    /// What is priced (`active_user`, or `certification:associate`).
    pub item: String,
    /// In words.
    pub name: String,
    /// How many.
    #[serde(serialize_with = "ser_num")]
    pub quantity: Num,
    /// Cost of one.
    #[serde(serialize_with = "ser_num")]
    pub unit_cost: Num,
}

/// An action and its effect, verified by simulation.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    /// Kind (`deploy_service`, `reach_band`, `reach_threshold`, `add_association`,
    /// `new_customer`, `certify_person`, `renew_certification`, `grow_usage`).
    pub kind: &'static str,
    /// Area.
    pub area: String,
    /// Track of the metric the action was found for.
    pub track: Option<String>,
    /// Metric the action was found for.
    pub metric: String,
    /// In words.
    pub description: String,
    /// The scenario that makes it (what `simulate` reads).
    pub scenario: String,
    /// Cost, in the cost model's unit.
    #[serde(serialize_with = "ser_num")]
    pub cost: Num,
    /// How the cost is made up.
    pub cost_lines: Vec<CostLine>,
    /// Points the area gains (the best track's total after − before), simulated.
    #[serde(serialize_with = "ser_num")]
    pub points: Num,
    /// Points of the metric it was found for, after − before, in its track.
    #[serde(serialize_with = "ser_num")]
    pub metric_points: Num,
    /// The area's total before.
    #[serde(serialize_with = "ser_num")]
    pub total_before: Num,
    /// The area's total after (simulated).
    #[serde(serialize_with = "ser_num")]
    pub total_after: Num,
    /// Whether the area qualifies after.
    pub qualified_after: bool,
    #[serde(skip)]
    pub(crate) key: String,
    /// Every metric of its track whose option values change: (metric, change of each
    /// option's value, in the engine's option order).
    #[serde(skip)]
    pub(crate) deltas: Vec<(String, Vec<Num>)>,
}

/// A risk: points the partner loses in a coming month if nothing changes.
#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    /// The month the points go.
    pub month: Month,
    /// Area.
    pub area: String,
    /// Track.
    pub track: Option<String>,
    /// Metric.
    pub metric: String,
    /// Points before and after.
    #[serde(serialize_with = "ser_num")]
    pub points_before: Num,
    /// Points after.
    #[serde(serialize_with = "ser_num")]
    pub points_after: Num,
    /// Why (as `outlook` gives it).
    pub causes: Vec<Cause>,
}

/// The answer of `recommend`.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendations {
    /// Partner id.
    pub partner_id: String,
    /// Month.
    pub month: Month,
    /// Unit of costs.
    pub cost_unit: String,
    /// Where the costs come from.
    pub cost_sources: Vec<String>,
    /// Each area's total and qualification now.
    pub areas: Vec<AreaNow>,
    /// Actions that add points, ranked: those that make an area qualify first, then by
    /// cost per point.
    pub actions: Vec<Action>,
    /// Points at risk in the next months.
    pub risks: Vec<Risk>,
    /// The months the risks look ahead.
    pub risk_months: u32,
    /// Candidates simulated (and dropped when they added nothing).
    pub candidates_simulated: usize,
}

/// An area's standing now.
#[derive(Debug, Clone, Serialize)]
pub struct AreaNow {
    /// Area.
    pub area: String,
    /// Track that counts.
    pub track: Option<String>,
    /// Total.
    #[serde(serialize_with = "ser_num")]
    pub total: Num,
    /// Qualified.
    pub qualified: bool,
}

/// A partner ready for recommendations: its rows only (checked to score as the full
/// dataset does), the explanation of the month and the cost model.
pub struct Planner<'c> {
    /// The partner's base (its rows only).
    pub base: Base<'c>,
    /// The cost model.
    pub costs: Costs,
    /// The partner's score now.
    pub before: PartnerScore,
    explanation: capscore_engine::explain::PartnerExplanation,
    people: Vec<String>,
}

impl<'c> Planner<'c> {
    /// Narrows `base` to the partner's rows, checking that they score exactly as the
    /// whole dataset does (else the whole dataset is used), and explains the month.
    ///
    /// # Errors
    /// Engine refusals (a month the data does not cover), data errors.
    pub fn new(base: &Base<'c>, costs: Costs) -> Result<Self, WhatIfError> {
        let full = base.score(&base.tables, base.month)?;
        let mut sub = base.clone();
        sub.tables = base.tables.for_partner(&base.partner);
        let loaded = sub.tables.load(base.catalog)?;
        let same = score_partner(
            &loaded.dataset,
            base.catalog,
            &base.partner,
            base.month,
            base.areas.as_deref(),
            true,
        )
        .ok()
        .is_some_and(|s| serde_json::to_value(&s).ok() == serde_json::to_value(&full).ok());
        let (base, loaded) = if same {
            sub.partial = true;
            (sub, loaded)
        } else {
            let l = base.tables.load(base.catalog)?;
            (base.clone(), l)
        };
        let idx = loaded.dataset.partners.find(&base.partner).ok_or_else(|| {
            WhatIfError::Scenario(format!(
                "partner \"{}\" is not in the partners table",
                base.partner
            ))
        })?;
        let expl = explain(
            &loaded.dataset,
            base.catalog,
            &ExplainRequest {
                month: base.month,
                partners: Some(vec![idx]),
                areas: base.areas.clone(),
                tracks: None,
                metrics: None,
            },
        )?;
        let explanation =
            expl.partners.into_iter().next().ok_or_else(|| {
                WhatIfError::Scenario("no explanation for the partner".to_string())
            })?;
        let people = people(&base.tables);
        Ok(Planner {
            base,
            costs,
            before: full,
            explanation,
            people,
        })
    }

    /// Every candidate action (not yet verified).
    ///
    /// # Errors
    /// Rules the catalog does not have for the month.
    pub fn candidates(&self, per_metric: usize) -> Result<Vec<Candidate>, WhatIfError> {
        let snapshot = self
            .base
            .catalog
            .at_month(self.base.month)
            .map_err(|e| WhatIfError::Engine(e.into()))?;
        let g = candidates::Gen {
            catalog: self.base.catalog,
            snapshot: &snapshot,
            costs: &self.costs,
            month: self.base.month,
            people: self.people.clone(),
            per_metric,
        };
        Ok(g.all(&self.explanation))
    }

    /// The cost of a candidate; `None` when the cost model does not price it.
    #[must_use]
    pub fn cost(&self, c: &Candidate) -> Option<(Num, Vec<CostLine>)> {
        let date = self.base.month.last_day();
        let mut lines = Vec::new();
        for (item, qty) in &c.units {
            let unit = self.costs.action(item, date)?;
            lines.push(CostLine {
                item: (*item).to_string(),
                name: self.costs.action_name(item).to_string(),
                quantity: *qty,
                unit_cost: unit,
            });
        }
        if let Some(cert) = c.cert {
            let (level, unit) = self.costs.certification(cert, date)?;
            lines.push(CostLine {
                item: format!("certification:{}", level.id),
                name: format!("{} certification", level.name),
                quantity: Num::from_integer(1),
                unit_cost: unit,
            });
        }
        let total = lines.iter().map(|l| l.quantity * l.unit_cost).sum();
        Some((total, lines))
    }

    /// Applies a scenario text to the partner's rows and scores it.
    ///
    /// # Errors
    /// A refused scenario or data, engine refusals.
    pub fn score_scenario(&self, text: &str) -> Result<PartnerScore, WhatIfError> {
        let s = scenario::parse(text, "scenario")?;
        let applied = scenario::apply(
            &s,
            &self.base.tables,
            self.base.catalog,
            &self.base.partner,
            "scenario",
            text,
        )?;
        self.base
            .score(&applied.tables, applied.month.unwrap_or(self.base.month))
    }

    /// A candidate simulated: `None` when it adds no points to its area or its metric
    /// and raises no option's value of its metric (or the data refuses it).
    #[must_use]
    pub fn verify(&self, c: &Candidate) -> Option<Action> {
        let (cost, cost_lines) = self.cost(c)?;
        let after = self.score_scenario(&c.scenario).ok()?;
        let a0 = self.before.areas.iter().find(|a| a.area == c.area)?;
        let a1 = after.areas.iter().find(|a| a.area == c.area)?;
        let track_metrics = |p: &PartnerScore| -> Option<Vec<capscore_engine::MetricScore>> {
            let a = p.areas.iter().find(|a| a.area == c.area)?;
            Some(if a.tracks.is_empty() {
                a.metrics.clone()
            } else {
                a.tracks
                    .iter()
                    .find(|t| t.track == c.track)?
                    .metrics
                    .clone()
            })
        };
        let (t0, t1) = (track_metrics(&self.before)?, track_metrics(&after)?);
        let values = |m: &capscore_engine::MetricScore| -> Vec<Num> {
            if m.options.is_empty() {
                vec![m.value]
            } else {
                m.options.iter().map(|o| o.value).collect()
            }
        };
        let zero = Num::from_integer(0);
        let mut deltas = Vec::new();
        let mut mp = zero;
        for m1 in &t1 {
            let Some(m0) = t0.iter().find(|m| m.metric == m1.metric) else {
                continue;
            };
            let d: Vec<Num> = values(m1)
                .iter()
                .zip(values(m0))
                .map(|(a, b)| *a - b)
                .collect();
            if m1.metric == c.metric {
                mp = m1.points - m0.points;
            }
            if d.iter().any(|x| *x != zero) {
                deltas.push((m1.metric.clone(), d));
            }
        }
        let points = a1.total - a0.total;
        if points <= zero && mp <= zero && !deltas.iter().any(|(_, d)| d.iter().any(|x| *x > zero))
        {
            return None;
        }
        Some(Action {
            kind: c.kind,
            area: c.area.clone(),
            track: c.track.clone(),
            metric: c.metric.clone(),
            description: c.what.clone(),
            scenario: c.scenario.clone(),
            cost,
            cost_lines,
            points,
            metric_points: mp,
            total_before: a0.total,
            total_after: a1.total,
            qualified_after: a1.qualified,
            key: c.key.clone(),
            deltas,
        })
    }

    /// Recommendations: every candidate verified and ranked; risks over `risk_months`.
    ///
    /// # Errors
    /// As [`Planner::candidates`]; outlook refusals.
    pub fn recommend(&self, risk_months: u32) -> Result<Recommendations, WhatIfError> {
        let cands = self.candidates(8)?;
        let n = cands.len();
        let mut actions: Vec<Action> = cands
            .iter()
            .filter_map(|c| self.verify(c))
            .filter(|a| a.points > Num::from_integer(0))
            .collect();
        rank(&mut actions);
        let mut risks = Vec::new();
        if risk_months > 0 {
            let o = outlook(&self.base, risk_months)?;
            for m in &o.months {
                for ch in &m.changes {
                    if ch.points_after < ch.points_before {
                        risks.push(Risk {
                            month: m.month,
                            area: ch.area.clone(),
                            track: ch.track.clone(),
                            metric: ch.metric.clone(),
                            points_before: ch.points_before,
                            points_after: ch.points_after,
                            causes: ch.causes.clone(),
                        });
                    }
                }
            }
        }
        Ok(Recommendations {
            partner_id: self.base.partner.clone(),
            month: self.base.month,
            cost_unit: self.costs.unit.clone(),
            cost_sources: self.costs.sources.clone(),
            areas: self
                .before
                .areas
                .iter()
                .map(|a| AreaNow {
                    area: a.area.clone(),
                    track: a.track.clone(),
                    total: a.total,
                    qualified: a.qualified,
                })
                .collect(),
            actions,
            risks,
            risk_months,
            candidates_simulated: n,
        })
    }
}

/// Qualifying actions first, then the lowest cost per point, then the most points.
pub fn rank(actions: &mut [Action]) {
    actions.sort_by(|a, b| {
        let per = |x: &Action| x.cost / x.points;
        b.qualified_after
            .cmp(&a.qualified_after)
            .then_with(|| per(a).cmp(&per(b)))
            .then_with(|| b.points.cmp(&a.points))
            .then_with(|| a.description.cmp(&b.description))
    });
}

/// Person ids of the partner's certification rows.
fn people(t: &Tables) -> Vec<String> {
    let Some(c) = t.table("certifications") else {
        return Vec::new();
    };
    let Some(i) = c.col("person_id") else {
        return Vec::new();
    };
    let mut v: Vec<String> = c.rows.iter().map(|r| r[i].clone()).collect();
    v.sort();
    v.dedup();
    v
}
