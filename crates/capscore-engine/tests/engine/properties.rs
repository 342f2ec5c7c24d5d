//! Invariants of the Modern Work engine over random datasets.

use std::collections::BTreeMap;

use crate::common::Data;
use capscore_core::Num;
use proptest::prelude::*;

const TENANTS: [&str; 4] = ["T1", "T2", "T3", "T4"];
const WORKLOADS: [&str; 3] = ["Exchange", "Teams", "SharePoint"];
const MONTHS: [&str; 5] = ["2023-06", "2023-09", "2024-01", "2024-05", "2024-06"];
const KINDS: [&str; 4] = ["CPOR", "DPOR", "CSP_T1", "CSP_T2"];
const TITLES: [&str; 5] = [
    "Teams Administrator Associate",
    "Microsoft 365 Certified: Messaging Administrator Associate",
    "Modern Desktop Administrator Associate",
    "Administrator Expert",
    "Teams Meetings and Meeting Rooms Technical Assessment",
];

/// (tenant, workload, month) indices -> (paid units, active users).
type UsageRow = ((usize, usize, usize), (u64, u64));

#[derive(Debug, Clone)]
struct Rows {
    assocs: Vec<String>,
    usage: Vec<UsageRow>,
    certs: Vec<String>,
}

fn date(month0: u32, day: u32) -> String {
    // month0 counts months from 2022-01.
    format!(
        "{:04}-{:02}-{:02}",
        2022 + month0 / 12,
        month0 % 12 + 1,
        day
    )
}

fn arb_rows() -> impl Strategy<Value = Rows> {
    let assoc = (
        0..4usize,
        0..4usize,
        0..3usize,
        0..30u32,
        1..29u32,
        proptest::option::of(1..20u32),
    )
        .prop_map(|(t, k, w, start, day, len)| {
            let workload = if w == 0 { "" } else { WORKLOADS[w - 1] };
            let end = len.map(|l| date(start + l, 15)).unwrap_or_default();
            format!(
                "P1,{},{},{workload},,{},{end}",
                TENANTS[t],
                KINDS[k],
                date(start, day)
            )
        });
    let usage = ((0..4usize, 0..3usize, 0..5usize), (0..450u64, 0..500u64));
    let cert =
        (0..4u32, 0..5usize, 0..30u32, proptest::option::of(0..40u32)).prop_map(|(p, t, e, x)| {
            let expires = x.map(|x| date(e + x, 28)).unwrap_or_default();
            format!("P1,p{p},\"{}\",{},{expires}", TITLES[t], date(e, 1))
        });
    (
        proptest::collection::vec(assoc, 0..8),
        proptest::collection::vec(usage, 0..40),
        proptest::collection::vec(cert, 0..6),
    )
        .prop_map(|(assocs, usage, certs)| {
            // One row per (tenant, workload, month): the loader rejects duplicates.
            let usage: BTreeMap<_, _> = usage.into_iter().collect();
            Rows {
                assocs,
                usage: usage.into_iter().collect(),
                certs,
            }
        })
}

fn data(r: &Rows) -> Data {
    let mut d = Data::new();
    d.assocs = r.assocs.clone();
    d.certs = r.certs.clone();
    d.usage = r
        .usage
        .iter()
        .map(|((t, w, m), (p, a))| {
            format!("{},{},{},{p},{a}", TENANTS[*t], WORKLOADS[*w], MONTHS[*m])
        })
        .collect();
    d
}

fn json(d: &Data) -> String {
    serde_json::to_string(&d.score_with(&capscore_catalog::Catalog::embedded().unwrap(), "2024-06"))
        .unwrap()
}

/// Every option value and points of every metric of every track.
fn figures(d: &Data) -> Vec<(String, String, Num, Num)> {
    let a = d.mw("2024-06");
    let mut out = Vec::new();
    for t in &a.tracks {
        for m in &t.metrics {
            let name = format!("{}/{}", t.track.as_deref().unwrap_or("-"), m.metric);
            if m.options.is_empty() {
                out.push((name, String::new(), m.value, m.points));
            } else {
                for o in &m.options {
                    out.push((
                        name.clone(),
                        o.option.clone().unwrap_or_default(),
                        o.value,
                        o.points,
                    ));
                }
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn permuting_rows_never_changes_a_score(
        (rows, a, u, c) in arb_rows().prop_flat_map(|r| {
            let a = Just(r.assocs.clone()).prop_shuffle();
            let u = Just(r.usage.clone()).prop_shuffle();
            let c = Just(r.certs.clone()).prop_shuffle();
            (Just(r), a, u, c)
        })
    ) {
        let shuffled = Rows { assocs: a, usage: u, certs: c };
        prop_assert_eq!(json(&data(&rows)), json(&data(&shuffled)));
    }

    #[test]
    fn adding_a_certified_person_never_lowers_a_metric(rows in arb_rows(), title in 0..5usize) {
        let before = figures(&data(&rows));
        let mut more = rows.clone();
        more.certs.push(format!("P1,new-person,\"{}\",2023-01-01,", TITLES[title]));
        let after = figures(&data(&more));
        for (b, a) in before.iter().zip(&after) {
            prop_assert!(a.3 >= b.3, "{:?} -> {:?}", b, a);
        }
    }

    #[test]
    fn adding_an_active_user_at_the_evaluation_month_never_lowers_a_metric(
        rows in arb_rows(), pick in any::<prop::sample::Index>(), extra in 1..300u64
    ) {
        let at_m: Vec<usize> = rows.usage.iter().enumerate().filter(|(_, u)| u.0.2 == 4).map(|(i, _)| i).collect();
        prop_assume!(!at_m.is_empty());
        let i = at_m[pick.index(at_m.len())];
        let before = figures(&data(&rows));
        let mut more = rows.clone();
        more.usage[i].1.1 += extra;
        let after = figures(&data(&more));
        for (b, a) in before.iter().zip(&after) {
            prop_assert!(a.2 >= b.2, "value {:?} -> {:?}", b, a);
            prop_assert!(a.3 >= b.3, "points {:?} -> {:?}", b, a);
        }
    }

    #[test]
    fn removing_every_association_gives_zero_customer_points(rows in arb_rows()) {
        let mut none = rows.clone();
        none.assocs.clear();
        let a = data(&none).mw("2024-06");
        for t in &a.tracks {
            for m in t.metrics.iter().filter(|m| !m.metric.ends_with("_certifications")) {
                prop_assert_eq!(m.points, Num::from_integer(0), "{}", m.metric);
            }
        }
    }
}
