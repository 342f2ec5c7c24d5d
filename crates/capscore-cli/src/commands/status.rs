//! `capscore status`: where partners stand on a date.

use std::fmt::Write;

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_data::Loaded;
use capscore_data::coverage::months_in_words;
use capscore_status::{DesignationStatus, Standing, StatusRequest, status};

use super::{emit, with_spinner};
use crate::args::{Format, StatusArgs};
use crate::exit::Failure;

pub fn run(catalog: &Catalog, loaded: &Loaded, args: &StatusArgs) -> Result<(), Failure> {
    let data = &loaded.dataset;
    let (date, month) = (args.date, args.month);
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
    let standing = with_spinner(format!("working out standings on {date}"), || {
        status(data, catalog, &req)
    })
    .map_err(|e| Failure::Input(anyhow!(e)))?;
    let text = match args.format {
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&standing).map_err(|e| Failure::Internal(e.into()))?;
            s.push('\n');
            s
        }
        Format::Table | Format::Csv => table(&standing, catalog),
    };
    emit(&text)
}

fn status_word(s: DesignationStatus) -> &'static str {
    match s {
        DesignationStatus::InProgress => "in progress",
        DesignationStatus::Qualified => "QUALIFIED (may purchase)",
        DesignationStatus::Enrolled => "ENROLLED",
        DesignationStatus::EnrolledRenewalDue => "ENROLLED (renewal due)",
    }
}

fn area_name<'a>(catalog: &'a Catalog, id: &'a str) -> &'a str {
    catalog
        .areas
        .iter()
        .find(|a| a.id == id)
        .map_or(id, |a| a.name.trim_start_matches("Solutions Partner for "))
}

fn table(st: &Standing, catalog: &Catalog) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Standing on {} (data month in force {}, catalog {})",
        st.date, st.month, st.catalog_version
    );
    for p in &st.partners {
        let _ = writeln!(o, "\n{}  {}", p.partner_id, p.name.as_deref().unwrap_or(""));
        for c in &p.competencies {
            let _ = writeln!(
                o,
                "  legacy competency: {} {} (anniversary {})",
                c.level, c.competency, c.anniversary_date
            );
        }
        for c in &p.competency_requirements {
            let met = c.level_met.as_deref().unwrap_or("no level");
            let _ = writeln!(
                o,
                "  {} in {}: {} active entitlements, {} qualifying people -> {met}",
                c.competency, c.month, c.active_entitlements, c.qualifying_people
            );
        }
        if let Some(l) = &p.legacy_benefits {
            let _ = writeln!(o, "  legacy benefits: {}", l.detail);
        }
        if !p.designations.is_empty() {
            let _ = writeln!(o, "  designations");
        }
        for d in &p.designations {
            let months: Vec<String> = d
                .qualifying_months
                .iter()
                .map(ToString::to_string)
                .collect();
            let qual = if months.is_empty() {
                "none".to_string()
            } else {
                months.join(", ")
            };
            let mut line = format!(
                "    {:<34}{:<26}window {}..{}, qualifying months: {qual}",
                area_name(catalog, &d.area),
                status_word(d.status),
                d.window_start,
                d.window_end
            );
            if let (Some(ad), Some(end)) = (d.anniversary_date, d.renewal_window_end) {
                let _ = write!(line, "; anniversary {ad}, renewal window to {end}");
            }
            if !d.not_computable_months.is_empty() {
                let _ = write!(
                    line,
                    "; not computable (data lacks months they read): {}",
                    months_in_words(&d.not_computable_months)
                );
            }
            if let Some(via) = d.enrolled_via {
                let _ = write!(line, "; enrolled by {}", format!("{via:?}").to_lowercase());
            }
            let _ = writeln!(o, "{line}");
        }
        if !p.badges.is_empty() {
            let _ = writeln!(o, "  badges: {}", p.badges.join(", "));
        }
        if let Some(fee) = p.annual_fee_usd {
            let _ = writeln!(
                o,
                "  annual fee: ${fee:.0} (once for any number of designations)"
            );
        }
        if !p.history.is_empty() {
            let _ = write!(o, "  scoring history {:<22}", "");
            for h in &p.history {
                let _ = write!(o, "{:>9}", h.month.to_string());
            }
            let _ = writeln!(o);
            for a in &catalog.areas {
                let _ = write!(o, "    {:<34}", area_name(catalog, &a.id));
                for h in &p.history {
                    let cell =
                        h.areas
                            .iter()
                            .find(|x| x.area == a.id)
                            .map_or("-".to_string(), |x| {
                                if x.missing_months.is_empty() {
                                    format!("{:.2}{}", x.total, if x.qualified { "*" } else { "" })
                                } else {
                                    "n/a".to_string()
                                }
                            });
                    let _ = write!(o, "{cell:>9}");
                }
                let _ = writeln!(o);
            }
            let _ = writeln!(o, "    (* qualified that month)");
            if p.history
                .iter()
                .any(|h| h.areas.iter().any(|a| !a.missing_months.is_empty()))
            {
                let _ = writeln!(
                    o,
                    "    (n/a: not computable, the data lacks months its metrics read)"
                );
            }
        }
        for s in &p.specializations {
            let verdict = if s.met {
                "requirements met"
            } else {
                "requirements not met"
            };
            let held = s.held.as_ref().map_or(String::new(), |h| {
                format!(
                    " [held: anniversary {}, {}]",
                    h.anniversary_date,
                    h.phase.replace('_', " ")
                )
            });
            let _ = writeln!(o, "  specialization {}: {verdict}{held}", s.name);
            for r in &s.requirements {
                let mark = match (r.checked, r.met) {
                    (false, _) => "?",
                    (true, true) => "ok",
                    (true, false) => "no",
                };
                let _ = writeln!(
                    o,
                    "    [{mark:>2}] {}: {}",
                    r.requirement.replace('_', " "),
                    r.detail
                );
            }
        }
        for b in &p.benefits {
            let times = if b.count > 1 {
                format!(" x{}", b.count)
            } else {
                String::new()
            };
            let _ = writeln!(o, "  benefits: {}{times} ({})", b.name, b.reason);
            for i in &b.items {
                let _ = writeln!(o, "    - {}: {}", i.product, i.grant);
            }
        }
    }
    o
}
