//! `plan`: the cheapest set of actions that makes a partner qualify in an area.
//!
//! The actions are `recommend`'s candidates, each simulated alone, which gives its
//! cost and the points it adds to the metric it was found for. The search then
//! assumes that actions on a metric add up, capped at the metric's maximum, and that
//! metrics add up to the track's total (as the engine adds them). Under that model it
//! is exact ([`optimise`]): per metric, every subset of its candidates (at most
//! [`MAX_PER_METRIC`], the most points per cost first) is enumerated and reduced to
//! its Pareto front (lowest cost for its points); the fronts are combined metric by
//! metric, keeping only states no other state beats on both cost and points; the
//! cheapest final state whose total reaches the qualifying total, with every metric at
//! its minimum, is the plan. The plan found is then applied through the scenario code
//! and scored by the engine; if the engine does not confirm qualification, the next
//! cheapest states are tried. The bound: the plan is the cheapest among the candidates
//! considered, not among every possible change to the data.

use capscore_core::{Month, Num};
use serde::Serialize;

use crate::error::WhatIfError;
use crate::recommend::{Action, Planner};
use crate::simulate::ser_num;

/// Most candidates per metric the exact search enumerates (2^N subsets).
pub const MAX_PER_METRIC: usize = 10;
/// Plans tried against the engine before giving up.
const TRIES: usize = 8;

/// One metric of the track planned: points now, the most it can have.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricState {
    /// Points now.
    pub points: Num,
    /// Maximum points.
    pub max: Num,
}

/// A candidate for the optimiser: the metric it adds to, points, cost, and a key
/// (two candidates with the same key cannot both be chosen).
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Index of the metric.
    pub metric: usize,
    /// Points it adds to the metric (alone).
    pub gain: Num,
    /// Its cost.
    pub cost: Num,
    /// Exclusive key.
    pub key: String,
}

/// The total of a track when `chosen` are applied, under the additive, capped model.
#[must_use]
pub fn model_points(metrics: &[MetricState], cands: &[Choice], chosen: &[usize]) -> Vec<Num> {
    let mut pts: Vec<Num> = metrics.iter().map(|m| m.points).collect();
    for &c in chosen {
        pts[cands[c].metric] += cands[c].gain;
    }
    pts.iter()
        .zip(metrics)
        .map(|(p, m)| if *p > m.max { m.max } else { *p })
        .collect()
}

/// Whether a set of candidates qualifies under the model: total ≥ `total`, every metric
/// ≥ `min`, no key twice.
#[must_use]
pub fn model_qualifies(
    metrics: &[MetricState],
    cands: &[Choice],
    chosen: &[usize],
    total: Num,
    min: Num,
) -> bool {
    let mut keys: Vec<&str> = chosen.iter().map(|c| cands[*c].key.as_str()).collect();
    keys.sort_unstable();
    let n = keys.len();
    keys.dedup();
    if keys.len() != n {
        return false;
    }
    let pts = model_points(metrics, cands, chosen);
    pts.iter().all(|p| *p >= min) && pts.iter().copied().sum::<Num>() >= total
}

