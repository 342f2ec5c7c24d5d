//! Calendar months and strict date parsing.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar month, stored as `year * 12 + (month - 1)` so that month arithmetic is
/// integer arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

/// A value that is not a valid date or month.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not of the form `YYYY-MM`, or month out of range.
    #[error("not a month of the form YYYY-MM: {0:?}")]
    Month(String),
    /// Not of the form `YYYY-MM-DD`, or not a day of the calendar.
    #[error("not a date of the form YYYY-MM-DD: {0:?}")]
    Date(String),
    /// Not a decimal number.
    #[error("not a number: {0:?}")]
    Number(String),
}

/// Earliest year a date or month may have.
pub const MIN_YEAR: i32 = 1900;
/// Latest year a date or month may have.
pub const MAX_YEAR: i32 = 9999;

impl Month {
    /// The month `year-month`, if `month` is 1..=12 and the year is 1900..=9999.
    #[must_use]
    pub fn new(year: i32, month: u32) -> Option<Month> {
        if !(1..=12).contains(&month) || !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return None;
        }
        Some(Month(year * 12 + month as i32 - 1))
    }

    /// The month that holds a date.
    #[must_use]
    pub fn of(date: NaiveDate) -> Month {
        Month(date.year() * 12 + date.month0() as i32)
    }

    /// The year.
    #[must_use]
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// The month of the year, 1..=12.
    #[must_use]
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    /// This month moved by `n` months (negative: back in time).
    #[must_use]
    pub fn offset(self, n: i32) -> Month {
        Month(self.0 + n)
    }

    /// The same month last year, `m-12` (docs/rules.md §0).
    #[must_use]
    pub fn year_ago(self) -> Month {
        self.offset(-12)
    }

    /// First month of the trailing twelve months ending with this one, `m-11`
    /// (docs/rules.md §0: the TTM is `m-11 ..= m`).
    #[must_use]
    pub fn ttm_start(self) -> Month {
        self.offset(-11)
    }

    /// Number of months from `earlier` to `self` (negative when `earlier` is later).
    #[must_use]
    pub fn since(self, earlier: Month) -> i32 {
        self.0 - earlier.0
    }

    /// The first day of the month.
    #[must_use]
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day of the month: scores for a month are as of this day.
    #[must_use]
    pub fn last_day(self) -> NaiveDate {
        self.offset(1)
            .first_day()
            .pred_opt()
            .unwrap_or(NaiveDate::MAX)
    }

    /// The months `from ..= to`, in order (empty when `from > to`).
    pub fn range(from: Month, to: Month) -> impl Iterator<Item = Month> {
        (from.0..=to.0).map(Month)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl FromStr for Month {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseError::Month(s.to_string());
        let b = s.as_bytes();
        if b.len() != 7 || b[4] != b'-' || !b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit) {
            return Err(err());
        }
        let year: i32 = s[..4].parse().map_err(|_| err())?;
        let month: u32 = s[5..].parse().map_err(|_| err())?;
        Month::new(year, month).ok_or_else(err)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Parses a date strictly as `YYYY-MM-DD` (years 1900..=9999).
///
/// # Errors
/// [`ParseError::Date`] when the text is not such a date.
pub fn parse_date(s: &str) -> Result<NaiveDate, ParseError> {
    let err = || ParseError::Date(s.to_string());
    let b = s.as_bytes();
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return Err(err());
    }
    let year: i32 = s[..4].parse().map_err(|_| err())?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(err());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| err())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_prints() {
        let m: Month = "2024-02".parse().unwrap();
        assert_eq!(m.year(), 2024);
        assert_eq!(m.month(), 2);
        assert_eq!(m.last_day().to_string(), "2024-02-29");
        assert_eq!(m.offset(-12).to_string(), "2023-02");
        assert_eq!(m.year_ago().to_string(), "2023-02");
        assert_eq!(m.ttm_start().to_string(), "2023-03");
        assert_eq!(m.offset(11).to_string(), "2025-01");
        assert_eq!(
            Month::of(parse_date("2023-12-31").unwrap()).to_string(),
            "2023-12"
        );
    }

    #[test]
    fn rejects_bad_months_and_dates() {
        for bad in [
            "2023-13",
            "2023-00",
            "23-01",
            "2023/01",
            "2023-1",
            "",
            "+023-01",
            "２０２３-01",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
        for bad in [
            "2023-02-30",
            "2023-2-01",
            "2023-02-01T00:00",
            "01/02/2023",
            "0000-01-01",
            "2023-02-0x",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn display_round_trips(y in 1900i32..9999, mo in 1u32..=12) {
            let m = Month::new(y, mo).unwrap();
            prop_assert_eq!(m.to_string().parse::<Month>().unwrap(), m);
            prop_assert_eq!(Month::of(m.last_day()), m);
            prop_assert_eq!(Month::of(m.first_day()), m);
        }

        #[test]
        fn parse_never_panics(s in ".*") {
            let _ = s.parse::<Month>();
            let _ = parse_date(&s);
        }
    }
}
