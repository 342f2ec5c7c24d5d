//! Recommend and plan: every action's announced effect is what simulate gives on the
//! whole dataset (random datasets and the sample), a plan applied qualifies, its
//! scenario round-trips through simulate, and the optimiser matches brute force.

use std::path::PathBuf;

use capscore_catalog::{Catalog, Rounding};
use capscore_core::{Month, Num};
use capscore_data::Loaded;
use capscore_whatif::plan::{
    Choice, Goal, MetricState, OptionState, brute_force, model_points, optimise,
};
use capscore_whatif::recommend::Planner;
use capscore_whatif::scenario;
use capscore_whatif::simulate::Base;
use proptest::prelude::*;

use crate::common::{Data, m};

fn sample(catalog: &Catalog) -> Loaded {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/sample");
    capscore_data::load_dir(&dir, catalog).unwrap()
}

fn june() -> Month {
    m("2024-06")
}

fn base<'c>(loaded: &Loaded, catalog: &'c Catalog, partner: &str, month: Month) -> Base<'c> {
    Base::new(
        loaded,
        catalog,
        partner,
        month,
        Some(vec!["modern_work".to_string()]),
    )
    .unwrap()
}

/// Applies a scenario text to the whole dataset with `simulate`: the area's total
/// before and after, and whether it qualifies after.
fn simulated(base: &Base<'_>, text: &str) -> (Num, Num, bool) {
    let s = scenario::parse(text, "s.toml").unwrap();
    let (sim, _) = base.simulate_with(&s, "s.toml", text, false).unwrap();
    let a = sim.area("modern_work").unwrap();
    (a.total_before, a.total_after, a.qualified_after)
}

#[test]
fn every_recommendation_on_the_sample_changes_the_score_as_announced() {
    let catalog = Catalog::embedded().unwrap();
    let loaded = sample(&catalog);
    let b = base(&loaded, &catalog, "P003", june());
    let r = Planner::new(&b, catalog.costs.clone())
        .unwrap()
        .recommend(0)
        .unwrap();
    assert!(!r.actions.is_empty());
    // The cheapest qualifying action comes first.
    assert!(r.actions[0].qualified_after);
    for a in &r.actions {
        let (before, after, q) = simulated(&b, &a.scenario);
        assert_eq!(after - before, a.points, "{}", a.description);
        assert_eq!(after, a.total_after, "{}", a.description);
        assert_eq!(q, a.qualified_after, "{}", a.description);
        assert!(a.points > Num::from_integer(0));
        let lines: Num = a.cost_lines.iter().map(|l| l.quantity * l.unit_cost).sum();
        assert_eq!(lines, a.cost);
    }
    // Ranked: qualifying first, then by cost per point.
    for w in r.actions.windows(2) {
        if w[0].qualified_after == w[1].qualified_after {
            assert!(w[0].cost / w[0].points <= w[1].cost / w[1].points);
        } else {
            assert!(w[0].qualified_after);
        }
    }
}

#[test]
fn the_plans_of_p003_and_p005_qualify_when_applied_through_simulate() {
    let catalog = Catalog::embedded().unwrap();
    let loaded = sample(&catalog);
    for (partner, total) in [("P003", 68), ("P005", 64)] {
        let b = base(&loaded, &catalog, partner, june());
        let plan = Planner::new(&b, catalog.costs.clone())
            .unwrap()
            .plan("modern_work")
            .unwrap();
        assert_eq!(plan.total_before, Num::from_integer(total));
        assert!(plan.qualified_after, "{partner}: {:?}", plan.reason);
        assert!(plan.reason.is_none());
        assert!(plan.total_after >= Num::from_integer(70));
        let cost: Num = plan.actions.iter().map(|a| a.cost).sum();
        assert_eq!(cost, plan.cost);
        // The scenario written is one simulate accepts, and it gives the same score.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plan.toml");
        capscore_whatif::plan::write_scenario(&file, &plan.scenario).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let (before, after, q) = simulated(&b, &text);
        assert_eq!(before, Num::from_integer(total));
        assert_eq!(after, plan.total_after, "{partner}");
        assert!(q);
    }
}

