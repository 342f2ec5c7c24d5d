//! Invariants over random datasets touching every area: Azure usage, Business
//! Applications usage, subscription-scoped associations and certification steps.

use std::collections::BTreeMap;

use crate::common::Data;
use capscore_catalog::Catalog;
use proptest::prelude::*;

const AREAS: [&str; 6] = [
    "modern_work",
    "security",
    "data_ai",
    "infrastructure",
    "digital_app_innovation",
    "business_applications",
];
const TENANTS: [&str; 3] = ["T1", "T2", "T3"];
const KINDS: [&str; 5] = ["CPOR", "DPOR", "CSP_T1", "CSP_T2", "PAL"];
const SUBS: [&str; 3] = ["", "S1", "S2"];
const SERVICES: [&str; 4] = ["Storage", "Sentinel", "Key Vault", "Virtual Machines"];
const OFFERS: [&str; 2] = ["Pay-As-You-Go", "Trial"];
const BIZ: [&str; 4] = [
    "Dynamics 365 Sales",
    "Power Apps",
    "Business Central",
    "Customer Insights",
];
const MONTHS: [&str; 4] = ["2023-05", "2023-06", "2024-05", "2024-06"];
const TITLES: [&str; 6] = [
    "Azure Security Engineer Associate",
    "Security Operations Analyst Associate",
    "Cybersecurity Architect Expert",
    "Azure Solutions Architect Expert",
    "Azure Administrator Associate",
    "Power Platform Solution Architect Expert",
];

#[derive(Debug, Clone)]
struct Rows {
    assocs: Vec<String>,
    azure: Vec<String>,
    biz: Vec<String>,
    certs: Vec<String>,
}

fn arb_rows() -> impl Strategy<Value = Rows> {
    let assoc = (0..3usize, 0..5usize, 0..3usize, 0..24u32).prop_map(|(t, k, s, start)| {
        format!(
            "P1,{},{},,{},{:04}-{:02}-01,",
            TENANTS[t],
            KINDS[k],
            SUBS[s],
            2022 + start / 12,
            start % 12 + 1
        )
    });
    let azure = (
        (0..3usize, 1..3usize, 0..4usize, 0..2usize, 0..4usize),
        0..20_000u32,
    );
    let biz = ((0..3usize, 0..4usize, 0..4usize), (0..9_000u32, 0..80u32));
    let cert = (0..4u32, 0..6usize).prop_map(|(p, t)| format!("P1,p{p},{},2023-01-01,", TITLES[t]));
    (
        proptest::collection::vec(assoc, 0..8),
        proptest::collection::vec(azure, 0..30),
        proptest::collection::vec(biz, 0..20),
        proptest::collection::vec(cert, 0..8),
    )
        .prop_map(|(assocs, azure, biz, certs)| {
            // One row per key: the loader rejects duplicates.
            let azure: BTreeMap<_, _> = azure.into_iter().collect();
            let biz: BTreeMap<_, _> = biz.into_iter().collect();
            Rows {
                assocs,
                azure: azure
                    .into_iter()
                    .map(|((t, s, v, o, m), usd)| {
                        format!(
                            "{},{},{},{},{},{usd}",
                            TENANTS[t], SUBS[s], SERVICES[v], OFFERS[o], MONTHS[m]
                        )
                    })
                    .collect(),
                biz: biz
                    .into_iter()
                    .map(|((t, w, m), (rev, units))| {
                        format!("{},{},{},{rev},{units}", TENANTS[t], BIZ[w], MONTHS[m])
                    })
                    .collect(),
                certs,
            }
        })
}

fn json(r: &Rows) -> String {
    let mut d = Data::new();
    d.assocs = r.assocs.clone();
    d.azure = r.azure.clone();
    d.biz = r.biz.clone();
    d.certs = r.certs.clone();
    serde_json::to_string(&d.score_areas(&Catalog::embedded().unwrap(), "2024-06", &AREAS)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn permuting_rows_never_changes_any_area(
        (rows, a, z, b, c) in arb_rows().prop_flat_map(|r| {
            let a = Just(r.assocs.clone()).prop_shuffle();
            let z = Just(r.azure.clone()).prop_shuffle();
            let b = Just(r.biz.clone()).prop_shuffle();
            let c = Just(r.certs.clone()).prop_shuffle();
            (Just(r), a, z, b, c)
        })
    ) {
        let shuffled = Rows { assocs: a, azure: z, biz: b, certs: c };
        prop_assert_eq!(json(&rows), json(&shuffled));
    }

    #[test]
    fn adding_a_certified_person_never_lowers_any_area(rows in arb_rows(), title in 0..6usize) {
        let before: serde_json::Value = serde_json::from_str(&json(&rows)).unwrap();
        let mut more = rows.clone();
        more.certs.push(format!("P1,new-person,{},2023-01-01,", TITLES[title]));
        let after: serde_json::Value = serde_json::from_str(&json(&more)).unwrap();
        for (b, a) in before["partners"][0]["areas"].as_array().unwrap().iter().zip(after["partners"][0]["areas"].as_array().unwrap()) {
            prop_assert!(a["total"].as_f64() >= b["total"].as_f64(), "{} {} -> {}", b["area"], b["total"], a["total"]);
        }
    }
}
