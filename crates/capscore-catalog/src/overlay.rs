//! Catalog overlays: a TOML file of changes (targets, thresholds, eligible lists, a
//! new dated version of a metric) applied on top of the catalog's files. The changed
//! files are built by the same validation as any catalog, one change at a time, so a
//! change that makes the catalog invalid is reported at its own line and column in the
//! overlay. Format in docs/reforms.md.

use std::collections::BTreeMap;

use capscore_core::NaiveDate;
use serde::Deserialize;
use toml::{Spanned, Table, Value};

use crate::Catalog;
use crate::build::parse_date_value;

/// An overlay that cannot be applied: its file, the line and column (1-based) of the
/// faulty item, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct OverlayError {
    /// The overlay file, as given.
    pub file: String,
    /// Line, 1-based.
    pub line: usize,
    /// Column, 1-based (characters).
    pub column: usize,
    /// What is wrong, and what to write instead where it can tell.
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverlayFile {
    overlay: Meta,
    #[serde(default)]
    change: Vec<Spanned<Change>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    name: String,
    #[serde(default)]
    description: Option<String>,
}

/// One change. `area` is required; `metric` selects a metric of the area (every
/// version of it, or the part of them from `since` to `until`: a new dated version);
/// without `metric`, the change is to the area's lists.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Change {
    area: Spanned<String>,
    metric: Option<Spanned<String>>,
    track: Option<Spanned<String>>,
    option: Option<Spanned<String>>,
    since: Option<Spanned<Value>>,
    until: Option<Spanned<Value>>,
    target: Option<Spanned<Value>>,
    max_points: Option<Spanned<Value>>,
    settings: Option<Spanned<Table>>,
    associations: Option<Spanned<Vec<String>>>,
    certifications: Option<Spanned<Vec<Value>>>,
    steps: Option<Spanned<Vec<Value>>>,
    eligible_workloads: Option<Spanned<Vec<String>>>,
    eligible_services: Option<Spanned<Vec<String>>>,
    excluded_offers: Option<Spanned<Vec<String>>>,
}

/// An overlay applied to catalog files: the changed files and the catalog built from
/// them.
#[derive(Debug)]
pub struct Overlaid {
    /// The overlay's `name`.
    pub name: String,
    /// Its `description`, if any.
    pub description: Option<String>,
    /// The catalog with every change applied.
    pub catalog: Catalog,
    /// The changed catalog files, (path relative to the catalog folder, text).
    pub files: Vec<(String, String)>,
}

struct Pos<'a> {
    file: &'a str,
    text: &'a str,
}

impl Pos<'_> {
    fn err(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> OverlayError {
        let mut start = span.start.min(self.text.len());
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        OverlayError {
            file: self.file.to_string(),
            line,
            column: self.text[line_start..start].chars().count() + 1,
            message: message.into(),
        }
    }
}

