//! Runs one case through the real loader, catalog, engine and status, and compares.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use capscore_catalog::{Catalog, EMBEDDED_FILES};
use capscore_core::{Month, Num, parse_date};
use capscore_data::Dataset;
use capscore_engine::{
    AreaScore, ExplainRequest, MetricScore, ScoreRequest, TrackScore, Unmet, explain, score,
};
use capscore_status::{StatusRequest, status};
use chrono::NaiveDate;
use serde_json::Value;

use crate::format::{Case, Number};

/// What running a case gave.
#[derive(Debug, Default)]
pub struct Outcome {
    /// One readable message per failed expectation.
    pub failures: Vec<String>,
    /// Catalog entries the case exercised (docs/cases.md "What a case touches").
    pub touches: BTreeSet<String>,
    /// The day the case is evaluated on (a month's last day).
    pub day: Option<NaiveDate>,
    /// The case's name.
    pub name: String,
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Tables whose rows belong to a partner: `partner_id` defaults to P1 when the
/// header has no such column.
const PARTNER_TABLES: [&str; 5] = [
    "associations",
    "certifications",
    "enrollments",
    "exams",
    "customer_references",
];

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

pub fn run(path: &Path, text: &str) -> Outcome {
    let mut out = Outcome::default();
    let case: Case = match toml::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            out.failures.push(format!("not a valid case: {e}"));
            return out;
        }
    };
    out.name.clone_from(&case.name);
    if case.name.trim().is_empty() || case.source.trim().is_empty() {
        out.failures
            .push("a case says what it shows (`name`) and what it checks (`source`)".into());
    }
    let catalog = match catalog_for(&case) {
        Ok(c) => c,
        Err(e) => {
            out.failures.push(e);
            return out;
        }
    };
    let day = match (&case.month, &case.date) {
        (Some(m), None) => m
            .parse::<Month>()
            .map(|m| m.last_day())
            .map_err(|e| e.to_string()),
        (None, Some(d)) => parse_date(d).map_err(|e| e.to_string()),
        _ => Err("a case gives either `month` (a score) or `date` (a status)".into()),
    };
    let day = match day {
        Ok(d) => d,
        Err(e) => {
            out.failures.push(format!("evaluation period: {e}"));
            return out;
        }
    };
    out.day = Some(day);
    let data = match load(&case, &catalog, day, path) {
        Ok(d) => d,
        Err(e) => {
            out.failures
                .push(format!("data rejected by the loader: {e}"));
            return out;
        }
    };
    for c in data.certifications.cert.iter().flatten() {
        out.touches
            .insert(format!("cert:{}", catalog.certifications[c.index()].id));
    }
    // The parameters in force apply to every evaluation.
    for name in catalog.parameters.keys() {
        out.touches.insert(format!("parameter:{name}"));
    }
    let mut cx = Cx {
        text,
        out: &mut out,
    };
    if let Some(m) = &case.month {
        score_case(
            &case,
            &catalog,
            &data,
            m.parse().unwrap_or_else(|_| unreachable!()),
            &mut cx,
        );
    } else {
        status_case(&case, &catalog, &data, day, &mut cx);
    }
    out
}

struct Cx<'a> {
    text: &'a str,
    out: &'a mut Outcome,
}

impl Cx<'_> {
    fn fail(&mut self, span: std::ops::Range<usize>, what: &str, expected: &str, actual: &str) {
        self.out.failures.push(format!(
            "line {}: {what}\n      expected: {expected}\n      actual:   {actual}",
            line_of(self.text, span.start)
        ));
    }
    fn touch(&mut self, s: String) {
        self.out.touches.insert(s);
    }
}

