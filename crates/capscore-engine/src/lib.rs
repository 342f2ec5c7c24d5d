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

mod certs;
mod error;
mod m365;
mod points;
mod result;
mod view;

use capscore_catalog::{AreaRules, Catalog, MetricKind, Snapshot, TrackRules};
use capscore_core::{Month, PartnerIdx};
use capscore_data::Dataset;
use rayon::prelude::*;

pub use error::EngineError;
pub use points::metric_points;
pub use result::{AreaScore, MetricScore, OptionScore, PartnerScore, Scores, TrackScore, Unmet};
pub use view::{PartnerGroups, partner_groups};

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
    let roots: Vec<PartnerIdx> = match &req.partners {
        None => groups.roots().collect(),
        Some(list) => {
            for p in list {
                if let Some(root) = groups.root_of(*p).filter(|r| r != p) {
                    return Err(EngineError::LocationAccount {
                        partner: data.partners.ids[p.index()].clone(),
                        global: data.partners.ids[root.index()].clone(),
                    });
                }
            }
            list.clone()
        }
    };
    let partners = roots
        .par_iter()
        .map(|&p| score_partner(data, &rules, &groups, p, req.month, &areas))
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
    areas: &[&AreaRules],
) -> PartnerScore {
    let view = view::PartnerView::build(data, groups.members(p));
    let areas = areas
        .iter()
        .map(|area| {
            let tracks: Vec<TrackScore> = area
                .tracks
                .iter()
                .map(|t| score_track(data, rules, &view, area, t, m))
                .collect();
            AreaScore::from_tracks(&area.id, tracks)
        })
        .collect();
    PartnerScore {
        partner_id: data.partners.ids[p.index()].clone(),
        name: data.partners.names[p.index()].clone(),
        areas,
    }
}

fn score_track(
    data: &Dataset,
    rules: &Snapshot<'_>,
    view: &view::PartnerView,
    area: &AreaRules,
    track: &TrackRules,
    m: Month,
) -> TrackScore {
    let ctx = m365::Context::new(data, view, area, track, m, &rules.params);
    let metrics = track
        .metrics
        .iter()
        .map(|metric| {
            let values: Vec<capscore_core::Num> = match metric.kind {
                MetricKind::CertifiedPeople => {
                    vec![certs::certified_people(
                        view,
                        &metric.certifications,
                        rules.date,
                    )]
                }
                MetricKind::M365NetCustomerAdds => metric
                    .options
                    .iter()
                    .map(|o| ctx.net_customer_adds(o.assoc))
                    .collect(),
                MetricKind::M365UsageGrowth => metric
                    .options
                    .iter()
                    .map(|o| ctx.usage_growth(o.assoc))
                    .collect(),
                MetricKind::M365Deployments => metric
                    .options
                    .iter()
                    .map(|o| ctx.deployments(o.assoc, metric.active_percent))
                    .collect(),
            };
            points::best_of(metric, &values, rules.params.points_rounding)
        })
        .collect();
    TrackScore::qualify(track.id.clone(), metrics, &rules.params)
}
