//! The scoring engine: partner capability scores, computed exactly.
//!
//! Given a validated [`Dataset`] and a [`Catalog`], [`score`] evaluates every requested
//! partner for one evaluation month with the rules in force on that month's last day.
//! Each area's metrics are computed by the metric kind the catalog names; points are
//! exact fractions and only rounded for display. Partners are scored in parallel, each
//! from the slices of the columnar tables that belong to it.
//!
//! A location account's associations and certified people count for its global account
//! (`parent_id`), which is the account that is scored.
//!
//! [`explain`] runs the same computation with tracing switched on and returns, for
//! every metric and option, the contributions that add up to its value and the rows
//! that did not count, with why ([`explain::Explanation`]).
#![deny(missing_docs)]

mod azure;
mod bizapps;
mod certs;
pub mod coverage;
mod error;
pub mod explain;
mod m365;
mod outcome;
mod points;
mod result;
mod security;
mod trace;
pub mod view;

use capscore_catalog::{AreaRules, Catalog, MetricKind, Snapshot, TrackRules, TrackSelection};
use capscore_core::{Month, PartnerIdx};
use capscore_data::Dataset;
use rayon::prelude::*;

pub use coverage::{CoverageGaps, Incomplete, ensure_covered, score_checked};
pub use error::EngineError;
pub use explain::{ExplainRequest, explain};
pub use points::metric_points;
pub use result::{AreaScore, MetricScore, OptionScore, PartnerScore, Scores, TrackScore, Unmet};
use trace::{Off, Tracer};
pub use view::{Assoc, Held, PartnerGroups, PartnerView, covers, partner_groups};

/// What to score.
#[derive(Debug, Clone)]
pub struct ScoreRequest {
    /// The evaluation month.
    pub month: Month,
    /// Partners to score (global accounts); `None` = every global account.
    pub partners: Option<Vec<PartnerIdx>>,
    /// Area ids to score; `None` = every area in force.
    pub areas: Option<Vec<String>>,
}

/// Scores partners for one month.
///
/// # Errors
/// An unknown area id, a partner that is a location account, a cycle of `parent_id`
/// links, or a catalog with no rules in force for the month.
pub fn score(data: &Dataset, catalog: &Catalog, req: &ScoreRequest) -> Result<Scores, EngineError> {
    let run = Run::new(data, catalog, req)?;
    let areas = run.areas();
    let mut partners: Vec<PartnerScore> = run
        .roots
        .par_iter()
        .map(|&p| run.partner(&areas, p, &Off, &mut Vec::new()))
        .collect();
    let chosen: Vec<&AreaRules> = areas.iter().map(|(a, _)| *a).collect();
    coverage::mark(
        &mut partners,
        &coverage::gaps(data, catalog, &chosen, req.month),
    );
    Ok(Scores {
        month: req.month,
        catalog_version: run.rules.version_label(),
        partners,
    })
}

/// The areas of `ids` in force (all when `None`).
fn requested_areas<'r>(
    rules: &'r Snapshot<'_>,
    ids: Option<&[String]>,
) -> Result<Vec<&'r AreaRules>, EngineError> {
    match ids {
        None => Ok(rules.areas.iter().collect()),
        Some(ids) => ids
            .iter()
            .map(|id| {
                rules.area(id).ok_or_else(|| EngineError::UnknownArea {
                    area: id.clone(),
                    known: rules.areas.iter().map(|a| a.id.clone()).collect(),
                })
            })
            .collect(),
    }
}

/// What a scoring request resolves to: the rules in force, the areas asked, the
/// partners to score. Shared by [`score`] and [`explain`].
pub(crate) struct Run<'a> {
    pub data: &'a Dataset,
    pub rules: Snapshot<'a>,
    pub area_ids: Vec<String>,
    pub groups: PartnerGroups,
    pub roots: Vec<PartnerIdx>,
    pub month: Month,
    names: Vec<azure::AzureNames>,
}

impl<'a> Run<'a> {
    pub(crate) fn new(
        data: &'a Dataset,
        catalog: &'a Catalog,
        req: &ScoreRequest,
    ) -> Result<Self, EngineError> {
        let rules = catalog.at_month(req.month)?;
        let chosen = requested_areas(&rules, req.areas.as_deref())?;
        coverage::ensure_loaded(data, &chosen, req.month)?;
        let area_ids: Vec<String> = chosen.iter().map(|a| a.id.clone()).collect();
        let groups = partner_groups(data)?;
        let roots = groups.global_accounts(data, req.partners.as_deref())?;
        let names = area_ids
            .iter()
            .filter_map(|id| rules.area(id))
            .map(|a| azure::AzureNames::new(data, a))
            .collect();
        Ok(Run {
            data,
            rules,
            area_ids,
            groups,
            roots,
            month: req.month,
            names,
        })
    }

