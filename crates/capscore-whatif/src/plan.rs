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

use std::collections::HashMap;

use capscore_catalog::Rounding;
use capscore_core::{Month, Num};
use capscore_engine::metric_points;
use serde::Serialize;

use crate::error::WhatIfError;
use crate::recommend::{Action, Planner};
use crate::simulate::ser_num;

/// Most candidates per metric the exact search enumerates (2^N subsets).
pub const MAX_PER_METRIC: usize = 10;
/// Plans tried against the engine before giving up.
const TRIES: usize = 8;

/// One association option of a metric: its value now and its target.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionState {
    /// Value now.
    pub value: Num,
    /// Target (the value that earns the maximum).
    pub target: Num,
}

/// One metric of the track planned: its options (the best counts) and maximum.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricState {
    /// Options, as the engine scored them.
    pub options: Vec<OptionState>,
    /// Maximum points.
    pub max: Num,
}

/// A candidate for the optimiser: the change of each option's value of each metric it
/// moves (simulated alone), its cost, and a key. Two candidates with the same key
/// cannot both be chosen; candidates found for different metrics never share a key.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// (index of a metric, change of each of its options' values, in the order of
    /// [`MetricState::options`]), for every metric it moves.
    pub deltas: Vec<(usize, Vec<Num>)>,
    /// Its cost.
    pub cost: Num,
    /// Exclusive key.
    pub key: String,
}

impl Choice {
    /// The one metric it moves, if only one.
    fn single(&self) -> Option<usize> {
        match self.deltas.as_slice() {
            [(i, _)] => Some(*i),
            _ => None,
        }
    }
}

/// The points of metric `i` when its options' values change by the sum of `chosen`'s
/// deltas: the best option's points, by the engine's own points function.
fn metric_pts(
    m: &MetricState,
    i: usize,
    cands: &[Choice],
    chosen: &[usize],
    rounding: Rounding,
) -> Num {
    let mut best = Num::from_integer(0);
    for (k, o) in m.options.iter().enumerate() {
        let mut v = o.value;
        for c in chosen {
            for (j, d) in &cands[*c].deltas {
                if *j == i {
                    v += d.get(k).copied().unwrap_or_else(|| Num::from_integer(0));
                }
            }
        }
        let p = metric_points(v, o.target, m.max, rounding);
        if p > best {
            best = p;
        }
    }
    best
}

/// Each metric's points when `chosen` are applied, under the model: values add up,
/// points by the engine's function, the best option counts.
#[must_use]
pub fn model_points(
    metrics: &[MetricState],
    cands: &[Choice],
    chosen: &[usize],
    rounding: Rounding,
) -> Vec<Num> {
    metrics
        .iter()
        .enumerate()
        .map(|(i, m)| metric_pts(m, i, cands, chosen, rounding))
        .collect()
}

fn keys_distinct(cands: &[Choice], chosen: &[usize]) -> bool {
    let mut keys: Vec<&str> = chosen.iter().map(|c| cands[*c].key.as_str()).collect();
    keys.sort_unstable();
    let n = keys.len();
    keys.dedup();
    keys.len() == n
}

/// What the plan must reach: the qualifying total and every metric's minimum, with
/// the catalog's rounding of points.
#[derive(Debug, Clone, Copy)]
pub struct Goal {
    /// Qualifying total.
    pub total: Num,
    /// Minimum points of every metric.
    pub min: Num,
    /// Rounding of points.
    pub rounding: Rounding,
}

/// Whether a set of candidates qualifies under the model: total ≥ the goal's, every
/// metric ≥ its minimum, no key twice.
#[must_use]
pub fn model_qualifies(
    metrics: &[MetricState],
    cands: &[Choice],
    chosen: &[usize],
    goal: Goal,
) -> bool {
    if !keys_distinct(cands, chosen) {
        return false;
    }
    let pts = model_points(metrics, cands, chosen, goal.rounding);
    pts.iter().all(|p| *p >= goal.min) && pts.iter().copied().sum::<Num>() >= goal.total
}

type State = (Num, Num, Vec<usize>);

