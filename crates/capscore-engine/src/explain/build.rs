//! Turns what the recording tracer saw into the explanation tree: ids resolved to
//! names, rules to their catalog ids and references, rows to their source lines.

use std::collections::BTreeMap;

use capscore_catalog::{AreaRules, Catalog, MetricKind, MetricRules};
use capscore_core::{Num, PartnerIdx};
use capscore_data::{Dataset, rows_of};

use super::ExplainRequest;
use super::tree::{
    AreaExplanation, AssocDetail, CertDetail, Entry, MetricExplanation, OptionExplanation,
    PartnerExplanation, RuleRef, SourceRow, TrackExplanation,
};
use crate::azure::AzureNames;
use crate::result::{AreaScore, MetricScore, PartnerScore, TrackScore};
use crate::trace::{Item, Reason, Recorder, Rule, Src};
use crate::{AreaTrace, Run};

/// What an entry is about, for resolving its rule.
struct Scope<'a> {
    catalog: &'a Catalog,
    data: &'a Dataset,
    area: &'a AreaRules,
    track: Option<&'a str>,
    metric: Option<&'a MetricRules>,
    date: capscore_core::NaiveDate,
}

impl Scope<'_> {
    fn area_ref(&self, id: String) -> RuleRef {
        let def = self.catalog.areas.iter().find(|a| a.id == self.area.id);
        RuleRef {
            id,
            reference: def.map_or_else(String::new, |d| d.reference.clone()),
            file: def.map_or_else(String::new, |d| d.file.clone()),
        }
    }

    fn rule(&self, rule: Rule) -> RuleRef {
        let a = &self.area.id;
        let m = self.metric.map_or("", |m| m.id.as_str());
        match rule {
            Rule::Metric => self.area_ref(format!("{a}.{m}")),
            Rule::Setting(s) => self.area_ref(format!("{a}.{m}.{s}")),
            Rule::Associations => self.area_ref(format!("{a}.{m}.associations")),
            Rule::Band => self.area_ref(format!("{a}.track.{}.band", self.track.unwrap_or(""))),
            Rule::EligibleWorkloads => self.area_ref(format!("{a}.eligible_workloads")),
            Rule::ExcludedOffers => self.area_ref(format!("{a}.excluded_offers")),
            Rule::EligibleServices => self.area_ref(format!("{a}.eligible_services")),
            Rule::ExcludedServices => self.area_ref(format!("{a}.{m}.excluded_services")),
            Rule::ActivePercent => self.area_ref(format!("{a}.{m}.active_percent_at_least")),
            Rule::Certifications => self.area_ref(format!("{a}.{m}.certifications")),
            Rule::Step(i) => self.area_ref(format!("{a}.{m}.steps.{}", i + 1)),
            Rule::Parameter(p) => RuleRef {
                id: format!("parameters.{p}"),
                reference: self
                    .catalog
                    .parameters
                    .get(p)
                    .map_or_else(String::new, |x| x.reference.clone()),
                file: "catalog.toml".into(),
            },
        }
    }

    fn source(&self, s: Src) -> SourceRow {
        let d = self.data;
        let (table, line, association) = match s {
            Src::M365(i) => ("m365_usage", d.m365_usage.line[i], None),
            Src::Azure(i) => ("azure_usage", d.azure_usage.line[i], None),
            Src::BizApps(i) => ("bizapps_usage", d.bizapps_usage.line[i], None),
            Src::Cert(i) => ("certifications", d.certifications.line[i], None),
            Src::Assoc(i) => {
                let a = &d.associations;
                let detail = AssocDetail {
                    kind: self
                        .catalog
                        .association_types
                        .get(usize::from(a.kind[i].0))
                        .map_or_else(String::new, |t| t.id.clone()),
                    workload: a.workload[i].map(|w| self.workload(w)),
                    subscription: a.subscription[i].map(|s| d.subscriptions.name(s).to_string()),
                    start: a.start[i].to_string(),
                    end: a.end[i].map(|e| e.to_string()),
                };
                ("associations", a.line[i], Some(detail))
            }
        };
        SourceRow {
            table,
            line,
            association,
        }
    }

    fn workload(&self, w: capscore_core::WorkloadId) -> String {
        self.catalog
            .workloads
            .get(w.index())
            .map_or_else(String::new, |x| x.id.clone())
    }

    fn entry(&self, item: Item, reason: Option<Reason>) -> Entry {
        let d = self.data;
        let mut months: BTreeMap<String, String> = BTreeMap::new();
        for (role, m) in &item.months {
            let e = months.entry((*role).to_string()).or_default();
            if !e.is_empty() {
                e.push_str(", ");
            }
            e.push_str(&m.to_string());
        }
        let mut sources: Vec<SourceRow> = item.src.iter().map(|s| self.source(*s)).collect();
        sources.sort();
        sources.dedup();
        Entry {
            reason,
            amount_exact: reason.is_none().then_some(item.amount),
            rule: self.rule(item.rule),
            tenant: item.tenant.map(|t| d.tenants.name(t.0).to_string()),
            tenant_name: item
                .tenant
                .and_then(|t| d.tenant_info.names.get(&t).cloned()),
            workload: item.workload.map(|w| self.workload(w)),
            subscription: item
                .subscription
                .map(|s| d.subscriptions.name(s).to_string()),
            service: item.service.map(|s| d.services.name(s).to_string()),
            offer: item.offer.map(|s| d.offers.name(s).to_string()),
            person: item.person.map(|p| d.people.name(p.0).to_string()),
            certification: item.cert.and_then(|c| {
                self.catalog
                    .certifications
                    .get(c.index())
                    .map(|x| CertDetail {
                        id: x.id.clone(),
                        name_on_date: x.name_on(self.date).to_string(),
                        name: x.name.clone(),
                        retired: x.retired.map(|r| r.to_string()),
                        eligible_through: x.eligible_through.map(|r| r.to_string()),
                    })
            }),
            months,
            amounts: item
                .amounts
                .iter()
                .map(|(k, v)| ((*k).to_string(), *v))
                .collect(),
            flags: item
                .flags
                .iter()
                .map(|(k, v)| ((*k).to_string(), *v))
                .collect(),
            details: item
                .notes
                .iter()
                .map(|(k, v)| ((*k).to_string(), v.clone()))
                .collect(),
            sources,
        }
    }
}

