//! `capscore outlook`: the next months if nothing changes.

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_whatif::{outlook, render};

use super::simulate::{base, failure};
use super::{emit, with_spinner};
use crate::args::{OutlookArgs, ViewFormat};
use crate::exit::Failure;

pub(super) fn run(catalog: &Catalog, args: &OutlookArgs) -> Result<(), Failure> {
    let base = base(catalog, &args.scope)?;
    let o = with_spinner("projecting".to_string(), || {
        outlook::outlook(&base, args.months)
    })
    .map_err(failure)?;
    match args.scope.format {
        ViewFormat::Json => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&o).map_err(|e| Failure::Internal(anyhow!(e)))?
        )),
        ViewFormat::Table => emit(&render::outlook(&o, catalog)),
    }
}
