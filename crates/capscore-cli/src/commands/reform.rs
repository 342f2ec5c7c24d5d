//! `capscore reform`: the catalog and the catalog with an overlay, compared on a dataset.

use std::io::Write;
use std::path::Path;

use anyhow::anyhow;
use capscore_catalog::{Catalog, EMBEDDED_FILES, apply_overlay};
use capscore_export::{ExportError, write_atomic};
use capscore_whatif::{reform, reform_render};

use super::score::{month_or_default, refusal};
use super::{emit, load_data, stream, with_spinner};
use crate::args::{ReformArgs, ReformFormat};
use crate::exit::Failure;

/// The catalog (`catalog_dir`, or the built-in one) with the overlay in `path` applied.
pub(super) fn overlay_file(
    catalog_dir: Option<&Path>,
    path: &Path,
) -> Result<capscore_catalog::Overlaid, Failure> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Input(anyhow!("cannot read the overlay {file}: {e}")))?;
    let (files, origin) = match catalog_dir {
        Some(d) => (
            Catalog::read_dir_files(d).map_err(|e| Failure::Catalog(anyhow!(e)))?,
            d.display().to_string(),
        ),
        None => (
            EMBEDDED_FILES
                .iter()
                .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
                .collect(),
            "embedded".to_string(),
        ),
    };
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    apply_overlay(&borrowed, &origin, &file, &text)
        .map_err(|e| Failure::Catalog(anyhow!(e).context("overlay refused")))
}

pub(super) fn run(
    catalog: &Catalog,
    catalog_dir: Option<&Path>,
    args: &ReformArgs,
) -> Result<(), Failure> {
    let overlaid = overlay_file(catalog_dir, &args.overlay)?;
    let loaded = load_data(&args.data, catalog)?;
    let source = args.data.display().to_string();
    let month = month_or_default(args.month, &loaded, &source)?;
    let areas = (!args.areas.is_empty()).then(|| args.areas.clone());
    let mut r = with_spinner(format!("scoring {month} under both rules"), || {
        reform::reform(
            &loaded.dataset,
            catalog,
            &overlaid.catalog,
            &overlaid.name,
            month,
            areas,
        )
    })
    .map_err(|e| match e {
        capscore_whatif::WhatIfError::Engine(e) => refusal(e, "or another month"),
        e => Failure::Input(anyhow!(e)),
    })?;
    r.description = overlaid.description.clone();
    if let Some(chart) = &args.chart {
        let svg = reform_render::svg(&r, catalog);
        write_atomic(chart, |w| {
            w.write_all(svg.as_bytes())
                .map_err(|source| ExportError::Io {
                    path: chart.display().to_string(),
                    source,
                })
        })
        .map_err(|e| Failure::Internal(anyhow!(e).context("writing the chart")))?;
    }
    match args.format {
        ReformFormat::Text => emit(&reform_render::text(&r, catalog)),
        ReformFormat::Json => stream(|out| {
            serde_json::to_writer_pretty(&mut *out, &r)?;
            out.write_all(b"\n")
        }),
    }
}