/// Merges contributions about the same thing (same rule, tenant, workload,
/// subscription, service, offer, person, certification) whose amounts and months do
/// not collide: a (tenant, workload)'s MAU at `m` and at `m-12` make one line.
fn merge(items: Vec<Item>) -> Vec<Item> {
    type Key = (
        String,
        Option<u32>,
        Option<u16>,
        Option<u32>,
        Option<u32>,
        Option<u32>,
        Option<u32>,
        Option<u16>,
    );
    let key = |i: &Item| -> Key {
        (
            format!("{:?}", i.rule),
            i.tenant.map(|t| t.0),
            i.workload.map(|w| w.0),
            i.subscription,
            i.service,
            i.offer,
            i.person.map(|p| p.0),
            i.cert.map(|c| c.0),
        )
    };
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    let mut open: BTreeMap<Key, usize> = BTreeMap::new();
    for item in items {
        let k = key(&item);
        if let Some(&at) = open.get(&k) {
            let prev = &mut out[at];
            let clash = item
                .amounts
                .iter()
                .any(|(n, _)| prev.amounts.iter().any(|(p, _)| p == n))
                || item
                    .months
                    .iter()
                    .any(|(r, m)| prev.months.iter().any(|(pr, pm)| pr == r && pm != m));
            if !clash {
                prev.amount += item.amount;
                for (r, m) in item.months {
                    if !prev.months.contains(&(r, m)) {
                        prev.months.push((r, m));
                    }
                }
                prev.amounts.extend(item.amounts);
                prev.flags.extend(item.flags);
                prev.notes.extend(item.notes);
                prev.src.extend(item.src);
                continue;
            }
        }
        open.insert(k, out.len());
        out.push(item);
    }
    out
}

/// The tracks of an area score as evaluated (one unnamed track for areas without).
fn tracks_of(score: &AreaScore) -> Vec<TrackScore> {
    if score.tracks.is_empty() {
        vec![TrackScore {
            track: score.track.clone(),
            total: score.total,
            total_exact: score.total,
            qualified: score.qualified,
            unmet: score.unmet.clone(),
            metrics: score.metrics.clone(),
        }]
    } else {
        score.tracks.clone()
    }
}

/// Certification rows whose title the catalog does not know (the loader warned):
/// excluded from every certification metric.
fn unknown_certs(run: &Run<'_>, p: PartnerIdx) -> Vec<Item> {
    let c = &run.data.certifications;
    let mut out = Vec::new();
    for member in run.groups.members(p) {
        for i in rows_of(&c.by_partner, member.index()) {
            if c.cert[i].is_none() {
                let mut item = Item::rule(Rule::Certifications)
                    .note("title", c.title[i].clone())
                    .note("earned", c.earned[i].to_string())
                    .src([Src::Cert(i)]);
                item.person = Some(c.person[i]);
                out.push(item);
            }
        }
    }
    out
}

fn wanted(filter: Option<&Vec<String>>, id: Option<&str>) -> bool {
    filter.is_none_or(|f| id.is_some_and(|i| f.iter().any(|x| x == i)))
}

