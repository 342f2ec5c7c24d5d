//! Values as Partner Center writes them: dates in ISO or US form (with or without a
//! time), months as `YYYY-MM`, `YYYYMM`, a date or a month name, numbers with
//! thousands separators or an exponent. Each parser returns a message on failure;
//! the caller adds the file, line and column.

use capscore_core::{Month, NaiveDate, Num, parse_date};
use num_traits::{CheckedMul, Signed};

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month number (1..=12) of an English month name or its 3-letter abbreviation.
fn month_name(s: &str) -> Option<u32> {
    let l = s.to_ascii_lowercase();
    if l.len() < 3 {
        return None;
    }
    MONTH_NAMES
        .iter()
        .position(|n| {
            *n == l || (l.len() == 3 && n.starts_with(&l)) || (l == "sept" && *n == "september")
        })
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// The date part of a value that may carry a time (`2023-06-01T00:00:00`,
/// `6/1/2023 12:00:00 AM`).
fn date_part(s: &str) -> &str {
    let s = s.trim();
    if let Some((d, rest)) = s.split_once('T')
        && rest.starts_with(|c: char| c.is_ascii_digit())
    {
        return d;
    }
    s.split_whitespace().next().unwrap_or("")
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The order of day and month in slashed dates such as `01/06/2024`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Day first: `D/M/YYYY` (most of the world).
    Dmy,
    /// Month first: `M/D/YYYY` (the United States, Partner Center's own downloads).
    Mdy,
}

impl DateOrder {
    /// The form, for messages: `D/M/YYYY` or `M/D/YYYY`.
    #[must_use]
    pub fn form(self) -> &'static str {
        match self {
            DateOrder::Dmy => "D/M/YYYY",
            DateOrder::Mdy => "M/D/YYYY",
        }
    }
}

/// The two leading numbers of a slashed date `A/B/YYYY` (optionally with a time), the
/// form whose day/month order is a question.
pub(crate) fn slashed(value: &str) -> Option<(u32, u32)> {
    let d = date_part(value);
    let mut parts = d.split('/');
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || c.len() != 4
        || !digits(c)
        || !digits(a)
        || !digits(b)
        || a.len() > 2
        || b.len() > 2
    {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Parses a date: `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYYMMDD` or the slashed `A/B/YYYY`
/// read in `order`, each optionally followed by a time.
///
/// # Errors
/// A message when the value is none of these.
pub(crate) fn date(value: &str, order: DateOrder) -> Result<NaiveDate, String> {
    let err = || {
        format!(
            "not a date: {value:?} (expected YYYY-MM-DD or {}, optionally with a time)",
            order.form()
        )
    };
    let d = date_part(value);
    if let Ok(x) = parse_date(d) {
        return Ok(x);
    }
    if d.len() == 8 && digits(d) {
        let (y, m, day) = (&d[..4], &d[4..6], &d[6..]);
        return ymd(y, m, day).ok_or_else(err);
    }
    let parts: Vec<&str> = d.split('/').collect();
    if let [a, b, c] = parts.as_slice() {
        if a.len() == 4 {
            return ymd(a, b, c).ok_or_else(err);
        }
        if c.len() == 4 {
            return match order {
                DateOrder::Mdy => ymd(c, a, b),
                DateOrder::Dmy => ymd(c, b, a),
            }
            .ok_or_else(err);
        }
    }
    Err(err())
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    if !digits(y) || !digits(m) || !digits(d) || y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let y: i32 = y.parse().ok()?;
    if !(1900..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m.parse().ok()?, d.parse().ok()?)
}

/// Parses a month: `YYYY-MM`, `YYYYMM`, any date form of [`date`] (its month), a month
/// name with a year (`Jun 2024`, `June-2024`, `2024 Jun`), or a Microsoft fiscal
/// month (`FY24-Jan`: fiscal years start in July, so FY24 runs July 2023 – June 2024).
///
/// # Errors
/// A message when the value is none of these.
pub(crate) fn month(value: &str, order: DateOrder) -> Result<Month, String> {
    let t = value.trim();
    if let Ok(m) = t.parse::<Month>() {
        return Ok(m);
    }
    if t.len() == 6
        && digits(t)
        && let (Ok(y), Ok(m)) = (t[..4].parse::<i32>(), t[4..].parse::<u32>())
        && let Some(x) = Month::new(y, m)
    {
        return Ok(x);
    }
    if let Ok(d) = date(t, order) {
        return Ok(Month::of(d));
    }
    let tokens: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | ',' | '/' | '.' | '_'))
        .filter(|s| !s.is_empty())
        .collect();
    if let [a, b] = tokens.as_slice() {
        for (name, year) in [(a, b), (b, a)] {
            let Some(m) = month_name(name) else { continue };
            if year.len() == 4
                && digits(year)
                && let Some(x) = year.parse().ok().and_then(|y| Month::new(y, m))
            {
                return Ok(x);
            }
            let fy = year
                .strip_prefix("FY")
                .or_else(|| year.strip_prefix("fy"))
                .or_else(|| year.strip_prefix("Fy"));
            if let Some(fy) = fy
                && digits(fy)
                && (fy.len() == 2 || fy.len() == 4)
                && let Ok(n) = fy.parse::<i32>()
            {
                let end_year = if fy.len() == 2 { 2000 + n } else { n };
                let year = if m >= 7 { end_year - 1 } else { end_year };
                if let Some(x) = Month::new(year, m) {
                    return Ok(x);
                }
            }
        }
    }
    Err(format!(
        "not a month: {value:?} (expected YYYY-MM, YYYYMM, a date, or a month name and year)"
    ))
}