#[test]
fn plans_that_cannot_be_or_need_not_be_made_say_why() {
    let catalog = Catalog::embedded().unwrap();
    let loaded = sample(&catalog);
    // P001 already qualifies.
    let b = base(&loaded, &catalog, "P001", june());
    let p = Planner::new(&b, catalog.costs.clone()).unwrap();
    let plan = p.plan("modern_work").unwrap();
    assert!(plan.qualified_before && plan.actions.is_empty());
    assert!(plan.reason.unwrap().contains("already qualifies"));
    // P006 cannot reach 70 with the actions capscore finds: the reason names the track.
    let b = base(&loaded, &catalog, "P006", june());
    let plan = Planner::new(&b, catalog.costs.clone())
        .unwrap()
        .plan("modern_work")
        .unwrap();
    assert!(!plan.qualified_after && plan.actions.is_empty());
    assert!(plan.scenario.is_empty());
    let why = plan.reason.unwrap();
    assert!(
        why.contains("SMB track") && why.contains("under 70"),
        "{why}"
    );
    // An area the partner is not scored in is refused.
    let err = p.plan("not_an_area").unwrap_err().to_string();
    assert!(err.contains("not_an_area"), "{err}");
}

#[test]
fn costs_from_a_file_change_the_plan() {
    // With active users made expensive, P003's cheapest plan is no longer 4 more users.
    let catalog = Catalog::embedded().unwrap();
    let loaded = sample(&catalog);
    let b = base(&loaded, &catalog, "P003", june());
    let costs = catalog
        .costs
        .merged(
            &catalog,
            "mine.toml",
            "[[action]]\nid = \"active_user\"\nvalues = [{ cost = 1000 }]\n",
        )
        .unwrap();
    let plan = Planner::new(&b, costs)
        .unwrap()
        .plan("modern_work")
        .unwrap();
    assert!(plan.qualified_after);
    assert!(
        plan.actions
            .iter()
            .all(|a| a.cost_lines.iter().all(|l| l.item != "active_user")),
        "{:?}",
        plan.actions
    );
}

// --- random datasets --------------------------------------------------------------

const WORKLOADS: [&str; 3] = ["Teams", "Exchange", "SharePoint"];
const KINDS: [&str; 3] = ["CPOR", "DPOR", "CSP_T1"];