/// One partner's explanation from its score and what the tracer saw.
pub(super) fn partner(
    run: &Run<'_>,
    areas: &[(&AreaRules, &AzureNames)],
    p: PartnerIdx,
    score: PartnerScore,
    traces: Vec<AreaTrace<Recorder>>,
    req: &ExplainRequest,
) -> PartnerExplanation {
    let unknown = unknown_certs(run, p);
    let mut out = Vec::new();
    for (((area, _), a_score), a_trace) in areas.iter().zip(score.areas).zip(traces) {
        let mut scope = Scope {
            catalog: run.rules.catalog,
            data: run.data,
            area,
            track: None,
            metric: None,
            date: run.rules.date,
        };
        let classification = a_trace
            .classify
            .map(|r| {
                let mut v: Vec<Entry> = merge(r.added)
                    .into_iter()
                    .map(|i| scope.entry(i, None))
                    .collect();
                v.extend(
                    r.excluded
                        .into_iter()
                        .map(|(why, i)| scope.entry(i, Some(why))),
                );
                v
            })
            .unwrap_or_default();
        let mut tracks = Vec::new();
        for (t_score, t_trace) in tracks_of(&a_score).into_iter().zip(a_trace.tracks) {
            if !wanted(req.tracks.as_ref(), t_score.track.as_deref()) && t_score.track.is_some() {
                continue;
            }
            let Some(rules) = area.tracks.iter().find(|t| t.id == t_score.track) else {
                continue;
            };
            scope.track = rules.id.as_deref();
            let mut metrics = Vec::new();
            for ((m_score, m_rules), m_trace) in
                t_score.metrics.iter().zip(&rules.metrics).zip(t_trace)
            {
                if !wanted(req.metrics.as_ref(), Some(&m_score.metric)) {
                    continue;
                }
                scope.metric = Some(m_rules);
                metrics.push(metric(&scope, m_score, m_rules, m_trace, &unknown, req));
            }
            tracks.push(TrackExplanation {
                counts: t_score.track == a_score.track,
                track: t_score.track,
                total: t_score.total,
                total_exact: t_score.total,
                metrics,
            });
        }
        out.push(AreaExplanation {
            area: area.id.clone(),
            name: area.name.clone(),
            track: a_score.track.clone(),
            track_reason: a_score.track_reason.clone(),
            classification,
            tracks,
        });
    }
    PartnerExplanation {
        partner_id: score.partner_id,
        name: score.name,
        areas: out,
    }
}

fn metric(
    scope: &Scope<'_>,
    s: &MetricScore,
    rules: &MetricRules,
    traces: Vec<Recorder>,
    unknown: &[Item],
    req: &ExplainRequest,
) -> MetricExplanation {
    let certs = matches!(
        rules.kind,
        MetricKind::CertifiedPeople | MetricKind::CertificationSteps
    );
    let mut options: Vec<OptionExplanation> = rules
        .options
        .iter()
        .zip(traces)
        .enumerate()
        .map(|(i, (o, rec))| {
            let (value, points) = match s.options.get(i) {
                Some(os) => (os.value, os.points),
                None => (s.value, s.points),
            };
            let contributions: Vec<Entry> = merge(rec.added)
                .into_iter()
                .map(|it| scope.entry(it, None))
                .collect();
            let total = contributions.iter().fold(Num::from_integer(0), |acc, e| {
                acc + e.amount_exact.unwrap_or_else(|| Num::from_integer(0))
            });
            let mut excluded: Vec<Entry> = rec
                .excluded
                .into_iter()
                .map(|(why, it)| scope.entry(it, Some(why)))
                .collect();
            // Unknown titles are found here, not by the recorder: the request's filter
            // applies to them here (the recorder applied it to the rest).
            if certs && req.exclusions.keeps(Reason::CertificationUnknown) {
                excluded.extend(
                    unknown
                        .iter()
                        .map(|it| scope.entry(it.clone(), Some(Reason::CertificationUnknown))),
                );
            }
            OptionExplanation {
                option: o.name.clone(),
                chosen: o.name == s.option,
                value_exact: value,
                target: o.target,
                points,
                contributions_total_exact: total,
                contributions,
                excluded,
            }
        })
        .collect();
    options.sort_by_key(|o| !o.chosen);
    MetricExplanation {
        metric: s.metric.clone(),
        category: s.category,
        value: s.value,
        value_exact: s.value,
        target: s.target,
        points: s.points,
        max_points: s.max_points,
        option: s.option.clone(),
        rule: scope.rule(Rule::Metric),
        notes: s.notes.clone(),
        options,
    }
}
