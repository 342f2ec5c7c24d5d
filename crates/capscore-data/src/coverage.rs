//! The months each usage table covers, worked out once when a dataset is loaded.
//!
//! A usage table with rows *covers* the months from its first to its last month, except
//! the months in between where it has no row at all (its gaps). A run of months cut off
//! from the rest of the table by more than [`ISOLATION_GAP_MONTHS`] months without rows
//! (a stray row dated `9999-12`, a year typed wrong) is *isolated*: it is left out of the
//! coverage and reported as a warning with its file and line, so that it can neither
//! become the default month nor make a score look answerable.
//!
//! A usage table that is absent, or present with no rows, means the partner has no usage
//! of that kind: it restricts no month (a metric reading it counts nothing, which is a
//! valid answer).

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use capscore_core::Month;
use serde::Serialize;

use crate::diag::Diagnostic;
use crate::window::MonthTally;

/// Longest run of months without rows that may sit inside a table's coverage; a run of
/// months separated from the table's main body by a longer one is isolated.
pub const ISOLATION_GAP_MONTHS: i32 = 12;

/// A table of monthly usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageTable {
    /// `m365_usage`.
    M365Usage,
    /// `azure_usage`.
    AzureUsage,
    /// `bizapps_usage`.
    BizappsUsage,
}

impl UsageTable {
    /// Every usage table, in table order.
    pub const ALL: [UsageTable; 3] = [
        UsageTable::M365Usage,
        UsageTable::AzureUsage,
        UsageTable::BizappsUsage,
    ];

    /// The table's name (`m365_usage`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            UsageTable::M365Usage => "m365_usage",
            UsageTable::AzureUsage => "azure_usage",
            UsageTable::BizappsUsage => "bizapps_usage",
        }
    }
}

impl fmt::Display for UsageTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A month of a table that lies apart from the rest of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IsolatedMonth {
    /// The month.
    pub month: Month,
    /// Rows dated that month.
    pub rows: usize,
    /// The first line (Parquet: row) dated that month.
    pub line: u32,
}

/// The months one present usage table covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableCoverage {
    /// The table.
    pub table: UsageTable,
    /// The file it was read from.
    pub file: String,
    /// First and last month of the table's main body (`None`: no rows).
    pub span: Option<(Month, Month)>,
    /// Months inside the span without any row.
    pub gaps: Vec<Month>,
    /// Months left out of the coverage because they lie apart from the rest.
    pub isolated: Vec<IsolatedMonth>,
}

impl TableCoverage {
    /// Builds the coverage of one table from the month and source line of each row.
    #[must_use]
    pub fn of(table: UsageTable, file: &str, months: &[Month], lines: &[u32]) -> TableCoverage {
        // month -> (rows, first line)
        let mut by_month: BTreeMap<Month, (usize, u32)> = BTreeMap::new();
        for (i, m) in months.iter().enumerate() {
            let line = lines.get(i).copied().unwrap_or(0);
            let e = by_month.entry(*m).or_insert((0, line));
            e.0 += 1;
            e.1 = e.1.min(line);
        }
        Self::of_counts(table, file, &by_month)
    }

    /// Builds the coverage of one table from its rows and first line per month.
    pub(crate) fn of_counts(
        table: UsageTable,
        file: &str,
        by_month: &BTreeMap<Month, (usize, u32)>,
    ) -> TableCoverage {
        // Runs of months no more than ISOLATION_GAP_MONTHS apart.
        let mut runs: Vec<Vec<Month>> = Vec::new();
        for &m in by_month.keys() {
            match runs.last_mut() {
                Some(run)
                    if run
                        .last()
                        .is_some_and(|p| m.since(*p) - 1 <= ISOLATION_GAP_MONTHS) =>
                {
                    run.push(m);
                }
                _ => runs.push(vec![m]),
            }
        }
        // The main body holds the most rows (on a tie, the later run).
        let rows_of = |run: &[Month]| run.iter().map(|m| by_month[m].0).sum::<usize>();
        let main = runs
            .iter()
            .enumerate()
            .max_by_key(|(i, run)| (rows_of(run), *i))
            .map(|(i, _)| i);
        let mut span = None;
        let mut gaps = Vec::new();
        let mut isolated = Vec::new();
        for (i, run) in runs.iter().enumerate() {
            if Some(i) == main {
                if let (Some(&first), Some(&last)) = (run.first(), run.last()) {
                    span = Some((first, last));
                    gaps = Month::range(first, last)
                        .filter(|m| !by_month.contains_key(m))
                        .collect();
                }
            } else {
                isolated.extend(run.iter().map(|m| IsolatedMonth {
                    month: *m,
                    rows: by_month[m].0,
                    line: by_month[m].1,
                }));
            }
        }
        TableCoverage {
            table,
            file: file.to_string(),
            span,
            gaps,
            isolated,
        }
    }

