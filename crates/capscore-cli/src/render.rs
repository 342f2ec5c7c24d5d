//! Output formats of scores: a table for people, the JSON contract, CSV rows.

use std::fmt::Write;

use capscore_catalog::Catalog;
use capscore_core::{Num, format_num};
use capscore_data::Diagnostic;
use capscore_data::coverage::months_in_words;
use capscore_engine::{AreaScore, MetricScore, Scores, TrackScore, Unmet};

fn label(id: &str) -> String {
    id.replace('_', " ")
}

fn area_name<'a>(catalog: &'a Catalog, id: &'a str) -> &'a str {
    catalog
        .areas
        .iter()
        .find(|a| a.id == id)
        .map_or(id, |a| a.name.as_str())
}

/// The scorecards as aligned text: a line per area, and every metric with `detail`.
pub fn table(scores: &Scores, catalog: &Catalog, warnings: &[Diagnostic], detail: bool) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Scores for {} (catalog {})",
        scores.month, scores.catalog_version
    );
    for p in &scores.partners {
        let _ = writeln!(o);
        let _ = writeln!(o, "{}  {}", p.partner_id, p.name.as_deref().unwrap_or(""));
        for b in &p.badges {
            let name = catalog
                .badges
                .iter()
                .find(|x| &x.id == b)
                .map_or(b.as_str(), |x| x.name.as_str());
            let _ = writeln!(o, "  badge: {name}");
        }
        for a in &p.areas {
            if detail {
                area(&mut o, catalog, a);
            } else {
                summary(&mut o, catalog, a);
            }
        }
    }
    if !detail {
        let _ = writeln!(o, "\n(--detail shows every metric of every track)");
    }
    if !warnings.is_empty() {
        let _ = writeln!(o, "\n{} warning(s) while loading:", warnings.len());
        for w in warnings {
            let _ = writeln!(o, "  {w}");
        }
    }
    o
}

fn summary(o: &mut String, catalog: &Catalog, a: &AreaScore) {
    let name = area_name(catalog, &a.area).trim_start_matches("Solutions Partner for ");
    let track = a.track.as_deref().unwrap_or("");
    let verdict = if a.qualified {
        "QUALIFIED".to_string()
    } else {
        format!("not qualified: {}", why_not(a))
    };
    let _ = writeln!(
        o,
        "  {name:<36}{track:<12}{:>7}  {}{verdict}",
        format_num(&a.total, false),
        incomplete_mark(a)
    );
}

/// `INCOMPLETE (data lacks …): ` when a metric of the area reads months the data lacks.
fn incomplete_mark(a: &AreaScore) -> String {
    let missing = a.missing_months();
    if missing.is_empty() {
        String::new()
    } else {
        format!("INCOMPLETE (data lacks {}): ", months_in_words(&missing))
    }
}

/// The unmet rules in a few words: "total under 70; under 1 point: deployments".
fn why_not(a: &AreaScore) -> String {
    let mut parts = Vec::new();
    let mut low = Vec::new();
    let mut needed = None;
    for u in &a.unmet {
        match u {
            Unmet::TotalUnderMinimum { needed, .. } => {
                parts.push(format!("total under {}", format_num(needed, true)))
            }
            Unmet::MetricUnderMinimum {
                metric, needed: n, ..
            } => {
                low.push(label(metric));
                needed = Some(*n);
            }
        }
    }
    if let Some(n) = needed {
        let unit = if n == Num::from_integer(1) {
            "point"
        } else {
            "points"
        };
        parts.push(format!(
            "under {} {unit}: {}",
            format_num(&n, true),
            low.join(", ")
        ));
    }
    parts.join("; ")
}

fn area(o: &mut String, catalog: &Catalog, a: &AreaScore) {
    let verdict = if a.qualified {
        "QUALIFIED".to_string()
    } else {
        "not qualified".to_string()
    };
    let track = a
        .track
        .as_deref()
        .map(|t| format!(", {} track", t))
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "  {}{track}: {} points, {}{verdict}",
        area_name(catalog, &a.area),
        format_num(&a.total, false),
        incomplete_mark(a)
    );
    for u in &a.unmet {
        let _ = writeln!(o, "    - {u}");
    }
    if let Some(why) = &a.track_reason {
        let _ = writeln!(o, "    track: {why}");
    }
    if a.tracks.is_empty() {
        metrics(o, &a.metrics, a.total);
    } else {
        for t in &a.tracks {
            track_block(o, t, t.track == a.track);
        }
    }
}

