//! Output of `capscore explain` and `capscore eligibility`: tables for people (the
//! largest contributions, totals always), complete JSON and CSV.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use capscore_catalog::Catalog;
use capscore_core::{Num, format_num};
use capscore_engine::explain::{
    CustomerEligibility, Entry, Explanation, MetricExplanation, OptionExplanation, Reason,
    SkillingEligibility,
};
use serde::Serialize;

/// Contributions shown per option without `--all`.
const TOP: usize = 20;
/// Examples shown per exclusion reason without `--all`.
const EXAMPLES: usize = 3;

fn label(id: &str) -> String {
    id.replace('_', " ")
}

/// An exact number: whole, or 2 decimals followed by the fraction.
fn exact(v: &Num) -> String {
    if v.is_integer() {
        v.to_integer().to_string()
    } else {
        format!("{} ({v})", format_num(v, false))
    }
}

fn signed(v: &Num) -> String {
    let s = format_num(v, true);
    if *v > Num::from_integer(0) {
        format!("+{s}")
    } else {
        s
    }
}

fn workload_name<'a>(catalog: &'a Catalog, id: &'a str) -> &'a str {
    catalog
        .workloads
        .iter()
        .find(|w| w.id == id)
        .map_or(id, |w| w.name.as_str())
}

fn tenant_text(id: &str, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{n} ({id})"),
        None => id.to_string(),
    }
}

/// What an entry is about, in names.
fn what(e: &Entry, catalog: &Catalog) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &e.tenant {
        parts.push(tenant_text(t, e.tenant_name.as_deref()));
    }
    if let Some(w) = &e.workload {
        parts.push(workload_name(catalog, w).to_string());
    }
    if let Some(s) = &e.subscription {
        parts.push(format!("subscription {s}"));
    }
    if let Some(s) = &e.service {
        parts.push(s.clone());
    } else if let Some(s) = e.details.get("service") {
        parts.push(s.clone());
    }
    if let Some(o) = &e.offer {
        parts.push(format!("offer {o}"));
    }
    if let Some(p) = &e.person {
        parts.push(format!("person {p}"));
    }
    if let Some(c) = &e.certification {
        parts.push(c.name_on_date.clone());
    } else if let Some(t) = e.details.get("title") {
        parts.push(format!("\"{t}\""));
    }
    if parts.is_empty() {
        parts.push(format!("rule {}", e.rule.id));
    }
    parts.join(" · ")
}

fn detail(e: &Entry) -> String {
    let mut s = e.summary();
    let lines: Vec<String> = e
        .sources
        .iter()
        .map(|r| format!("{}:{}", r.table, r.line))
        .collect();
    if !lines.is_empty() {
        if !s.is_empty() {
            s.push_str("; ");
        }
        let _ = write!(s, "rows {}", lines.join(" "));
    }
    s
}

/// The explanation as text: per metric the reported value and the sum of the
/// contributions, the largest contributions (all with `all`), the exclusions by reason.
pub(crate) fn table(expl: &Explanation, catalog: &Catalog, all: bool) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Explanation for {} (catalog {})",
        expl.month, expl.catalog_version
    );
    for p in &expl.partners {
        let _ = writeln!(o);
        let _ = writeln!(o, "{}  {}", p.partner_id, p.name.as_deref().unwrap_or(""));
        for a in &p.areas {
            if let Some(why) = &a.track_reason {
                let _ = writeln!(o, "  {}: {why}", a.name);
            }
            for t in &a.tracks {
                let track = t
                    .track
                    .as_deref()
                    .map_or_else(String::new, |id| format!(", {id} track"));
                let counts = if t.counts && t.track.is_some() {
                    " (counts)"
                } else {
                    ""
                };
                let _ = writeln!(
                    o,
                    "  {}{track}{counts}: {} points",
                    a.name,
                    format_num(&t.total, false)
                );
                for m in &t.metrics {
                    metric(&mut o, catalog, m, all);
                }
            }
        }
    }
    if !all {
        let _ = writeln!(
            o,
            "\n(the {TOP} largest contributions of each option and {EXAMPLES} rows per reason shown; --all shows every one)"
        );
    }
    o
}