    /// Whether the table answers for month `m`: a table without rows answers for every
    /// month (no usage of that kind); otherwise `m` must be inside the span and not a gap.
    #[must_use]
    pub fn covers(&self, m: Month) -> bool {
        match self.span {
            None => true,
            Some((first, last)) => first <= m && m <= last && self.gaps.binary_search(&m).is_err(),
        }
    }

    /// Whether the table has rows in its coverage.
    #[must_use]
    pub fn has_rows(&self) -> bool {
        self.span.is_some()
    }

    /// The coverage in words: `2022-01..2024-06`, with its gaps
    /// (`2022-01..2024-06 without 2023-02, 2023-03`), or `no rows`.
    #[must_use]
    pub fn describe(&self) -> String {
        let Some((first, last)) = self.span else {
            return "no rows".to_string();
        };
        let mut s = format!("{first}..{last}");
        if !self.gaps.is_empty() {
            s.push_str(" without ");
            s.push_str(&months_in_words(&self.gaps));
        }
        s
    }
}

/// Months as ranges in words: `2021-03..2022-02, 2023-05`.
#[must_use]
pub fn months_in_words(months: &[Month]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < months.len() {
        let start = months[i];
        let mut end = start;
        while i + 1 < months.len() && months[i + 1] == end.offset(1) {
            i += 1;
            end = months[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}..{end}")
        });
        i += 1;
    }
    parts.join(", ")
}

/// The months every present usage table covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// One entry per present usage table, in table order.
    pub tables: Vec<TableCoverage>,
}

impl Coverage {
    /// The coverage of the usage tables present (`files`: file name by table name).
    /// (`tallies`: the valid rows of each usage table, in [`UsageTable::ALL`] order,
    /// kept or not).
    pub(crate) fn of_tables(
        files: &HashMap<&'static str, String>,
        tallies: &[MonthTally; 3],
    ) -> Coverage {
        let tables = UsageTable::ALL
            .iter()
            .zip(tallies)
            .filter_map(|(&t, tally)| {
                let file = files.get(t.name())?;
                Some(TableCoverage::of_counts(t, file, &tally.by_month()))
            })
            .collect();
        Coverage { tables }
    }

    /// The coverage of a present table (`None`: the table is absent).
    #[must_use]
    pub fn table(&self, t: UsageTable) -> Option<&TableCoverage> {
        self.tables.iter().find(|c| c.table == t)
    }

    /// Whether usage table `t` answers for month `m` (an absent table always does).
    #[must_use]
    pub fn covers(&self, t: UsageTable, m: Month) -> bool {
        self.table(t).is_none_or(|c| c.covers(m))
    }

    /// Whether every usage table covers month `m` (absent tables and tables without
    /// rows cover every month).
    #[must_use]
    pub fn covers_all(&self, m: Month) -> bool {
        self.tables.iter().all(|c| c.covers(m))
    }

    /// Whether the dataset holds month `m` at all: some table with rows covers it, or no
    /// usage table has rows.
    #[must_use]
    pub fn holds(&self, m: Month) -> bool {
        let mut with_rows = self.tables.iter().filter(|c| c.has_rows()).peekable();
        with_rows.peek().is_none() || with_rows.any(|c| c.covers(m))
    }

    /// The latest month covered by every usage table with rows (the default scoring
    /// month); `None` when no table has rows or no month is covered by all of them.
    #[must_use]
    pub fn default_month(&self) -> Option<Month> {
        let spans: Vec<(Month, Month)> = self.tables.iter().filter_map(|c| c.span).collect();
        let hi = spans.iter().map(|s| s.1).min()?;
        let lo = spans.iter().map(|s| s.0).max()?;
        (0..=hi.since(lo))
            .map(|back| hi.offset(-back))
            .find(|m| self.covers_all(*m))
    }