    /// The areas asked, with their resolved service and offer names.
    pub(crate) fn areas(&self) -> Vec<(&AreaRules, &azure::AzureNames)> {
        self.area_ids
            .iter()
            .filter_map(|id| self.rules.area(id))
            .zip(&self.names)
            .collect()
    }

    /// Scores one partner; with a recording tracer, `traces` gets one entry per area.
    /// Scores one partner; a recording `tracer` fills `traces`, each of its tracers
    /// made by [`Tracer::fresh`] from it (so keeping what it keeps).
    pub(crate) fn partner<T: Tracer>(
        &self,
        areas: &[(&AreaRules, &azure::AzureNames)],
        p: PartnerIdx,
        tracer: &T,
        traces: &mut Vec<AreaTrace<T>>,
    ) -> PartnerScore {
        score_partner(self, p, areas, tracer, traces)
    }
}

/// What a recording tracer saw for one area of one partner: the classification
/// evidence (classified areas) and, per track evaluated, per metric, per option.
pub(crate) struct AreaTrace<T> {
    pub classify: Option<T>,
    pub tracks: Vec<Vec<Vec<T>>>,
}

fn score_partner<T: Tracer>(
    run: &Run<'_>,
    p: PartnerIdx,
    areas: &[(&AreaRules, &azure::AzureNames)],
    tracer: &T,
    traces: &mut Vec<AreaTrace<T>>,
) -> PartnerScore {
    let (data, rules, groups, m) = (run.data, &run.rules, &run.groups, run.month);
    let view = view::PartnerView::build(data, groups.members(p));
    let areas: Vec<AreaScore> = areas
        .iter()
        .map(|(area, names)| {
            let ctx = AreaCtx {
                data,
                rules,
                view: &view,
                area,
                names,
                m,
            };
            let mut trace = AreaTrace {
                classify: None,
                tracks: Vec::new(),
            };
            let score = match (&area.track_selection, &area.classification) {
                (TrackSelection::Classified, Some(c)) => {
                    let biz = bizapps::BizApps {
                        data,
                        view: &view,
                        area,
                        m,
                    };
                    let track_name = rules
                        .catalog
                        .area_def(&area.id)
                        .map_or(c.track.as_str(), |d| d.track_name(&c.track));
                    let mut tr = tracer.fresh();
                    let (track_id, why) = biz.classify(c, track_name, &mut tr);
                    if T::ON {
                        trace.classify = Some(tr);
                    }
                    let tracks = area
                        .tracks
                        .iter()
                        .filter(|t| t.id.as_deref() == Some(track_id.as_str()))
                        .map(|t| ctx.track(t, tracer, &mut trace.tracks))
                        .collect();
                    let mut score = AreaScore::from_tracks(&area.id, tracks);
                    score.track_reason = Some(why);
                    score
                }
                _ => AreaScore::from_tracks(
                    &area.id,
                    area.tracks
                        .iter()
                        .map(|t| ctx.track(t, tracer, &mut trace.tracks))
                        .collect(),
                ),
            };
            if T::ON {
                traces.push(trace);
            }
            score
        })
        .collect();
    let badges = rules
        .catalog
        .badges
        .iter()
        .filter(|b| {
            b.requires_areas
                .iter()
                .all(|id| areas.iter().any(|a| &a.area == id && a.qualified))
        })
        .map(|b| b.id.clone())
        .collect();
    PartnerScore {
        partner_id: data.partners.ids[p.index()].clone(),
        name: data.partners.names[p.index()].clone(),
        badges,
        areas,
    }
}

/// What one area of one partner is scored from.
struct AreaCtx<'a> {
    data: &'a Dataset,
    rules: &'a Snapshot<'a>,
    view: &'a view::PartnerView,
    area: &'a AreaRules,
    names: &'a azure::AzureNames,
    m: Month,
}