fn metric(o: &mut String, catalog: &Catalog, m: &MetricExplanation, all: bool) {
    let option = m
        .option
        .as_deref()
        .map_or_else(String::new, |x| format!(", option {x}"));
    let _ = writeln!(
        o,
        "    {} = {}{option}: {} of {} points  [rule {}, {}]",
        label(&m.metric),
        exact(&m.value),
        format_num(&m.points, false),
        format_num(&m.max_points, true),
        m.rule.id,
        m.rule.reference
    );
    for n in &m.notes {
        let _ = writeln!(o, "      ({n})");
    }
    for opt in &m.options {
        option_block(o, catalog, opt, all);
    }
}

fn option_block(o: &mut String, catalog: &Catalog, opt: &OptionExplanation, all: bool) {
    let name = opt.option.as_deref().unwrap_or("contributions");
    let chosen = if opt.chosen && opt.option.is_some() {
        " (counts)"
    } else {
        ""
    };
    let _ = writeln!(
        o,
        "      {name}{chosen}: {} contribution(s) add up to {}; reported value {}",
        opt.contributions.len(),
        exact(&opt.contributions_total_exact),
        exact(&opt.value_exact)
    );
    let mut shown: Vec<&Entry> = opt.contributions.iter().collect();
    shown.sort_by(|a, b| {
        let abs = |e: &Entry| {
            e.amount_exact
                .map(|v| if v < Num::from_integer(0) { -v } else { v })
        };
        abs(b).cmp(&abs(a))
    });
    let limit = if all { shown.len() } else { TOP };
    for e in shown.iter().take(limit) {
        let amount = e.amount_exact.map_or_else(String::new, |v| signed(&v));
        let _ = writeln!(
            o,
            "        {amount:>10}  {}  [{}]  {}",
            what(e, catalog),
            e.rule.id,
            detail(e)
        );
    }
    if shown.len() > limit {
        let _ = writeln!(o, "        ... {} more", shown.len() - limit);
    }
    if !opt.excluded.is_empty() {
        let mut by: BTreeMap<Reason, Vec<&Entry>> = BTreeMap::new();
        for e in &opt.excluded {
            if let Some(r) = e.reason {
                by.entry(r).or_default().push(e);
            }
        }
        let _ = writeln!(o, "        not counted: {}", opt.excluded.len());
        for (r, es) in by {
            let _ = writeln!(o, "          {} ({}):", r.describe(), es.len());
            let limit = if all { es.len() } else { EXAMPLES };
            for e in es.iter().take(limit) {
                let _ = writeln!(
                    o,
                    "            {}  [{}]  {}",
                    what(e, catalog),
                    e.rule.id,
                    detail(e)
                );
            }
            if es.len() > limit {
                let _ = writeln!(o, "            ... {} more", es.len() - limit);
            }
        }
    }
}

/// Any serialisable view as pretty JSON.
pub(crate) fn to_json<T: Serialize>(v: &T, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v).map_err(std::io::Error::other)?;
    writeln!(out)
}

/// The JSON contract of `capscore explain`.
pub(crate) fn json(expl: &Explanation, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    to_json(expl, out)
}

fn kv<T>(m: &BTreeMap<String, T>, f: impl Fn(&T) -> String) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={}", f(v)))
        .collect::<Vec<_>>()
        .join(";")
}

