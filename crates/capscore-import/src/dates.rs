//! The order of day and month in a file's slashed dates (`01/06/2024`), found from
//! its values: a first number above 12 says day first, a second above 12 month
//! first. A file whose slashed dates are all ambiguous (both numbers 12 or less, and
//! different) cannot say, and is refused unless the order is given.

use csv::StringRecord;

use crate::error::Problem;
use crate::parse::{DateOrder, slashed};

/// A value and where it is.
#[derive(Debug, Clone)]
struct Seen {
    line: u64,
    column: Option<String>,
    value: String,
}

/// What a file's values say about its date order.
#[derive(Debug, Default)]
pub(crate) struct Evidence {
    /// First value that can only be day first.
    day_first: Option<Seen>,
    /// First value that can only be month first.
    month_first: Option<Seen>,
    /// First value that reads differently in the two orders.
    ambiguous: Option<Seen>,
}

impl Evidence {
    /// Looks at every field of a row.
    pub(crate) fn row(&mut self, line: u64, record: &StringRecord, header: &[String]) {
        for (i, v) in record.iter().enumerate() {
            let Some((a, b)) = slashed(v) else { continue };
            let slot = if a > 12 && b <= 12 {
                &mut self.day_first
            } else if b > 12 && a <= 12 {
                &mut self.month_first
            } else if a != b && a <= 12 && b <= 12 {
                &mut self.ambiguous
            } else {
                continue;
            };
            if slot.is_none() {
                *slot = Some(Seen {
                    line,
                    column: header.get(i).cloned(),
                    value: v.trim().to_string(),
                });
            }
        }
    }

    /// The order to read the file with, and what the report says about it (`None`
    /// when the file has no slashed date that depends on the order).
    ///
    /// # Errors
    /// A problem when the file mixes both orders, or (without `given`) is ambiguous
    /// throughout.
    pub(crate) fn decide(
        self,
        file: &str,
        given: Option<DateOrder>,
    ) -> Result<(DateOrder, Option<String>), Problem> {
        let at = |s: &Seen| match &s.column {
            Some(c) => format!("line {}, column {c:?}: {:?}", s.line, s.value),
            None => format!("line {}: {:?}", s.line, s.value),
        };
        if let Some(order) = given {
            let any = self
                .day_first
                .as_ref()
                .or(self.month_first.as_ref())
                .or(self.ambiguous.as_ref());
            return Ok((
                order,
                any.map(|_| format!("{} (as --date-order says)", order.form())),
            ));
        }
        match (self.day_first, self.month_first, self.ambiguous) {
            (Some(d), Some(m), _) => Err(Problem::at(
                file,
                m.line.max(d.line),
                None,
                format!(
                    "slashed dates in both orders: day first at {} and month first at {}; \
                     save the file with one date format",
                    at(&d),
                    at(&m)
                ),
            )),
            (Some(d), None, _) => Ok((
                DateOrder::Dmy,
                Some(format!(
                    "{} (day first, as {} shows)",
                    DateOrder::Dmy.form(),
                    at(&d)
                )),
            )),
            (None, Some(m), _) => Ok((
                DateOrder::Mdy,
                Some(format!(
                    "{} (month first, as {} shows)",
                    DateOrder::Mdy.form(),
                    at(&m)
                )),
            )),
            (None, None, Some(a)) => Err(Problem::at(
                file,
                a.line,
                a.column.as_deref(),
                format!(
                    "the slashed dates of this file (such as {:?}) read as day/month or \
                     month/day alike, and no value says which: give --date-order dmy or \
                     --date-order mdy",
                    a.value
                ),
            )),
            (None, None, None) => Ok((DateOrder::Mdy, None)),
        }
    }
}
