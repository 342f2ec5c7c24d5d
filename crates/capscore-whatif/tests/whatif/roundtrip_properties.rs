//! Over random datasets: the exported tables load back to a dataset that scores the
//! same for every partner, area, track and metric, and exports the same text. Every
//! what-if rests on this.

use std::collections::{BTreeMap, BTreeSet};

use capscore_catalog::Catalog;
use capscore_engine::{ScoreRequest, score};
use capscore_whatif::tables::Tables;
use proptest::prelude::*;

const TENANTS: [&str; 4] = ["T1", "T2", "T3", "T4"];
const KINDS: [&str; 5] = ["CPOR", "DPOR", "CSP T1", "Partner Admin Link", "DAP"];
const WORKLOADS: [&str; 4] = ["", "Teams", "EXO", "Power Apps"];
const M365: [&str; 4] = ["Teams", "Exchange Online", "SPO", "Intune"];
const BIZ: [&str; 2] = ["Dynamics 365 Sales", "Business Central"];
const TITLES: [&str; 4] = [
    "Teams Administrator Associate",
    "Microsoft 365 Certified: Administrator Expert",
    "Azure Administrator Associate",
    "Some Certification Nobody Knows",
];

fn month(i: u32) -> String {
    let x = 2022 * 12 + i;
    format!("{:04}-{:02}", x / 12, x % 12 + 1)
}

#[derive(Debug, Clone)]
struct Files(Vec<(String, String)>);

fn arb_files() -> impl Strategy<Value = Files> {
    let assoc = (0..4usize, 0..5usize, 0..4usize, 0..24u32, 0..3u32);
    let usage = ((0..4usize, 0..4usize, 0..30u32), (0..500u64, 0..100u64));
    let azure = ((0..4usize, 0..2usize, 0..30u32), 0..900_000u32);
    let biz = ((0..4usize, 0..2usize, 0..30u32), (0..90_000u32, 0..40u32));
    let cert = (0..4u32, 0..4usize, 0..24u32, 0..3u32);
    (
        proptest::collection::vec(assoc, 0..8),
        proptest::collection::vec(usage, 0..40),
        proptest::collection::vec(azure, 0..20),
        proptest::collection::vec(biz, 0..12),
        proptest::collection::vec(cert, 0..8),
    )
        .prop_map(|(a, u, z, b, c)| {
            let mut files = vec![
                (
                    "partners.csv".to_string(),
                    "partner_id,name,parent_id,market\nP1,One,,\nP2,Two,P1,emerging\n".to_string(),
                ),
                (
                    "tenants.csv".into(),
                    "tenant_id,name,country\nT1,Alpha,GB\nT3,,FR\n".into(),
                ),
            ];
            let mut s = String::from("partner_id,tenant_id,type,workload,start_date,end_date\n");
            for (t, k, w, start, end) in a {
                let p = if start % 2 == 0 { "P1" } else { "P2" };
                let end = if end == 0 {
                    String::new()
                } else {
                    format!("{}-28", month(start + end * 5))
                };
                s += &format!(
                    "{p},{},{},{},{}-01,{end}\n",
                    TENANTS[t],
                    KINDS[k],
                    WORKLOADS[w],
                    month(start)
                );
            }
            files.push(("associations.csv".into(), s));
            let u: BTreeMap<_, _> = u.into_iter().collect();
            let mut s = String::from("tenant_id,workload,month,paid_units,active_users\n");
            for ((t, w, m), (paid, pct)) in u {
                s += &format!(
                    "{},{},{},{paid},{}\n",
                    TENANTS[t],
                    M365[w],
                    month(m),
                    paid * pct / 100
                );
            }
            files.push(("m365_usage.csv".into(), s));
            let z: BTreeMap<_, _> = z.into_iter().collect();
            let mut s = String::from("tenant_id,subscription_id,service,offer,month,acr_usd\n");
            for ((t, v, m), cents) in z {
                let service = ["Storage", "Virtual Machines"][v];
                s += &format!(
                    "{},S{t},{service},Azure Plan,{},{}.{:02}\n",
                    TENANTS[t],
                    month(m),
                    cents / 100,
                    cents % 100
                );
            }
            files.push(("azure_usage.csv".into(), s));
            let b: BTreeMap<_, _> = b.into_iter().collect();
            let mut s = String::from("tenant_id,workload,month,revenue_usd,units\n");
            for ((t, w, m), (rev, units)) in b {
                s += &format!("{},{},{},{}.5,{units}\n", TENANTS[t], BIZ[w], month(m), rev);
            }
            files.push(("bizapps_usage.csv".into(), s));
            let c: BTreeSet<_> = c.into_iter().collect();
            let mut s =
                String::from("partner_id,person_id,certification,earned_date,expires_date\n");
            for (p, t, e, x) in c {
                let exp = if x == 0 {
                    String::new()
                } else {
                    format!("{}-15", month(e + x * 8))
                };
                s += &format!("P1,p{p},{},{}-10,{exp}\n", TITLES[t], month(e));
            }
            files.push(("certifications.csv".into(), s));
            Files(files)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn export_then_load_scores_the_same(files in arb_files()) {
        let catalog = Catalog::embedded().unwrap();
        let refs: Vec<(&str, &[u8])> = files.0.iter().map(|(n, t)| (n.as_str(), t.as_bytes())).collect();
        let loaded = capscore_data::load_files(&refs, &catalog).unwrap();
        let tables = Tables::from_dataset(&loaded.dataset, &catalog).unwrap();
        let again = tables.load(&catalog).unwrap();
        prop_assert_eq!(&Tables::from_dataset(&again.dataset, &catalog).unwrap(), &tables);
        for m in ["2023-06", "2024-03"] {
            let req = ScoreRequest { month: m.parse().unwrap(), partners: None, areas: None };
            let a = serde_json::to_value(score(&loaded.dataset, &catalog, &req).unwrap()).unwrap();
            let b = serde_json::to_value(score(&again.dataset, &catalog, &req).unwrap()).unwrap();
            prop_assert_eq!(a, b);
        }
    }
}