/// One CSV row per contribution and per exclusion of every option.
pub(crate) fn csv(expl: &Explanation, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| std::io::Error::other(e.to_string());
    w.write_record([
        "month",
        "partner_id",
        "area",
        "track",
        "metric",
        "option",
        "chosen",
        "entry",
        "reason",
        "amount_exact",
        "rule",
        "rule_reference",
        "tenant",
        "tenant_name",
        "workload",
        "subscription",
        "service",
        "offer",
        "person",
        "certification",
        "months",
        "amounts",
        "flags",
        "details",
        "sources",
    ])
    .map_err(io)?;
    let month = expl.month.to_string();
    for p in &expl.partners {
        for a in &p.areas {
            for t in &a.tracks {
                for m in &t.metrics {
                    for opt in &m.options {
                        let entries = opt
                            .contributions
                            .iter()
                            .map(|e| ("contribution", e))
                            .chain(opt.excluded.iter().map(|e| ("excluded", e)));
                        for (kind, e) in entries {
                            let reason = e.reason.map_or("", Reason::id).to_string();
                            let rec: Vec<String> = vec![
                                month.clone(),
                                p.partner_id.clone(),
                                a.area.clone(),
                                t.track.clone().unwrap_or_default(),
                                m.metric.clone(),
                                opt.option.clone().unwrap_or_default(),
                                opt.chosen.to_string(),
                                kind.to_string(),
                                reason,
                                e.amount_exact.map_or_else(String::new, |v| v.to_string()),
                                e.rule.id.clone(),
                                e.rule.reference.clone(),
                                e.tenant.clone().unwrap_or_default(),
                                e.tenant_name.clone().unwrap_or_default(),
                                e.workload.clone().unwrap_or_default(),
                                e.subscription.clone().unwrap_or_default(),
                                e.service.clone().unwrap_or_default(),
                                e.offer.clone().unwrap_or_default(),
                                e.person.clone().unwrap_or_default(),
                                e.certification
                                    .as_ref()
                                    .map_or_else(String::new, |c| c.id.clone()),
                                kv(&e.months, String::clone),
                                kv(&e.amounts, Num::to_string),
                                kv(&e.flags, bool::to_string),
                                kv(&e.details, String::clone),
                                e.sources
                                    .iter()
                                    .map(|s| format!("{}:{}", s.table, s.line))
                                    .collect::<Vec<_>>()
                                    .join(" "),
                            ];
                            w.write_record(&rec).map_err(io)?;
                        }
                    }
                }
            }
        }
    }
    w.flush()
}

fn area_name<'a>(catalog: &'a Catalog, id: &'a str) -> &'a str {
    catalog
        .areas
        .iter()
        .find(|a| a.id == id)
        .map_or(id, |a| a.name.as_str())
}

/// Customer eligibility as text: per tenant, each area, track, metric and option.
pub(crate) fn customers_table(
    rows: &[CustomerEligibility],
    catalog: &Catalog,
    all: bool,
) -> String {
    let mut o = String::new();
    for p in rows {
        let _ = writeln!(
            o,
            "Customer eligibility for {}: {}  {}",
            p.month,
            p.partner_id,
            p.name.as_deref().unwrap_or("")
        );
        let _ = writeln!(o, "(* = the option that counts for the metric)");
        for t in &p.tenants {
            let _ = writeln!(o);
            let _ = writeln!(o, "  {}", tenant_text(&t.tenant, t.tenant_name.as_deref()));
            for l in &t.lines {
                let track = l
                    .track
                    .as_deref()
                    .map_or_else(String::new, |x| format!(", {x}"));
                let option = l.option.as_deref().map_or_else(String::new, |x| {
                    format!(" {x}{}", if l.chosen { "*" } else { "" })
                });
                let verdict = if l.counts {
                    format!("counts, {}", signed(&l.amount_exact))
                } else {
                    "does not count".to_string()
                };
                let _ = writeln!(
                    o,
                    "    {}{track}, {}{option}: {verdict}",
                    area_name(catalog, &l.area),
                    label(&l.metric)
                );
                let limit = if all { l.details.len() } else { EXAMPLES };
                for d in l.details.iter().take(limit) {
                    let _ = writeln!(o, "      - {d}");
                }
                if l.details.len() > limit {
                    let _ = writeln!(o, "      ... {} more (--all)", l.details.len() - limit);
                }
            }
        }
        let _ = writeln!(o);
    }
    o
}

