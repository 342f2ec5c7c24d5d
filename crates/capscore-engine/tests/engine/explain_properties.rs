//! Explain over random datasets touching every area, both Modern Work tracks and
//! every option: the contributions of every option add up exactly to the value
//! `score` reports, and every usage, association and certification row of the
//! partner that a metric reads appears in it, as a contribution or as an exclusion
//! with a reason.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::{Data, m};
use capscore_catalog::Catalog;
use capscore_core::{Month, Num};
use capscore_engine::explain::{Entry, Exclusions, Explanation, OptionExplanation, Reason};
use capscore_engine::{ExplainRequest, ScoreRequest, Scores, explain, score};
use proptest::prelude::*;

const AREAS: [&str; 6] = [
    "modern_work",
    "security",
    "data_ai",
    "infrastructure",
    "digital_app_innovation",
    "business_applications",
];
const TENANTS: [&str; 4] = ["T1", "T2", "T3", "T4"];
const KINDS: [&str; 6] = ["CPOR", "DPOR", "CSP_T1", "CSP_T2", "PAL", "DAP"];
const SUBS: [&str; 3] = ["", "S1", "S2"];
const ASSOC_WORKLOADS: [&str; 5] = ["", "", "Teams", "Exchange", "Power Apps"];
const M365: [&str; 5] = ["Teams", "Exchange", "SPO", "MDE", "Intune"];
const SEATS: [u64; 4] = [0, 8, 120, 450];
const SERVICES: [&str; 4] = ["Storage", "Sentinel", "Key Vault", "Virtual Machines"];
const OFFERS: [&str; 2] = ["Pay-As-You-Go", "Trial"];
const BIZ: [&str; 4] = [
    "Dynamics 365 Sales",
    "Power Apps",
    "Business Central",
    "Customer Insights",
];
/// The evaluation month, `m-1`, the claim months inside the TTM, `m-12`, `m-13`,
/// and months of the previous TTM.
const MONTHS: [&str; 8] = [
    "2024-06", "2024-05", "2024-01", "2023-09", "2023-06", "2023-05", "2023-01", "2022-08",
];
const TITLES: [&str; 8] = [
    "Azure Security Engineer Associate",
    "Teams Administrator Associate",
    "Microsoft 365 Certified: Administrator Expert",
    "Azure Solutions Architect Expert",
    "Azure Administrator Associate",
    "Power Platform Solution Architect Expert",
    "Microsoft 365 Fundamentals",
    "Some Certification Nobody Knows",
];
const CERT_DATES: [(&str, &str); 4] = [
    ("2023-01-01", ""),
    ("2022-01-01", "2024-03-31"),
    ("2024-07-15", ""),
    ("2023-05-01", "2024-08-31"),
];

#[derive(Debug, Clone)]
struct Rows {
    assocs: Vec<String>,
    usage: Vec<String>,
    azure: Vec<String>,
    biz: Vec<String>,
    certs: Vec<String>,
}

fn arb_rows() -> impl Strategy<Value = Rows> {
    let assoc = (
        (0..4usize, 0..6usize, 0..5usize, 0..3usize),
        (0..30u32, 0..4u32),
    )
        .prop_map(|((t, k, w, s), (start, end))| {
            // A workload-limited association names no subscription.
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
    let usage = ((0..4usize, 0..5usize, 0..8usize), (0..4usize, 0..100u64));
    let azure = (
        (0..4usize, 1..3usize, 0..4usize, 0..2usize, 0..8usize),
        0..9_000u32,
    );
    let biz = ((0..4usize, 0..4usize, 0..8usize), (0..9_000u32, 0..80u32));
    let cert = (0..4u32, 0..8usize, 0..4usize).prop_map(|(p, t, d)| {
        let (earned, expires) = CERT_DATES[d];
        format!("P1,p{p},{},{earned},{expires}", TITLES[t])
    });
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
            Rows {
                assocs,
                usage: usage
                    .into_iter()
                    .map(|((t, w, x), (seats, pct))| {
                        let paid = SEATS[seats];
                        format!(
                            "{},{},{},{paid},{}",
                            TENANTS[t],
                            M365[w],
                            MONTHS[x],
                            paid * pct / 100
                        )
                    })
                    .collect(),
                azure: azure
                    .into_iter()
                    .map(|((t, s, v, o, x), usd)| {
                        format!(
                            "{},{},{},{},{},{usd}",
                            TENANTS[t], SUBS[s], SERVICES[v], OFFERS[o], MONTHS[x]
                        )
                    })
                    .collect(),
                biz: biz
                    .into_iter()
                    .map(|((t, w, x), (rev, units))| {
                        format!("{},{},{},{rev},{units}", TENANTS[t], BIZ[w], MONTHS[x])
                    })
                    .collect(),
                certs: certs.into_iter().collect(),
            }
        })
}

