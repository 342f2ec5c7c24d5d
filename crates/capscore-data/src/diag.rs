//! Problems and warnings found while loading, each located by file, line and column.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::model::Dataset;

/// How many problems a [`LoadError`] lists; the rest are only counted.
pub const MAX_PROBLEMS: usize = 100;

/// How many warnings are kept per table; the rest are summed up in one last warning.
pub const MAX_WARNINGS_PER_TABLE: usize = 100;

/// One problem or warning, located.
///
/// Displayed as `m365_usage.csv line 14, column "paid_units": not a whole number: "12x"`
/// (Parquet: `m365_usage.parquet row 14, …`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The table (`"m365_usage"`), or empty when the problem is not about one table
    /// (an ignored file, a missing directory).
    pub table: String,
    /// The file name as given (`"m365_usage.csv"`), or the directory for problems
    /// about the directory itself.
    pub file: String,
    /// CSV: the physical line where the record starts (the header is line 1).
    /// Parquet: the data row number, 1-based. `None` when about the whole file.
    pub line: Option<u64>,
    /// The column name as written in the file header, when about one column.
    pub column: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

impl Diagnostic {
    /// Whether the diagnostic is about a Parquet file (its `line` is then a row number).
    #[must_use]
    pub fn is_parquet(&self) -> bool {
        self.file.to_ascii_lowercase().ends_with(".parquet")
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            let word = if self.is_parquet() { "row" } else { "line" };
            write!(f, " {word} {line}")?;
        }
        if let Some(column) = &self.column {
            if self.line.is_some() {
                f.write_str(",")?;
            }
            write!(f, " column {column:?}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The dataset was rejected: every problem found (up to [`MAX_PROBLEMS`]), and how many
/// more were found but not listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The problems, in file order then line order.
    pub problems: Vec<Diagnostic>,
    /// How many further problems were found and not listed.
    pub omitted: usize,
}

impl LoadError {
    /// Total number of problems found, listed or not.
    #[must_use]
    pub fn total(&self) -> usize {
        self.problems.len() + self.omitted
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.total();
        let noun = if total == 1 { "problem" } else { "problems" };
        write!(f, "the dataset was not loaded: {total} {noun} found")?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        if self.omitted > 0 {
            let noun = if self.omitted == 1 {
                "problem"
            } else {
                "problems"
            };
            write!(f, "\n  … and {} more {noun}", self.omitted)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// A dataset that loaded, with the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated dataset.
    pub dataset: Dataset,
    /// Things worth a look that did not block the load (unknown columns, ignored files,
    /// unknown certification titles, `active_users > paid_units`, …).
    pub warnings: Vec<Diagnostic>,
}

/// Collects problems and warnings, keeping at most the limits.
#[derive(Debug, Default)]
pub(crate) struct Diags {
    errors: Vec<Diagnostic>,
    omitted: usize,
    warnings: Vec<Diagnostic>,
    warnings_per_table: HashMap<String, (String, usize)>,
}

impl Diags {
    /// Records a problem.
    pub(crate) fn error(&mut self, d: Diagnostic) {
        if self.errors.len() < MAX_PROBLEMS {
            self.errors.push(d);
        } else {
            self.omitted += 1;
        }
    }

    /// Adds the problems and warnings of `other` after this one's, as if they had been
    /// recorded here in the same order (the limits on problems listed and on warnings
    /// per table apply to the whole).
    pub(crate) fn append(&mut self, other: Diags) {
        for d in other.errors {
            self.error(d);
        }
        self.omitted += other.omitted;
        let mut kept: HashMap<String, usize> = HashMap::new();
        for d in other.warnings {
            *kept.entry(d.table.clone()).or_default() += 1;
            self.warn(d);
        }
        // Warnings `other` only counted are counted here too.
        for (table, (file, count)) in other.warnings_per_table {
            let only_counted = count - kept.get(&table).copied().unwrap_or(0);
            if only_counted > 0 {
                self.warnings_per_table
                    .entry(table)
                    .or_insert_with(|| (file, 0))
                    .1 += only_counted;
            }
        }
    }

    /// How many problems were recorded so far, listed or not.
    pub(crate) fn error_count(&self) -> usize {
        self.errors.len() + self.omitted
    }

    /// Whether a problem recorded now is listed (not only counted): the work of
    /// explaining a problem (name suggestions) is only worth it then.
    pub(crate) fn listing(&self) -> bool {
        self.errors.len() < MAX_PROBLEMS
    }

    /// Records a warning.
    pub(crate) fn warn(&mut self, d: Diagnostic) {
        let entry = self
            .warnings_per_table
            .entry(d.table.clone())
            .or_insert_with(|| (d.file.clone(), 0));
        entry.1 += 1;
        if entry.1 <= MAX_WARNINGS_PER_TABLE {
            self.warnings.push(d);
        }
    }

    /// The final outcome: an error when any problem was found, else the warnings.
    pub(crate) fn finish(
        mut self,
        order: &dyn Fn(&str) -> usize,
    ) -> Result<Vec<Diagnostic>, LoadError> {
        if !self.errors.is_empty() || self.omitted > 0 {
            self.errors
                .sort_by_key(|d| (order(&d.table), d.file.clone(), d.line.unwrap_or(0)));
            return Err(LoadError {
                problems: self.errors,
                omitted: self.omitted,
            });
        }
        self.warnings
            .sort_by_key(|d| (order(&d.table), d.file.clone(), d.line.unwrap_or(0)));
        let mut tables: Vec<_> = self.warnings_per_table.into_iter().collect();
        tables.sort_by_key(|(table, _)| (order(table), table.clone()));
        for (table, (file, count)) in tables {
            if count > MAX_WARNINGS_PER_TABLE {
                self.warnings.push(Diagnostic {
                    table,
                    file,
                    line: None,
                    column: None,
                    message: format!(
                        "… and {} more warnings in this table",
                        count - MAX_WARNINGS_PER_TABLE
                    ),
                });
            }
        }
        Ok(self.warnings)
    }
}

/// A value quoted for a message, cut short when long.
pub(crate) fn quoted(value: &str) -> String {
    const MAX: usize = 60;
    if value.chars().count() <= MAX {
        return format!("{value:?}");
    }
    let cut: String = value.chars().take(MAX).collect();
    format!("{cut:?}… ({} characters)", value.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(table: &str, line: u64) -> Diagnostic {
        Diagnostic {
            table: table.to_string(),
            file: format!("{table}.csv"),
            line: Some(line),
            column: None,
            message: "duplicate row".to_string(),
        }
    }

    /// Problems gathered per table and appended in table order are those recorded one
    /// after another: the same listed, the same counted past the limit.
    #[test]
    fn appended_problems_are_the_problems_recorded_in_order() {
        let tables = [
            ("associations", 30),
            ("m365_usage", 90),
            ("azure_usage", 40),
        ];
        let mut whole = Diags::default();
        let mut appended = Diags::default();
        appended.error(problem("tenants", 1));
        whole.error(problem("tenants", 1));
        for (table, n) in tables {
            let mut part = Diags::default();
            for line in 0..n {
                whole.error(problem(table, line));
                part.error(problem(table, line));
            }
            appended.append(part);
        }
        assert_eq!(whole.error_count(), 161);
        assert_eq!(appended.error_count(), whole.error_count());
        let order = |_: &str| 0;
        let (Err(a), Err(w)) = (appended.finish(&order), whole.finish(&order)) else {
            panic!("problems were recorded");
        };
        assert_eq!(a.problems, w.problems);
        assert_eq!(a.omitted, w.omitted);
        assert_eq!(a.omitted, 61);
    }

    /// Warnings gathered per group of tables and appended in table order are those
    /// recorded one after another: the same listed, the same counted past the limit
    /// of a table.
    #[test]
    fn appended_warnings_are_the_warnings_recorded_in_order() {
        let tables = [("tenants", 3), ("m365_usage", MAX_WARNINGS_PER_TABLE + 7)];
        let mut whole = Diags::default();
        let mut appended = Diags::default();
        for (table, n) in tables {
            let mut part = Diags::default();
            for line in 0..n as u64 {
                whole.warn(problem(table, line));
                part.warn(problem(table, line));
            }
            appended.append(part);
        }
        let order = |t: &str| usize::from(t == "m365_usage");
        let (Ok(a), Ok(w)) = (appended.finish(&order), whole.finish(&order)) else {
            panic!("no problem was recorded");
        };
        assert_eq!(a, w);
        assert!(
            a.last()
                .is_some_and(|d| d.message == "… and 7 more warnings in this table"),
            "{a:?}"
        );
    }
}