/// One CSV row per tenant and area, track, metric and option.
pub(crate) fn customers_csv(
    rows: &[CustomerEligibility],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| std::io::Error::other(e.to_string());
    w.write_record([
        "month",
        "partner_id",
        "tenant",
        "tenant_name",
        "area",
        "track",
        "metric",
        "option",
        "chosen",
        "counts",
        "amount_exact",
        "reasons",
        "details",
    ])
    .map_err(io)?;
    for p in rows {
        for t in &p.tenants {
            for l in &t.lines {
                let reasons: Vec<&str> = l.reasons.iter().map(|r| r.id()).collect();
                w.write_record([
                    p.month.to_string(),
                    p.partner_id.clone(),
                    t.tenant.clone(),
                    t.tenant_name.clone().unwrap_or_default(),
                    l.area.clone(),
                    l.track.clone().unwrap_or_default(),
                    l.metric.clone(),
                    l.option.clone().unwrap_or_default(),
                    l.chosen.to_string(),
                    l.counts.to_string(),
                    l.amount_exact.to_string(),
                    reasons.join(" "),
                    l.details.join(" | "),
                ])
                .map_err(io)?;
            }
        }
    }
    w.flush()
}

/// Skilling eligibility as text: per person, certifications and where each counts.
pub(crate) fn skilling_table(rows: &[SkillingEligibility], catalog: &Catalog) -> String {
    let mut o = String::new();
    for p in rows {
        let _ = writeln!(
            o,
            "Skilling eligibility for {}: {}  {}",
            p.month,
            p.partner_id,
            p.name.as_deref().unwrap_or("")
        );
        for person in &p.people {
            let _ = writeln!(o);
            let _ = writeln!(o, "  person {}", person.person);
            for c in &person.certifications {
                let expires = c
                    .expires
                    .as_deref()
                    .map_or_else(String::new, |e| format!(", expires {e}"));
                let soon = if c.expiring_soon {
                    format!(
                        "  EXPIRES WITHIN {} DAYS of the month's end",
                        format_num(&p.expiry_warning_days, true)
                    )
                } else {
                    String::new()
                };
                let _ = writeln!(o, "    {} (earned {}{expires}){soon}", c.name, c.earned);
            }
            for l in &person.lines {
                let track = l
                    .track
                    .as_deref()
                    .map_or_else(String::new, |x| format!(", {x}"));
                let cert = person
                    .certifications
                    .iter()
                    .find(|c| c.certification == l.certification)
                    .map_or(l.certification.as_str(), |c| c.name.as_str());
                let verdict = match l.reason {
                    None if l.amount_exact == Num::from_integer(0) => {
                        format!("counts for {}", l.rule)
                    }
                    None => "counts".to_string(),
                    Some(r) => format!("does not count: {}", r.describe()),
                };
                let _ = writeln!(
                    o,
                    "    {}{track}, {}: {cert}: {verdict}",
                    area_name(catalog, &l.area),
                    label(&l.metric)
                );
            }
        }
        let _ = writeln!(o);
    }
    o
}

/// One CSV row per person, certification and metric.
pub(crate) fn skilling_csv(
    rows: &[SkillingEligibility],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| std::io::Error::other(e.to_string());
    w.write_record([
        "month",
        "partner_id",
        "person",
        "certification",
        "earned",
        "expires",
        "expiring_soon",
        "area",
        "track",
        "metric",
        "counts",
        "amount_exact",
        "rule",
        "reason",
    ])
    .map_err(io)?;
    for p in rows {
        for person in &p.people {
            for l in &person.lines {
                let c = person
                    .certifications
                    .iter()
                    .find(|c| c.certification == l.certification);
                w.write_record([
                    p.month.to_string(),
                    p.partner_id.clone(),
                    person.person.clone(),
                    l.certification.clone(),
                    c.map_or_else(String::new, |c| c.earned.clone()),
                    c.and_then(|c| c.expires.clone()).unwrap_or_default(),
                    c.is_some_and(|c| c.expiring_soon).to_string(),
                    l.area.clone(),
                    l.track.clone().unwrap_or_default(),
                    l.metric.clone(),
                    l.counts.to_string(),
                    l.amount_exact.to_string(),
                    l.rule.clone(),
                    l.reason.map_or("", Reason::id).to_string(),
                ])
                .map_err(io)?;
            }
        }
    }
    w.flush()
}