/// Sets of candidates that qualify under the model, cheapest first (ties: more points,
/// then fewer actions), at most `limit` of them. Exact over the candidates given: the
/// first [`MAX_PER_METRIC`] moving only one metric, per metric, and the first
/// [`MAX_PER_METRIC`] moving several.
#[must_use]
pub fn optimise(
    metrics: &[MetricState],
    cands: &[Choice],
    goal: Goal,
    limit: usize,
) -> Vec<Vec<usize>> {
    // The most each metric can reach, with every change that raises a value at once
    // (keys aside), bounds every set: when a metric cannot reach its minimum, or the
    // metrics the total, no set qualifies.
    let reach = reach(metrics, cands, goal.rounding);
    if reach.iter().any(|r| *r < goal.min) || reach.iter().copied().sum::<Num>() < goal.total {
        return Vec::new();
    }
    // Keys as numbers: two candidates share a key when they share a number.
    let mut ids: Vec<&str> = cands.iter().map(|c| c.key.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let kid: Vec<usize> = cands
        .iter()
        .map(|c| ids.binary_search(&c.key.as_str()).unwrap_or(0))
        .collect();
    let keys_distinct = |_: &[Choice], set: &[usize]| {
        let mut k: Vec<usize> = set.iter().map(|c| kid[*c]).collect();
        k.sort_unstable();
        let n = k.len();
        k.dedup();
        k.len() == n
    };
    let multi: Vec<usize> = (0..cands.len())
        .filter(|c| cands[*c].single().is_none() && !cands[*c].deltas.is_empty())
        .take(MAX_PER_METRIC)
        .collect();
    let mut found: Vec<State> = Vec::new();
    let mut memo: Memo = HashMap::new();
    // Every subset of the candidates that move several metrics, then the exact search
    // over those that move one.
    for mask in 0u32..(1u32 << multi.len()) {
        let fixed: Vec<usize> = multi
            .iter()
            .enumerate()
            .filter(|(b, _)| mask & (1 << b) != 0)
            .map(|(_, c)| *c)
            .collect();
        if !keys_distinct(cands, &fixed) {
            continue;
        }
        let fixed_cost: Num = fixed.iter().map(|c| cands[*c].cost).sum();
        let mut states: Vec<State> = vec![(fixed_cost, Num::from_integer(0), fixed.clone())];
        for (i, m) in metrics.iter().enumerate() {
            let mine: Vec<usize> = (0..cands.len())
                .filter(|c| {
                    cands[*c].single() == Some(i) && !fixed.iter().any(|f| kid[*f] == kid[*c])
                })
                .take(MAX_PER_METRIC)
                .collect();
            let subsets = subsets(m, i, cands, &mine, &fixed, &kid, goal, &mut memo);
            let front = pareto(subsets);
            let mut next = Vec::new();
            for s in &states {
                for o in &front {
                    let mut set = s.2.clone();
                    set.extend(&o.2);
                    next.push((s.0 + o.0, s.1 + o.1, set));
                }
            }
            states = pareto(next);
        }
        found.extend(states.into_iter().filter(|s| s.1 >= goal.total));
    }
    found.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(b.1.cmp(&a.1))
            .then(a.2.len().cmp(&b.2.len()))
            .then(a.2.cmp(&b.2))
    });
    found.into_iter().take(limit).map(|s| s.2).collect()
}

/// Points of (metric, option, value), computed once.
type Memo = HashMap<(usize, usize, Num), Num>;

/// Every subset of `mine` (candidates moving metric `i` only) whose keys are distinct
/// and whose points, with the `fixed` candidates applied too, reach the minimum: (cost,
/// points, the subset). Values, costs and keys are built subset by subset from the
/// subset without its lowest member, and points come from the engine's points function,
/// once per option and value.
#[allow(clippy::too_many_arguments)]
fn subsets(
    m: &MetricState,
    i: usize,
    cands: &[Choice],
    mine: &[usize],
    fixed: &[usize],
    kid: &[usize],
    goal: Goal,
    memo: &mut Memo,
) -> Vec<State> {
    let zero = Num::from_integer(0);
    let opts = m.options.len();
    let change = |c: usize, k: usize| -> Num {
        cands[c]
            .deltas
            .iter()
            .filter(|(j, _)| *j == i)
            .map(|(_, d)| d.get(k).copied().unwrap_or(zero))
            .sum()
    };
    let size = 1usize << mine.len();
    let mut vals: Vec<Num> = vec![zero; size * opts];
    for (k, o) in m.options.iter().enumerate() {
        vals[k] = o.value + fixed.iter().map(|f| change(*f, k)).sum::<Num>();
    }
    // One bit per distinct key among `mine`.
    let bit: Vec<u32> = mine
        .iter()
        .map(|c| 1 << mine.iter().position(|x| kid[*x] == kid[*c]).unwrap_or(0))
        .collect();
    let mut ok = vec![true; size];
    let mut keys = vec![0u32; size];
    let mut cost = vec![zero; size];
    let mut out = Vec::new();
    for s in 0..size {
        if s > 0 {
            let b = s.trailing_zeros() as usize;
            let rest = s & (s - 1);
            ok[s] = ok[rest] && keys[rest] & bit[b] == 0;
            keys[s] = keys[rest] | bit[b];
            cost[s] = cost[rest] + cands[mine[b]].cost;
            for k in 0..opts {
                vals[s * opts + k] = vals[rest * opts + k] + change(mine[b], k);
            }
        }
        if !ok[s] {
            continue;
        }
        let mut pts = zero;
        for (k, o) in m.options.iter().enumerate() {
            let v = vals[s * opts + k];
            let p = *memo
                .entry((i, k, v))
                .or_insert_with(|| metric_points(v, o.target, m.max, goal.rounding));
            if p > pts {
                pts = p;
            }
        }
        if pts < goal.min {
            continue;
        }
        let set: Vec<usize> = mine
            .iter()
            .enumerate()
            .filter(|(b, _)| s & (1 << b) != 0)
            .map(|(_, c)| *c)
            .collect();
        out.push((cost[s], pts, set));
    }
    out
}