/// Partner P1 with four tenants: an association each (type, start), and usage of each
/// workload from 2023-06 to 2024-06 (paid seats, active share); a few certifications.
pub(crate) fn arb_data() -> impl Strategy<Value = Data> {
    let tenant = (
        0..3usize,
        0..18u32,
        proptest::collection::vec((5..420u64, 0..100u64, 0..40u64), 3),
    );
    (
        proptest::collection::vec(tenant, 1..4),
        proptest::collection::vec(0..3usize, 0..3),
    )
        .prop_map(|(tenants, certs)| {
            let mut d = Data::default().covering("2022-07", "2024-06");
            for (i, (kind, start, usage)) in tenants.into_iter().enumerate() {
                let t = format!("T{i}");
                let start = Month::range(m("2022-12"), m("2024-06"))
                    .nth(start as usize)
                    .unwrap();
                let workload = if KINDS[kind] == "CPOR" { "Teams" } else { "" };
                d.assocs
                    .push(format!("P1,{t},{},{workload},,{}-01,", KINDS[kind], start));
                for (w, (paid, pct, growth)) in usage.into_iter().enumerate() {
                    for (k, x) in Month::range(m("2023-06"), m("2024-06")).enumerate() {
                        let active = (paid * pct / 100 + growth * k as u64 / 4).min(paid);
                        d.usage
                            .push(format!("{t},{},{x},{paid},{active}", WORKLOADS[w]));
                    }
                }
            }
            let titles = [
                "Teams Administrator Associate",
                "Administrator Expert",
                "Microsoft 365 Fundamentals",
            ];
            for (i, c) in certs.into_iter().enumerate() {
                d.certs.push(format!("P1,p{i},{},2023-01-10,", titles[c]));
            }
            d
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    /// Over random datasets: each recommendation, applied through simulate on the whole
    /// dataset, changes the area's total by exactly the points announced.
    #[test]
    fn a_recommendation_applied_through_simulate_changes_the_score_by_its_effect(d in arb_data()) {
        let catalog = Catalog::embedded().unwrap();
        let files = d.files();
        let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (n.as_str(), t.as_bytes())).collect();
        let loaded = capscore_data::load_files(&refs, &catalog).unwrap();
        let b = base(&loaded, &catalog, "P1", june());
        let planner = Planner::new(&b, catalog.costs.clone()).unwrap();
        let r = planner.recommend(0).unwrap();
        for a in &r.actions {
            let (before, after, q) = simulated(&b, &a.scenario);
            prop_assert_eq!(after - before, a.points, "{}", a.description);
            prop_assert_eq!(after, a.total_after);
            prop_assert_eq!(q, a.qualified_after);
        }
        // A plan, when one is found, qualifies when applied.
        let plan = planner.plan("modern_work").unwrap();
        if !plan.actions.is_empty() {
            let (_, after, q) = simulated(&b, &plan.scenario);
            prop_assert!(q);
            prop_assert_eq!(after, plan.total_after);
        } else if !plan.qualified_before {
            prop_assert!(plan.reason.is_some());
        }
    }
}

// --- the optimiser against brute force -------------------------------------------

fn arb_problem() -> impl Strategy<Value = (Vec<MetricState>, Vec<Choice>)> {
    let metric = (
        proptest::collection::vec((-3i128..8, 1i128..10), 1..3),
        prop_oneof![Just(10i128), Just(20), Just(25)],
    );
    let delta = (0usize..4, proptest::collection::vec(-1i128..5, 2));
    (
        proptest::collection::vec(metric, 1..4),
        proptest::collection::vec(
            (proptest::collection::vec(delta, 1..3), 1i128..50, 0u8..6),
            0..11,
        ),
    )
        .prop_map(|(ms, cs)| {
            let metrics: Vec<MetricState> = ms
                .into_iter()
                .map(|(opts, max)| MetricState {
                    options: opts
                        .into_iter()
                        .map(|(v, t)| OptionState {
                            value: Num::from_integer(v),
                            target: Num::from_integer(t),
                        })
                        .collect(),
                    max: Num::from_integer(max),
                })
                .collect();
            let n = metrics.len();
            let cands = cs
                .into_iter()
                .map(|(ds, cost, key)| {
                    let mut deltas: Vec<(usize, Vec<Num>)> = Vec::new();
                    for (i, d) in ds {
                        if !deltas.iter().any(|x| x.0 == i % n) {
                            deltas.push((i % n, d.into_iter().map(Num::from_integer).collect()));
                        }
                    }
                    // Candidates found for different metrics never share a key.
                    let key = format!("m{}:k{key}", deltas[0].0);
                    Choice {
                        deltas,
                        cost: Num::from_integer(cost),
                        key,
                    }
                })
                .collect();
            (metrics, cands)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// The exact search finds the cost brute force finds, over every subset of every
    /// candidate, for every qualifying total.
    #[test]
    fn the_optimiser_matches_brute_force((metrics, cands) in arb_problem(), total in 5i128..60) {
        for rounding in [Rounding::Exact, Rounding::FloorWhole] {
            let goal = Goal { total: Num::from_integer(total), min: Num::from_integer(1), rounding };
            let best = optimise(&metrics, &cands, goal, 1);
            let brute = brute_force(&metrics, &cands, goal);
            let cost = best.first().map(|s| s.iter().map(|c| cands[*c].cost).sum::<Num>());
            prop_assert_eq!(cost, brute);
            if let Some(set) = best.first() {
                let pts = model_points(&metrics, &cands, set, rounding);
                prop_assert!(pts.iter().copied().sum::<Num>() >= goal.total);
            }
        }
    }
}