fn data(r: &Rows) -> Data {
    let mut d = Data::new();
    d.assocs = r.assocs.clone();
    d.usage = r.usage.clone();
    d.azure = r.azure.clone();
    d.biz = r.biz.clone();
    d.certs = r.certs.clone();
    d
}

fn run(d: &Data, month: &str) -> (Scores, Explanation) {
    let catalog = Catalog::embedded().unwrap();
    let loaded = d.load_with(&catalog);
    let areas: Vec<String> = AREAS.iter().map(std::string::ToString::to_string).collect();
    let s = score(
        &loaded,
        &catalog,
        &ScoreRequest {
            month: m(month),
            partners: None,
            areas: Some(areas.clone()),
        },
    )
    .unwrap();
    let e = explain(
        &loaded,
        &catalog,
        &ExplainRequest {
            month: m(month),
            partners: None,
            areas: Some(areas),
            tracks: None,
            metrics: None,
            exclusions: capscore_engine::explain::Exclusions::All,
        },
    )
    .unwrap();
    (s, e)
}

/// The lines (CSV, header = 1) of `rows` whose tenant is one of P1's and whose month
/// is in `months`; `tenant` and `month` are column positions.
fn lines_in(
    rows: &[String],
    tenants: &BTreeSet<String>,
    months: &[Month],
    tenant: usize,
    month: usize,
) -> BTreeSet<u32> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| {
            let cols: Vec<&str> = r.split(',').collect();
            tenants.contains(cols[tenant]) && months.iter().any(|x| x.to_string() == cols[month])
        })
        .map(|(i, _)| u32::try_from(i).unwrap() + 2)
        .collect()
}

fn seen(o: &OptionExplanation, table: &str) -> BTreeSet<u32> {
    o.contributions
        .iter()
        .chain(&o.excluded)
        .flat_map(|e| e.sources.iter())
        .filter(|s| s.table == table)
        .map(|s| s.line)
        .collect()
}

fn ttm(end: Month) -> Vec<Month> {
    Month::range(end.ttm_start(), end).collect()
}