fn catalog_for(case: &Case) -> Result<Catalog, String> {
    if case.catalog_edit.is_empty() {
        return Catalog::embedded().map_err(|e| e.to_string());
    }
    let mut files: Vec<(String, String)> = EMBEDDED_FILES
        .iter()
        .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
        .collect();
    for edit in &case.catalog_edit {
        let Some((_, t)) = files.iter_mut().find(|(n, _)| *n == edit.file) else {
            return Err(format!("catalog_edit: no catalog file {}", edit.file));
        };
        if !t.contains(&edit.replace) {
            return Err(format!(
                "catalog_edit: {} does not contain {:?}",
                edit.file, edit.replace
            ));
        }
        *t = t.replace(&edit.replace, &edit.with);
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Catalog::from_files(&borrowed, "case").map_err(|e| e.to_string())
}

/// The value a filler row gives a column.
fn filler_value(table: &str, column: &str, month: Month) -> String {
    match column {
        "tenant_id" => "UNASSOCIATED".into(),
        "workload" if table == "bizapps_usage" => "Dynamics 365 Sales".into(),
        "workload" => "Exchange Online".into(),
        "month" => month.to_string(),
        "subscription_id" => "UNASSOCIATED-SUB".into(),
        "service" => "Storage".into(),
        "offer" => "Pay-As-You-Go".into(),
        _ => "1".into(),
    }
}

fn load(case: &Case, catalog: &Catalog, day: NaiveDate, path: &Path) -> Result<Dataset, String> {
    if let Some(ds) = &case.dataset {
        if ds != "sample" {
            return Err(format!(
                "dataset {ds:?}: only \"sample\" (data/sample) is known"
            ));
        }
        if !case.tables.is_empty() {
            return Err("a case over data/sample has no inline tables".into());
        }
        if !case.catalog_edit.is_empty() {
            return capscore_data::load_dir(&repo_root().join("data/sample"), catalog)
                .map(|l| l.dataset)
                .map_err(|e| e.to_string());
        }
        // Loaded once with the bundled catalog for every case over the sample.
        static SAMPLE: std::sync::OnceLock<Result<Dataset, String>> = std::sync::OnceLock::new();
        return SAMPLE
            .get_or_init(|| {
                capscore_data::load_dir(&repo_root().join("data/sample"), catalog)
                    .map(|l| l.dataset)
                    .map_err(|e| e.to_string())
            })
            .clone();
    }
    let mut tables = case.tables.clone();
    tables
        .entry("partners".into())
        .or_insert_with(|| "partner_id,name,parent_id,market\nP1,Partner One,,mature\n".into());
    for t in PARTNER_TABLES {
        if let Some(csv) = tables.get_mut(t) {
            let mut lines = csv.lines();
            let header = lines.next().unwrap_or("");
            if !header.split(',').any(|c| c.trim() == "partner_id") {
                let mut s = format!("partner_id,{header}\n");
                for l in lines {
                    if !l.trim().is_empty() {
                        let _ = writeln!(s, "P1,{l}");
                    }
                }
                *csv = s;
            }
        }
    }
    for name in ["m365_usage", "azure_usage", "bizapps_usage"] {
        if let Some(csv) = tables.get_mut(name) {
            *csv = expand_month_ranges(csv)?;
        }
    }
    if case.filler {
        let last = if case.month.is_some() {
            Month::of(day)
        } else {
            catalog.membership.lifecycle.data_month(day)
        };
        let first = last.offset(-30);
        tables
            .entry("m365_usage".into())
            .or_insert_with(|| "tenant_id,workload,month,paid_units,active_users\n".into());
        for name in ["m365_usage", "azure_usage", "bizapps_usage"] {
            if let Some(csv) = tables.get_mut(name) {
                let header: Vec<String> = csv
                    .lines()
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(|c| c.trim().to_string())
                    .collect();
                if !csv.ends_with('\n') {
                    csv.push('\n');
                }
                let col = |name: &str| header.iter().position(|c| c == name);
                let (tc, mc) = (col("tenant_id"), col("month"));
                let given: Vec<String> = csv
                    .lines()
                    .skip(1)
                    .filter_map(|l| {
                        let cells: Vec<&str> = l.split(',').collect();
                        let cell =
                            |i: Option<usize>| i.and_then(|i| cells.get(i)).map(|c| c.trim());
                        (cell(tc) == Some("UNASSOCIATED"))
                            .then(|| cell(mc).unwrap_or("").to_string())
                    })
                    .collect();
                for m in Month::range(first, last) {
                    if given.contains(&m.to_string()) {
                        continue;
                    }
                    let row: Vec<String> =
                        header.iter().map(|c| filler_value(name, c, m)).collect();
                    csv.push_str(&row.join(","));
                    csv.push('\n');
                }
            }
        }
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (name, csv) in &tables {
        let body: String = csv
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(dir.path().join(format!("{name}.csv")), body).map_err(|e| e.to_string())?;
    }
    capscore_data::load_dir(dir.path(), catalog).map(|l| l.dataset).map_err(|e| {
        format!(
            "{e}\n      (the tables of {} written as CSV; line numbers count the header as line 1)",
            path.file_name().map_or_else(String::new, |f| f.to_string_lossy().to_string())
        )
    })
}

/// A usage row whose `month` is written `2023-06..2024-06` stands for one row per month.
fn expand_month_ranges(csv: &str) -> Result<String, String> {
    let mut lines = csv.lines();
    let header = lines.next().unwrap_or("");
    let Some(col) = header.split(',').position(|c| c.trim() == "month") else {
        return Ok(csv.to_string());
    };
    let mut out = format!("{header}\n");
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        match cells.get(col).and_then(|c| c.split_once("..")) {
            Some((a, b)) => {
                let (a, b): (Month, Month) = (
                    a.trim()
                        .parse()
                        .map_err(|e| format!("month range {line:?}: {e}"))?,
                    b.trim()
                        .parse()
                        .map_err(|e| format!("month range {line:?}: {e}"))?,
                );
                for m in Month::range(a, b) {
                    let mut row: Vec<String> = cells.iter().map(|c| (*c).to_string()).collect();
                    row[col] = m.to_string();
                    out.push_str(&row.join(","));
                    out.push('\n');
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// Parses an expected number.
fn num(n: &Number) -> Option<Num> {
    match n {
        Number::Int(i) => Some(Num::from_integer(i128::from(*i))),
        Number::Float(f) => decimal(&format!("{f}")),
        Number::Text(s) => match s.split_once('/') {
            Some((a, b)) => {
                let (a, b): (i128, i128) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
                (b != 0).then(|| Num::new(a, b))
            }
            None => decimal(s.trim()),
        },
    }
}

fn decimal(s: &str) -> Option<Num> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits: i128 = format!("{int}{frac}").parse().ok()?;
    Some(Num::new(
        digits,
        10i128.checked_pow(u32::try_from(frac.len()).ok()?)?,
    ))
}

/// A number as people read it: `2.5`, `15/7 (2.142857)`.
pub fn show(n: Num) -> String {
    if n.is_integer() {
        return n.numer().to_string();
    }
    let f = *n.numer() as f64 / *n.denom() as f64;
    let d = format!("{f}");
    if decimal(&d) == Some(n) {
        d
    } else {
        format!("{}/{} ({f:.6})", n.numer(), n.denom())
    }
}

fn check_num(
    cx: &mut Cx,
    span: &std::ops::Range<usize>,
    what: &str,
    exp: Option<&Number>,
    actual: Num,
) {
    let Some(e) = exp else { return };
    match num(e) {
        None => cx.fail(
            span.clone(),
            what,
            &format!("{e:?}"),
            "(not a number: write 3, 2.5 or \"5/2\")",
        ),
        Some(x) if x != actual => cx.fail(span.clone(), what, &show(x), &show(actual)),
        Some(_) => {}
    }
}

fn unmet_ids(u: &[Unmet]) -> Vec<String> {
    u.iter()
        .map(|u| match u {
            Unmet::TotalUnderMinimum { .. } => "total".to_string(),
            Unmet::MetricUnderMinimum { metric, .. } => metric.clone(),
        })
        .collect()
}

fn score_case(case: &Case, catalog: &Catalog, data: &Dataset, month: Month, cx: &mut Cx) {
    let req = ScoreRequest {
        month,
        partners: None,
        areas: case.area.as_ref().map(|a| vec![a.clone()]),
    };
    let result = score(data, catalog, &req);
    if let Some(err) = &case.expect.error {
        match &result {
            Err(e) if e.to_string().contains(err.get_ref().as_str()) => {}
            Err(e) => cx.fail(err.span(), "the error", err.get_ref(), &e.to_string()),
            Ok(_) => cx.fail(
                err.span(),
                "the error",
                err.get_ref(),
                "(a score, no error)",
            ),
        }
        return;
    }
    let scores = match result {
        Ok(s) => s,
        Err(e) => {
            cx.out
                .failures
                .push(format!("the engine refused the case: {e}"));
            return;
        }
    };
    for e in &case.expect.scorecard {
        let span = e.span();
        let e = e.get_ref();
        let label = format!("{} {}", e.partner, e.area);
        let Some(a) = scores
            .partners
            .iter()
            .find(|p| p.partner_id == e.partner)
            .and_then(|p| p.areas.iter().find(|a| a.area == e.area))
        else {
            cx.fail(
                span,
                "scorecard",
                &label,
                "(no such partner or area in the scores)",
            );
            continue;
        };
        cx.touch(format!("area:{}", e.area));
        if let Some(t) = &e.total {
            // Equal when rounded to two decimals: |actual - expected| < 0.005.
            let close = num(t).is_some_and(|x| {
                let d = (a.total - x) * Num::from_integer(200);
                d < Num::from_integer(1) && d >= Num::from_integer(-1)
            });
            if !close {
                cx.fail(
                    span.clone(),
                    &format!("{label} total (two decimals)"),
                    &num(t).map_or_else(|| format!("{t:?}"), show),
                    &show(a.total),
                );
            }
        }
        if let Some(q) = e.qualified
            && q != a.qualified
        {
            cx.fail(
                span.clone(),
                &format!("{label} qualified"),
                &q.to_string(),
                &a.qualified.to_string(),
            );
        }
        if let Some(t) = &e.track {
            let actual = a.track.clone().unwrap_or_else(|| "none".into());
            if *t != actual {
                cx.fail(span.clone(), &format!("{label} track"), t, &actual);
            }
        }
    }
    let Some(p) = scores
        .partners
        .iter()
        .find(|p| p.partner_id == case.partner)
    else {
        if case.expect.scorecard.is_empty() {
            cx.out
                .failures
                .push(format!("no score for partner {}", case.partner));
        }
        return;
    };
    let Some(area) = p.areas.first() else {
        cx.out.failures.push("no area scored".into());
        return;
    };
    if let Some(b) = &case.expect.badges {
        for id in b.get_ref() {
            cx.touch(format!("badge:{id}"));
        }
        if *b.get_ref() != p.badges {
            cx.fail(
                b.span(),
                "badges",
                &format!("{:?}", b.get_ref()),
                &format!("{:?}", p.badges),
            );
        }
    }
    let a_id = area.area.clone();
    cx.touch(format!("area:{a_id}"));
    check_contributions(case, catalog, data, month, area, cx);
    if let Some(e) = &case.expect.area {
        let span = e.span();
        let e = e.get_ref();
        check_num(cx, &span, "area total", e.total.as_ref(), area.total);
        if let Some(q) = e.qualified
            && q != area.qualified
        {
            cx.fail(
                span.clone(),
                "area qualified",
                &q.to_string(),
                &area.qualified.to_string(),
            );
        }
        if let Some(t) = &e.track {
            let actual = area.track.clone().unwrap_or_else(|| "none".into());
            if *t != actual {
                cx.fail(span.clone(), "the counting track", t, &actual);
            }
        }
        if let Some(u) = &e.unmet {
            let actual = unmet_ids(&area.unmet);
            if *u != actual {
                cx.fail(
                    span,
                    "unmet rules",
                    &format!("{u:?}"),
                    &format!("{actual:?}"),
                );
            }
        }
    }
    for e in &case.expect.track {
        let span = e.span();
        let e = e.get_ref();
        let Some(t) = find_track(area, Some(&e.track)) else {
            cx.fail(span, "track", &e.track, "(no such track)");
            continue;
        };
        cx.touch(format!("track:{a_id}.{}", e.track));
        check_num(
            cx,
            &span,
            &format!("{} total", e.track),
            e.total.as_ref(),
            t.total,
        );
        if let Some(q) = e.qualified
            && q != t.qualified
        {
            cx.fail(
                span.clone(),
                &format!("{} qualified", e.track),
                &q.to_string(),
                &t.qualified.to_string(),
            );
        }
        if let Some(u) = &e.unmet {
            let actual = unmet_ids(&t.unmet);
            if *u != actual {
                cx.fail(
                    span,
                    "unmet rules",
                    &format!("{u:?}"),
                    &format!("{actual:?}"),
                );
            }
        }
    }
    for e in &case.expect.metric {
        let span = e.span();
        let e = e.get_ref();
        let Some((track, m)) = find_metric(area, e.track.as_deref(), &e.metric) else {
            cx.fail(
                span,
                "metric",
                &format!("{:?} {}", e.track, e.metric),
                "(no such metric in this area and track)",
            );
            continue;
        };
        let label = format!("{} / {}", track, e.metric);
        cx.touch(format!("metric:{a_id}.{}", e.metric));
        if track != "-" {
            cx.touch(format!("track:{a_id}.{track}"));
        }
        check_num(
            cx,
            &span,
            &format!("{label} value"),
            e.value.as_ref(),
            m.value,
        );
        check_num(
            cx,
            &span,
            &format!("{label} points"),
            e.points.as_ref(),
            m.points,
        );
        check_num(
            cx,
            &span,
            &format!("{label} target"),
            e.target.as_ref(),
            m.target,
        );
        if let Some(o) = &e.option {
            cx.touch(format!("option:{a_id}.{track}.{}.{o}", e.metric));
            let actual = m.option.clone().unwrap_or_else(|| "none".into());
            if *o != actual {
                cx.fail(
                    span.clone(),
                    &format!("{label}: the option that counts"),
                    o,
                    &actual,
                );
            }
        }
        if let Some(n) = &e.note
            && !m.notes.iter().any(|x| x.contains(n.as_str()))
        {
            cx.fail(
                span.clone(),
                &format!("{label}: a note containing"),
                n,
                &format!("{:?}", m.notes),
            );
        }
        if let Some(i) = e.incomplete
            && i != m.incomplete.is_some()
        {
            cx.fail(
                span,
                &format!("{label} incomplete"),
                &i.to_string(),
                &format!("{:?}", m.incomplete),
            );
        }
    }
    for e in &case.expect.option {
        let span = e.span();
        let e = e.get_ref();
        let Some((track, m)) = find_metric(area, e.track.as_deref(), &e.metric) else {
            cx.fail(
                span,
                "metric",
                &e.metric,
                "(no such metric in this area and track)",
            );
            continue;
        };
        let Some(o) = m
            .options
            .iter()
            .find(|o| o.option.as_deref() == Some(e.option.as_str()))
        else {
            let known: Vec<_> = m.options.iter().filter_map(|o| o.option.clone()).collect();
            cx.fail(
                span,
                &format!("{track} / {} option", e.metric),
                &e.option,
                &format!("(options: {known:?})"),
            );
            continue;
        };
        cx.touch(format!("metric:{a_id}.{}", e.metric));
        cx.touch(format!("option:{a_id}.{track}.{}.{}", e.metric, e.option));
        let label = format!("{track} / {} / {}", e.metric, e.option);
        check_num(
            cx,
            &span,
            &format!("{label} value"),
            e.value.as_ref(),
            o.value,
        );
        check_num(
            cx,
            &span,
            &format!("{label} points"),
            e.points.as_ref(),
            o.points,
        );
    }
}

/// Checks `[[expect.contribution]]` against `explain` of the case's partner and area.
fn check_contributions(
    case: &Case,
    catalog: &Catalog,
    data: &Dataset,
    month: Month,
    area: &AreaScore,
    cx: &mut Cx,
) {
    if case.expect.contribution.is_empty() {
        return;
    }
    let req = ExplainRequest {
        month,
        partners: data.partners.find(&case.partner).map(|p| vec![p]),
        areas: Some(vec![area.area.clone()]),
        tracks: None,
        metrics: None,
    };
    let ex = match explain(data, catalog, &req) {
        Ok(e) => serde_json::to_value(e).unwrap_or(Value::Null),
        Err(e) => {
            cx.out
                .failures
                .push(format!("explain refused the case: {e}"));
            return;
        }
    };
    let tracks = &ex["partners"][0]["areas"][0]["tracks"];
    for e in &case.expect.contribution {
        let span = e.span();
        let e = e.get_ref();
        let track = e.track.clone().or_else(|| area.track.clone());
        let who = e.tenant.as_deref().or(e.person.as_deref()).unwrap_or("");
        let label = format!(
            "{} / {}{} / {who}",
            track.as_deref().unwrap_or("-"),
            e.metric,
            e.option
                .as_deref()
                .map(|o| format!(" / {o}"))
                .unwrap_or_default()
        );
        let metric = tracks
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["track"].as_str() == track.as_deref())
            .and_then(|t| {
                t["metrics"]
                    .as_array()?
                    .iter()
                    .find(|m| m["metric"] == e.metric.as_str())
            });
        let Some(metric) = metric else {
            cx.fail(
                span,
                "contribution",
                &label,
                "(no such metric in the explanation)",
            );
            continue;
        };
        let option = metric["options"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| o["option"].as_str() == e.option.as_deref());
        let Some(option) = option else {
            cx.fail(
                span,
                "contribution",
                &label,
                "(no such option in the explanation)",
            );
            continue;
        };
        let list = if e.counts {
            "contributions"
        } else {
            "excluded"
        };
        let matches = |x: &&Value| {
            e.tenant
                .as_deref()
                .is_none_or(|t| x["tenant"].as_str() == Some(t))
                && e.person
                    .as_deref()
                    .is_none_or(|p| x["person"].as_str() == Some(p))
        };
        let found: Vec<&Value> = option[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter(matches)
            .collect();
        if found.is_empty() {
            let other = if e.counts {
                "excluded"
            } else {
                "contributions"
            };
            let elsewhere = option[other]
                .as_array()
                .into_iter()
                .flatten()
                .any(|x| matches(&x));
            let actual = if elsewhere {
                format!("(in {other})")
            } else {
                "(not listed)".to_string()
            };
            cx.fail(span, &format!("{label}: in {list}"), who, &actual);
            continue;
        }
        cx.touch(format!("metric:{}.{}", area.area, e.metric));
        if let Some(a) = &e.amount {
            let total: Option<Num> = found.iter().try_fold(Num::from_integer(0), |acc, x| {
                let v = &x["amount_exact"];
                let n = match v {
                    Value::String(s) => num(&Number::Text(s.clone())),
                    Value::Number(n) => n.as_i64().map(|i| Num::from_integer(i128::from(i))),
                    _ => None,
                }?;
                Some(acc + n)
            });
            match (num(a), total) {
                (Some(x), Some(t)) if x == t => {}
                (x, t) => cx.fail(
                    span.clone(),
                    &format!("{label} amount"),
                    &x.map_or_else(|| format!("{a:?}"), show),
                    &t.map_or_else(|| "(no amount)".into(), show),
                ),
            }
        }
        if let Some(r) = &e.reason_contains {
            let reasons: Vec<String> = found
                .iter()
                .map(|x| format!("{} {}", x["reason"], x["details"]))
                .collect();
            if !reasons.iter().any(|x| x.contains(r.as_str())) {
                cx.fail(span, &format!("{label} reason"), r, &reasons.join("; "));
            }
        }
    }
}

fn find_track<'a>(a: &'a AreaScore, id: Option<&str>) -> Option<&'a TrackScore> {
    a.tracks.iter().find(|t| t.track.as_deref() == id)
}

/// The metric of a track (default: the area's counting track), with the track's id
/// (`-` for an area without tracks).
fn find_metric<'a>(
    a: &'a AreaScore,
    track: Option<&str>,
    metric: &str,
) -> Option<(String, &'a MetricScore)> {
    let ms = match track {
        Some(t) => &find_track(a, Some(t))?.metrics,
        None => &a.metrics,
    };
    let t = track
        .map(str::to_string)
        .or_else(|| a.track.clone())
        .unwrap_or_else(|| "-".into());
    ms.iter().find(|m| m.metric == metric).map(|m| (t, m))
}

/// TOML value -> JSON for comparing with the serialized standing.
fn json_of(v: &toml::Value) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Compares the fields a case expects with the JSON of the result. A key `x_count`
/// compares the length of the list `x`; `x_contains` checks that the text `x` contains
/// the expected text; `x_present` whether `x` is given at all; a table compares its own
/// keys the same way.
fn compare_fields(
    cx: &mut Cx,
    span: std::ops::Range<usize>,
    label: &str,
    expected: &toml::Table,
    actual: &Value,
    skip: &[&str],
) {
    for (k, v) in expected {
        if skip.contains(&k.as_str()) {
            continue;
        }
        let field = |f: &str| actual.get(f).cloned().unwrap_or(Value::Null);
        let (want, got, what) = if let Some(f) = k.strip_suffix("_count") {
            let n = field(f).as_array().map_or(0, Vec::len);
            (json_of(v), Value::from(n), format!("{label} number of {f}"))
        } else if let Some(f) = k.strip_suffix("_present") {
            (
                json_of(v),
                Value::Bool(!field(f).is_null()),
                format!("{label} {f} given"),
            )
        } else if let Some(f) = k.strip_suffix("_contains") {
            let text = field(f);
            let needle = v.as_str().unwrap_or_default();
            if !text.as_str().is_some_and(|t| t.contains(needle)) {
                cx.fail(
                    span.clone(),
                    &format!("{label} {f} containing"),
                    needle,
                    &text.to_string(),
                );
            }
            continue;
        } else if let (toml::Value::Table(t), Value::Object(_)) = (v, &field(k)) {
            compare_fields(cx, span.clone(), &format!("{label} {k}"), t, &field(k), &[]);
            continue;
        } else {
            (json_of(v), field(k), format!("{label} {k}"))
        };
        let same = match (&want, &got) {
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            _ => want == got,
        };
        if !same {
            cx.fail(span.clone(), &what, &want.to_string(), &got.to_string());
        }
    }
}

/// Checks `[[expect.<list>]]` entries against the items of a list of the standing,
/// found by their `key` field.
fn compare_keyed(
    cx: &mut Cx,
    entries: &[toml::Spanned<toml::Table>],
    list: &Value,
    key: &str,
    what: &str,
) {
    for e in entries {
        let span = e.span();
        let t = e.get_ref();
        let Some(id) = t.get(key).and_then(toml::Value::as_str) else {
            cx.fail(span, what, &format!("a `{key}`"), "(none given)");
            continue;
        };
        let item = list.as_array().and_then(|items| {
            items
                .iter()
                .find(|i| i.get(key).and_then(Value::as_str) == Some(id))
        });
        let granted = t.get("granted").and_then(toml::Value::as_bool);
        match (item, granted) {
            (None, Some(false)) => {}
            (None, _) => cx.fail(span, what, id, "(not in the standing)"),
            (Some(_), Some(false)) => {
                cx.fail(span, &format!("{what} {id}"), "not granted", "granted")
            }
            (Some(i), _) => {
                compare_fields(cx, span, &format!("{what} {id}"), t, i, &[key, "granted"])
            }
        }
        cx.touch(format!("{what}:{id}"));
    }
}

fn status_case(case: &Case, catalog: &Catalog, data: &Dataset, day: NaiveDate, cx: &mut Cx) {
    let req = StatusRequest {
        date: day,
        month: None,
        partners: None,
    };
    let result = status(data, catalog, &req);
    if let Some(err) = &case.expect.error {
        match &result {
            Err(e) if e.to_string().contains(err.get_ref().as_str()) => {}
            Err(e) => cx.fail(err.span(), "the error", err.get_ref(), &e.to_string()),
            Ok(_) => cx.fail(
                err.span(),
                "the error",
                err.get_ref(),
                "(a standing, no error)",
            ),
        }
        return;
    }
    let standing = match result {
        Ok(s) => s,
        Err(e) => {
            cx.out.failures.push(format!("the status was refused: {e}"));
            return;
        }
    };
    let Some(p) = standing
        .partners
        .iter()
        .find(|p| p.partner_id == case.partner)
    else {
        cx.out
            .failures
            .push(format!("no standing for partner {}", case.partner));
        return;
    };
    cx.touch("membership:calendar".into());
    let pj = serde_json::to_value(p).unwrap_or(Value::Null);
    if let Some(e) = &case.expect.partner {
        cx.touch("membership:partner".into());
        compare_fields(cx, e.span(), "partner", e.get_ref(), &pj, &[]);
    }
    for e in &case.expect.designation {
        let span = e.span();
        let t = e.get_ref();
        let Some(area) = t.get("area").and_then(toml::Value::as_str) else {
            cx.fail(span, "designation", "an `area`", "(none given)");
            continue;
        };
        let Some(d) = p.designations.iter().find(|d| d.area == area) else {
            cx.fail(span, "designation", area, "(not in the standing)");
            continue;
        };
        cx.touch(format!("designation:{area}"));
        cx.touch("membership:qualification_window".into());
        let dj = serde_json::to_value(d).unwrap_or(Value::Null);
        compare_fields(cx, span, area, t, &dj, &["area"]);
    }
    compare_keyed(
        cx,
        &case.expect.competency,
        &pj["competency_requirements"],
        "competency",
        "competency",
    );
    compare_keyed(
        cx,
        &case.expect.benefit,
        &pj["benefits"],
        "package",
        "benefit",
    );
    for e in &case.expect.specialization {
        let span = e.span();
        let e = e.get_ref();
        let Some(s) = p
            .specializations
            .iter()
            .find(|s| s.specialization == e.specialization)
        else {
            cx.fail(
                span,
                "specialization",
                &e.specialization,
                "(not in the standing)",
            );
            continue;
        };
        cx.touch(format!("specialization:{}", e.specialization));
        if let Some(m) = e.met
            && m != s.met
        {
            cx.fail(
                span.clone(),
                &format!("{} met", e.specialization),
                &m.to_string(),
                &s.met.to_string(),
            );
        }
        if let Some(phase) = &e.phase {
            let actual = s.held.as_ref().map_or("(not held)", |h| h.phase.as_str());
            if phase != actual {
                cx.fail(
                    span.clone(),
                    &format!("{} phase", e.specialization),
                    phase,
                    actual,
                );
            }
        }
        for (id, met) in &e.requirements {
            match s.requirements.iter().find(|r| r.requirement == *id) {
                None => cx.fail(
                    span.clone(),
                    &format!("{} requirement", e.specialization),
                    id,
                    "(no such requirement)",
                ),
                Some(r) => {
                    cx.touch(format!("requirement:{}.{id}", e.specialization));
                    if r.met != *met {
                        cx.fail(
                            span.clone(),
                            &format!("{} / {id} met", e.specialization),
                            &met.to_string(),
                            &format!("{} ({})", r.met, r.detail),
                        );
                    }
                }
            }
        }
        for (id, text) in &e.details {
            match s.requirements.iter().find(|r| r.requirement == *id) {
                None => cx.fail(
                    span.clone(),
                    &format!("{} requirement", e.specialization),
                    id,
                    "(no such requirement)",
                ),
                Some(r) if !r.detail.contains(text.as_str()) => {
                    cx.fail(
                        span.clone(),
                        &format!("{} / {id} detail", e.specialization),
                        &format!("…{text}…"),
                        &r.detail,
                    );
                }
                Some(_) => {}
            }
        }
    }
}
