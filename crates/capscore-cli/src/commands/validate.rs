//! `capscore validate`.

use std::fmt::Write;
use std::path::Path;

use capscore_catalog::Catalog;
use capscore_core::{Num, format_grouped};

use super::{emit, load_data};
use crate::exit::Failure;
use crate::render::clean;

pub(super) fn run(catalog: &Catalog, dir: &Path) -> Result<(), Failure> {
    let loaded = load_data(dir, catalog)?;
    let d = &loaded.dataset;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "dataset {} is valid",
        clean(&dir.display().to_string())
    );
    let rows = [
        ("partners", d.partners.len()),
        ("associations", d.associations.partner.len()),
        ("m365_usage", d.m365_usage.tenant.len()),
        ("azure_usage", d.azure_usage.tenant.len()),
        ("bizapps_usage", d.bizapps_usage.tenant.len()),
        ("certifications", d.certifications.partner.len()),
        ("exams", d.exams.partner.len()),
        ("enrollments", d.enrollments.partner.len()),
        ("customer_references", d.customer_references.partner.len()),
    ];
    for (table, n) in rows {
        if d.present.iter().any(|p| p == table) {
            let count = format_grouped(&Num::from_integer(i128::try_from(n).unwrap_or(i128::MAX)));
            let noun = if n == 1 { "row" } else { "rows" };
            let _ = writeln!(out, "  {table:<20} {count:>10} {noun}");
        }
    }
    let tenants = format_grouped(&Num::from_integer(
        i128::try_from(d.tenants.len()).unwrap_or(i128::MAX),
    ));
    let _ = writeln!(out, "  {:<20} {tenants:>10}", "tenants seen");
    if let Some(m) = d.latest_month {
        let _ = writeln!(out, "  latest month         {m:>10}");
    }
    for c in &d.coverage.tables {
        let _ = writeln!(out, "  {:<20} months {}", c.table.name(), c.describe());
    }
    if let Some(m) = d.coverage.default_month() {
        let _ = writeln!(out, "  default score month  {m:>10}");
    }
    let _ = writeln!(out, "{} warning(s)", loaded.warnings.len());
    for w in &loaded.warnings {
        let _ = writeln!(out, "  warning: {}", clean(&w.to_string()));
    }
    emit(&out)
}