/// Applies the overlay `text` (read from `file`, named in errors) to catalog `files`
/// ((path relative to the catalog folder, text), as [`Catalog::from_files`] takes).
///
/// # Errors
/// The overlay is not TOML or not of the overlay's shape, names an area, metric,
/// track or option the catalog does not have, or a change makes the catalog invalid.
pub fn apply_overlay(
    files: &[(&str, &str)],
    origin: &str,
    file: &str,
    text: &str,
) -> Result<Overlaid, OverlayError> {
    let pos = Pos { file, text };
    let raw: OverlayFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        pos.err(span, e.message().trim_end().to_string())
    })?;
    let mut docs: BTreeMap<String, Table> = BTreeMap::new();
    let mut out: Vec<(String, String)> = files
        .iter()
        .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
        .collect();
    // The area each file defines (`[area] id`), whatever the file is named.
    let area_ids: Vec<Option<String>> = out
        .iter()
        .map(|(n, t)| {
            if !n.starts_with("areas/") {
                return None;
            }
            let doc: Table = toml::from_str(t).ok()?;
            Some(doc.get("area")?.get("id")?.as_str()?.to_string())
        })
        .collect();
    for ch in &raw.change {
        let span = ch.span();
        let c = ch.get_ref();
        let area = c.area.get_ref();
        let Some(idx) = area_ids.iter().position(|id| id.as_deref() == Some(area)) else {
            let known: Vec<&str> = area_ids.iter().filter_map(Option::as_deref).collect();
            return Err(pos.err(
                c.area.span(),
                format!(
                    "no area \"{area}\" in the catalog (areas: {})",
                    known.join(", ")
                ),
            ));
        };
        let key = out[idx].0.clone();
        if !docs.contains_key(&key) {
            let parsed: Table = toml::from_str(&out[idx].1)
                .map_err(|e| pos.err(span.clone(), format!("catalog file {key}: {e}")))?;
            docs.insert(key.clone(), parsed);
        }
        let Some(doc) = docs.get_mut(&key) else {
            continue;
        };
        apply_change(doc, c, &pos)?;
        out[idx].1 = toml::to_string(doc)
            .map_err(|e| pos.err(span.clone(), format!("cannot write {key}: {e}")))?;
        let borrowed: Vec<(&str, &str)> =
            out.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        Catalog::from_files(&borrowed, origin).map_err(|e| {
            pos.err(
                span.clone(),
                format!("this change makes the catalog invalid: {e}"),
            )
        })?;
    }
    let borrowed: Vec<(&str, &str)> = out.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let catalog = Catalog::from_files(&borrowed, origin).map_err(|e| {
        pos.err(
            0..0,
            format!("the catalog with this overlay is invalid: {e}"),
        )
    })?;
    Ok(Overlaid {
        name: raw.overlay.name,
        description: raw.overlay.description,
        catalog,
        files: out,
    })
}

fn date_of(v: &Spanned<Value>, pos: &Pos<'_>) -> Result<NaiveDate, OverlayError> {
    parse_date_value(v.get_ref()).map_err(|m| pos.err(v.span(), m))
}

fn apply_change(doc: &mut Table, c: &Change, pos: &Pos<'_>) -> Result<(), OverlayError> {
    let Some(metric) = &c.metric else {
        return area_change(doc, c, pos);
    };
    for (name, s) in [
        (
            "eligible_workloads",
            c.eligible_workloads.as_ref().map(Spanned::span),
        ),
        (
            "eligible_services",
            c.eligible_services.as_ref().map(Spanned::span),
        ),
        (
            "excluded_offers",
            c.excluded_offers.as_ref().map(Spanned::span),
        ),
    ] {
        if let Some(s) = s {
            return Err(pos.err(
                s,
                format!("{name} is a list of the area: write it in a change without `metric`"),
            ));
        }
    }
    let since = c.since.as_ref().map(|v| date_of(v, pos)).transpose()?;
    let until = c.until.as_ref().map(|v| date_of(v, pos)).transpose()?;
    if let (Some(s), Some(u)) = (since, until)
        && u < s
    {
        return Err(pos.err(
            c.until.as_ref().map_or(0..0, Spanned::span),
            format!("until {u} is before since {s}"),
        ));
    }
    let Some(Value::Array(metrics)) = doc.get_mut("metric") else {
        return Err(pos.err(metric.span(), "the area file has no metrics"));
    };
    let id = metric.get_ref();
    if !metrics
        .iter()
        .any(|m| m.get("id").and_then(Value::as_str) == Some(id))
    {
        let known: Vec<&str> = metrics
            .iter()
            .filter_map(|m| m.get("id").and_then(Value::as_str))
            .collect();
        return Err(pos.err(
            metric.span(),
            format!(
                "no metric \"{id}\" in area \"{}\" (metrics: {})",
                c.area.get_ref(),
                dedup(&known).join(", ")
            ),
        ));
    }
    let mut next = Vec::with_capacity(metrics.len() + 2);
    let mut touched = false;
    for m in metrics.drain(..) {
        if m.get("id").and_then(Value::as_str) != Some(id) {
            next.push(m);
            continue;
        }
        let Value::Table(t) = m else {
            next.push(m);
            continue;
        };
        let a = t.get("since").and_then(|v| parse_date_value(v).ok());
        let b = t.get("until").and_then(|v| parse_date_value(v).ok());
        // The part of this version inside since..until, if any.
        let lo = max_opt(a, since);
        let hi = min_opt(b, until);
        if let (Some(l), Some(h)) = (lo, hi)
            && h < l
        {
            next.push(Value::Table(t));
            continue;
        }
        touched = true;
        if let Some(s) = since
            && a.is_none_or(|a| a < s)
        {
            let mut before = t.clone();
            set_date(&mut before, "until", s.pred_opt());
            next.push(Value::Table(before));
        }
        let mut middle = t.clone();
        set_date(&mut middle, "since", lo);
        set_date(&mut middle, "until", hi);
        metric_change(&mut middle, c, pos)?;
        next.push(Value::Table(middle));
        if let Some(u) = until
            && b.is_none_or(|b| b > u)
        {
            let mut after = t.clone();
            set_date(&mut after, "since", u.succ_opt());
            next.push(Value::Table(after));
        }
    }
    *metrics = next;
    if !touched {
        return Err(pos.err(
            metric.span(),
            format!("no version of metric \"{id}\" is in force between since and until"),
        ));
    }
    Ok(())
}

