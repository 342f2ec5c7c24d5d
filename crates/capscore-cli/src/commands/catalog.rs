//! `capscore catalog`: the rules in force for a month.

use std::fmt::Write;

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_core::{Month, format_amount, format_grouped, format_num};

use super::emit;
use crate::exit::Failure;
use crate::render::{clean, metric_amount, metric_name};

pub(super) fn run(catalog: &Catalog, month: Option<Month>) -> Result<(), Failure> {
    let month = match month {
        Some(m) => m,
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
        let _ = writeln!(o, "\n{} ({})", clean(&area.name), area.id);
        let names: Vec<&str> = area
            .eligible_workloads
            .iter()
            .map(|w| catalog.workloads[w.index()].name.as_str())
            .collect();
        if !names.is_empty() {
            let _ = writeln!(o, "  eligible workloads: {}", clean(&names.join(", ")));
        }
        if let Some(services) = &area.eligible_services {
            let _ = writeln!(o, "  eligible Azure services: {}", services.join(", "));
        }
        if !area.excluded_offers.is_empty() {
            let _ = writeln!(
                o,
                "  Azure offers never counted: {}",
                area.excluded_offers.join(", ")
            );
        }
        if let Some(c) = &area.classification {
            let _ = writeln!(
                o,
                "  classified: {} with >= {} (tenant, workload) pairs over {} revenue ({}) at m and m-12, else {}",
                track_name(catalog, &area.id, &c.track),
                c.min_pairs,
                format_amount(&c.revenue_above, "USD", "USD"),
                catalog.mask_names(c.assoc).join("+"),
                track_name(catalog, &area.id, &c.otherwise)
            );
        }
        let rates: Vec<String> = area
            .mcv_rate
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.map(|r| format!("{} {}", catalog.workloads[i].name, format_grouped(&r)))
            })
            .collect();
        if !rates.is_empty() {
            let _ = writeln!(o, "  MCV per unit: {}", clean(&rates.join(", ")));
        }
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
                t.id.as_deref()
                    .map_or("-", |id| track_name(catalog, &area.id, id)),
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
                        format!(
                            "{head}target {}",
                            metric_amount(catalog, &area.id, &m.id, &op.target)
                        )
                    })
                    .collect();
                let _ = writeln!(
                    o,
                    "    {:<28} max {:>3} points  {}",
                    clean(metric_name(catalog, &area.id, &m.id)),
                    format_num(&m.max_points, true),
                    opts.join(" | ")
                );
                metric_detail(&mut o, catalog, m, d);
            }
        }
    }
    emit(&o)
}

fn track_name<'a>(catalog: &'a Catalog, area: &str, id: &'a str) -> &'a str {
    catalog.area_def(area).map_or(id, |a| a.track_name(id))
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

/// The parts of a metric beyond its options: certifications, steps, sources, scopes,
/// settings.
fn metric_detail(
    o: &mut String,
    catalog: &Catalog,
    m: &capscore_catalog::MetricRules,
    d: capscore_core::NaiveDate,
) {
    let cert = |c: &capscore_core::CertId| catalog.certifications[c.index()].name_on(d).to_string();
    for c in &m.certifications {
        let _ = writeln!(o, "      - {}", cert(c));
    }
    for (i, step) in m.steps.iter().enumerate() {
        let names: Vec<String> = step.certifications.iter().map(cert).collect();
        let what = if step.scoring {
            "scoring, each person".to_string()
        } else {
            format!(">= {} people", step.min_people)
        };
        let _ = writeln!(o, "      step {} ({what}): {}", i + 1, names.join(", "));
    }
    if !m.azure_assoc.is_empty() || !m.m365_assoc.is_empty() {
        let _ = writeln!(
            o,
            "      sources: Azure via {}, Microsoft 365 via {}",
            catalog.mask_names(m.azure_assoc).join("+"),
            catalog.mask_names(m.m365_assoc).join("+")
        );
    }
    for s in &m.scopes {
        let ws: Vec<&str> = s
            .workloads
            .iter()
            .map(|w| catalog.workloads[w.index()].name.as_str())
            .collect();
        let _ = writeln!(
            o,
            "      {} count for {}",
            catalog.mask_names(s.assoc).join("+"),
            ws.join(", ")
        );
    }
    if !m.excluded_services.is_empty() {
        let _ = writeln!(
            o,
            "      services not counted: {}",
            m.excluded_services.join(", ")
        );
    }
    if let Some(p) = m.active_percent {
        let _ = writeln!(
            o,
            "      deployed: paid seats and >= {}% active",
            format_num(&p, true)
        );
    }
    if let Some(opt) = m.options.first() {
        for (k, v) in &opt.settings.0 {
            let _ = writeln!(o, "      {k} = {}", format_grouped(v));
        }
    }
}
