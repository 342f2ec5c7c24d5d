//! `capscore score` and `capscore demo`.

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_core::Month;
use capscore_data::Loaded;
use capscore_engine::{EngineError, ScoreRequest, score_checked};

use super::{emit, with_spinner};
use crate::args::{ScoreFormat, ScoreOptions};
use crate::exit::Failure;
use crate::render;

pub(super) fn run(
    catalog: &Catalog,
    loaded: &Loaded,
    opts: &ScoreOptions,
    source: &str,
) -> Result<(), Failure> {
    let data = &loaded.dataset;
    let month = month_or_default(opts.month, loaded, source)?;
    let partners = if opts.partners.is_empty() {
        None
    } else {
        let mut ids = Vec::new();
        for p in &opts.partners {
            let idx = data.partners.find(p.trim()).ok_or_else(|| {
                Failure::Input(anyhow!(
                    "partner \"{p}\" is not in the partners table of {source}"
                ))
            })?;
            ids.push(idx);
        }
        Some(ids)
    };
    let areas = if opts.areas.is_empty() {
        None
    } else {
        Some(opts.areas.clone())
    };
    let request = ScoreRequest {
        month,
        partners,
        areas,
    };
    let scores = with_spinner(format!("scoring {month}"), || {
        score_checked(data, catalog, &request, opts.allow_partial)
    })
    .map_err(|e| {
        refusal(
            e,
            "or --allow-partial to print the scores with those metrics marked incomplete",
        )
    })?;
    if opts.format != ScoreFormat::Table {
        for w in &loaded.warnings {
            eprintln!("warning: {w}");
        }
    }
    // JSON and CSV are written as they are made: a run over many partners never
    // holds its whole output in memory.
    match opts.format {
        ScoreFormat::Table => emit(&render::table(
            &scores,
            catalog,
            &loaded.warnings,
            opts.detail,
        )),
        _ => super::score_out::write(&scores, opts),
    }
}

/// The month asked, or the latest month covered by every usage table with rows.
pub(super) fn month_or_default(
    asked: Option<Month>,
    loaded: &Loaded,
    source: &str,
) -> Result<Month, Failure> {
    let cov = &loaded.dataset.coverage;
    match asked {
        Some(m) => Ok(m),
        None => cov.default_month().ok_or_else(|| {
            Failure::Input(anyhow!(
                "{source} has no month covered by every usage table ({}): give --month YYYY-MM",
                cov.describe()
            ))
        }),
    }
}

/// An engine refusal as a data failure; a month the data does not cover says what to
/// do instead (`more`: a last option of the command's own).
pub(super) fn refusal(e: EngineError, more: &str) -> Failure {
    match e {
        EngineError::NotCovered(_) => Failure::Input(anyhow!(
            "{e}\ngive --month in those months, fewer areas (--area), {more}"
        )),
        e => Failure::Input(anyhow!(e)),
    }
}
