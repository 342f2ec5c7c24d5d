//! Explanations: why every metric is what it is.
//!
//! [`explain`] scores the partners through the very functions [`crate::score`] uses,
//! with a recording tracer: each metric function writes down every contribution to
//! the value and every row that did not count, with why, as it decides. The result
//! is an [`Explanation`] tree (the CLI, a dashboard and an API share it); the
//! customer and skilling eligibility views are built from it.

mod build;
mod eligibility;
mod tree;

use capscore_catalog::Catalog;
use capscore_core::{Month, PartnerIdx};
use capscore_data::Dataset;
use rayon::prelude::*;

use crate::trace::Recorder;
use crate::{EngineError, Run, ScoreRequest};

pub use eligibility::{
    CertStatus, CustomerEligibility, CustomerLine, EXPIRY_WARNING_PARAMETER, PersonCert,
    PersonSkilling, SkillingEligibility, TenantEligibility, customers, skilling,
};
pub use tree::{
    AreaExplanation, AssocDetail, CertDetail, Entry, Explanation, MetricExplanation,
    OptionExplanation, PartnerExplanation, Reason, RuleRef, SourceRow, TrackExplanation,
};

/// What to explain.
#[derive(Debug, Clone)]
pub struct ExplainRequest {
    /// The evaluation month.
    pub month: Month,
    /// Partners (global accounts); `None` = every global account.
    pub partners: Option<Vec<PartnerIdx>>,
    /// Area ids; `None` = every area in force.
    pub areas: Option<Vec<String>>,
    /// Track ids; `None` = every track.
    pub tracks: Option<Vec<String>>,
    /// Metric ids; `None` = every metric.
    pub metrics: Option<Vec<String>>,
    /// Which rows that did not count are kept (contributions always are).
    pub exclusions: Exclusions,
}

/// Which exclusions an explanation keeps. A caller that reads only some reasons (the
/// advisor reads rows short of a threshold, outside the band or not attributed) asks
/// for those alone, and the others are never turned into entries: on a partner with
/// thousands of tenants most exclusions are rows of other workloads or association
/// types, and building them is most of the explanation's cost.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Exclusions {
    /// Every exclusion (the explanation a person reads).
    #[default]
    All,
    /// Only exclusions with one of these reasons.
    Only(Vec<Reason>),
}

impl Exclusions {
    /// Whether an exclusion with this reason is kept.
    #[must_use]
    pub fn keeps(&self, reason: Reason) -> bool {
        match self {
            Self::All => true,
            Self::Only(reasons) => reasons.contains(&reason),
        }
    }
}

/// Explains the scores of partners for one month: for every metric of every area and
/// track asked, every option's contributions (adding up exactly to its value) and
/// exclusions.
///
/// # Errors
/// As [`crate::score`], and an unknown track or metric id. Like [`crate::score`], it
/// does not refuse a month the data does not cover: callers that must check it first
/// (the command line does) call [`crate::ensure_covered`].
pub fn explain(
    data: &Dataset,
    catalog: &Catalog,
    req: &ExplainRequest,
) -> Result<Explanation, EngineError> {
    let run = Run::new(
        data,
        catalog,
        &ScoreRequest {
            month: req.month,
            partners: req.partners.clone(),
            areas: req.areas.clone(),
        },
    )?;
    let areas = run.areas();
    check_names(&run, req)?;
    let recorder = Recorder::keeping(|r| req.exclusions.keeps(r));
    let partners = run
        .roots
        .par_iter()
        .map(|&p| {
            let mut traces = Vec::new();
            let score = run.partner(&areas, p, &recorder, &mut traces);
            build::partner(&run, &areas, p, score, traces, req)
        })
        .collect();
    Ok(Explanation {
        month: req.month,
        catalog_version: run.rules.version_label(),
        partners,
    })
}

/// Refuses a track or metric id that no area asked has.
fn check_names(run: &Run<'_>, req: &ExplainRequest) -> Result<(), EngineError> {
    let areas = run.areas();
    let mut tracks: Vec<String> = Vec::new();
    let mut metrics: Vec<String> = Vec::new();
    for (a, _) in &areas {
        for t in &a.tracks {
            tracks.extend(t.id.clone());
            metrics.extend(t.metrics.iter().map(|m| m.id.clone()));
        }
    }
    tracks.sort();
    tracks.dedup();
    metrics.sort();
    metrics.dedup();
    for (asked, known, what) in [
        (&req.tracks, &tracks, "track"),
        (&req.metrics, &metrics, "metric"),
    ] {
        for id in asked.iter().flatten() {
            if !known.contains(id) {
                return Err(EngineError::UnknownName {
                    what,
                    name: id.clone(),
                    known: known.clone(),
                });
            }
        }
    }
    Ok(())
}
