//! Loading only the usage months a request reads.
//!
//! A [`UsageWindow`] names, per usage table, the months a load keeps; the rows of other
//! months are checked like every row (their problems and warnings are reported as
//! always) but then neither interned nor stored, so that memory and time follow what a
//! request needs, not the file. A windowed load still counts every valid row in the
//! table's coverage ([`crate::Coverage`]): which months the data holds, its gaps and
//! isolated months, the default month and every refusal are those of a full load. A
//! usage table the window keeps no month of is not checked at all: only its months are
//! counted (`load/unread.rs`).

use std::collections::BTreeMap;

use capscore_core::{MIN_YEAR, Month};

use crate::coverage::UsageTable;

/// The months of each usage table a load keeps; a table the window does not name keeps
/// no row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageWindow {
    spans: BTreeMap<UsageTable, (Month, Month)>,
}

impl UsageWindow {
    /// A window keeping nothing.
    #[must_use]
    pub fn new() -> Self {
        UsageWindow::default()
    }

    /// Keeps month `m` of `table` too (the window of a table is the span from its first
    /// to its last month kept).
    pub fn keep(&mut self, table: UsageTable, m: Month) {
        let span = self.spans.entry(table).or_insert((m, m));
        span.0 = span.0.min(m);
        span.1 = span.1.max(m);
    }

    /// The first and last month kept of a table, if any.
    #[must_use]
    pub fn span(&self, table: UsageTable) -> Option<(Month, Month)> {
        self.spans.get(&table).copied()
    }

    /// Whether the window keeps month `m` of `table`.
    #[must_use]
    pub fn keeps(&self, table: UsageTable, m: Month) -> bool {
        self.span(table)
            .is_some_and(|(first, last)| first <= m && m <= last)
    }
}

/// How a dataset is loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Keep only these usage months (`None`: keep every row).
    pub usage_window: Option<UsageWindow>,
}

/// Rows and first line per month of one usage table, counted for every valid row
/// whether kept or not.
#[derive(Debug, Clone, Default)]
pub(crate) struct MonthTally {
    /// By month since January of [`MIN_YEAR`]: (rows, first line); allocated at the first
    /// row.
    counts: Vec<(usize, u32)>,
}

/// Months from January of [`MIN_YEAR`] to December of `MAX_YEAR`.
const MONTHS: usize = (capscore_core::MAX_YEAR - MIN_YEAR + 1) as usize * 12;

fn origin() -> Month {
    Month::new(MIN_YEAR, 1).unwrap_or_else(|| Month::of(capscore_core::NaiveDate::MIN))
}

impl MonthTally {
    /// Counts a row of month `m` at `line`.
    pub(crate) fn count(&mut self, m: Month, line: u32) {
        if self.counts.is_empty() {
            self.counts = vec![(0, u32::MAX); MONTHS];
        }
        let Ok(i) = usize::try_from(m.since(origin())) else {
            return;
        };
        if let Some(c) = self.counts.get_mut(i) {
            c.0 += 1;
            c.1 = c.1.min(line);
        }
    }

    /// Rows and first line of each month with rows, in month order.
    pub(crate) fn by_month(&self) -> BTreeMap<Month, (usize, u32)> {
        let o = origin();
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.0 > 0)
            .filter_map(|(i, c)| Some((o.offset(i32::try_from(i).ok()?), *c)))
            .collect()
    }

    /// The last month with rows.
    pub(crate) fn last(&self) -> Option<Month> {
        let i = self.counts.iter().rposition(|c| c.0 > 0)?;
        Some(origin().offset(i32::try_from(i).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap_or_else(|_| origin())
    }

    #[test]
    fn a_window_keeps_the_span_of_its_months() {
        let mut w = UsageWindow::new();
        w.keep(UsageTable::M365Usage, m("2024-06"));
        w.keep(UsageTable::M365Usage, m("2023-06"));
        assert!(w.keeps(UsageTable::M365Usage, m("2023-12")));
        assert!(!w.keeps(UsageTable::M365Usage, m("2024-07")));
        assert!(!w.keeps(UsageTable::AzureUsage, m("2024-06")));
    }

    #[test]
    fn a_tally_counts_rows_and_first_lines() {
        let mut t = MonthTally::default();
        assert_eq!(t.last(), None);
        t.count(m("2024-06"), 9);
        t.count(m("1900-01"), 4);
        t.count(m("2024-06"), 3);
        t.count(m("9999-12"), 5);
        let by = t.by_month();
        assert_eq!(by.get(&m("2024-06")), Some(&(2, 3)));
        assert_eq!(by.get(&m("1900-01")), Some(&(1, 4)));
        assert_eq!(by.len(), 3);
        assert_eq!(t.last(), Some(m("9999-12")));
    }
}
