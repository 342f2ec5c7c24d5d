//! `capscore eligibility customers|skilling`: the explanation regrouped by tenant or
//! by person.

use capscore_catalog::Catalog;
use capscore_engine::explain::{customers, skilling};

use super::explain::explanation;
use super::{emit, stream};
use crate::args::{EligibilityView, Format};
use crate::exit::Failure;
use crate::render_explain;

pub(super) fn run(catalog: &Catalog, view: &EligibilityView) -> Result<(), Failure> {
    match view {
        EligibilityView::Customers { scope, tenant, all } => {
            let (_, expl) = explanation(catalog, scope, &[], &[])?;
            let rows = customers(&expl, tenant.as_deref());
            if let Some(t) = tenant
                && rows.iter().all(|p| p.tenants.is_empty())
            {
                return Err(Failure::Input(anyhow::anyhow!(
                    "tenant \"{t}\" has no association or usage of the partners asked in {}",
                    expl.month
                )));
            }
            match scope.format {
                Format::Table => emit(&render_explain::customers_table(&rows, catalog, *all)),
                Format::Json => stream(|out| render_explain::to_json(&rows, out)),
                Format::Csv => stream(|out| render_explain::customers_csv(&rows, out)),
            }
        }
        EligibilityView::Skilling { scope } => {
            let (_, expl) = explanation(catalog, scope, &[], &[])?;
            let rows = skilling(&expl, catalog);
            match scope.format {
                Format::Table => emit(&render_explain::skilling_table(&rows, catalog)),
                Format::Json => stream(|out| render_explain::to_json(&rows, out)),
                Format::Csv => stream(|out| render_explain::skilling_csv(&rows, out)),
            }
        }
    }
}
