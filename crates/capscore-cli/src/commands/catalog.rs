//! `capscore catalog`: the rules in force for a month.

use std::fmt::Write;

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_core::{Month, format_num};

use super::{emit, parse_month};
use crate::exit::Failure;

pub fn run(catalog: &Catalog, month: Option<&str>) -> Result<(), Failure> {
    let month = match month {
        Some(m) => parse_month(m)?,
        None => Month::of(today()),
    };
    let rules = catalog
        .at_month(month)
        .map_err(|e| Failure::Catalog(anyhow!(e)))?;
    let d = rules.date;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "catalog {} ({}), rules in force on {d} (evaluation month {month})",
        rules.version_label(),
        catalog.origin
    );
    let _ = writeln!(o, "\nparameters");
    let p = &rules.params;
    let _ = writeln!(
        o,
        "  qualifying_total_points  {}",
        format_num(&p.qualifying_total_points, true)
    );
    let _ = writeln!(
        o,
        "  min_metric_points        {}",
        format_num(&p.min_metric_points, true)
    );
    let _ = writeln!(o, "  points_rounding          {:?}", p.points_rounding);
    let _ = writeln!(o, "  deployment_unit          {:?}", p.deployment_unit);
    for area in &rules.areas {
        let _ = writeln!(o, "\n{} ({})", area.name, area.id);
        let names: Vec<&str> = area
            .eligible_workloads
            .iter()
            .map(|w| catalog.workloads[w.index()].name.as_str())
            .collect();
        let _ = writeln!(o, "  eligible workloads: {}", names.join(", "));
        for t in &area.tracks {
            let band = t.band.map(|b| match b.at_most {
                Some(m) => format!(
                    " (tenants with {} < paid seats <= {m} on an eligible workload)",
                    b.above
                ),
                None => format!(
                    " (tenants with paid seats > {} on an eligible workload)",
                    b.above
                ),
            });
            let _ = writeln!(
                o,
                "  track {}{}",
                t.id.as_deref().unwrap_or("-"),
                band.unwrap_or_default()
            );
            for m in &t.metrics {
                let opts: Vec<String> = m
                    .options
                    .iter()
                    .map(|op| {
                        let assoc = catalog.mask_names(op.assoc).join("+");
                        let head = if assoc.is_empty() {
                            String::new()
                        } else {
                            format!("{assoc} ")
                        };
                        format!("{head}target {}", format_num(&op.target, true))
                    })
                    .collect();
                let _ = writeln!(
                    o,
                    "    {:<28} max {:>3}  {}",
                    m.id,
                    format_num(&m.max_points, true),
                    opts.join(" | ")
                );
                if !m.certifications.is_empty() {
                    for c in &m.certifications {
                        let _ = writeln!(
                            o,
                            "      - {}",
                            catalog.certifications[c.index()].name_on(d)
                        );
                    }
                }
            }
        }
    }
    emit(&o)
}

fn today() -> capscore_core::NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    capscore_core::NaiveDate::from_ymd_opt(1970, 1, 1)
        .zip(capscore_core::TimeDelta::try_days(days))
        .and_then(|(epoch, delta)| epoch.checked_add_signed(delta))
        .unwrap_or(capscore_core::NaiveDate::MIN)
}
