//! Output formats of scores: a table for people, the JSON contract, CSV rows.

use std::fmt::Write;

use capscore_catalog::Catalog;
use capscore_core::{Num, format_amount, format_grouped, format_num};
use capscore_data::Diagnostic;
use capscore_data::coverage::months_in_words;
use capscore_engine::{AreaScore, MetricScore, Scores, TrackScore, Unmet};

/// Text from the data, safe to print on a terminal: control characters (newlines,
/// escape sequences) are written as escapes (`\n`, `\u{1b}`), so a partner name can
/// neither break the layout nor drive the terminal.
pub(crate) fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(s.chars().flat_map(char::escape_debug).collect())
}

/// The partner's heading line: id and name, both cleaned.
pub(crate) fn partner_heading(id: &str, name: Option<&str>) -> String {
    format!("{}  {}", clean(id), clean(name.unwrap_or("")))
}

/// A metric's display name in an area (its id when the catalog has none).
pub(crate) fn metric_name<'a>(catalog: &'a Catalog, area: &str, metric: &'a str) -> &'a str {
    catalog
        .area_def(area)
        .and_then(|a| a.metric(metric))
        .map_or(metric, |m| m.name.as_str())
}

/// An amount in a metric's unit, from the catalog (`1,585 users`, `12.50%`, `1 person`).
pub(crate) fn metric_amount(catalog: &Catalog, area: &str, metric: &str, v: &Num) -> String {
    match catalog.area_def(area).and_then(|a| a.metric(metric)) {
        Some(m) => format_amount(v, &m.unit.many, &m.unit.one),
        None => format_grouped(v),
    }
}

/// Points, for people (`13.33 points`).
pub(crate) fn points(v: &Num) -> String {
    points_as(v, false)
}

/// Points; a whole number without decimals when `whole_plain` (`1 point`).
fn points_as(v: &Num, whole_plain: bool) -> String {
    format!(
        "{} {}",
        format_num(v, whole_plain),
        if *v == Num::from_integer(1) {
            "point"
        } else {
            "points"
        }
    )
}

fn track_name<'a>(catalog: &'a Catalog, area: &str, track: &'a str) -> &'a str {
    catalog
        .area_def(area)
        .map_or(track, |a| a.track_name(track))
}

/// The scorecards as aligned text: a line per area, and every metric with `detail`.
pub(crate) fn table(
    scores: &Scores,
    catalog: &Catalog,
    warnings: &[Diagnostic],
    detail: bool,
) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Scores for {} (catalog {})",
        scores.month, scores.catalog_version
    );
    for p in &scores.partners {
        let _ = writeln!(o);
        let _ = writeln!(o, "{}", partner_heading(&p.partner_id, p.name.as_deref()));
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
            let _ = writeln!(o, "  {}", clean(&w.to_string()));
        }
    }
    o
}

fn summary(o: &mut String, catalog: &Catalog, a: &AreaScore) {
    let name = catalog.area_name(&a.area);
    let track = a
        .track
        .as_deref()
        .map_or("", |t| track_name(catalog, &a.area, t));
    let verdict = if a.qualified {
        "QUALIFIED".to_string()
    } else {
        format!("not qualified: {}", why_not(catalog, &a.area, &a.unmet))
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

/// The unmet rules in a few words: "total under 70; under 1 point: Deployments".
fn why_not(catalog: &Catalog, area: &str, unmet: &[Unmet]) -> String {
    let mut parts = Vec::new();
    let mut low = Vec::new();
    let mut needed = None;
    for u in unmet {
        match u {
            Unmet::TotalUnderMinimum { needed, .. } => {
                parts.push(format!("total under {}", format_num(needed, true)));
            }
            Unmet::MetricUnderMinimum {
                metric, needed: n, ..
            } => {
                low.push(metric_name(catalog, area, metric));
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

/// One unmet rule in words, with names: "Deployments has 0.00 points, under the
/// minimum of 1 point".
fn unmet_line(catalog: &Catalog, area: &str, u: &Unmet) -> String {
    match u {
        Unmet::TotalUnderMinimum { total, needed } => format!(
            "total {} is under {}",
            format_num(total, false),
            format_num(needed, true)
        ),
        Unmet::MetricUnderMinimum {
            metric,
            points: p,
            needed,
        } => format!(
            "{} has {}, under the minimum of {}",
            metric_name(catalog, area, metric),
            points(p),
            points_as(needed, true)
        ),
    }
}

fn area(o: &mut String, catalog: &Catalog, a: &AreaScore) {
    let verdict = if a.qualified {
        "QUALIFIED".to_string()
    } else {
        "not qualified".to_string()
    };
    let full = catalog
        .area_def(&a.area)
        .map_or(a.area.as_str(), |d| d.name.as_str());
    let track = a
        .track
        .as_deref()
        .map(|t| format!(", {} track", track_name(catalog, &a.area, t)))
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "  {full}{track}: {} points, {}{verdict}",
        format_num(&a.total, false),
        incomplete_mark(a)
    );
    for u in &a.unmet {
        let _ = writeln!(o, "    - {}", unmet_line(catalog, &a.area, u));
    }
    if let Some(why) = &a.track_reason {
        let _ = writeln!(o, "    track: {why}");
    }
    if a.tracks.is_empty() {
        metrics(o, catalog, &a.area, &a.metrics, a.total);
    } else {
        for t in &a.tracks {
            track_block(o, catalog, &a.area, t, t.track == a.track);
        }
    }
}

fn track_block(o: &mut String, catalog: &Catalog, area: &str, t: &TrackScore, counts: bool) {
    let name = t
        .track
        .as_deref()
        .map_or("-", |id| track_name(catalog, area, id));
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
            let _ = writeln!(o, "      - {}", unmet_line(catalog, area, u));
        }
    }
    metrics(o, catalog, area, &t.metrics, t.total);
}

fn metrics(o: &mut String, catalog: &Catalog, area: &str, ms: &[MetricScore], total: Num) {
    let _ = writeln!(
        o,
        "      {:<30}{:>20}{:>20}{:>9}{:>6}  option (others)",
        "metric", "value", "target", "points", "max"
    );
    let mut max_total = Num::from_integer(0);
    for m in ms {
        max_total += m.max_points;
        let amount = |v: &Num| metric_amount(catalog, area, &m.metric, v);
        let others: Vec<String> = m
            .options
            .iter()
            .filter(|x| x.option != m.option)
            .map(|x| {
                format!(
                    "{}: {}, {}",
                    x.option.as_deref().unwrap_or("-"),
                    amount(&x.value),
                    points(&x.points)
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
            "      {:<30}{:>20}{:>20}{:>9}{:>6}  {}",
            metric_name(catalog, area, &m.metric),
            amount(&m.value),
            amount(&m.target),
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
        "      {:<30}{:>20}{:>20}{:>9}{:>6}",
        "total",
        "",
        "",
        format_num(&total, false),
        format_num(&max_total, true)
    );
}

/// The JSON contract, pretty-printed.
pub(crate) fn json(scores: &Scores, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, scores)?;
    out.write_all(b"\n")
}

/// The I/O error inside a CSV error (a closed pipe stays a closed pipe).
pub(crate) fn io_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// One CSV row per partner, area, track and metric.
pub(crate) fn csv(scores: &Scores, out: &mut dyn std::io::Write) -> std::io::Result<()> {
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