/// The most each metric reaches under the model with every candidate's changes that
/// raise a value applied at once (changes that lower one left out, keys aside): an upper
/// bound of what any set of the candidates gives it.
#[must_use]
pub fn reach(metrics: &[MetricState], cands: &[Choice], rounding: Rounding) -> Vec<Num> {
    let raising: Vec<Choice> = cands
        .iter()
        .map(|c| Choice {
            deltas: c
                .deltas
                .iter()
                .map(|(i, d)| {
                    (
                        *i,
                        d.iter().map(|x| (*x).max(Num::from_integer(0))).collect(),
                    )
                })
                .collect(),
            cost: c.cost,
            key: c.key.clone(),
        })
        .collect();
    let all: Vec<usize> = (0..raising.len()).collect();
    model_points(metrics, &raising, &all, rounding)
}

/// States no other state beats: a state stays only with more points than every
/// cheaper-or-equal one (among equals, the fewest actions). Sorted by cost.
fn pareto(mut v: Vec<State>) -> Vec<State> {
    v.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(b.1.cmp(&a.1))
            .then(a.2.len().cmp(&b.2.len()))
            .then(a.2.cmp(&b.2))
    });
    let mut out: Vec<State> = Vec::new();
    for s in v {
        if out.last().is_none_or(|l| s.1 > l.1) {
            out.push(s);
        }
    }
    out
}