fn dedup<'a>(v: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for s in v {
        if !out.contains(s) {
            out.push(s);
        }
    }
    out
}

fn max_opt(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) | (None, x) => x,
    }
}

fn min_opt(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) | (None, x) => x,
    }
}

fn set_date(t: &mut Table, key: &str, d: Option<NaiveDate>) {
    match d {
        Some(d) => {
            t.insert(key.into(), Value::String(d.format("%Y-%m-%d").to_string()));
        }
        None => {
            t.remove(key);
        }
    }
}

fn area_change(doc: &mut Table, c: &Change, pos: &Pos<'_>) -> Result<(), OverlayError> {
    let metric_only = [
        ("track", c.track.as_ref().map(Spanned::span)),
        ("option", c.option.as_ref().map(Spanned::span)),
        ("since", c.since.as_ref().map(Spanned::span)),
        ("until", c.until.as_ref().map(Spanned::span)),
        ("target", c.target.as_ref().map(Spanned::span)),
        ("max_points", c.max_points.as_ref().map(Spanned::span)),
        ("settings", c.settings.as_ref().map(Spanned::span)),
        ("associations", c.associations.as_ref().map(Spanned::span)),
        (
            "certifications",
            c.certifications.as_ref().map(Spanned::span),
        ),
        ("steps", c.steps.as_ref().map(Spanned::span)),
    ];
    if let Some((name, Some(s))) = metric_only.into_iter().find(|(_, s)| s.is_some()) {
        return Err(pos.err(
            s,
            format!("{name} changes a metric: add `metric = \"...\"`"),
        ));
    }
    let Some(Value::Table(area)) = doc.get_mut("area") else {
        return Err(pos.err(c.area.span(), "the area file has no [area] table"));
    };
    let mut any = false;
    for (name, v) in [
        ("eligible_workloads", &c.eligible_workloads),
        ("eligible_services", &c.eligible_services),
        ("excluded_offers", &c.excluded_offers),
    ] {
        if let Some(v) = v {
            area.insert(name.into(), strings(v.get_ref()));
            any = true;
        }
    }
    if !any {
        return Err(pos.err(c.area.span(), "this change changes nothing: give `metric` and what to change, or an area list (eligible_workloads, eligible_services, excluded_offers)"));
    }
    Ok(())
}

fn strings(v: &[String]) -> Value {
    Value::Array(v.iter().map(|s| Value::String(s.clone())).collect())
}

