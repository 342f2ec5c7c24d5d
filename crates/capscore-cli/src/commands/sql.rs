//! `capscore sql`: the Spark SQL of one or more areas, written from the catalog in force.

use std::io::Write;
use std::path::Path;

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_export::{ExportError, write_atomic};
use capscore_sql::{Dialect, SqlError};

use super::emit;
use super::reform::overlay_file;
use crate::args::{SqlArgs, SqlDialect};
use crate::exit::Failure;

pub(super) fn run(
    catalog: &Catalog,
    catalog_dir: Option<&Path>,
    args: &SqlArgs,
) -> Result<(), Failure> {
    let overlaid = match &args.overlay {
        Some(path) => Some(overlay_file(catalog_dir, path)?),
        None => None,
    };
    let rules = overlaid.as_ref().map_or(catalog, |o| &o.catalog);
    let SqlDialect::Spark = args.dialect;
    let sql = capscore_sql::generate_areas(rules, Dialect::Spark, args.month, &args.area).map_err(
        |e| match e {
            SqlError::Catalog(e) => Failure::Catalog(anyhow!(e)),
            e => Failure::Input(anyhow!(e)),
        },
    )?;
    match &args.out {
        None => emit(&sql),
        Some(path) => write_atomic(path, |w| {
            w.write_all(sql.as_bytes())
                .map_err(|source| ExportError::Io {
                    path: path.display().to_string(),
                    source,
                })
        })
        .map_err(|e| Failure::Input(anyhow!(e).context("writing the SQL"))),
    }
}
