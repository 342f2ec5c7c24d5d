//! What an import did: per file, the kind recognised, rows read, used and skipped (and
//! why); the values not recognised; the tables written and the months they cover.
//! Serialised as `import-report.json` and printed as text.

use std::collections::BTreeMap;
use std::fmt::{self, Write};

use capscore_core::Month;
use serde::Serialize;

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// The input folder.
    pub from: String,
    /// The global account asked for (`--partner-global-id`).
    pub partner_global_id: Option<String>,
    /// The catalog the names were resolved against.
    pub catalog_version: String,
    /// Every file of the input folder, by name.
    pub files: Vec<FileReport>,
    /// Rows written per table, and the months they cover.
    pub tables: BTreeMap<String, TableReport>,
    /// Values that no rule or catalog name recognised.
    pub unrecognised: Vec<Unrecognised>,
    /// Certification titles matched through a former name or to a retired certification.
    pub certification_titles: Vec<TitleMatch>,
    /// Things worth knowing: conflicting values, accounts rolled up, rules applied.
    pub notes: Vec<String>,
    /// What was put back in order before writing, left by an interrupted import (a
    /// dataset restored from its backup, temporary folders removed).
    pub recovered: Vec<String>,
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    /// File name.
    pub file: String,
    /// The kind recognised from its columns (`office_usage`), if any.
    pub kind: Option<String>,
    /// The kind's name (`Microsoft 365 usage (OfficeUsage)`).
    pub kind_name: Option<String>,
    /// `imported`, `recognised, not imported` or `not recognised`.
    pub status: String,
    /// Why a file is not imported.
    pub reason: Option<String>,
    /// Field → the header it was read from.
    pub columns: BTreeMap<String, String>,
    /// Data rows in the file.
    pub rows_read: u64,
    /// Rows that gave something to the dataset.
    pub rows_used: u64,
    /// Rows given nothing, by reason.
    pub rows_skipped: BTreeMap<String, u64>,
    /// Rows used in part, by what was left out.
    pub notes: BTreeMap<String, u64>,
    /// Months of the rows used.
    pub months: Option<MonthSpan>,
    /// How its slashed dates (`01/06/2024`) were read, when it has any: the order
    /// and why (found from a value, or given with `--date-order`).
    pub date_order: Option<String>,
}

impl FileReport {
    pub(crate) fn new(file: &str) -> FileReport {
        FileReport {
            file: file.to_string(),
            kind: None,
            kind_name: None,
            status: String::new(),
            reason: None,
            columns: BTreeMap::new(),
            rows_read: 0,
            rows_used: 0,
            rows_skipped: BTreeMap::new(),
            notes: BTreeMap::new(),
            months: None,
            date_order: None,
        }
    }

    /// Rows skipped, all reasons together.
    #[must_use]
    pub fn skipped(&self) -> u64 {
        self.rows_skipped.values().sum()
    }
}

/// A run of months: first, last, how many have data, which ones in between have none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthSpan {
    /// First month.
    pub first: Month,
    /// Last month.
    pub last: Month,
    /// Months with data.
    pub count: usize,
    /// Months between first and last without data.
    pub missing: Vec<Month>,
}

impl MonthSpan {
    /// The span of a set of months, if not empty.
    pub fn of<'a>(months: impl IntoIterator<Item = &'a Month>) -> Option<MonthSpan> {
        let mut v: Vec<Month> = months.into_iter().copied().collect();
        v.sort_unstable();
        v.dedup();
        let (&first, &last) = (v.first()?, v.last()?);
        let missing = Month::range(first, last)
            .filter(|m| v.binary_search(m).is_err())
            .collect();
        Some(MonthSpan {
            first,
            last,
            count: v.len(),
            missing,
        })
    }
}

impl fmt::Display for MonthSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)?;
        } else {
            write!(f, "{} .. {} ({} months", self.first, self.last, self.count)?;
            if !self.missing.is_empty() {
                let list: Vec<String> = self.missing.iter().map(Month::to_string).collect();
                write!(f, "; none in {}", list.join(", "))?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// One table written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableReport {
    /// Rows written.
    pub rows: usize,
    /// Months covered (usage tables).
    pub months: Option<MonthSpan>,
}

/// A value that nothing recognised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unrecognised {
    /// What kind of value (`attribution`, `workload`, `certification title`, ...).
    pub what: String,
    /// The value as written.
    pub value: String,
    /// Rows carrying it.
    pub rows: u64,
    /// Where it was first met (`file line N, column "X"`).
    pub first_seen: String,
    /// What was done with those rows.
    pub effect: String,
}