/// Every set of candidates that qualifies under the model, cheapest first (ties: more
/// points, then fewer actions), at most `limit` of them. Exact over the candidates
/// given (each metric's first [`MAX_PER_METRIC`]).
#[must_use]
pub fn optimise(
    metrics: &[MetricState],
    cands: &[Choice],
    total: Num,
    min: Num,
    limit: usize,
) -> Vec<Vec<usize>> {
    // Per metric: every subset of its candidates → (cost, capped points, subset).
    let mut fronts: Vec<Vec<(Num, Num, Vec<usize>)>> = Vec::new();
    for (i, m) in metrics.iter().enumerate() {
        let mine: Vec<usize> = (0..cands.len())
            .filter(|c| cands[*c].metric == i)
            .take(MAX_PER_METRIC)
            .collect();
        let mut subsets: Vec<(Num, Num, Vec<usize>)> = Vec::new();
        for mask in 0u32..(1u32 << mine.len()) {
            let set: Vec<usize> = mine
                .iter()
                .enumerate()
                .filter(|(b, _)| mask & (1 << b) != 0)
                .map(|(_, c)| *c)
                .collect();
            let mut keys: Vec<&str> = set.iter().map(|c| cands[*c].key.as_str()).collect();
            keys.sort_unstable();
            let n = keys.len();
            keys.dedup();
            if keys.len() != n {
                continue;
            }
            let cost: Num = set.iter().map(|c| cands[*c].cost).sum();
            let raw = m.points + set.iter().map(|c| cands[*c].gain).sum::<Num>();
            let pts = if raw > m.max { m.max } else { raw };
            if pts < min {
                continue;
            }
            subsets.push((cost, pts, set));
        }
        fronts.push(pareto(subsets, usize::MAX));
    }
    // Combine metric by metric, keeping every state no other beats on cost and points.
    let mut states: Vec<(Num, Num, Vec<usize>)> =
        vec![(Num::from_integer(0), Num::from_integer(0), Vec::new())];
    for f in &fronts {
        let mut next = Vec::new();
        for s in &states {
            for o in f {
                let mut set = s.2.clone();
                set.extend(&o.2);
                next.push((s.0 + o.0, s.1 + o.1, set));
            }
        }
        states = pareto(next, usize::MAX);
    }
    // Keys shared across metrics (one change found through two metrics).
    states.retain(|s| s.1 >= total && model_qualifies(metrics, cands, &s.2, total, min));
    states.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(b.1.cmp(&a.1))
            .then(a.2.len().cmp(&b.2.len()))
            .then(a.2.cmp(&b.2))
    });
    states.into_iter().take(limit).map(|s| s.2).collect()
}

/// States no other state beats: cheaper-or-equal with at least as many points. Among
/// equals the first (fewest actions) stays. Kept sorted by cost.
fn pareto(mut v: Vec<(Num, Num, Vec<usize>)>, limit: usize) -> Vec<(Num, Num, Vec<usize>)> {
    v.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(b.1.cmp(&a.1))
            .then(a.2.len().cmp(&b.2.len()))
            .then(a.2.cmp(&b.2))
    });
    let mut out: Vec<(Num, Num, Vec<usize>)> = Vec::new();
    for s in v {
        // Sorted by cost: a state survives only with more points than every cheaper one.
        if out.last().is_none_or(|l| s.1 > l.1) {
            out.push(s);
        }
        if out.len() >= limit {
            break;
        }
    }
    out
}

/// The cheapest brute force (tests): every subset of every candidate.
#[must_use]
pub fn brute_force(metrics: &[MetricState], cands: &[Choice], total: Num, min: Num) -> Option<Num> {
    let n = cands.len();
    let mut best: Option<Num> = None;
    for mask in 0u64..(1u64 << n) {
        let set: Vec<usize> = (0..n).filter(|b| mask & (1 << b) != 0).collect();
        if model_qualifies(metrics, cands, &set, total, min) {
            let cost: Num = set.iter().map(|c| cands[*c].cost).sum();
            if best.is_none_or(|b| cost < b) {
                best = Some(cost);
            }
        }
    }
    best
}

/// A plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Partner.
    pub partner_id: String,
    /// Area.
    pub area: String,
    /// Month the plan qualifies in.
    pub month: Month,
    /// Unit of costs.
    pub cost_unit: String,
    /// The area's total now.
    #[serde(serialize_with = "ser_num")]
    pub total_before: Num,
    /// Whether it qualifies now.
    pub qualified_before: bool,
    /// The track the plan is for.
    pub track: Option<String>,
    /// The actions (each with its cost and the points it adds alone).
    pub actions: Vec<Action>,
    /// Total cost.
    #[serde(serialize_with = "ser_num")]
    pub cost: Num,
    /// The best track's total once the plan is applied (simulated).
    #[serde(serialize_with = "ser_num")]
    pub total_after: Num,
    /// Whether the area qualifies once applied (simulated).
    pub qualified_after: bool,
    /// Why there is no plan (or no need for one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The plan as a scenario file `simulate` reads.
    pub scenario: String,
    /// Candidates simulated.
    pub candidates_simulated: usize,
    /// Plans tried against the engine.
    pub plans_tried: usize,
}