fn track_block(o: &mut String, t: &TrackScore, counts: bool) {
    let name = t.track.as_deref().unwrap_or("-");
    let status = if t.qualified {
        "qualifies"
    } else {
        "does not qualify"
    };
    let mark = if counts { " (counts)" } else { "" };
    let _ = writeln!(
        o,
        "    {name} track{mark}: {} points, {status}",
        format_num(&t.total, false)
    );
    if !counts {
        for u in &t.unmet {
            let _ = writeln!(o, "      - {u}");
        }
    }
    metrics(o, &t.metrics, t.total);
}

fn metrics(o: &mut String, ms: &[MetricScore], total: Num) {
    let _ = writeln!(
        o,
        "      {:<30}{:>10}{:>9}{:>9}{:>6}  option (others)",
        "metric", "value", "target", "points", "max"
    );
    let mut max_total = Num::from_integer(0);
    for m in ms {
        max_total += m.max_points;
        let others: Vec<String> = m
            .options
            .iter()
            .filter(|x| x.option != m.option)
            .map(|x| {
                format!(
                    "{} {} -> {}",
                    x.option.as_deref().unwrap_or("-"),
                    format_num(&x.value, true),
                    format_num(&x.points, false)
                )
            })
            .collect();
        let option = match (&m.option, others.is_empty()) {
            (Some(w), true) => w.clone(),
            (Some(w), false) => format!("{w} ({})", others.join("; ")),
            (None, _) => String::new(),
        };
        let _ = writeln!(
            o,
            "      {:<30}{:>10}{:>9}{:>9}{:>6}  {}",
            label(&m.metric),
            format_num(&m.value, true),
            format_num(&m.target, true),
            format_num(&m.points, false),
            format_num(&m.max_points, true),
            option
        );
        for note in &m.notes {
            let _ = writeln!(o, "        ({note})");
        }
        if let Some(i) = &m.incomplete {
            let _ = writeln!(
                o,
                "        (INCOMPLETE: the data lacks {})",
                months_in_words(&i.missing_months)
            );
        }
    }
    let _ = writeln!(
        o,
        "      {:<30}{:>10}{:>9}{:>9}{:>6}",
        "total",
        "",
        "",
        format_num(&total, false),
        format_num(&max_total, true)
    );
}

/// The JSON contract, pretty-printed.
pub fn json(scores: &Scores, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, scores)?;
    out.write_all(b"\n")
}

/// The I/O error inside a CSV error (a closed pipe stays a closed pipe).
fn io_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// One CSV row per partner, area, track and metric.
pub fn csv(scores: &Scores, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "month",
        "partner_id",
        "area",
        "track",
        "track_counts",
        "track_total",
        "track_qualified",
        "metric",
        "option",
        "value",
        "target",
        "points",
        "max_points",
        "missing_months",
    ])
    .map_err(io_error)?;
    let month = scores.month.to_string();
    for p in &scores.partners {
        for a in &p.areas {
            let tracks: Vec<(Option<&str>, Num, bool, &[MetricScore])> = if a.tracks.is_empty() {
                vec![(a.track.as_deref(), a.total, a.qualified, &a.metrics)]
            } else {
                a.tracks
                    .iter()
                    .map(|t| {
                        (
                            t.track.as_deref(),
                            t.total,
                            t.qualified,
                            t.metrics.as_slice(),
                        )
                    })
                    .collect()
            };
            for (track, total, qualified, ms) in tracks {
                let counts = track == a.track.as_deref();
                for m in ms {
                    w.write_record([
                        month.as_str(),
                        &p.partner_id,
                        &a.area,
                        track.unwrap_or(""),
                        if counts { "true" } else { "false" },
                        &format_num(&total, false),
                        if qualified { "true" } else { "false" },
                        &m.metric,
                        m.option.as_deref().unwrap_or(""),
                        &format_num(&m.value, true),
                        &format_num(&m.target, true),
                        &format_num(&m.points, false),
                        &format_num(&m.max_points, true),
                        &m.incomplete
                            .as_ref()
                            .map_or(String::new(), |i| months_in_words(&i.missing_months)),
                    ])
                    .map_err(io_error)?;
                }
            }
        }
    }
    w.flush()
}