/// The table a track-dependent field of a metric lives in: `track.<id>` when `track`
/// is given, else the metric itself.
fn holder<'a>(m: &'a mut Table, c: &Change, pos: &Pos<'_>) -> Result<&'a mut Table, OverlayError> {
    let Some(track) = &c.track else {
        return Ok(m);
    };
    let tracks: Vec<String> = match m.get("track") {
        Some(Value::Table(t)) => t.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let id = track.get_ref();
    match m.get_mut("track").and_then(|t| t.get_mut(id.as_str())) {
        Some(Value::Table(t)) => Ok(t),
        _ if tracks.is_empty() => {
            Err(pos.err(track.span(), "this metric has no tracks: leave `track` out"))
        }
        _ => Err(pos.err(
            track.span(),
            format!(
                "no track \"{id}\" in this metric (tracks: {})",
                tracks.join(", ")
            ),
        )),
    }
}

fn metric_change(m: &mut Table, c: &Change, pos: &Pos<'_>) -> Result<(), OverlayError> {
    let mut any = false;
    if let Some(v) = &c.max_points {
        m.insert("max_points".into(), v.get_ref().clone());
        any = true;
    }
    for (name, v) in [("certifications", &c.certifications), ("steps", &c.steps)] {
        if let Some(v) = v {
            m.insert(name.into(), Value::Array(v.get_ref().clone()));
            any = true;
        }
    }
    let has_tracks = matches!(m.get("track"), Some(Value::Table(t)) if !t.is_empty());
    let needs_track = |what: &str, s: std::ops::Range<usize>| {
        pos.err(
            s,
            format!("this metric has a {what} per track: add `track = \"...\"`"),
        )
    };
    if let Some(t) = &c.target {
        if has_tracks && c.track.is_none() && !m.contains_key("target") {
            return Err(needs_track("target", t.span()));
        }
        let h = holder(m, c, pos)?;
        set_target(h, c, t, pos)?;
        any = true;
    } else if let Some(o) = &c.option {
        return Err(pos.err(
            o.span(),
            "`option` selects the option whose `target` changes: add `target`",
        ));
    }
    if let Some(a) = &c.associations {
        if has_tracks && c.track.is_none() && !m.contains_key("associations") {
            return Err(needs_track("list of associations", a.span()));
        }
        let h = holder(m, c, pos)?;
        if h.contains_key("options") {
            return Err(pos.err(
                a.span(),
                "this metric has association options: change an option's target with `option` and `target`",
            ));
        }
        h.insert("associations".into(), strings(a.get_ref()));
        any = true;
    }
    if let Some(s) = &c.settings {
        let h = if c.track.is_some() {
            holder(m, c, pos)?
        } else {
            m
        };
        let entry = h
            .entry("settings")
            .or_insert_with(|| Value::Table(Table::new()));
        if let Value::Table(t) = entry {
            for (k, v) in s.get_ref() {
                if !t.contains_key(k) {
                    let known: Vec<&str> = t.keys().map(String::as_str).collect();
                    return Err(pos.err(
                        s.span(),
                        format!(
                            "no setting \"{k}\" here (settings: {})",
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        ),
                    ));
                }
                t.insert(k.clone(), v.clone());
            }
        }
        any = true;
    }
    if !any && c.since.is_none() {
        return Err(pos.err(
            c.metric.as_ref().map_or(0..0, Spanned::span),
            "this change changes nothing: give target, max_points, settings, associations, certifications or steps",
        ));
    }
    Ok(())
}

fn set_target(
    h: &mut Table,
    c: &Change,
    t: &Spanned<Value>,
    pos: &Pos<'_>,
) -> Result<(), OverlayError> {
    let Some(Value::Array(options)) = h.get_mut("options") else {
        if let Some(o) = &c.option {
            return Err(pos.err(
                o.span(),
                "this metric has no association options: leave `option` out",
            ));
        }
        h.insert("target".into(), t.get_ref().clone());
        return Ok(());
    };
    let Some(o) = &c.option else {
        return Err(pos.err(
            t.span(),
            "this metric has a target per association option: add `option = \"...\"` (the option's association, e.g. \"CPOR\")",
        ));
    };
    let name_of = |x: &Value| -> String {
        x.get("name").and_then(Value::as_str).map_or_else(
            || {
                x.get("associations")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("+")
                    })
                    .unwrap_or_default()
            },
            str::to_string,
        )
    };
    let names: Vec<String> = options.iter().map(name_of).collect();
    let want = crate::names::normalize(o.get_ref());
    let Some(i) = names
        .iter()
        .position(|n| crate::names::normalize(n) == want)
    else {
        return Err(pos.err(
            o.span(),
            format!(
                "no option \"{}\" here (options: {})",
                o.get_ref(),
                names.join(", ")
            ),
        ));
    };
    if let Some(Value::Table(opt)) = options.get_mut(i) {
        opt.insert("target".into(), t.get_ref().clone());
    }
    Ok(())
}
