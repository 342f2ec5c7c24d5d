//! Output formats of `capscore status`: the full table, one line per partner, CSV rows.

use std::fmt::Write;

use capscore_catalog::Catalog;
use capscore_core::{Num, format_amount};
use capscore_data::coverage::months_in_words;
use capscore_status::{
    DesignationStanding, DesignationStatus, EnrolledVia, PartnerStanding, SpecializationStanding,
    Standing,
};

use crate::render::{clean, partner_heading};

fn status_word(s: DesignationStatus) -> &'static str {
    match s {
        DesignationStatus::InProgress => "in progress",
        DesignationStatus::Qualified => "QUALIFIED (may purchase)",
        DesignationStatus::Enrolled => "ENROLLED",
        DesignationStatus::EnrolledRenewalDue => "ENROLLED (renewal due)",
    }
}

fn money(usd: f64) -> String {
    // Fees are whole or cent amounts; exact through cents.
    #[allow(clippy::cast_possible_truncation)]
    let cents = (usd * 100.0).round() as i128;
    format_amount(&Num::new(cents, 100), "USD", "USD")
}

fn badge_name<'a>(catalog: &'a Catalog, id: &'a str) -> &'a str {
    catalog
        .badges
        .iter()
        .find(|b| b.id == id)
        .map_or_else(|| catalog.area_name(id), |b| b.name.as_str())
}

fn competency_name<'a>(catalog: &'a Catalog, id: &'a str) -> &'a str {
    catalog
        .membership
        .competencies
        .iter()
        .find(|c| c.id == id)
        .map_or(id, |c| c.name.as_str())
}

/// "held; 2 requirements not checkable from data", "requirements met", ...
fn verdict(s: &SpecializationStanding) -> String {
    let unchecked = s.requirements.iter().filter(|r| !r.checked).count();
    let failed = s
        .requirements
        .iter()
        .filter(|r| r.checked && !r.met)
        .count();
    let held = s.held.is_some();
    match (failed, unchecked) {
        (0, 0) => "requirements met".to_string(),
        (0, n) => {
            let what = if n == 1 {
                "1 requirement".to_string()
            } else {
                format!("{n} requirements")
            };
            if held {
                format!("held; {what} not checkable from data")
            } else {
                format!("checkable requirements met; {what} not checkable from data")
            }
        }
        (n, _) => {
            if n == 1 {
                "1 requirement not met".to_string()
            } else {
                format!("{n} requirements not met")
            }
        }
    }
}

fn designation_line(catalog: &Catalog, d: &DesignationStanding) -> String {
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
        catalog.area_name(&d.area),
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
            "; not computable (the data lacks months they read): {}",
            months_in_words(&d.not_computable_months)
        );
    }
    match d.enrolled_via {
        Some(EnrolledVia::Purchase) => line.push_str("; enrolled by purchase"),
        Some(EnrolledVia::Automatic) => {
            line.push_str("; enrolled automatically (shares the anniversary)");
        }
        None => {}
    }
    line
}

/// The standing as aligned text.
pub(crate) fn table(st: &Standing, catalog: &Catalog) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Standing on {} (data month in force {}, catalog {})",
        st.date, st.month, st.catalog_version
    );
    for p in &st.partners {
        partner(&mut o, catalog, p);
    }
    o
}

