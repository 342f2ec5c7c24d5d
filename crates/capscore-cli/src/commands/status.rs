//! `capscore status`: where partners stand on a date.

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_data::Loaded;
use capscore_status::{Standing, StatusRequest, status};

use super::{emit, stream, with_spinner};
use crate::args::{Format, StatusArgs};
use crate::exit::Failure;
use crate::status_render;

/// Refuses arguments that do not go together (exit 2), before any data is read.
pub(super) fn check_args(args: &StatusArgs) {
    if args.summary && args.format != Format::Table {
        use clap::CommandFactory;
        crate::args::Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--summary is a table view: leave out --format, or use --format json|csv without --summary",
            )
            .exit();
    }
}

pub(super) fn run(catalog: &Catalog, loaded: &Loaded, args: &StatusArgs) -> Result<(), Failure> {
    let data = &loaded.dataset;
    let (date, month) = (args.date, args.month);
    let areas = areas(catalog, &args.areas)?;
    let partners = if args.partners.is_empty() {
        None
    } else {
        let mut ids = Vec::new();
        for p in &args.partners {
            ids.push(data.partners.find(p.trim()).ok_or_else(|| {
                Failure::Input(anyhow!("partner \"{p}\" is not in the partners table"))
            })?);
        }
        Some(ids)
    };
    let req = StatusRequest {
        date,
        month,
        partners,
    };
    let mut standing: Standing = with_spinner(format!("working out standings on {date}"), || {
        status(data, catalog, &req)
    })
    .map_err(|e| Failure::Input(anyhow!(e)))?;
    if let Some(areas) = &areas {
        standing.retain_areas(areas);
    }
    match (args.format, args.summary) {
        (Format::Json, _) => {
            let mut s =
                serde_json::to_string_pretty(&standing).map_err(|e| Failure::Internal(e.into()))?;
            s.push('\n');
            emit(&s)
        }
        (Format::Csv, _) => stream(|out| status_render::csv(&standing, out)),
        (Format::Table, true) => emit(&status_render::summary(&standing, catalog)),
        (Format::Table, false) => emit(&status_render::table(&standing, catalog)),
    }
}

/// The areas asked for, checked against the catalog (`None`: all).
fn areas(catalog: &Catalog, asked: &[String]) -> Result<Option<Vec<String>>, Failure> {
    if asked.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for a in asked {
        let a = a.trim();
        if catalog.area_def(a).is_none() {
            let known: Vec<&str> = catalog.areas.iter().map(|x| x.id.as_str()).collect();
            return Err(Failure::Input(anyhow!(
                "area \"{a}\" is not in the catalog; its areas are {}",
                known.join(", ")
            )));
        }
        out.push(a.to_string());
    }
    Ok(Some(out))
}
