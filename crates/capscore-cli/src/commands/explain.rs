//! `capscore explain`: the engine's explanation of every metric asked.

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_data::Loaded;
use capscore_engine::explain::Explanation;
use capscore_engine::{ExplainRequest, ensure_covered, explain};

use super::score::{month_or_default, refusal};
use super::{emit, load_data, stream, with_spinner};
use crate::args::{ExplainArgs, ExplainScope, Format};
use crate::exit::Failure;
use crate::render_explain;

/// Loads the data and explains the partners, areas, tracks and metrics asked (as
/// `score` resolves the month and the partners).
pub(super) fn explanation(
    catalog: &Catalog,
    scope: &ExplainScope,
    tracks: &[String],
    metrics: &[String],
) -> Result<(Loaded, Explanation), Failure> {
    let loaded = load_data(&scope.data, catalog)?;
    let data = &loaded.dataset;
    let source = scope.data.display().to_string();
    let month = month_or_default(scope.month, &loaded, &source)?;
    let mut partners = Vec::new();
    for p in &scope.partners {
        partners.push(data.partners.find(p.trim()).ok_or_else(|| {
            Failure::Input(anyhow!(
                "partner \"{p}\" is not in the partners table of {source}"
            ))
        })?);
    }
    let some = |v: &[String]| (!v.is_empty()).then(|| v.to_vec());
    let request = ExplainRequest {
        month,
        partners: Some(partners),
        areas: some(&scope.areas),
        tracks: some(tracks),
        metrics: some(metrics),
        exclusions: capscore_engine::explain::Exclusions::All,
    };
    let expl = with_spinner(format!("explaining {month}"), || {
        ensure_covered(data, catalog, month, request.areas.as_deref())?;
        explain(data, catalog, &request)
    })
    .map_err(|e| refusal(e, "or `capscore score --allow-partial` for the scores with those metrics marked incomplete"))?;
    if scope.format != Format::Table {
        for w in &loaded.warnings {
            eprintln!("warning: {w}");
        }
    }
    Ok((loaded, expl))
}

pub(super) fn run(catalog: &Catalog, args: &ExplainArgs) -> Result<(), Failure> {
    let (_, expl) = explanation(catalog, &args.scope, &args.tracks, &args.metrics)?;
    match args.scope.format {
        Format::Table => emit(&render_explain::table(&expl, catalog, args.all)),
        Format::Json => stream(|out| render_explain::json(&expl, out)),
        Format::Csv => stream(|out| render_explain::csv(&expl, out)),
    }
}
