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
#![deny(missing_docs)]

mod azure;
mod bizapps;
mod certs;
mod error;
mod m365;
mod outcome;
mod points;
mod result;
mod security;
pub mod view;

use capscore_catalog::{AreaRules, Catalog, MetricKind, Snapshot, TrackRules, TrackSelection};
use capscore_core::{Month, PartnerIdx};
use capscore_data::Dataset;
use rayon::prelude::*;

pub use error::EngineError;
pub use points::metric_points;
pub use result::{AreaScore, MetricScore, OptionScore, PartnerScore, Scores, TrackScore, Unmet};
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
    let rules = catalog.at_month(req.month)?;
    let areas: Vec<&AreaRules> = match &req.areas {
        None => rules.areas.iter().collect(),
        Some(ids) => ids
            .iter()
            .map(|id| {
                rules.area(id).ok_or_else(|| EngineError::UnknownArea {
                    area: id.clone(),
                    known: rules.areas.iter().map(|a| a.id.clone()).collect(),
                })
            })
            .collect::<Result<_, _>>()?,
    };
    let groups = partner_groups(data)?;
    let roots = groups.global_accounts(data, req.partners.as_deref())?;
    let names: Vec<azure::AzureNames> = areas
        .iter()
        .map(|a| azure::AzureNames::new(data, a))
        .collect();
    let scored: Vec<(&AreaRules, &azure::AzureNames)> = areas.iter().copied().zip(&names).collect();
    let partners = roots
        .par_iter()
        .map(|&p| score_partner(data, &rules, &groups, p, req.month, &scored))
        .collect();
    Ok(Scores {
        month: req.month,
        catalog_version: rules.version_label(),
        partners,
    })
}

fn score_partner(
    data: &Dataset,
    rules: &Snapshot<'_>,
    groups: &PartnerGroups,
    p: PartnerIdx,
    m: Month,
    areas: &[(&AreaRules, &azure::AzureNames)],
) -> PartnerScore {
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
            match (&area.track_selection, &area.classification) {
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
                    let (track_id, why) = biz.classify(c, track_name);
                    let tracks = area
                        .tracks
                        .iter()
                        .filter(|t| t.id.as_deref() == Some(track_id.as_str()))
                        .map(|t| ctx.track(t))
                        .collect();
                    let mut score = AreaScore::from_tracks(&area.id, tracks);
                    score.track_reason = Some(why);
                    score
                }
                _ => AreaScore::from_tracks(
                    &area.id,
                    area.tracks.iter().map(|t| ctx.track(t)).collect(),
                ),
            }
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
    fn track(&self, track: &TrackRules) -> TrackScore {
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
        let metrics = track
            .metrics
            .iter()
            .map(|metric| {
                use outcome::Outcome;
                let opts = &metric.options;
                let each = |f: &dyn Fn(&capscore_catalog::OptionRule) -> Outcome| {
                    opts.iter().map(f).collect::<Vec<_>>()
                };
                let outcomes: Vec<Outcome> = match metric.kind {
                    MetricKind::CertifiedPeople => {
                        vec![Outcome::of(certs::certified_people(
                            view,
                            &metric.certifications,
                            date,
                        ))]
                    }
                    MetricKind::CertificationSteps => {
                        vec![certs::certification_steps(
                            view,
                            &metric.steps,
                            date,
                            self.rules.catalog,
                        )]
                    }
                    MetricKind::M365NetCustomerAdds => {
                        each(&|o| Outcome::of(mw.net_customer_adds(o.assoc)))
                    }
                    MetricKind::M365UsageGrowth => each(&|o| Outcome::of(mw.usage_growth(o.assoc))),
                    MetricKind::M365Deployments => {
                        each(&|o| Outcome::of(mw.deployments(o.assoc, metric.active_percent)))
                    }
                    MetricKind::SecurityNetCustomerAdds => {
                        vec![security::net_customer_adds(&az, &mw, metric, m)]
                    }
                    MetricKind::SecurityUsageGrowth => {
                        vec![security::usage_growth(&az, &mw, metric, m)]
                    }
                    MetricKind::SecurityDeployments => {
                        vec![security::deployments(&az, &mw, metric, m)]
                    }
                    MetricKind::AzureNetCustomerAdds => each(&|o| {
                        az.net_customer_adds(o.assoc, o.settings.get("min_monthly_acr_usd"))
                    }),
                    MetricKind::AzureUsageGrowth => {
                        each(&|o| az.usage_growth(o.assoc, o.settings.get("min_baseline_acr_usd")))
                    }
                    MetricKind::AzureDeployments => {
                        each(&|o| az.deployments(o.assoc, &metric.excluded_services))
                    }
                    MetricKind::BizappsNetCustomerAdds => {
                        each(&|o| biz.net_customer_adds(o.assoc, o.settings.get("min_revenue_usd")))
                    }
                    MetricKind::BizappsUsageGrowth => each(&|o| {
                        biz.usage_growth(&metric.scopes, o.settings.get("min_baseline_mcv"))
                    }),
                    MetricKind::BizappsDeployments => {
                        each(&|o| biz.deployments(&metric.scopes, o.settings.get("min_mcv")))
                    }
                };
                points::best_of(metric, &outcomes, params.points_rounding)
            })
            .collect();
        TrackScore::qualify(track.id.clone(), metrics, params)
    }
}
