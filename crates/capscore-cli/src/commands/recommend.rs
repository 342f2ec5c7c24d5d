//! `capscore recommend`: ranked actions, each verified by simulation, with costs.

use std::path::Path;

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_catalog::costs::Costs;
use capscore_whatif::recommend::Planner;
use capscore_whatif::render;

use super::simulate::{base, failure};
use super::{emit, with_spinner};
use crate::args::{RecommendArgs, ViewFormat};
use crate::exit::Failure;

/// The catalog's costs, with a user's file merged over them.
pub(super) fn costs(catalog: &Catalog, file: Option<&Path>) -> Result<Costs, Failure> {
    let Some(f) = file else {
        return Ok(catalog.costs.clone());
    };
    let name = f.display().to_string();
    let text = std::fs::read_to_string(f)
        .map_err(|e| Failure::Input(anyhow!("cannot read the cost file {name}: {e}")))?;
    catalog
        .costs
        .merged(catalog, &name, &text)
        .map_err(|e| Failure::Input(anyhow!(e)))
}

pub(super) fn run(catalog: &Catalog, args: &RecommendArgs) -> Result<(), Failure> {
    let costs = costs(catalog, args.costs.as_deref())?;
    let base = base(catalog, &args.scope)?;
    let r = with_spinner("simulating candidate actions".to_string(), || {
        Planner::new(&base, costs).and_then(|p| p.recommend(args.risk_months))
    })
    .map_err(failure)?;
    match args.scope.format {
        ViewFormat::Json => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&r).map_err(|e| Failure::Internal(anyhow!(e)))?
        )),
        ViewFormat::Table => emit(&render::recommendations(&r, catalog)),
    }
}
