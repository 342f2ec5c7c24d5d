//! `capscore plan`: the cheapest set of actions that makes a partner qualify.

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_whatif::recommend::Planner;
use capscore_whatif::render;

use super::recommend::costs;
use super::simulate::{base, failure};
use super::{emit, with_spinner};
use crate::args::{PlanArgs, ViewFormat, WhatIfScope};
use crate::exit::Failure;

pub(super) fn run(catalog: &Catalog, args: &PlanArgs) -> Result<(), Failure> {
    let costs = costs(catalog, args.costs.as_deref())?;
    let scope = WhatIfScope {
        data: args.data.clone(),
        partner: args.partner.clone(),
        areas: vec![args.area.clone()],
        month: args.by,
        format: args.format,
    };
    let base = base(catalog, &scope)?;
    let plan = with_spinner("planning".to_string(), || {
        Planner::new(&base, costs).and_then(|p| p.plan(args.area.trim()))
    })
    .map_err(failure)?;
    if let Some(out) = &args.scenario_out {
        if plan.scenario.is_empty() {
            eprintln!("no plan: {} not written", out.display());
        } else {
            capscore_whatif::plan::write_scenario(out, &plan.scenario)
                .map_err(|e| Failure::Input(anyhow!(e)))?;
            eprintln!("wrote the plan as a scenario to {}", out.display());
        }
    }
    match args.format {
        ViewFormat::Json => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&plan).map_err(|e| Failure::Internal(anyhow!(e)))?
        )),
        ViewFormat::Table => emit(&render::plan(&plan, catalog)),
    }
}
