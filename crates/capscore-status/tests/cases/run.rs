//! Runs one case through the real loader, catalog, engine and status, and compares.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use capscore_catalog::{Catalog, EMBEDDED_FILES};
use capscore_core::{Month, Num, parse_date};
use capscore_data::Dataset;
use capscore_engine::Unmet;
use chrono::NaiveDate;

use crate::format::{Case, Number};

/// What running a case gave.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// One readable message per failed expectation.
    pub failures: Vec<String>,
    /// Catalog entries the case exercised (docs/cases.md "What a case touches").
    pub touches: BTreeSet<String>,
    /// The day the case is evaluated on (a month's last day).
    pub day: Option<NaiveDate>,
    /// The case's name.
    pub name: String,
}

pub(crate) fn repo_root() -> PathBuf {
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

pub(crate) fn run(path: &Path, text: &str) -> Outcome {
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
            .map(capscore_core::Month::last_day)
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
        crate::score::score_case(
            &case,
            &catalog,
            &data,
            m.parse().unwrap_or_else(|_| unreachable!()),
            &mut cx,
        );
    } else {
        crate::standing::status_case(&case, &catalog, &data, day, &mut cx);
    }
    out
}

pub(crate) struct Cx<'a> {
    pub(crate) text: &'a str,
    pub(crate) out: &'a mut Outcome,
}

impl Cx<'_> {
    pub(crate) fn fail(
        &mut self,
        span: std::ops::Range<usize>,
        what: &str,
        expected: &str,
        actual: &str,
    ) {
        self.out.failures.push(format!(
            "line {}: {what}\n      expected: {expected}\n      actual:   {actual}",
            line_of(self.text, span.start)
        ));
    }
    pub(crate) fn touch(&mut self, s: String) {
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
        #[allow(clippy::items_after_statements)]
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
        if let Some((a, b)) = cells.get(col).and_then(|c| c.split_once("..")) {
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
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok(out)
}

/// Parses an expected number.
pub(crate) fn num(n: &Number) -> Option<Num> {
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
pub(crate) fn show(n: Num) -> String {
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

pub(crate) fn check_num(
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

pub(crate) fn unmet_ids(u: &[Unmet]) -> Vec<String> {
    u.iter()
        .map(|u| match u {
            Unmet::TotalUnderMinimum { .. } => "total".to_string(),
            Unmet::MetricUnderMinimum { metric, .. } => metric.clone(),
        })
        .collect()
}