    /// Every table's coverage in words: `m365_usage 2022-01..2024-06; azure_usage …`.
    #[must_use]
    pub fn describe(&self) -> String {
        if self.tables.is_empty() {
            return "no usage table".to_string();
        }
        self.tables
            .iter()
            .map(|c| format!("{} {}", c.table, c.describe()))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A warning per isolated month, naming its file and first line.
    #[must_use]
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for c in &self.tables {
            for iso in &c.isolated {
                let rows = if iso.rows == 1 {
                    "1 row".to_string()
                } else {
                    format!("{} rows", iso.rows)
                };
                out.push(Diagnostic {
                    table: c.table.name().to_string(),
                    file: c.file.clone(),
                    line: Some(u64::from(iso.line)),
                    column: Some("month".to_string()),
                    message: format!(
                        "month {} ({rows}) lies apart from the rest of the table ({}): more than {ISOLATION_GAP_MONTHS} months without rows separate them, so it is left out of the months the data covers and no score reads it",
                        iso.month,
                        c.describe()
                    ),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    fn cov(months: &[&str]) -> TableCoverage {
        let ms: Vec<Month> = months.iter().map(|s| m(s)).collect();
        let lines: Vec<u32> = (2..).take(ms.len()).collect();
        TableCoverage::of(UsageTable::M365Usage, "m365_usage.csv", &ms, &lines)
    }

    #[test]
    fn span_and_gaps() {
        let c = cov(&["2024-01", "2023-11", "2024-01", "2024-03"]);
        assert_eq!(c.span, Some((m("2023-11"), m("2024-03"))));
        assert_eq!(c.gaps, vec![m("2023-12"), m("2024-02")]);
        assert!(c.covers(m("2024-01")));
        assert!(!c.covers(m("2024-02")));
        assert!(!c.covers(m("2024-04")));
        assert!(!c.covers(m("2023-10")));
        assert_eq!(c.describe(), "2023-11..2024-03 without 2023-12, 2024-02");
    }

    #[test]
    fn a_stray_far_month_is_isolated_with_its_line() {
        let c = cov(&["2024-01", "9999-12", "2024-02", "2024-03"]);
        assert_eq!(c.span, Some((m("2024-01"), m("2024-03"))));
        assert!(c.gaps.is_empty());
        assert_eq!(
            c.isolated,
            vec![IsolatedMonth {
                month: m("9999-12"),
                rows: 1,
                line: 3
            }]
        );
        assert!(!c.covers(m("9999-12")));
        let all = Coverage { tables: vec![c] };
        assert_eq!(all.default_month(), Some(m("2024-03")));
        let w = all.warnings();
        assert_eq!(w.len(), 1);
        assert!(
            w[0].to_string()
                .starts_with("m365_usage.csv line 3, column \"month\": month 9999-12 (1 row)"),
            "{}",
            w[0]
        );
    }

    #[test]
    fn a_gap_of_twelve_months_stays_inside_one_of_thirteen_does_not() {
        let c = cov(&["2021-12", "2023-01", "2023-02"]);
        assert_eq!(c.span, Some((m("2021-12"), m("2023-02"))));
        assert_eq!(c.gaps.len(), 12);
        let c = cov(&["2021-11", "2023-01", "2023-02"]);
        assert_eq!(c.span, Some((m("2023-01"), m("2023-02"))));
        assert_eq!(c.isolated.len(), 1);
    }

    #[test]
    fn absent_and_empty_tables_restrict_nothing() {
        let empty = cov(&[]);
        assert!(empty.covers(m("1999-01")));
        let all = Coverage {
            tables: vec![empty],
        };
        assert!(all.covers(UsageTable::AzureUsage, m("2030-01")));
        assert!(all.holds(m("2030-01")));
        assert_eq!(all.default_month(), None);
    }

    #[test]
    fn the_default_month_is_the_latest_covered_by_every_table() {
        let a = cov(&["2024-01", "2024-02", "2024-03", "2024-04"]);
        let mut b = cov(&["2023-12", "2024-01", "2024-03", "2024-05"]);
        b.table = UsageTable::AzureUsage;
        let all = Coverage { tables: vec![a, b] };
        // 2024-04 is a gap of b, 2024-05 is past a.
        assert_eq!(all.default_month(), Some(m("2024-03")));
        assert!(all.holds(m("2024-05")));
        assert!(!all.holds(m("2024-06")));
    }

    #[test]
    fn months_in_words_joins_runs() {
        let ms = [m("2021-03"), m("2021-04"), m("2021-05"), m("2023-01")];
        assert_eq!(months_in_words(&ms), "2021-03..2021-05, 2023-01");
    }
}
