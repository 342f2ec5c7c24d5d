//! Builds small datasets as CSV text and loads them through the real loader and
//! catalog, so that engine tests exercise the whole path a user's data takes.
#![allow(dead_code)]

use capscore_catalog::Catalog;
use capscore_core::Month;
use capscore_data::Dataset;
use capscore_engine::{AreaScore, MetricScore, ScoreRequest, Scores, TrackScore, score};

#[derive(Clone, Default)]
pub(crate) struct Data {
    pub partners: Vec<String>,
    pub assocs: Vec<String>,
    pub usage: Vec<String>,
    pub certs: Vec<String>,
    pub azure: Vec<String>,
    pub biz: Vec<String>,
}

pub(crate) fn m(s: &str) -> Month {
    s.parse().unwrap()
}

impl Data {
    pub(crate) fn new() -> Self {
        Data {
            partners: vec!["P1,Partner One,".into()],
            ..Data::default()
        }
    }

    pub(crate) fn partner(mut self, id: &str, parent: &str) -> Self {
        self.partners.push(format!("{id},{id} name,{parent}"));
        self
    }

    /// An association of P1.
    pub(crate) fn assoc(
        self,
        tenant: &str,
        kind: &str,
        workload: &str,
        start: &str,
        end: &str,
    ) -> Self {
        self.assoc_of("P1", tenant, kind, workload, start, end)
    }

    pub(crate) fn assoc_of(
        self,
        partner: &str,
        tenant: &str,
        kind: &str,
        workload: &str,
        start: &str,
        end: &str,
    ) -> Self {
        self.assoc_sub(partner, tenant, kind, workload, "", start, end)
    }

    /// An association limited to one subscription (empty: all).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assoc_sub(
        mut self,
        partner: &str,
        tenant: &str,
        kind: &str,
        workload: &str,
        sub: &str,
        start: &str,
        end: &str,
    ) -> Self {
        self.assocs.push(format!(
            "{partner},{tenant},{kind},{workload},{sub},{start},{end}"
        ));
        self
    }

    pub(crate) fn usage(
        mut self,
        tenant: &str,
        workload: &str,
        month: &str,
        paid: u64,
        active: u64,
    ) -> Self {
        self.usage
            .push(format!("{tenant},{workload},{month},{paid},{active}"));
        self
    }

    /// The same usage in every month `from ..= to`.
    pub(crate) fn usage_flat(
        mut self,
        tenant: &str,
        workload: &str,
        from: &str,
        to: &str,
        paid: u64,
        active: u64,
    ) -> Self {
        for x in Month::range(m(from), m(to)) {
            self = self.usage(tenant, workload, &x.to_string(), paid, active);
        }
        self
    }

    pub(crate) fn acr(
        mut self,
        tenant: &str,
        sub: &str,
        service: &str,
        offer: &str,
        month: &str,
        usd: &str,
    ) -> Self {
        self.azure
            .push(format!("{tenant},{sub},{service},{offer},{month},{usd}"));
        self
    }

    pub(crate) fn biz(
        mut self,
        tenant: &str,
        workload: &str,
        month: &str,
        revenue: &str,
        units: &str,
    ) -> Self {
        self.biz
            .push(format!("{tenant},{workload},{month},{revenue},{units}"));
        self
    }

    pub(crate) fn cert(self, person: &str, title: &str, earned: &str, expires: &str) -> Self {
        self.cert_of("P1", person, title, earned, expires)
    }

    pub(crate) fn cert_of(
        mut self,
        partner: &str,
        person: &str,
        title: &str,
        earned: &str,
        expires: &str,
    ) -> Self {
        self.certs
            .push(format!("{partner},{person},\"{title}\",{earned},{expires}"));
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
                mk("partner_id,name,parent_id", &self.partners),
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

    pub(crate) fn load_with(&self, catalog: &Catalog) -> Dataset {
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

    pub(crate) fn load(&self) -> Dataset {
        self.load_with(&Catalog::embedded().unwrap())
    }

    pub(crate) fn score_with(&self, catalog: &Catalog, month: &str) -> Scores {
        self.score_areas(catalog, month, &["modern_work"])
    }

    pub(crate) fn score_areas(&self, catalog: &Catalog, month: &str, areas: &[&str]) -> Scores {
        let data = self.load_with(catalog);
        let req = ScoreRequest {
            month: m(month),
            partners: None,
            areas: Some(areas.iter().map(std::string::ToString::to_string).collect()),
        };
        score(&data, catalog, &req).unwrap()
    }

    /// One area of P1 at `month`.
    pub(crate) fn area(&self, area: &str, month: &str) -> AreaScore {
        let s = self.score_areas(&Catalog::embedded().unwrap(), month, &[area]);
        s.partners
            .into_iter()
            .find(|p| p.partner_id == "P1")
            .unwrap()
            .areas
            .remove(0)
    }

    /// Modern Work of P1 at `month`.
    pub(crate) fn mw(&self, month: &str) -> AreaScore {
        self.area("modern_work", month)
    }

    pub(crate) fn mw_with(&self, catalog: &Catalog, month: &str) -> AreaScore {
        let s = self.score_with(catalog, month);
        s.partners
            .into_iter()
            .find(|p| p.partner_id == "P1")
            .unwrap()
            .areas
            .remove(0)
    }
}

pub(crate) fn track<'a>(a: &'a AreaScore, id: &str) -> &'a TrackScore {
    a.tracks
        .iter()
        .find(|t| t.track.as_deref() == Some(id))
        .unwrap()
}

pub(crate) fn metric<'a>(t: &'a TrackScore, id: &str) -> &'a MetricScore {
    t.metrics.iter().find(|x| x.metric == id).unwrap()
}

/// A metric of an area's counting track.
pub(crate) fn area_metric<'a>(a: &'a AreaScore, id: &str) -> &'a MetricScore {
    a.metrics
        .iter()
        .find(|x| x.metric == id)
        .unwrap_or_else(|| panic!("no metric {id}"))
}

pub(crate) fn option_value(mm: &MetricScore, option: &str) -> f64 {
    let o = mm
        .options
        .iter()
        .find(|o| o.option.as_deref() == Some(option))
        .unwrap();
    to_f64(o.value)
}

pub(crate) fn to_f64(v: capscore_core::Num) -> f64 {
    *v.numer() as f64 / *v.denom() as f64
}

pub(crate) fn pts(mm: &MetricScore) -> f64 {
    to_f64(mm.points)
}
