//! Small datasets written as CSV text and loaded through the real loader and catalog.
#![allow(dead_code)]

use capscore_catalog::Catalog;
use capscore_core::Month;
use capscore_data::Dataset;

pub(crate) fn m(s: &str) -> Month {
    s.parse().unwrap()
}

/// The rows of each table (without headers); partner P1 is always there.
#[derive(Debug, Clone, Default)]
pub(crate) struct Data {
    pub assocs: Vec<String>,
    pub usage: Vec<String>,
    pub azure: Vec<String>,
    pub biz: Vec<String>,
    pub certs: Vec<String>,
}

impl Data {
    /// Rows of a tenant no partner is associated with in every month `from..=to` of
    /// each usage table: the tables then cover those months, and no score changes.
    pub(crate) fn covering(mut self, from: &str, to: &str) -> Self {
        for x in Month::range(m(from), m(to)) {
            self.usage.push(format!("TX,Teams,{x},10,5"));
            self.azure
                .push(format!("TX,SX,Storage,Pay-As-You-Go,{x},1"));
            self.biz.push(format!("TX,Power Apps,{x},1,1"));
        }
        self
    }

    pub(crate) fn files(&self) -> Vec<(String, String)> {
        let mk = |head: &str, rows: &[String]| {
            let mut s = String::from(head);
            for r in rows {
                s.push('\n');
                s.push_str(r);
            }
            s.push('\n');
            s
        };
        vec![
            (
                "partners.csv".into(),
                "partner_id,name,parent_id\nP1,Partner One,\n".into(),
            ),
            (
                "associations.csv".into(),
                mk(
                    "partner_id,tenant_id,type,workload,subscription_id,start_date,end_date",
                    &self.assocs,
                ),
            ),
            (
                "m365_usage.csv".into(),
                mk(
                    "tenant_id,workload,month,paid_units,active_users",
                    &self.usage,
                ),
            ),
            (
                "azure_usage.csv".into(),
                mk(
                    "tenant_id,subscription_id,service,offer,month,acr_usd",
                    &self.azure,
                ),
            ),
            (
                "bizapps_usage.csv".into(),
                mk("tenant_id,workload,month,revenue_usd,units", &self.biz),
            ),
            (
                "certifications.csv".into(),
                mk(
                    "partner_id,person_id,certification,earned_date,expires_date",
                    &self.certs,
                ),
            ),
        ]
    }

    pub(crate) fn load(&self, catalog: &Catalog) -> Dataset {
        let files = self.files();
        let borrowed: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_bytes()))
            .collect();
        match capscore_data::load_files(&borrowed, catalog) {
            Ok(l) => l.dataset,
            Err(e) => panic!("test data rejected: {e}"),
        }
    }
}
