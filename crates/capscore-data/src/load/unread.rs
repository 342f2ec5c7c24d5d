//! Usage tables a windowed load does not read: a request with a [`crate::UsageWindow`]
//! that keeps no month of a usage table neither checks nor keeps its rows. Only the
//! `month` column is read, to count the table's months in the coverage, so that the
//! months the data covers, the refusals and the months offered instead are those of a
//! full load. A problem in such a table (a bad cell, a missing column, a file that is
//! not valid) blocks only the loads that read it: `validate` and every full load.

use std::cell::RefCell;

use crate::coverage::UsageTable;
use crate::diag::Diags;
use crate::parquet_cells::SlotValues;
use crate::parquet_source::read_parquet_with;
use crate::source::{Column, Format, Input, Kind, RowCtx, Typed, req};
use crate::window::MonthTally;

use super::read;
use super::state::{State, Usage};

/// The one column read from a table that is not read.
const MONTH_ONLY: [Column; 1] = [req("month").of(Kind::Month)];

impl State<'_> {
    /// Whether the load reads `table` (every table but a usage table the window keeps no
    /// month of).
    pub(super) fn reads(&self, table: &str) -> bool {
        let Some(usage) = UsageTable::ALL.iter().find(|t| t.name() == table) else {
            return true;
        };
        self.window
            .as_ref()
            .is_none_or(|w| w.span(*usage).is_some())
    }
}

impl Usage<'_> {
    /// Puts in the month counts of a usage table that is not read, made by
    /// [`count_months_only`].
    pub(super) fn set_tally(&mut self, table: UsageTable, tally: MonthTally) {
        if let Some(i) = UsageTable::ALL.iter().position(|t| *t == table)
            && let Some(slot) = self.tallies.get_mut(i)
        {
            *slot = tally;
        }
    }
}

/// Counts the months of a usage table that is not read: each row whose `month` is
/// valid counts in the coverage; every other problem of the table is left to the loads
/// that read it. It needs nothing else the load holds, so it runs beside the tables
/// that are read.
pub(super) fn count_months_only(input: &Input<'_>) -> Option<(UsageTable, MonthTally)> {
    let table = *UsageTable::ALL.iter().find(|t| t.name() == input.table)?;
    let tally = RefCell::new(MonthTally::default());
    let mut not_reported = Diags::default();
    let mut on_row = |ctx: &mut RowCtx<'_>| {
        let month = ctx.month(0);
        if !ctx.failed {
            tally.borrow_mut().count(month, ctx.line32());
        }
    };
    // A month checked once per dictionary entry (or typed) is counted as it comes;
    // only the other rows are checked one by one.
    let mut shortcut = |line: u64, slots: &[SlotValues], r: usize| match slots
        .first()
        .and_then(|v| v.checked(r))
    {
        Some(Typed::Month(m)) => {
            let line = u32::try_from(line).unwrap_or(u32::MAX);
            tally.borrow_mut().count(*m, line);
            true
        }
        _ => false,
    };
    match input.format {
        Format::Csv => read(input, &MONTH_ONLY, &mut not_reported, &mut on_row),
        Format::Parquet => read_parquet_with(
            input,
            &MONTH_ONLY,
            &mut not_reported,
            &mut shortcut,
            &mut on_row,
        ),
    };
    let tally = tally.into_inner();
    Some((table, tally))
}
