//! Candidate actions, read from the engine's explanation of the month: each row that
//! did not count (with why) and each contribution suggests a change to the data that
//! might add points. Thresholds (the deployment percentage, the band's seats, an ACR
//! threshold) are those the explanation recorded from the catalog; nothing here knows a
//! rule's number. Whether a candidate adds points is decided by simulating it
//! ([`super::verify`]), never here.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use capscore_catalog::{Catalog, MetricKind, Snapshot};
use capscore_core::{CertId, Month, Num, Vocabulary};
use capscore_engine::explain::{
    Entry, Exclusions, MetricExplanation, OptionExplanation, PartnerExplanation, Reason,
};

/// The exclusions candidates are read from (every contribution is read too): asking
/// the engine for these alone spares it building entries for the rows no candidate
/// looks at.
pub(crate) fn exclusions_read() -> Exclusions {
    Exclusions::Only(vec![
        Reason::CertificationExpired,
        Reason::BelowThreshold,
        Reason::OutsideBand,
        Reason::NotAttributed,
    ])
}

/// A change to the data that may add points, as a scenario fragment.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// What kind of action (`deploy_service`, `reach_band`, `reach_threshold`,
    /// `add_association`, `new_customer`, `certify_person`, `renew_certification`,
    /// `grow_usage`).
    pub kind: &'static str,
    /// Area.
    pub area: String,
    /// Track of the metric it came from.
    pub track: Option<String>,
    /// Metric it came from.
    pub metric: String,
    /// In words, with names.
    pub what: String,
    /// The scenario fragment (TOML) that makes the change.
    pub scenario: String,
    /// Units of cost: (cost kind of `costs.toml`, quantity); or a certification.
    pub units: Vec<(&'static str, Num)>,
    /// A certification earned (priced by its level).
    pub cert: Option<CertId>,
    /// Something only one candidate of a plan may change (a person, a service).
    pub key: String,
    /// The tenants the change touches (for the screening on those tenants alone).
    pub tenants: Vec<String>,
}

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn int(n: i128) -> Num {
    Num::from_integer(n)
}

fn amount(e: &Entry, k: &str) -> Option<Num> {
    e.amounts.get(k).copied()
}

fn at_m(e: &Entry, m: Month) -> bool {
    e.months.get("m").is_some_and(|x| *x == m.to_string())
}

fn tenant_label(e: &Entry) -> String {
    let t = e.tenant.clone().unwrap_or_default();
    e.tenant_name
        .as_ref()
        .map_or(t.clone(), |n| format!("{n} ({t})"))
}

fn workload_name(catalog: &Catalog, id: &str) -> String {
    catalog.workload(id).map_or(id.to_string(), |w| {
        catalog.workloads[w.index()].name.clone()
    })
}

/// Names of the association types an option counts, in catalog order.
fn option_types(
    catalog: &Catalog,
    snapshot: &Snapshot<'_>,
    area: &str,
    track: Option<&str>,
    metric: &str,
    option: Option<&str>,
) -> Vec<String> {
    let Some(a) = snapshot.area(area) else {
        return Vec::new();
    };
    let Some(t) = a.tracks.iter().find(|t| t.id.as_deref() == track) else {
        return Vec::new();
    };
    let Some(m) = t.metrics.iter().find(|m| m.id == metric) else {
        return Vec::new();
    };
    let Some(o) = m.options.iter().find(|o| o.name.as_deref() == option) else {
        return Vec::new();
    };
    catalog
        .association_types
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            o.assoc.contains(capscore_core::AssocTypeId(
                u8::try_from(*i).unwrap_or(u8::MAX),
            ))
        })
        .map(|(_, t)| t.id.clone())
        .collect()
}

/// Builds a candidate of a metric: kind, description, scenario, cost units, key.
type MakeCandidate<'a> =
    dyn Fn(&'static str, String, String, Vec<(&'static str, Num)>, String) -> Candidate + 'a;

/// Everything the generator needs.
pub(crate) struct Gen<'a> {
    pub catalog: &'a Catalog,
    pub snapshot: &'a Snapshot<'a>,
    pub costs: &'a capscore_catalog::costs::Costs,
    pub month: Month,
    /// People of the partner (certification rows).
    pub people: Vec<String>,
    /// How many candidates of a kind per metric at most.
    pub per_metric: usize,
}