/// A certification title matched in a way worth showing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TitleMatch {
    /// The title as written in the Trainings file.
    pub title: String,
    /// The catalog certification it counts as.
    pub certification: String,
    /// `renamed` or `retired`.
    pub how: String,
    /// Rows.
    pub rows: u64,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        let imported = self.files.iter().filter(|x| x.status == "imported").count();
        let _ = writeln!(
            s,
            "Partner Center import from {} (catalog {}): {imported} of {} files imported",
            self.from,
            self.catalog_version,
            self.files.len()
        );
        if let Some(g) = &self.partner_global_id {
            let _ = writeln!(s, "global account: {g}");
        }
        let _ = writeln!(s, "\nfiles:");
        for file in &self.files {
            let kind = file.kind_name.as_deref().unwrap_or("-");
            let _ = writeln!(s, "  {}  [{}]  {}", file.file, file.status, kind);
            if let Some(r) = &file.reason {
                let _ = writeln!(s, "      {r}");
            }
            if file.status == "imported" {
                let months = file
                    .months
                    .as_ref()
                    .map_or_else(String::new, |m| format!(", months {m}"));
                let _ = writeln!(
                    s,
                    "      rows: {} read, {} used, {} skipped{months}",
                    file.rows_read,
                    file.rows_used,
                    file.skipped()
                );
                if let Some(o) = &file.date_order {
                    let _ = writeln!(s, "      dates: {o}");
                }
                for (why, n) in &file.rows_skipped {
                    let _ = writeln!(s, "      skipped {n}: {why}");
                }
                for (what, n) in &file.notes {
                    let _ = writeln!(s, "      note {n}: {what}");
                }
            }
        }
        if !self.unrecognised.is_empty() {
            let _ = writeln!(s, "\nvalues not recognised:");
            for u in &self.unrecognised {
                let _ = writeln!(
                    s,
                    "  {} {:?}: {}, first at {}; {}",
                    u.what,
                    u.value,
                    rows(u.rows),
                    u.first_seen,
                    u.effect
                );
            }
        }
        if !self.certification_titles.is_empty() {
            let _ = writeln!(s, "\ncertification titles matched:");
            for t in &self.certification_titles {
                let _ = writeln!(
                    s,
                    "  {:?} → {} ({}, {})",
                    t.title,
                    t.certification,
                    t.how,
                    rows(t.rows)
                );
            }
        }
        let _ = writeln!(s, "\ntables:");
        for (name, t) in &self.tables {
            let months = t
                .months
                .as_ref()
                .map_or_else(String::new, |m| format!(", months {m}"));
            let _ = writeln!(s, "  {name}: {}{months}", rows(t.rows));
        }
        if !self.recovered.is_empty() {
            let _ = writeln!(s, "\nrecovered from an interrupted import:");
            for n in &self.recovered {
                let _ = writeln!(s, "  {n}");
            }
        }
        if !self.notes.is_empty() {
            let _ = writeln!(s, "\nnotes:");
            for n in &self.notes {
                let _ = writeln!(s, "  {n}");
            }
        }
        f.write_str(&s)
    }
}

/// `1 row`, `12,345 rows`.
fn rows(n: impl TryInto<u64>) -> String {
    capscore_core::format_count(n.try_into().unwrap_or(u64::MAX), "row", "rows")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_counts_take_their_noun() {
        assert_eq!(rows(1_usize), "1 row");
        assert_eq!(rows(2_u64), "2 rows");
        assert_eq!(rows(1_234_567_u64), "1,234,567 rows");
    }

    #[test]
    fn month_spans_list_the_holes() {
        let m = |s: &str| s.parse::<Month>().unwrap();
        let span =
            MonthSpan::of(&[m("2024-03"), m("2024-01"), m("2024-01"), m("2024-04")]).unwrap();
        assert_eq!(span.count, 3);
        assert_eq!(span.missing, vec![m("2024-02")]);
        assert_eq!(
            span.to_string(),
            "2024-01 .. 2024-04 (3 months; none in 2024-02)"
        );
        assert!(MonthSpan::of(&[]).is_none());
    }
}