impl AreaCtx<'_> {
    /// Scores one track. With a recording tracer, `out` gets, per metric, one
    /// tracer per option.
    fn track<T: Tracer>(
        &self,
        track: &TrackRules,
        tracer: &T,
        out: &mut Vec<Vec<Vec<T>>>,
    ) -> TrackScore {
        let (data, view, area, m) = (self.data, self.view, self.area, self.m);
        let params = &self.rules.params;
        let mw = m365::Context::new(data, view, area, track, m, params);
        let az = azure::Azure {
            data,
            view,
            names: self.names,
            m,
        };
        let biz = bizapps::BizApps {
            data,
            view,
            area,
            m,
        };
        let date = self.rules.date;
        let mut traced = Vec::new();
        let metrics = track
            .metrics
            .iter()
            .map(|metric| {
                use outcome::Outcome;
                let opts = &metric.options;
                let mut tracers: Vec<T> = Vec::new();
                let tr = &mut tracers;
                let each = |f: &dyn Fn(&capscore_catalog::OptionRule, &mut T) -> Outcome,
                            tr: &mut Vec<T>| {
                    opts.iter()
                        .map(|o| {
                            let mut t = tracer.fresh();
                            let out = f(o, &mut t);
                            tr.push(t);
                            out
                        })
                        .collect::<Vec<_>>()
                };
                let one = |f: &dyn Fn(&mut T) -> Outcome, tr: &mut Vec<T>| {
                    let mut t = tracer.fresh();
                    let out = f(&mut t);
                    tr.push(t);
                    vec![out]
                };
                let outcomes: Vec<Outcome> = match metric.kind {
                    MetricKind::CertifiedPeople => one(
                        &|tr| {
                            Outcome::of(certs::certified_people(
                                view,
                                &metric.certifications,
                                date,
                                tr,
                            ))
                        },
                        tr,
                    ),
                    MetricKind::CertificationSteps => one(
                        &|tr| {
                            certs::certification_steps(
                                view,
                                &metric.steps,
                                date,
                                self.rules.catalog,
                                tr,
                            )
                        },
                        tr,
                    ),
                    MetricKind::M365NetCustomerAdds => {
                        each(&|o, tr| Outcome::of(mw.net_customer_adds(o.assoc, tr)), tr)
                    }
                    MetricKind::M365UsageGrowth => {
                        each(&|o, tr| Outcome::of(mw.usage_growth(o.assoc, tr)), tr)
                    }
                    MetricKind::M365Deployments => each(
                        &|o, tr| Outcome::of(mw.deployments(o.assoc, metric.active_percent, tr)),
                        tr,
                    ),
                    MetricKind::SecurityNetCustomerAdds => one(
                        &|tr| security::net_customer_adds(&az, &mw, metric, m, tr),
                        tr,
                    ),
                    MetricKind::SecurityUsageGrowth => {
                        one(&|tr| security::usage_growth(&az, &mw, metric, m, tr), tr)
                    }
                    MetricKind::SecurityDeployments => {
                        one(&|tr| security::deployments(&az, &mw, metric, m, tr), tr)
                    }
                    MetricKind::AzureNetCustomerAdds => each(
                        &|o, tr| {
                            az.net_customer_adds(o.assoc, o.settings.get("min_monthly_acr_usd"), tr)
                        },
                        tr,
                    ),
                    MetricKind::AzureUsageGrowth => each(
                        &|o, tr| {
                            az.usage_growth(o.assoc, o.settings.get("min_baseline_acr_usd"), tr)
                        },
                        tr,
                    ),
                    MetricKind::AzureDeployments => each(
                        &|o, tr| az.deployments(o.assoc, &metric.excluded_services, tr),
                        tr,
                    ),
                    MetricKind::BizappsNetCustomerAdds => each(
                        &|o, tr| {
                            biz.net_customer_adds(o.assoc, o.settings.get("min_revenue_usd"), tr)
                        },
                        tr,
                    ),
                    MetricKind::BizappsUsageGrowth => each(
                        &|o, tr| {
                            biz.usage_growth(&metric.scopes, o.settings.get("min_baseline_mcv"), tr)
                        },
                        tr,
                    ),
                    MetricKind::BizappsDeployments => each(
                        &|o, tr| biz.deployments(&metric.scopes, o.settings.get("min_mcv"), tr),
                        tr,
                    ),
                };
                if T::ON {
                    traced.push(tracers);
                }
                points::best_of(metric, &outcomes, params.points_rounding)
            })
            .collect();
        if T::ON {
            out.push(traced);
        }
        TrackScore::qualify(track.id.clone(), metrics, params)
    }
}