fn partner(o: &mut String, catalog: &Catalog, p: &PartnerStanding) {
    let _ = writeln!(o, "\n{}", partner_heading(&p.partner_id, p.name.as_deref()));
    for c in &p.competencies {
        let _ = writeln!(
            o,
            "  legacy competency: {} {} (anniversary {})",
            c.level,
            competency_name(catalog, &c.competency),
            c.anniversary_date
        );
    }
    for c in &p.competency_requirements {
        let met = c.level_met.as_deref().unwrap_or("no level");
        let _ = writeln!(
            o,
            "  {} in {}: {} active entitlements, {} qualifying {} -> the data supports {met}",
            competency_name(catalog, &c.competency),
            c.month,
            format_amount(
                &Num::from_integer(i128::from(c.active_entitlements)),
                "",
                ""
            ),
            c.qualifying_people,
            if c.qualifying_people == 1 {
                "person"
            } else {
                "people"
            }
        );
    }
    if let Some(l) = &p.legacy_benefits {
        let _ = writeln!(o, "  legacy benefits: {}", l.detail);
    }
    if !p.designations.is_empty() {
        let _ = writeln!(o, "  designations");
    }
    for d in &p.designations {
        let _ = writeln!(o, "{}", designation_line(catalog, d));
    }
    if !p.badges.is_empty() {
        let names: Vec<&str> = p.badges.iter().map(|b| badge_name(catalog, b)).collect();
        let _ = writeln!(o, "  badges: {}", names.join(", "));
    }
    if let Some(fee) = p.annual_fee_usd {
        let _ = writeln!(
            o,
            "  annual fee: {} (once for any number of designations)",
            money(fee)
        );
    }
    history(o, catalog, p);
    for s in &p.specializations {
        let held = s.held.as_ref().map_or(String::new(), |h| {
            format!(
                " [held: anniversary {}, {}]",
                h.anniversary_date,
                h.phase.replace('_', " ")
            )
        });
        let _ = writeln!(o, "  specialization {}: {}{held}", s.name, verdict(s));
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

fn history(o: &mut String, catalog: &Catalog, p: &PartnerStanding) {
    let shown: Vec<&str> = catalog
        .areas
        .iter()
        .map(|a| a.id.as_str())
        .filter(|a| {
            p.history
                .iter()
                .any(|h| h.areas.iter().any(|x| x.area == *a))
        })
        .collect();
    if p.history.is_empty() || shown.is_empty() {
        return;
    }
    let _ = write!(o, "  scoring history (points) {:<12}", "");
    for h in &p.history {
        let _ = write!(o, "{:>9}", h.month.to_string());
    }
    let _ = writeln!(o);
    for a in shown {
        let _ = write!(o, "    {:<34}", catalog.area_name(a));
        for h in &p.history {
            let cell = h
                .areas
                .iter()
                .find(|x| x.area == a)
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

/// One line per partner: the areas not in progress with their status, how many are in
/// progress, badges and the specializations held.
pub(crate) fn summary(st: &Standing, catalog: &Catalog) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Standing on {} (data month in force {}, catalog {})",
        st.date, st.month, st.catalog_version
    );
    for p in &st.partners {
        let mut parts: Vec<String> = Vec::new();
        let mut in_progress = 0;
        for d in &p.designations {
            if d.status == DesignationStatus::InProgress {
                in_progress += 1;
            } else {
                parts.push(format!(
                    "{} {}",
                    catalog.area_name(&d.area),
                    d.status.label()
                ));
            }
        }
        if in_progress > 0 {
            let all = if in_progress == p.designations.len() {
                "every area shown in progress".to_string()
            } else if in_progress == 1 {
                "1 more area in progress".to_string()
            } else {
                format!("{in_progress} more areas in progress")
            };
            parts.push(all);
        }
        for c in &p.competencies {
            parts.push(format!(
                "legacy {} {}",
                c.level,
                competency_name(catalog, &c.competency)
            ));
        }
        for c in &p.competency_requirements {
            let held = p
                .competencies
                .iter()
                .any(|h| h.competency == c.competency && Some(&h.level) == c.level_met.as_ref());
            if let (Some(l), false) = (&c.level_met, held) {
                parts.push(format!(
                    "the data supports {l} {}",
                    competency_name(catalog, &c.competency)
                ));
            }
        }
        if !p.badges.is_empty() {
            let names: Vec<&str> = p.badges.iter().map(|b| badge_name(catalog, b)).collect();
            parts.push(format!("badges: {}", names.join(", ")));
        }
        let held: Vec<String> = p
            .specializations
            .iter()
            .filter_map(|s| {
                s.held
                    .as_ref()
                    .map(|h| format!("{} ({})", s.name, h.phase.replace('_', " ")))
            })
            .collect();
        if !held.is_empty() {
            parts.push(format!("specializations held: {}", held.join(", ")));
        }
        if parts.is_empty() {
            parts.push("no designation, competency or specialization held".to_string());
        }
        let _ = writeln!(
            o,
            "{}: {}",
            partner_heading(&p.partner_id, p.name.as_deref()),
            clean(&parts.join("; "))
        );
    }
    o
}

/// The CSV columns of `capscore status --format csv` (documented in docs/data.md).
pub(crate) const CSV_COLUMNS: [&str; 21] = [
    "date",
    "data_month",
    "partner_id",
    "partner_name",
    "row",
    "area",
    "status",
    "window_start",
    "window_end",
    "qualifying_months",
    "anniversary_date",
    "enrolled_via",
    "renewal_window_end",
    "specialization",
    "specialization_met",
    "held_phase",
    "held_anniversary_date",
    "requirement",
    "checked",
    "met",
    "detail",
];

/// One row per partner and designation (`row` = `designation`), and per partner,
/// specialization and requirement (`row` = `specialization_requirement`).
pub(crate) fn csv(st: &Standing, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS)
        .map_err(crate::render::io_error)?;
    let date = st.date.to_string();
    let month = st.month.to_string();
    let opt = |d: Option<capscore_core::NaiveDate>| d.map_or(String::new(), |d| d.to_string());
    let flag = |b: bool| if b { "true" } else { "false" };
    for p in &st.partners {
        let name = p.name.as_deref().unwrap_or("");
        for d in &p.designations {
            let months: Vec<String> = d
                .qualifying_months
                .iter()
                .map(ToString::to_string)
                .collect();
            let via = match d.enrolled_via {
                Some(EnrolledVia::Purchase) => "purchase",
                Some(EnrolledVia::Automatic) => "automatic",
                None => "",
            };
            w.write_record([
                date.as_str(),
                &month,
                &p.partner_id,
                name,
                "designation",
                &d.area,
                d.status.as_str(),
                &d.window_start.to_string(),
                &d.window_end.to_string(),
                &months.join(" "),
                &opt(d.anniversary_date),
                via,
                &opt(d.renewal_window_end),
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ])
            .map_err(crate::render::io_error)?;
        }
        for s in &p.specializations {
            let (phase, anniversary) =
                s.held.as_ref().map_or((String::new(), String::new()), |h| {
                    (h.phase.clone(), h.anniversary_date.to_string())
                });
            for r in &s.requirements {
                w.write_record([
                    date.as_str(),
                    &month,
                    &p.partner_id,
                    name,
                    "specialization_requirement",
                    &s.area,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    &s.specialization,
                    flag(s.met),
                    &phase,
                    &anniversary,
                    &r.requirement,
                    flag(r.checked),
                    flag(r.met),
                    &r.detail,
                ])
                .map_err(crate::render::io_error)?;
            }
        }
    }
    w.flush()
}
