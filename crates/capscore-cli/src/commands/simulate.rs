//! `capscore simulate`: a scenario applied, the engine re-run, before and after.

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_whatif::{WhatIfError, render, scenario, simulate::Base};

use super::score::{month_or_default, refusal};
use super::{emit, load_data, with_spinner};
use crate::args::{SimulateArgs, ViewFormat, WhatIfScope};
use crate::exit::Failure;

/// Loads the data and resolves the month of a what-if command.
pub(super) fn base<'c>(catalog: &'c Catalog, scope: &WhatIfScope) -> Result<Base<'c>, Failure> {
    let loaded = load_data(&scope.data, catalog)?;
    let source = scope.data.display().to_string();
    let month = month_or_default(scope.month, &loaded, &source)?;
    let partner = scope.partner.trim();
    if loaded.dataset.partners.find(partner).is_none() {
        return Err(Failure::Input(anyhow!(
            "partner \"{partner}\" is not in the partners table of {source}"
        )));
    }
    let areas = (!scope.areas.is_empty()).then(|| scope.areas.clone());
    Base::new(&loaded, catalog, partner, month, areas).map_err(failure)
}

/// A what-if refusal as a failure (exit 3).
pub(super) fn failure(e: WhatIfError) -> Failure {
    match e {
        WhatIfError::Engine(e) => refusal(e, "or another scenario month"),
        WhatIfError::Write(m) => Failure::Internal(anyhow!(m)),
        e => Failure::Input(anyhow!(e)),
    }
}

pub(super) fn run(catalog: &Catalog, args: &SimulateArgs) -> Result<(), Failure> {
    let base = base(catalog, &args.scope)?;
    let file = args.scenario.display().to_string();
    let text = std::fs::read_to_string(&args.scenario)
        .map_err(|e| Failure::Input(anyhow!("cannot read the scenario {file}: {e}")))?;
    let s = scenario::parse(&text, &file).map_err(failure)?;
    let (sim, tables) = with_spinner("simulating".to_string(), || base.simulate(&s, &file, &text))
        .map_err(failure)?;
    if let Some(out) = &args.write {
        tables.write_dir(out, args.force).map_err(|e| match e {
            WhatIfError::Write(m) => Failure::Input(anyhow!(m)),
            e => failure(e),
        })?;
        eprintln!("wrote the changed dataset to {}", out.display());
    }
    match args.scope.format {
        ViewFormat::Json => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&sim).map_err(|e| Failure::Internal(anyhow!(e)))?
        )),
        ViewFormat::Table => emit(&render::simulation(&sim, catalog)),
    }
}