/// The cost of the cheapest set by brute force (for tests): every subset of every
/// candidate.
#[must_use]
pub fn brute_force(metrics: &[MetricState], cands: &[Choice], goal: Goal) -> Option<Num> {
    let n = cands.len();
    let mut best: Option<Num> = None;
    for mask in 0u64..(1u64 << n) {
        let set: Vec<usize> = (0..n).filter(|b| mask & (1 << b) != 0).collect();
        if model_qualifies(metrics, cands, &set, goal) {
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
        // Each candidate screened on the tenants it touches: the model's value changes.
        let mut actions: Vec<Action> = cands
            .iter()
            .filter_map(|c| self.screen(c))
            .filter(|a| !a.deltas.is_empty())
            .collect();
        // The most points per cost first (the search keeps each metric's first ones).
        actions.sort_by(|a, b| {
            let gain = |x: &Action| {
                let g = x.points.max(x.metric_points);
                if g > Num::from_integer(0) {
                    g
                } else {
                    Num::from_integer(1)
                }
            };
            (a.cost / gain(a))
                .cmp(&(b.cost / gain(b)))
                .then_with(|| a.description.cmp(&b.description))
        });
        // One action per thing it changes (a tenant's association or band, a service's
        // users, a person's certification): the most points per cost.
        let mut seen = std::collections::BTreeSet::new();
        actions.retain(|a| seen.insert((a.track.clone(), a.key.clone())));
        let tracks: Vec<(Option<String>, &[capscore_engine::MetricScore])> = if a0.tracks.is_empty()
        {
            vec![(a0.track.clone(), a0.metrics.as_slice())]
        } else {
            a0.tracks
                .iter()
                .map(|t| (t.track.clone(), t.metrics.as_slice()))
                .collect()
        };
        let goal = Goal {
            total,
            min,
            rounding: params.points_rounding,
        };
        // Candidate plans of every track, cheapest first.
        let mut found: Vec<(Num, Option<String>, Vec<Action>)> = Vec::new();
        let mut why: Vec<String> = Vec::new();
        for (track, ms) in &tracks {
            let states: Vec<MetricState> = ms.iter().map(metric_state).collect();
            let mine: Vec<&Action> = actions.iter().filter(|a| &a.track == track).collect();
            let opts: Vec<Choice> = mine
                .iter()
                .map(|a| Choice {
                    deltas: a
                        .deltas
                        .iter()
                        .filter_map(|(id, d)| {
                            ms.iter()
                                .position(|m| &m.metric == id)
                                .map(|i| (i, d.clone()))
                        })
                        .collect(),
                    cost: a.cost,
                    key: a.key.clone(),
                })
                .collect();
            let sets = optimise(&states, &opts, goal, TRIES);
            if sets.is_empty() {
                why.push(self.no_plan_reason(area, track.as_deref(), ms, &states, &opts, goal));
            }
            for set in sets {
                let acts: Vec<Action> = set.iter().map(|i| (*mine[*i]).clone()).collect();
                let cost = acts.iter().map(|a| a.cost).sum();
                found.push((cost, track.clone(), acts));
            }
        }
        found.sort_by_key(|a| a.0);
        for (cost, track, acts) in found.into_iter().take(TRIES) {
            plan.plans_tried += 1;
            let text = scenario_text(&self.base.partner, area, self.base.month, &acts);
            let after = self.score_scenario(&text)?;
            let Some(a1) = after.areas.iter().find(|a| a.area == area) else {
                continue;
            };
            if a1.qualified {
                // Each action's own effect, simulated alone.
                let acts: Vec<Action> = acts
                    .iter()
                    .map(|a| {
                        cands
                            .iter()
                            .find(|c| c.scenario == a.scenario && c.track == a.track)
                            .and_then(|c| self.verify(c, true))
                            .unwrap_or_else(|| a.clone())
                    })
                    .collect();
                plan.track = track;
                plan.cost = cost;
                plan.actions = acts;
                plan.total_after = a1.total;
                plan.qualified_after = true;
                plan.scenario = text;
                return Ok(plan);
            }
            let msg = format!(
                "the cheapest plan found ({}: {} {}) is scored {} by the engine once applied (not qualified): its actions do not add up as they did alone",
                acts.iter()
                    .map(|a| a.description.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                capscore_core::format_num(&cost, false),
                self.costs.unit,
                capscore_core::format_num(&a1.total, false)
            );
            if !why.contains(&msg) {
                why.push(msg);
            }
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
        ms: &[capscore_engine::MetricScore],
        states: &[MetricState],
        opts: &[Choice],
        goal: Goal,
    ) -> String {
        let def = self.base.catalog.area_def(area);
        let tname = match (track, def) {
            (Some(t), Some(d)) => format!("{} track", d.track_name(t)),
            _ => "the area".to_string(),
        };
        // With every candidate at once, counting only the changes that raise a value
        // (keys aside): the most each metric can reach under the model.
        let reach = reach(states, opts, goal.rounding);
        let mut short = Vec::new();
        for (m, r) in ms.iter().zip(&reach) {
            if *r < goal.min {
                let name = def
                    .and_then(|d| d.metric(&m.metric))
                    .map_or(m.metric.as_str(), |d| d.name.as_str());
                short.push(format!(
                    "{name} cannot reach its minimum of {} points with the actions found (at most {})",
                    capscore_core::format_num(&goal.min, false),
                    capscore_core::format_num(r, false)
                ));
            }
        }
        if short.is_empty() {
            format!(
                "{tname}: the actions found reach at most {} points, under {}",
                capscore_core::format_num(&reach.iter().copied().sum::<Num>(), false),
                capscore_core::format_num(&goal.total, false)
            )
        } else {
            format!("{tname}: {}", short.join(", "))
        }
    }
}

/// A metric's options as the optimiser sees them.
fn metric_state(m: &capscore_engine::MetricScore) -> MetricState {
    let options = if m.options.is_empty() {
        vec![OptionState {
            value: m.value,
            target: m.target,
        }]
    } else {
        m.options
            .iter()
            .map(|o| OptionState {
                value: o.value,
                target: o.target,
            })
            .collect()
    };
    MetricState {
        options,
        max: m.max_points,
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