fn check(r: &Rows, month: &str) -> Result<(), TestCaseError> {
    let (s, e) = run(&data(r), month);
    let mm = m(month);
    let y = mm.year_ago();
    let tenants: BTreeSet<String> = r
        .assocs
        .iter()
        .map(|a| a.split(',').nth(1).unwrap().to_string())
        .collect();
    let all_assocs: BTreeSet<u32> = (0..r.assocs.len())
        .map(|i| u32::try_from(i).unwrap() + 2)
        .collect();
    let all_certs: BTreeSet<u32> = (0..r.certs.len())
        .map(|i| u32::try_from(i).unwrap() + 2)
        .collect();
    for (ps, pe) in s.partners.iter().zip(&e.partners) {
        prop_assert_eq!(&ps.partner_id, &pe.partner_id);
        for (a_s, a_e) in ps.areas.iter().zip(&pe.areas) {
            let tracks = if a_s.tracks.is_empty() {
                vec![(a_s.track.clone(), a_s.metrics.clone())]
            } else {
                a_s.tracks
                    .iter()
                    .map(|t| (t.track.clone(), t.metrics.clone()))
                    .collect()
            };
            prop_assert_eq!(tracks.len(), a_e.tracks.len());
            for ((track, metrics), t_e) in tracks.iter().zip(&a_e.tracks) {
                prop_assert_eq!(track, &t_e.track);
                for (m_s, m_e) in metrics.iter().zip(&t_e.metrics) {
                    let at = format!("{} {:?} {}", a_e.area, track, m_s.metric);
                    prop_assert_eq!(m_s.value, m_e.value_exact, "{}", at);
                    prop_assert_eq!(&m_s.option, &m_e.option, "{}", at);
                    for o in &m_e.options {
                        let sum = o
                            .contributions
                            .iter()
                            .fold(Num::from_integer(0), |acc, c| acc + c.amount_exact.unwrap());
                        prop_assert_eq!(sum, o.value_exact, "{} {:?}: contributions", at, o.option);
                        prop_assert!(
                            o.excluded
                                .iter()
                                .all(|x| x.reason.is_some() && x.amount_exact.is_none())
                        );
                        if o.option == m_s.option {
                            prop_assert_eq!(o.value_exact, m_s.value, "{}", at);
                        }
                        if let Some(os) = m_s.options.iter().find(|x| x.option == o.option) {
                            prop_assert_eq!(os.value, o.value_exact, "{} {:?}", at, o.option);
                        }
                        let certs = m_s.metric.contains("certifications");
                        if certs {
                            prop_assert_eq!(
                                seen(o, "certifications"),
                                all_certs.clone(),
                                "{} certification rows",
                                at
                            );
                            continue;
                        }
                        prop_assert_eq!(
                            seen(o, "associations"),
                            all_assocs.clone(),
                            "{} {:?} association rows",
                            at,
                            o.option
                        );
                        let (m365, azure, biz): (Vec<Month>, Vec<Month>, Vec<Month>) =
                            match (a_e.area.as_str(), m_s.metric.as_str()) {
                                ("modern_work", _) => (vec![mm, y], vec![], vec![]),
                                ("security", "usage_growth") => (vec![mm, y], vec![mm, y], vec![]),
                                ("security", _) => {
                                    (vec![mm, y], [ttm(mm), ttm(y)].concat(), vec![])
                                }
                                ("business_applications", _) => (vec![], vec![], vec![mm, y]),
                                (_, "net_customer_adds") => {
                                    (vec![], vec![mm, mm.offset(-1), y, y.offset(-1)], vec![])
                                }
                                (_, "usage_growth") => (vec![], vec![mm, y], vec![]),
                                _ => (vec![], ttm(mm), vec![]),
                            };
                        let want = lines_in(&r.usage, &tenants, &m365, 0, 2);
                        prop_assert!(
                            want.is_subset(&seen(o, "m365_usage")),
                            "{} {:?} m365 rows {:?} seen {:?}",
                            at,
                            o.option,
                            want,
                            seen(o, "m365_usage")
                        );
                        let want = lines_in(&r.azure, &tenants, &azure, 0, 4);
                        prop_assert!(
                            want.is_subset(&seen(o, "azure_usage")),
                            "{} {:?} azure rows {:?} seen {:?}",
                            at,
                            o.option,
                            want,
                            seen(o, "azure_usage")
                        );
                        let want = lines_in(&r.biz, &tenants, &biz, 0, 2);
                        prop_assert!(
                            want.is_subset(&seen(o, "bizapps_usage")),
                            "{} {:?} bizapps rows {:?} seen {:?}",
                            at,
                            o.option,
                            want,
                            seen(o, "bizapps_usage")
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn contributions_add_up_and_no_row_vanishes(rows in arb_rows()) {
        check(&rows, "2024-06")?;
    }

    /// Asking for some reasons only gives the whole explanation with the other
    /// exclusions left out, and nothing else changed.
    #[test]
    fn an_explanation_of_some_reasons_is_the_whole_one_filtered(
        rows in arb_rows(),
        mask in 0u32..(1 << Reason::ALL.len()),
    ) {
        let keep: Vec<Reason> = Reason::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, r)| *r)
            .collect();
        let d = data(&rows);
        let (_, whole) = run(&d, "2024-06");
        let catalog = Catalog::embedded().unwrap();
        let loaded = d.load_with(&catalog);
        let some = explain(
            &loaded,
            &catalog,
            &ExplainRequest {
                month: m("2024-06"),
                partners: None,
                areas: Some(AREAS.iter().map(std::string::ToString::to_string).collect()),
                tracks: None,
                metrics: None,
                exclusions: Exclusions::Only(keep.clone()),
            },
        )
        .unwrap();
        let mut expected = whole.clone();
        let kept = |e: &Entry| e.reason.is_none_or(|r| keep.contains(&r));
        for p in &mut expected.partners {
            for a in &mut p.areas {
                a.classification.retain(kept);
                for t in &mut a.tracks {
                    for me in &mut t.metrics {
                        for o in &mut me.options {
                            o.excluded.retain(kept);
                        }
                    }
                }
            }
        }
        prop_assert_eq!(
            serde_json::to_value(&some).unwrap(),
            serde_json::to_value(&expected).unwrap()
        );
    }
}