/// Largest number of digits (before the exponent) accepted in a number.
const MAX_DIGITS: usize = 30;
/// Largest exponent accepted.
const MAX_EXPONENT: i32 = 30;
/// Decimals kept (more are rounded away).
const MAX_DECIMALS: i32 = 18;
/// Numbers must be smaller than this in absolute value (a quadrillion).
const MAX_MAGNITUDE: i128 = 1_000_000_000_000_000;

/// Parses a number exactly: an optional sign, digits with optional thousands
/// separators (`1,234,567.5`), an optional fraction and an optional exponent
/// (`1.5E-03`).
///
/// # Errors
/// A message when the value is not such a number (a decimal comma such as `1,5` is
/// refused rather than guessed).
pub(crate) fn decimal(value: &str) -> Result<Num, String> {
    let err = || format!("not a number: {value:?}");
    let t = value.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => {
            let e: i32 = body[i + 1..].parse().map_err(|_| err())?;
            (&body[..i], e)
        }
        None => (body, 0),
    };
    if exponent.abs() > MAX_EXPONENT {
        return Err(err());
    }
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let int_digits: String = if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let first_ok = groups
            .first()
            .is_some_and(|g| (1..=3).contains(&g.len()) && digits(g));
        if !first_ok || !groups.iter().skip(1).all(|g| g.len() == 3 && digits(g)) {
            return Err(err());
        }
        groups.concat()
    } else {
        int_part.to_string()
    };
    if (int_digits.is_empty() && frac_part.is_empty())
        || !int_digits.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
        || int_digits.len() + frac_part.len() > MAX_DIGITS
    {
        return Err(err());
    }
    let all = format!("{int_digits}{frac_part}");
    let numer: i128 = if all.is_empty() {
        0
    } else {
        all.parse().map_err(|_| err())?
    };
    let scale = exponent - i32::try_from(frac_part.len()).map_err(|_| err())?;
    let pow = |n: i32| 10i128.checked_pow(n.unsigned_abs()).ok_or_else(err);
    let v = if scale >= 0 {
        Num::from_integer(numer.checked_mul(pow(scale)?).ok_or_else(err)?)
    } else if scale >= -MAX_DECIMALS {
        Num::new(numer, pow(scale)?)
    } else {
        // More decimals than kept: round to MAX_DECIMALS places.
        let drop = -scale - MAX_DECIMALS;
        if drop > 38 {
            Num::from_integer(0)
        } else {
            Num::new(numer, pow(drop)?).round() / Num::from_integer(pow(MAX_DECIMALS)?)
        }
    };
    if v.abs() >= Num::from_integer(MAX_MAGNITUDE) {
        return Err(format!("number too large: {value:?}"));
    }
    Ok(if neg { -v } else { v })
}

/// Parses a count: a number that is whole and not negative (`12`, `12.0`, `1,200`).
///
/// # Errors
/// A message when the value is not a number, not whole, or negative.
pub(crate) fn whole(value: &str) -> Result<u64, String> {
    let v = decimal(value)?;
    if v < Num::from_integer(0) {
        return Err(format!(
            "negative count: {value:?} (units, seats and users cannot be negative)"
        ));
    }
    if !v.is_integer() {
        return Err(format!("not a whole number: {value:?}"));
    }
    u64::try_from(v.to_integer()).map_err(|_| format!("number too large: {value:?}"))
}

