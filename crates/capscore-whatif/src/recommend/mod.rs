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
use std::collections::{BTreeSet, HashMap};

use capscore_core::TenantIdx;
use capscore_data::{Dataset, UsageTable};

use crate::edit;
use crate::error::WhatIfError;
use crate::outlook::{Cause, outlook};
use crate::scenario;
use crate::simulate::{Base, score_partner, ser_num};
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
    /// Candidates found and screened on their own tenants (the most promising
    /// [`VERIFIED`] are simulated on the partner's rows; those that add nothing are
    /// dropped).
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
        let full = base.score_base()?;
        let same_as_full = |d: Dataset| -> Option<Dataset> {
            let s = score_partner(
                &d,
                base.catalog,
                &base.partner,
                base.month,
                base.areas.as_deref(),
                true,
            )
            .ok()?;
            (serde_json::to_value(&s).ok()? == serde_json::to_value(&full).ok()?).then_some(d)
        };
        // The partner's rows, first only the usage months the areas read (from the
        // earliest on, for the outlook's later months), then all of them.
        let narrowed = base.accounts().and_then(|accounts| {
            let d = &base.loaded.dataset;
            let own = |from: Option<&HashMap<UsageTable, Month>>| {
                edit::restrict(d, accounts, &edit::Tenants::Associated(None), from)
            };
            read_months(base)
                .and_then(|from| same_as_full(own(Some(&from))))
                .or_else(|| same_as_full(own(None)))
        });
        let base = match narrowed {
            Some(d) => base.with_dataset(d, true),
            None => base.clone(),
        };
        let data = &base.loaded.dataset;
        let idx = data.partners.find(&base.partner).ok_or_else(|| {
            WhatIfError::Scenario(format!(
                "partner \"{}\" is not in the partners table",
                base.partner
            ))
        })?;
        let explanation = explain_month(&base, idx)?;
        let people = people(&base);
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
        let (data, month) = self.base.apply(&s, "scenario", text)?;
        self.base
            .score_loaded(&data, month.unwrap_or(self.base.month))
    }

    /// A candidate simulated on the partner's rows: `None` when it adds no points to
    /// its area or its metric and raises no option's value of its metric (or the data
    /// refuses it), unless `keep_zero`.
    #[must_use]
    pub fn verify(&self, c: &Candidate, keep_zero: bool) -> Option<Action> {
        let after = self.score_scenario(&c.scenario).ok()?;
        self.action(c, &self.before, &after, None, keep_zero)
    }

    /// A candidate screened on the tenants it touches alone (the partner's accounts,
    /// certifications and those tenants' rows): the change of each option's value of
    /// each metric of its track, and the points they would give if values add up over
    /// tenants (as Microsoft 365 metrics do). Fast; an estimate, used to choose which
    /// candidates to [`Planner::verify`] and as the plan's model.
    #[must_use]
    pub fn screen(&self, c: &Candidate) -> Option<Action> {
        let d = &self.base.loaded.dataset;
        let only: BTreeSet<TenantIdx> = c
            .tenants
            .iter()
            .filter_map(|t| d.tenants.get(t).map(TenantIdx))
            .collect();
        let accounts = self.base.accounts()?;
        let tiny = self.base.with_dataset(
            edit::restrict(d, accounts, &edit::Tenants::Associated(Some(&only)), None),
            true,
        );
        let before = tiny.score_base().ok()?;
        let s = scenario::parse(&c.scenario, "scenario").ok()?;
        let (data, _) = tiny.apply(&s, "scenario", &c.scenario).ok()?;
        let after = tiny.score_loaded(&data, tiny.month).ok()?;
        let rounding = self
            .base
            .catalog
            .at_month(self.base.month)
            .ok()?
            .params
            .points_rounding;
        self.action(c, &before, &after, Some(rounding), false)
    }

    /// The action of a candidate from scores before and after it. With `estimate`
    /// (screening on a few tenants), the changes of values are added to the partner's
    /// values and the points recomputed with the engine's points function.
    fn action(
        &self,
        c: &Candidate,
        before: &PartnerScore,
        after: &PartnerScore,
        estimate: Option<capscore_catalog::Rounding>,
        keep_zero: bool,
    ) -> Option<Action> {
        let (cost, cost_lines) = self.cost(c)?;
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
        let (t0, t1) = (track_metrics(before)?, track_metrics(after)?);
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
        let a0 = self.before.areas.iter().find(|a| a.area == c.area)?;
        let (points, total_after, qualified_after) = match estimate {
            None => {
                let a1 = after.areas.iter().find(|a| a.area == c.area)?;
                (a1.total - a0.total, a1.total, a1.qualified)
            }
            Some(rounding) => {
                // The partner's own metrics of the track, moved by the deltas.
                let mine = track_metrics(&self.before)?;
                let mut total = zero;
                let mut now = zero;
                for m in &mine {
                    let d = deltas.iter().find(|(id, _)| *id == m.metric).map(|x| &x.1);
                    let opts: Vec<(Num, Num)> = if m.options.is_empty() {
                        vec![(m.value, m.target)]
                    } else {
                        m.options.iter().map(|o| (o.value, o.target)).collect()
                    };
                    let best = opts
                        .iter()
                        .enumerate()
                        .map(|(k, (v, t))| {
                            let dv = d.and_then(|d| d.get(k)).copied().unwrap_or(zero);
                            capscore_engine::metric_points(*v + dv, *t, m.max_points, rounding)
                        })
                        .max()
                        .unwrap_or(zero);
                    if m.metric == c.metric {
                        mp = best - m.points;
                    }
                    total += best;
                    now += m.points;
                }
                (total - now, a0.total + (total - now), false)
            }
        };
        if !keep_zero
            && points <= zero
            && mp <= zero
            && !deltas.iter().any(|(_, d)| d.iter().any(|x| *x > zero))
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
            total_after,
            qualified_after,
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
        // Screen every candidate on its own tenants, then simulate on the partner's
        // rows the most promising ones, by estimated points per cost.
        let zero = Num::from_integer(0);
        let mut screened: Vec<(Num, &Candidate)> = cands
            .iter()
            .filter_map(|c| {
                let a = self.screen(c)?;
                let gain = a.points.max(a.metric_points);
                (gain > zero).then(|| (a.cost / gain, c))
            })
            .collect();
        screened.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.what.cmp(&b.1.what)));
        let mut actions: Vec<Action> = screened
            .iter()
            .take(VERIFIED)
            .filter_map(|(_, c)| self.verify(c, false))
            .filter(|a| a.points > zero)
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

