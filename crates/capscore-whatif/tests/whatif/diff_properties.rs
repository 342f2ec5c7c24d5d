//! `diff` over random datasets touching every area: each metric's movers add up
//! exactly to the change of its value, the values are those `score` reports at both
//! months, and every mover is consistent with its amounts.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::{Data, m};
use capscore_catalog::Catalog;
use capscore_core::Num;
use capscore_engine::{ScoreRequest, Scores, score};
use capscore_whatif::diff::{ChangeKind, DiffError, DiffRequest, diff};
use proptest::prelude::*;

const TENANTS: [&str; 4] = ["T1", "T2", "T3", "T4"];
const KINDS: [&str; 6] = ["CPOR", "DPOR", "CSP_T1", "CSP_T2", "PAL", "DAP"];
const SUBS: [&str; 3] = ["", "S1", "S2"];
const ASSOC_WORKLOADS: [&str; 5] = ["", "", "Teams", "Exchange", "Power Apps"];
const M365: [&str; 5] = ["Teams", "Exchange", "SPO", "MDE", "Intune"];
const SEATS: [u64; 4] = [0, 8, 120, 450];
const SERVICES: [&str; 4] = ["Storage", "Sentinel", "Key Vault", "Virtual Machines"];
const BIZ: [&str; 3] = ["Dynamics 365 Sales", "Power Apps", "Business Central"];
/// Months read when scoring 2024-01 and 2024-06: each, `m-1`, claim months, `m-12`,
/// `m-13`, months of the previous TTM.
const MONTHS: [&str; 10] = [
    "2024-06", "2024-05", "2024-01", "2023-12", "2023-09", "2023-06", "2023-05", "2023-01",
    "2022-12", "2022-08",
];
const TITLES: [&str; 6] = [
    "Azure Security Engineer Associate",
    "Teams Administrator Associate",
    "Microsoft 365 Certified: Administrator Expert",
    "Azure Solutions Architect Expert",
    "Azure Administrator Associate",
    "Power Platform Solution Architect Expert",
];
const CERT_DATES: [(&str, &str); 4] = [
    ("2023-01-01", ""),
    ("2022-01-01", "2024-03-31"),
    ("2024-03-15", ""),
    ("2023-05-01", "2024-02-28"),
];

fn arb_data() -> impl Strategy<Value = Data> {
    let assoc = (
        (0..4usize, 0..6usize, 0..5usize, 0..3usize),
        (0..30u32, 0..4u32),
    )
        .prop_map(|((t, k, w, s), (start, end))| {
            let sub = if ASSOC_WORKLOADS[w].is_empty() {
                SUBS[s]
            } else {
                ""
            };
            let start_m = 2022 * 12 + 1 + start;
            let end = match end {
                0 => String::new(),
                e => {
                    let x = start_m + 3 * e + 4;
                    format!("{:04}-{:02}-28", x / 12, x % 12 + 1)
                }
            };
            format!(
                "P1,{},{},{},{sub},{:04}-{:02}-01,{end}",
                TENANTS[t],
                KINDS[k],
                ASSOC_WORKLOADS[w],
                start_m / 12,
                start_m % 12 + 1
            )
        });
    let usage = ((0..4usize, 0..5usize, 0..10usize), (0..4usize, 0..100u64));
    let azure = ((0..4usize, 1..3usize, 0..4usize, 0..10usize), 0..9_000u32);
    let biz = ((0..4usize, 0..3usize, 0..10usize), (0..9_000u32, 0..80u32));
    let cert = (0..4u32, 0..6usize, 0..4usize);
    (
        proptest::collection::vec(assoc, 0..10),
        proptest::collection::vec(usage, 0..40),
        proptest::collection::vec(azure, 0..30),
        proptest::collection::vec(biz, 0..20),
        proptest::collection::vec(cert, 0..10),
    )
        .prop_map(|(assocs, usage, azure, biz, certs)| {
            // One row per key: the loader rejects duplicates.
            let usage: BTreeMap<_, _> = usage.into_iter().collect();
            let azure: BTreeMap<_, _> = azure.into_iter().collect();
            let biz: BTreeMap<_, _> = biz.into_iter().collect();
            let certs: BTreeSet<_> = certs.into_iter().collect();
            let mut d = Data {
                assocs,
                ..Data::default()
            }
            .covering("2022-01", "2024-06");
            for ((t, w, x), (seats, pct)) in usage {
                let paid = SEATS[seats];
                d.usage.push(format!(
                    "{},{},{},{paid},{}",
                    TENANTS[t],
                    M365[w],
                    MONTHS[x],
                    paid * pct / 100
                ));
            }
            for ((t, s, v, x), usd) in azure {
                d.azure.push(format!(
                    "{},{},{},Pay-As-You-Go,{},{usd}",
                    TENANTS[t], SUBS[s], SERVICES[v], MONTHS[x]
                ));
            }
            for ((t, w, x), (rev, units)) in biz {
                d.biz.push(format!(
                    "{},{},{},{rev},{units}",
                    TENANTS[t], BIZ[w], MONTHS[x]
                ));
            }
            for (p, t, dt) in certs {
                let (earned, expires) = CERT_DATES[dt];
                d.certs
                    .push(format!("P1,p{p},\"{}\",{earned},{expires}", TITLES[t]));
            }
            d
        })
}