impl Gen<'_> {
    fn date(&self) -> capscore_core::NaiveDate {
        self.month.last_day()
    }

    /// The cheapest certification of a list (by its level's cost), with its cost.
    fn cheapest(&self, certs: &[CertId]) -> Option<(CertId, Num)> {
        certs
            .iter()
            .filter_map(|c| {
                self.costs
                    .certification(*c, self.date())
                    .map(|(_, k)| (*c, k))
            })
            .min_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)))
    }

    /// Every candidate for a partner's explanation.
    pub(crate) fn all(&self, p: &PartnerExplanation) -> Vec<Candidate> {
        let mut out = Vec::new();
        for a in &p.areas {
            for t in &a.tracks {
                for me in &t.metrics {
                    self.metric(&a.area, t.track.as_deref(), me, &mut out);
                }
            }
        }
        // One candidate per scenario (the same change found through several metrics).
        let mut seen = BTreeSet::new();
        out.retain(|c| seen.insert(c.scenario.clone()));
        for c in &mut out {
            c.tenants = c
                .scenario
                .lines()
                .filter_map(|l| l.strip_prefix("tenant = "))
                .filter_map(|v| toml::from_str::<toml::Value>(&format!("v = {v}")).ok())
                .filter_map(|t| t.get("v").and_then(|v| v.as_str()).map(str::to_string))
                .collect();
            c.tenants.sort();
            c.tenants.dedup();
        }
        out
    }

    fn metric(
        &self,
        area: &str,
        track: Option<&str>,
        me: &MetricExplanation,
        out: &mut Vec<Candidate>,
    ) {
        let Some(def) = self
            .catalog
            .area_def(area)
            .and_then(|a| a.metric(&me.metric))
        else {
            return;
        };
        let m = self.month;
        let mk =
            |kind, what: String, scenario: String, units: Vec<(&'static str, Num)>, key: String| {
                Candidate {
                    kind,
                    area: area.to_string(),
                    track: track.map(str::to_string),
                    metric: me.metric.clone(),
                    what,
                    scenario,
                    units,
                    cert: None,
                    key,
                    tenants: Vec::new(),
                }
            };
        // At most `per_metric` candidates of each kind per metric and track.
        let mut n: std::collections::BTreeMap<&'static str, usize> =
            std::collections::BTreeMap::new();
        let mut push = |c: Candidate, out: &mut Vec<Candidate>| {
            let k = n.entry(c.kind).or_default();
            if *k < self.per_metric {
                out.push(c);
                *k += 1;
            }
        };
        match def.kind {
            MetricKind::CertifiedPeople | MetricKind::CertificationSteps => {
                let rules = self
                    .snapshot
                    .area(area)
                    .and_then(|a| a.tracks.iter().find(|t| t.id.as_deref() == track))
                    .and_then(|t| t.metrics.iter().find(|x| x.id == me.metric));
                let Some(rules) = rules else { return };
                let mut lists: Vec<Vec<CertId>> = Vec::new();
                if rules.steps.is_empty() {
                    lists.push(rules.certifications.clone());
                } else {
                    lists.extend(rules.steps.iter().map(|s| s.certifications.clone()));
                }
                // Renewals of certifications that expired.
                for o in me.options.iter().filter(|o| o.chosen) {
                    for e in o
                        .excluded
                        .iter()
                        .filter(|e| e.reason == Some(Reason::CertificationExpired))
                    {
                        let (Some(person), Some(c)) = (&e.person, &e.certification) else {
                            continue;
                        };
                        let Some(id) = self.catalog.certification(&c.id) else {
                            continue;
                        };
                        let scenario = format!(
                            "[[add_certification]]\nperson = {}\ncertification = {}\nearned = \"{}\"\n",
                            q(person),
                            q(&c.name),
                            m.first_day()
                        );
                        let mut cand = mk(
                            "renew_certification",
                            format!("person {person} renews {}", c.name),
                            scenario,
                            Vec::new(),
                            format!("cert:{person}:{}", c.id),
                        );
                        cand.cert = Some(id);
                        push(cand, out);
                    }
                }
                // People who do not count yet (holding other certifications), then new people.
                let counted: BTreeSet<&str> = me
                    .options
                    .iter()
                    .filter(|o| o.chosen)
                    .flat_map(|o| o.contributions.iter().filter_map(|e| e.person.as_deref()))
                    .collect();
                let mut free: Vec<String> = self
                    .people
                    .iter()
                    .filter(|p| !counted.contains(p.as_str()))
                    .cloned()
                    .collect();
                let mut k = 0;
                for list in &lists {
                    let Some((cert, _)) = self.cheapest(list) else {
                        continue;
                    };
                    let name = self.catalog.certifications[cert.index()].name.clone();
                    for _ in 0..3 {
                        let person = if free.is_empty() {
                            k += 1;
                            format!("new-{}-{}-{k}", area, me.metric)
                        } else {
                            free.remove(0)
                        };
                        let scenario = format!(
                            "[[add_certification]]\nperson = {}\ncertification = {}\nearned = \"{}\"\n",
                            q(&person),
                            q(&name),
                            m.first_day()
                        );
                        let who = if person.starts_with("new-") {
                            "a new person".to_string()
                        } else {
                            format!("person {person}")
                        };
                        let mut cand = mk(
                            "certify_person",
                            format!("{who} earns {name}"),
                            scenario,
                            Vec::new(),
                            format!("cert:{person}:{cert:?}"),
                        );
                        cand.cert = Some(cert);
                        push(cand, out);
                    }
                }
            }
            _ => {
                for o in &me.options {
                    let types = option_types(
                        self.catalog,
                        self.snapshot,
                        area,
                        track,
                        &me.metric,
                        o.option.as_deref(),
                    );
                    self.usage_candidates(area, track, me, o, &types, out, &mk, &mut push);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn usage_candidates(
        &self,
        area: &str,
        track: Option<&str>,
        me: &MetricExplanation,
        o: &OptionExplanation,
        types: &[String],
        out: &mut Vec<Candidate>,
        mk: &MakeCandidate<'_>,
        push: &mut dyn FnMut(Candidate, &mut Vec<Candidate>),
    ) {
        let m = self.month;
        let band = self
            .snapshot
            .area(area)
            .and_then(|a| a.tracks.iter().find(|t| t.id.as_deref() == track))
            .and_then(|t| t.band);
        // Services short of the deployment percentage: the active users missing.
        let mut short: Vec<(i128, &Entry)> = o
            .excluded
            .iter()
            .filter(|e| {
                e.reason == Some(Reason::BelowThreshold) && at_m(e, m) && e.workload.is_some()
            })
            .filter_map(|e| {
                let (mau, paid, pct) =
                    (amount(e, "mau")?, amount(e, "paid")?, amount(e, "percent")?);
                let need = (pct * paid / int(100)).ceil() - mau;
                let need = if need.is_integer() {
                    need.to_integer()
                } else {
                    return None;
                };
                (need > 0 && paid > int(0)).then_some((need, e))
            })
            .collect();
        short.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.tenant.cmp(&b.1.tenant)));
        for (need, e) in short {
            let (t, w) = (
                e.tenant.clone().unwrap_or_default(),
                e.workload.clone().unwrap_or_default(),
            );
            let wn = workload_name(self.catalog, &w);
            push(
                mk(
                    "deploy_service",
                    format!(
                        "{need} more active users of {wn} at {} in {m} (to the deployment percentage)",
                        tenant_label(e)
                    ),
                    format!(
                        "[[change_usage]]\ntenant = {}\nworkload = {}\nfrom = \"{m}\"\nto = \"{m}\"\nadd_active_users = {need}\n",
                        q(&t),
                        q(&wn)
                    ),
                    vec![("active_user", int(need))],
                    format!("service:{t}:{w}"),
                ),
                out,
            );
        }
        // Tenants a few seats under the track's band.
        if let Some(b) = band {
            let mut under: Vec<(i128, &Entry)> = o
                .excluded
                .iter()
                .filter(|e| {
                    e.reason == Some(Reason::OutsideBand) && at_m(e, m) && e.workload.is_some()
                })
                .filter_map(|e| {
                    let (paid, seats) = (amount(e, "paid")?, amount(e, "seats")?);
                    let above = int(i128::from(b.above));
                    (paid == seats
                        && seats <= above
                        && (above - seats) * int(2) <= above.max(int(10)))
                    .then(|| ((above - seats).to_integer() + 1, e))
                })
                .collect();
            under.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.tenant.cmp(&b.1.tenant)));
            for (need, e) in under {
                let (t, w) = (
                    e.tenant.clone().unwrap_or_default(),
                    e.workload.clone().unwrap_or_default(),
                );
                let wn = workload_name(self.catalog, &w);
                push(
                    mk(
                        "reach_band",
                        format!(
                            "{need} more paid seats of {wn} at {} in {m} (into the track's band)",
                            tenant_label(e)
                        ),
                        format!(
                            "[[change_usage]]\ntenant = {}\nworkload = {}\nfrom = \"{m}\"\nto = \"{m}\"\nadd_paid_units = {need}\n",
                            q(&t),
                            q(&wn)
                        ),
                        vec![("paid_seat", int(need))],
                        format!("band:{t}"),
                    ),
                    out,
                );
            }
        }
        // Amounts under a threshold (Azure ACR, Business Applications revenue).
        for e in o
            .excluded
            .iter()
            .filter(|e| e.reason == Some(Reason::BelowThreshold))
        {
            let Some(th) = amount(e, "threshold") else {
                continue;
            };
            let Some((key, have)) = e
                .amounts
                .iter()
                .find(|(k, v)| k.ends_with("usd") && **v > int(0))
            else {
                continue;
            };
            let factor = ((th / have) * int(10_000)).ceil() / int(10_000);
            if factor <= int(1) || factor > int(3) {
                continue;
            }
            let Some(t) = e.tenant.clone() else { continue };
            let months: Vec<Month> = e
                .months
                .values()
                .filter_map(|v| v.parse::<Month>().ok())
                .collect();
            let from = months.iter().min().copied().unwrap_or(m);
            let mut scenario = format!("[[change_usage]]\ntenant = {}\n", q(&t));
            let kind = if let Some(w) = &e.workload {
                let _ = writeln!(
                    scenario,
                    "workload = {}",
                    q(&workload_name(self.catalog, w))
                );
                "revenue_usd"
            } else {
                if let Some(s) = &e.service {
                    let _ = writeln!(scenario, "service = {}", q(s));
                }
                "acr_usd"
            };
            let _ = write!(
                scenario,
                "from = \"{from}\"\nto = \"{m}\"\nfactor = \"{}\"\n",
                crate::tables::decimal(&factor).unwrap_or_default()
            );
            let extra = (*have * (factor - int(1))).ceil();
            push(
                mk(
                    "reach_threshold",
                    format!(
                        "{} at {} from {from} to {m}: {} → {} ({key} ×{}, to the threshold of {})",
                        if kind == "acr_usd" {
                            "more Azure consumption"
                        } else {
                            "more revenue"
                        },
                        tenant_label(e),
                        capscore_core::format_num(have, true),
                        capscore_core::format_num(&(*have * factor), true),
                        crate::tables::decimal(&factor).unwrap_or_default(),
                        capscore_core::format_num(&th, true)
                    ),
                    scenario,
                    vec![(kind, extra)],
                    format!(
                        "amount:{t}:{}",
                        e.workload.clone().or(e.service.clone()).unwrap_or_default()
                    ),
                ),
                out,
            );
        }
        // Customers with usage the option does not attribute: an association of its type.
        if let Some(ty) = types.first() {
            let mut seen = BTreeSet::new();
            for e in o.excluded.iter().filter(|e| {
                e.reason == Some(Reason::NotAttributed) && at_m(e, m) && e.workload.is_some()
            }) {
                let (t, w) = (
                    e.tenant.clone().unwrap_or_default(),
                    e.workload.clone().unwrap_or_default(),
                );
                if !seen.insert(t.clone()) {
                    continue;
                }
                let wn = workload_name(self.catalog, &w);
                push(
                    mk(
                        "add_association",
                        format!(
                            "register {ty} for {} on {wn} from {}",
                            tenant_label(e),
                            m.first_day()
                        ),
                        format!(
                            "[[add_association]]\ntenant = {}\ntype = {}\nworkload = {}\nstart = \"{}\"\n",
                            q(&t),
                            q(ty),
                            q(&wn),
                            m.first_day()
                        ),
                        vec![("association", int(1))],
                        format!("assoc:{t}"),
                    ),
                    out,
                );
            }
        }
        // More active users on the services that count (growth), in steps of points.
        if matches!(me.metric.as_str(), _ if self.catalog.area_def(area).and_then(|a| a.metric(&me.metric)).is_some_and(|d| d.kind == MetricKind::M365UsageGrowth))
            && o.chosen
            && me.points < me.max_points
        {
            let mut best: Option<(i128, &Entry)> = None;
            for e in &o.contributions {
                let (Some(mau), Some(paid)) = (amount(e, "mau_at_m"), amount(e, "paid_at_m"))
                else {
                    continue;
                };
                let room = (paid - mau).to_integer();
                if room > 0 && e.workload.is_some() && best.is_none_or(|b| room > b.0) {
                    best = Some((room, e));
                }
            }
            if let Some((room, e)) = best
                && me.max_points > int(0)
            {
                let per_point = o.target / me.max_points;
                let (t, w) = (
                    e.tenant.clone().unwrap_or_default(),
                    e.workload.clone().unwrap_or_default(),
                );
                let wn = workload_name(self.catalog, &w);
                let mut used = 0i128;
                let mut pts = 1i128;
                while int(pts) <= me.max_points {
                    let users = (per_point * int(pts)).ceil().to_integer();
                    if used + users > room {
                        break;
                    }
                    used += users;
                    push(
                        mk(
                            "grow_usage",
                            format!(
                                "{users} more active users of {wn} at {} in {m}",
                                tenant_label(e)
                            ),
                            format!(
                                "[[change_usage]]\ntenant = {}\nworkload = {}\nfrom = \"{m}\"\nto = \"{m}\"\nadd_active_users = {users}\n",
                                q(&t),
                                q(&wn)
                            ),
                            vec![("active_user", int(users))],
                            format!("grow:{t}:{w}:{pts}"),
                        ),
                        out,
                    );
                    pts *= 2;
                }
            }
        }
        // A new customer the option counts: a tenant in the band, associated from `m`.
        if o.chosen
            && let (Some(b), Some(ty)) = (band, types.first())
            && self
                .catalog
                .area_def(area)
                .and_then(|a| a.metric(&me.metric))
                .is_some_and(|d| d.kind == MetricKind::M365NetCustomerAdds)
        {
            let workload = o
                .contributions
                .iter()
                .chain(&o.excluded)
                .find_map(|e| e.workload.clone())
                .or_else(|| {
                    self.snapshot
                        .area(area)
                        .and_then(|a| a.eligible_workloads.iter().next())
                        .map(|w| self.catalog.workloads[w.index()].name.clone())
                });
            if let Some(w) = workload {
                let wn = workload_name(self.catalog, &w);
                let seats = b.above + 1;
                for k in 1..=self.per_metric {
                    let t = format!("NEW-{}-{}-{k}", area, track.unwrap_or("area"));
                    push(
                        mk(
                            "new_customer",
                            format!(
                                "a new customer ({t}) with {seats} paid seats of {wn}, {ty} from {}",
                                m.first_day()
                            ),
                            format!(
                                "[[add_customer]]\ntenant = {tq}\nname = \"New customer {k}\"\n\n[[add_association]]\ntenant = {tq}\ntype = {}\nworkload = {}\nstart = \"{}\"\n\n[[add_usage]]\ntenant = {tq}\nworkload = {}\nfrom = \"{m}\"\nto = \"{m}\"\npaid_units = {seats}\nactive_users = 0\n",
                                q(ty),
                                q(&wn),
                                m.first_day(),
                                q(&wn),
                                tq = q(&t)
                            ),
                            vec![("new_customer", int(1))],
                            format!("new:{t}"),
                        ),
                        out,
                    );
                }
            }
        }
    }
}