/// Writes an exact number as a plain decimal (`1234.5`, `-3`), at most 18 decimals
/// (rounded half away from zero beyond that).
#[must_use]
pub(crate) fn decimal_text(v: &Num) -> String {
    if v.is_integer() {
        return v.to_integer().to_string();
    }
    let scale = |k: u32| v.checked_mul(&Num::from_integer(10i128.pow(k)));
    let mut places = 18u32;
    for k in 1..=18u32 {
        if scale(k).is_some_and(|s| s.is_integer()) {
            places = k;
            break;
        }
    }
    let Some(scaled) = scale(places) else {
        return v.round().to_integer().to_string();
    };
    let scaled = scaled.round().to_integer();
    let sign = if scaled < 0 { "-" } else { "" };
    let a = scaled.unsigned_abs();
    let unit = 10u128.pow(places);
    let frac = format!("{:0width$}", a % unit, width = places as usize);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{sign}{}", a / unit)
    } else {
        format!("{sign}{}.{frac}", a / unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn dates_in_partner_center_forms() {
        assert_eq!(date("2024-02-10", DateOrder::Mdy).unwrap(), d("2024-02-10"));
        assert_eq!(
            date("2024-02-10T00:00:00", DateOrder::Mdy).unwrap(),
            d("2024-02-10")
        );
        assert_eq!(
            date("2024-02-10 00:00:00.000", DateOrder::Mdy).unwrap(),
            d("2024-02-10")
        );
        assert_eq!(date("2/10/2024", DateOrder::Mdy).unwrap(), d("2024-02-10"));
        assert_eq!(
            date("02/10/2024 12:00:00 AM", DateOrder::Mdy).unwrap(),
            d("2024-02-10")
        );
        assert_eq!(date("2024/02/10", DateOrder::Mdy).unwrap(), d("2024-02-10"));
        assert_eq!(date("20240210", DateOrder::Mdy).unwrap(), d("2024-02-10"));
        for bad in [
            "",
            "13/01/2024",
            "2024-02-30",
            "10.02.2024",
            "yesterday",
            "2/10/24",
        ] {
            assert!(date(bad, DateOrder::Mdy).is_err(), "{bad}");
        }
        // Day first.
        assert_eq!(date("10/2/2024", DateOrder::Dmy).unwrap(), d("2024-02-10"));
        assert_eq!(date("13/01/2024", DateOrder::Dmy).unwrap(), d("2024-01-13"));
        assert!(date("2/13/2024", DateOrder::Dmy).is_err());
        assert_eq!(slashed("01/06/2024 12:00:00 AM"), Some((1, 6)));
        assert_eq!(slashed("2024/06/01"), None);
    }

    #[test]
    fn months_in_partner_center_forms() {
        assert_eq!(month("2024-06", DateOrder::Mdy).unwrap(), m("2024-06"));
        assert_eq!(month("202406", DateOrder::Mdy).unwrap(), m("2024-06"));
        assert_eq!(month("2024-06-01", DateOrder::Mdy).unwrap(), m("2024-06"));
        assert_eq!(
            month("6/1/2024 12:00:00 AM", DateOrder::Mdy).unwrap(),
            m("2024-06")
        );
        assert_eq!(month("Jun 2024", DateOrder::Mdy).unwrap(), m("2024-06"));
        assert_eq!(month("June-2024", DateOrder::Mdy).unwrap(), m("2024-06"));
        assert_eq!(month("2024 Sep", DateOrder::Mdy).unwrap(), m("2024-09"));
        assert_eq!(month("FY24-Jan", DateOrder::Mdy).unwrap(), m("2024-01"));
        assert_eq!(month("FY24-Jul", DateOrder::Mdy).unwrap(), m("2023-07"));
        assert_eq!(
            month("FY2024 December", DateOrder::Mdy).unwrap(),
            m("2023-12")
        );
        for bad in ["", "2024", "202413", "Junk 2024", "June", "13/2024"] {
            assert!(month(bad, DateOrder::Mdy).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_exactly() {
        assert_eq!(decimal("1,234.50").unwrap(), Num::new(246_900, 200));
        assert_eq!(decimal("-0.25").unwrap(), Num::new(-1, 4));
        assert_eq!(decimal("1.5E-03").unwrap(), Num::new(15, 10_000));
        assert_eq!(decimal("2e3").unwrap(), Num::from_integer(2000));
        assert_eq!(decimal(" 7 ").unwrap(), Num::from_integer(7));
        assert_eq!(decimal("1.5E-20").unwrap(), Num::from_integer(0));
        assert_eq!(
            decimal("1.5E-18").unwrap(),
            Num::new(2, 1_000_000_000_000_000_000)
        );
        for bad in [
            "", "1,5", "12,34", "1,2345", "abc", "1.2.3", "1e99", "--1", ",", "1e20",
        ] {
            assert!(decimal(bad).is_err(), "{bad}");
        }
        assert_eq!(whole("1,200").unwrap(), 1200);
        assert_eq!(whole("12.0").unwrap(), 12);
        assert!(whole("12.5").is_err());
        assert!(whole("-1").unwrap_err().contains("negative"));
    }

    #[test]
    fn numbers_print_plainly() {
        assert_eq!(decimal_text(&Num::new(2469, 2)), "1234.5");
        assert_eq!(decimal_text(&Num::from_integer(-3)), "-3");
        assert_eq!(decimal_text(&Num::new(-1, 4)), "-0.25");
        assert_eq!(decimal_text(&Num::new(1, 3)), "0.333333333333333333");
        assert_eq!(decimal_text(&decimal("1.5E-20").unwrap()), "0");
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in ".{0,40}") {
            let _ = date(&s, DateOrder::Mdy);
            let _ = month(&s, DateOrder::Dmy);
            let _ = decimal(&s);
            let _ = whole(&s);
        }

        #[test]
        fn decimals_round_trip(n in -1_000_000_000i64..1_000_000_000, places in 0u32..6) {
            let v = Num::new(i128::from(n), 10i128.pow(places));
            prop_assert_eq!(decimal(&decimal_text(&v)).unwrap(), v);
        }
    }
}