/// The explanation of the partner's month, every track of its areas: on two threads, the
/// tracks split in two (an area with one computation is explained by the first).
fn explain_month(
    base: &Base<'_>,
    idx: capscore_core::PartnerIdx,
) -> Result<capscore_engine::explain::PartnerExplanation, WhatIfError> {
    let data = &base.loaded.dataset;
    let one = |tracks: Option<Vec<String>>| -> Result<_, WhatIfError> {
        let expl = explain(
            data,
            base.catalog,
            &ExplainRequest {
                month: base.month,
                partners: Some(vec![idx]),
                areas: base.areas.clone(),
                tracks,
                metrics: None,
                exclusions: candidates::exclusions_read(),
            },
        )?;
        expl.partners
            .into_iter()
            .next()
            .ok_or_else(|| WhatIfError::Scenario("no explanation for the partner".to_string()))
    };
    let snapshot = base
        .catalog
        .at_month(base.month)
        .map_err(|e| WhatIfError::Engine(e.into()))?;
    let wanted = |id: &str| {
        base.areas
            .as_ref()
            .is_none_or(|a| a.iter().any(|x| x.trim() == id))
    };
    let mut ids: Vec<String> = snapshot
        .areas
        .iter()
        .filter(|a| wanted(&a.id))
        .flat_map(|a| a.tracks.iter().filter_map(|t| t.id.clone()))
        .collect();
    ids.sort();
    ids.dedup();
    if ids.len() < 2 {
        return one(None);
    }
    let second = ids.split_off(ids.len() / 2);
    let (first, other) = std::thread::scope(|t| {
        let other = t.spawn(|| one(Some(second)));
        (one(Some(ids)), other.join())
    });
    let mut first = first?;
    let other = other
        .map_err(|_| WhatIfError::Scenario("the explanation of the month failed".to_string()))??;
    // Each area's tracks in the catalog's order, from both halves.
    for a in &mut first.areas {
        if let Some(b) = other.areas.iter().find(|b| b.area == a.area) {
            a.tracks
                .extend(b.tracks.iter().filter(|t| t.track.is_some()).cloned());
        }
        if let Some(rules) = snapshot.area(&a.area) {
            let order = |t: &Option<String>| rules.tracks.iter().position(|r| r.id == *t);
            a.tracks.sort_by_key(|t| order(&t.track));
        }
    }
    Ok(first)
}

/// Candidates simulated on the partner's rows after screening (the most promising).
pub const VERIFIED: usize = 16;

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

/// Person ids of the certification rows of the partner's accounts.
fn people(base: &Base<'_>) -> Vec<String> {
    let d = &base.loaded.dataset;
    let Some(accounts) = base.accounts() else {
        return Vec::new();
    };
    let c = &d.certifications;
    let mut v: Vec<String> = (0..c.partner.len())
        .filter(|r| {
            accounts
                .get(c.partner[*r].index())
                .copied()
                .unwrap_or(false)
        })
        .map(|r| d.people.name(c.person[r].0).to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The first month of each usage table that the metrics of the base's areas read at its
/// month ([`capscore_engine::coverage::months_read`]); `None` when the catalog has no
/// rules for the month.
fn read_months(base: &Base<'_>) -> Option<HashMap<UsageTable, Month>> {
    let snapshot = base.catalog.at_month(base.month).ok()?;
    let mut from = HashMap::new();
    for area in snapshot.areas.iter().filter(|a| {
        base.areas
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|id| id.trim() == a.id))
    }) {
        for track in &area.tracks {
            for metric in &track.metrics {
                let reads = capscore_engine::coverage::months_read(area, track, metric, base.month);
                for (table, months) in reads.tables {
                    if let Some(first) = months.first() {
                        let e = from.entry(table).or_insert(*first);
                        *e = (*e).min(*first);
                    }
                }
            }
        }
    }
    Some(from)
}