impl Planner<'_> {
    /// The cheapest plan that makes `area` qualify (method in the module's doc).
    ///
    /// # Errors
    /// An area the partner is not scored in; engine refusals.
    pub fn plan(&self, area: &str) -> Result<Plan, WhatIfError> {
        let a0 = self
            .before
            .areas
            .iter()
            .find(|a| a.area == area)
            .ok_or_else(|| {
                WhatIfError::Scenario(format!(
                    "area \"{area}\" is not scored for the partner in {}",
                    self.base.month
                ))
            })?
            .clone();
        let snapshot = self
            .base
            .catalog
            .at_month(self.base.month)
            .map_err(|e| WhatIfError::Engine(e.into()))?;
        let params = &snapshot.params;
        let (total, min) = (params.qualifying_total_points, params.min_metric_points);
        let mut plan = Plan {
            partner_id: self.base.partner.clone(),
            area: area.to_string(),
            month: self.base.month,
            cost_unit: self.costs.unit.clone(),
            total_before: a0.total,
            qualified_before: a0.qualified,
            track: a0.track.clone(),
            actions: Vec::new(),
            cost: Num::from_integer(0),
            total_after: a0.total,
            qualified_after: a0.qualified,
            reason: None,
            scenario: String::new(),
            candidates_simulated: 0,
            plans_tried: 0,
        };
        if a0.qualified {
            plan.reason = Some("the area already qualifies: nothing to do".to_string());
            return Ok(plan);
        }
        let cands: Vec<_> = self
            .candidates(MAX_PER_METRIC)?
            .into_iter()
            .filter(|c| c.area == area)
            .collect();
        plan.candidates_simulated = cands.len();
        let mut actions: Vec<Action> = cands
            .iter()
            .filter_map(|c| self.verify(c))
            .filter(|a| a.metric_points > Num::from_integer(0))
            .collect();
        // The most points per cost first (the search keeps each metric's first ones).
        actions.sort_by(|a, b| {
            (a.cost / a.metric_points)
                .cmp(&(b.cost / b.metric_points))
                .then_with(|| a.description.cmp(&b.description))
        });
        let tracks: Vec<(Option<String>, Vec<(String, Num, Num)>)> = if a0.tracks.is_empty() {
            vec![(
                a0.track.clone(),
                a0.metrics
                    .iter()
                    .map(|m| (m.metric.clone(), m.points, m.max_points))
                    .collect(),
            )]
        } else {
            a0.tracks
                .iter()
                .map(|t| {
                    (
                        t.track.clone(),
                        t.metrics
                            .iter()
                            .map(|m| (m.metric.clone(), m.points, m.max_points))
                            .collect(),
                    )
                })
                .collect()
        };
        // Candidate plans of every track, cheapest first.
        let mut found: Vec<(Num, Option<String>, Vec<Action>)> = Vec::new();
        let mut why: Vec<String> = Vec::new();
        for (track, ms) in &tracks {
            let states: Vec<MetricState> = ms
                .iter()
                .map(|(_, p, m)| MetricState {
                    points: *p,
                    max: *m,
                })
                .collect();
            let mine: Vec<&Action> = actions.iter().filter(|a| &a.track == track).collect();
            let opts: Vec<Choice> = mine
                .iter()
                .filter_map(|a| {
                    ms.iter()
                        .position(|(id, _, _)| *id == a.metric)
                        .map(|i| Choice {
                            metric: i,
                            gain: a.metric_points,
                            cost: a.cost,
                            key: a.key.clone(),
                        })
                })
                .collect();
            let sets = optimise(&states, &opts, total, min, TRIES);
            if sets.is_empty() {
                why.push(self.no_plan_reason(area, track.as_deref(), ms, &opts, total, min));
            }
            for set in sets {
                let acts: Vec<Action> = set.iter().map(|i| (*mine[*i]).clone()).collect();
                let cost = acts.iter().map(|a| a.cost).sum();
                found.push((cost, track.clone(), acts));
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        for (cost, track, acts) in found.into_iter().take(TRIES) {
            plan.plans_tried += 1;
            let text = scenario_text(&self.base.partner, area, self.base.month, &acts);
            let after = self.score_scenario(&text)?;
            let Some(a1) = after.areas.iter().find(|a| a.area == area) else {
                continue;
            };
            if a1.qualified {
                plan.track = track;
                plan.cost = cost;
                plan.actions = acts;
                plan.total_after = a1.total;
                plan.qualified_after = true;
                plan.scenario = text;
                return Ok(plan);
            }
            why.push(format!(
                "a plan of {} {} was found but the engine scores it {} (not qualified), so the actions do not add up as simulated alone",
                capscore_core::format_num(&cost, false),
                self.costs.unit,
                capscore_core::format_num(&a1.total, false)
            ));
        }
        plan.reason = Some(if why.is_empty() {
            "no action found adds points to the area".to_string()
        } else {
            why.join("; ")
        });
        Ok(plan)
    }

    fn no_plan_reason(
        &self,
        area: &str,
        track: Option<&str>,
        ms: &[(String, Num, Num)],
        opts: &[Choice],
        total: Num,
        min: Num,
    ) -> String {
        let def = self.base.catalog.area_def(area);
        let tname = match (track, def) {
            (Some(t), Some(d)) => format!("{} track", d.track_name(t)),
            _ => "the area".to_string(),
        };
        let mut best_total = Num::from_integer(0);
        let mut short = Vec::new();
        for (i, (id, p, max)) in ms.iter().enumerate() {
            let gain: Num = opts.iter().filter(|o| o.metric == i).map(|o| o.gain).sum();
            let reach = if *p + gain > *max { *max } else { *p + gain };
            best_total += reach;
            if reach < min {
                let name = def
                    .and_then(|d| d.metric(id))
                    .map_or(id.as_str(), |m| m.name.as_str());
                short.push(format!(
                    "{name} cannot reach {} point(s) with the actions found (at most {})",
                    capscore_core::format_num(&min, false),
                    capscore_core::format_num(&reach, false)
                ));
            }
        }
        if short.is_empty() {
            format!(
                "{tname}: the actions found reach at most {} points, under {}",
                capscore_core::format_num(&best_total, false),
                capscore_core::format_num(&total, false)
            )
        } else {
            format!("{tname}: {}", short.join(", "))
        }
    }
}

/// The plan as a scenario file.
#[must_use]
pub fn scenario_text(partner: &str, area: &str, month: Month, actions: &[Action]) -> String {
    let mut s = format!(
        "# capscore plan for partner {partner}, area {area}, month {month}: apply with\n# capscore simulate --partner {partner} --scenario FILE\nmonth = \"{month}\"\n"
    );
    for a in actions {
        s.push_str(&format!("\n# {}\n", a.description));
        s.push_str(&a.scenario);
    }
    s
}

/// Writes a scenario file atomically: a temporary file in the same folder, flushed,
/// then renamed over `path`.
///
/// # Errors
/// [`WhatIfError::Write`] saying what could not be done.
pub fn write_scenario(path: &std::path::Path, text: &str) -> Result<(), WhatIfError> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let fail = |e: &dyn std::fmt::Display| {
        WhatIfError::Write(format!("cannot write the scenario {}: {e}", path.display()))
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".capscore-plan-")
        .tempfile_in(dir)
        .map_err(|e| fail(&e))?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| fail(&e))?;
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}