/// Every metric value of P1 in a score, by (area, track, metric).
fn values(s: &Scores) -> BTreeMap<(String, Option<String>, String), (Num, Num)> {
    let mut out = BTreeMap::new();
    for a in &s.partners[0].areas {
        let tracks: Vec<_> = if a.tracks.is_empty() {
            vec![(a.track.clone(), &a.metrics)]
        } else {
            a.tracks
                .iter()
                .map(|t| (t.track.clone(), &t.metrics))
                .collect()
        };
        for (t, ms) in tracks {
            for x in ms {
                out.insert(
                    (a.area.clone(), t.clone(), x.metric.clone()),
                    (x.value, x.points),
                );
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn movers_add_up_exactly_to_each_change(d in arb_data()) {
        let catalog = Catalog::embedded().unwrap();
        let data = d.load(&catalog);
        let p = data.partners.find("P1").unwrap();
        let req = DiffRequest { partner: p, from: m("2024-01"), to: m("2024-06"), areas: None };
        let out = diff(&data, &catalog, &req).unwrap();
        let at = |month: &str| {
            values(&score(&data, &catalog, &ScoreRequest {
                month: m(month), partners: Some(vec![p]), areas: None,
            }).unwrap())
        };
        let (before, after) = (at("2024-01"), at("2024-06"));
        let zero = Num::from_integer(0);
        let mut compared = 0;
        for a in &out.areas {
            for t in &a.tracks {
                let mut total = zero;
                for md in &t.metrics {
                    let k = (a.area.clone(), t.track.clone(), md.metric.clone());
                    prop_assert_eq!((md.value_from_exact, md.points_from), before[&k]);
                    prop_assert_eq!((md.value_to_exact, md.points_to), after[&k]);
                    prop_assert_eq!(md.change_exact, md.value_to_exact - md.value_from_exact);
                    prop_assert_eq!(md.movers_total(), md.change_exact, "{:?}", k);
                    for mv in &md.movers {
                        prop_assert!(mv.change_exact != zero);
                        prop_assert_eq!(mv.change_exact, mv.amount_to_exact - mv.amount_from_exact);
                        match mv.kind {
                            ChangeKind::Appeared => prop_assert_eq!(mv.amount_from_exact, zero),
                            ChangeKind::Vanished => prop_assert_eq!(mv.amount_to_exact, zero),
                            ChangeKind::Increased => prop_assert!(mv.change_exact > zero),
                            ChangeKind::Decreased => prop_assert!(mv.change_exact < zero),
                        }
                    }
                    total += md.points_to - md.points_from;
                    compared += 1;
                }
                prop_assert_eq!(total, t.total_change_exact);
            }
        }
        prop_assert!(compared > 0);
    }
}

#[test]
fn a_month_the_data_cannot_answer_is_refused() {
    let catalog = Catalog::embedded().unwrap();
    let data = Data::default()
        .covering("2023-01", "2024-06")
        .load(&catalog);
    let p = data.partners.find("P1").unwrap();
    let ask = |from: &str, to: &str| {
        diff(
            &data,
            &catalog,
            &DiffRequest {
                partner: p,
                from: m(from),
                to: m(to),
                areas: Some(vec!["modern_work".into()]),
            },
        )
    };
    // 2023-06 needs m-12 = 2022-06, which no usage table holds.
    let e = ask("2023-06", "2024-06").unwrap_err();
    assert!(matches!(e, DiffError::Engine(_)), "{e}");
    assert!(e.to_string().contains("2022-06"), "{e}");
    assert!(matches!(
        ask("2024-06", "2024-06"),
        Err(DiffError::Order { .. })
    ));
    assert!(ask("2024-03", "2024-06").is_ok());
}

#[test]
fn an_expired_certification_vanishes_with_its_reason() {
    let catalog = Catalog::embedded().unwrap();
    let mut d = Data::default().covering("2022-01", "2024-06");
    d.certs
        .push("P1,p1,\"Teams Administrator Associate\",2023-01-01,2024-03-31".into());
    d.certs
        .push("P1,p2,\"Teams Administrator Associate\",2024-02-10,".into());
    d.certs
        .push("P1,p3,\"Teams Administrator Associate\",2023-02-10,".into());
    let data = d.load(&catalog);
    let p = data.partners.find("P1").unwrap();
    let out = diff(
        &data,
        &catalog,
        &DiffRequest {
            partner: p,
            from: m("2024-01"),
            to: m("2024-06"),
            areas: Some(vec!["modern_work".into()]),
        },
    )
    .unwrap();
    let md = out.areas[0].tracks[0]
        .metrics
        .iter()
        .find(|x| x.metric == "intermediate_certifications")
        .unwrap();
    assert_eq!(md.change_exact, Num::from_integer(0));
    assert_eq!(md.unchanged, 1);
    let kinds: Vec<(ChangeKind, Option<&str>, Option<&str>)> = md
        .movers
        .iter()
        .map(|mv| {
            (
                mv.kind,
                mv.subject.person.as_deref(),
                mv.reason.map(capscore_engine::explain::Reason::id),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (
                ChangeKind::Appeared,
                Some("p2"),
                Some("certification_not_yet_earned")
            ),
            (
                ChangeKind::Vanished,
                Some("p1"),
                Some("certification_expired")
            ),
        ]
    );
}
