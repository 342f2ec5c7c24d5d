//! Exact numbers. Points are fractions (20/6 per customer), so they are kept as
//! rationals and only rounded for display.

use num_rational::Ratio;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::month::ParseError;

/// An exact number: a ratio of 128-bit integers.
pub type Num = Ratio<i128>;

/// Most fractional digits a decimal may have.
pub const MAX_FRACTION_DIGITS: usize = 9;
/// Most integer digits a decimal may have.
pub const MAX_INTEGER_DIGITS: usize = 15;

/// Parses a plain decimal (`-12`, `3.25`, `.5`) exactly. No exponents, no thousands
/// separators, at most [`MAX_INTEGER_DIGITS`] integer and [`MAX_FRACTION_DIGITS`]
/// fractional digits: within those bounds sums of billions of values stay exact in
/// 128-bit rationals.
///
/// # Errors
/// [`ParseError::Number`] when the text is not such a number.
pub fn parse_decimal(s: &str) -> Result<Num, ParseError> {
    let err = || ParseError::Number(s.to_string());
    let t = s.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part.bytes().all(|c| c.is_ascii_digit())
        || !frac_part.bytes().all(|c| c.is_ascii_digit())
        || frac_part.len() > MAX_FRACTION_DIGITS
        || int_part.trim_start_matches('0').len() > MAX_INTEGER_DIGITS
    {
        return Err(err());
    }
    let digits = format!("{int_part}{frac_part}");
    let numer: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| err())?
    };
    let v = scaled_decimal(numer, frac_part.len() as u32);
    Ok(if neg { -v } else { v })
}

/// The decimal `numer / 10^scale` (`scale` at most 38), reduced as [`Num::new`]
/// reduces it but without a general gcd: the denominator's only prime factors are 2
/// and 5, so removing those the numerator shares leaves the fraction in lowest terms.
#[must_use]
pub fn scaled_decimal(numer: i128, scale: u32) -> Num {
    if numer == 0 {
        // Common (a tenant with no usage) and the loop below would divide d down to 1.
        return Num::from_integer(0);
    }
    let Some(denom) = 10i128.checked_pow(scale) else {
        return Num::new(numer, 10i128.pow(38));
    };
    if let (Ok(mut n), Ok(mut d)) = (i64::try_from(numer), i64::try_from(denom)) {
        // 64-bit division by a constant is a multiplication; i128 is a library call.
        while d % 2 == 0 && n % 2 == 0 {
            n /= 2;
            d /= 2;
        }
        while d % 5 == 0 && n % 5 == 0 {
            n /= 5;
            d /= 5;
        }
        return Num::new_raw(i128::from(n), i128::from(d));
    }
    Num::new(numer, denom)
}

/// The exact sum of many numbers, fast for decimals: a value whose denominator
/// divides `10^MAX_FRACTION_DIGITS` (every parsed decimal) is added as a whole number
/// of billionths, without the gcd that each [`Num`] addition costs; any other value
/// (or one that would overflow) is added exactly as a [`Num`].
#[derive(Debug, Clone, Default)]
pub struct ExactSum {
    /// The decimals, in units of `10^-MAX_FRACTION_DIGITS`.
    scaled: i128,
    /// Everything else.
    rest: Num,
}

/// `10^MAX_FRACTION_DIGITS`.
const SUM_SCALE: i128 = 1_000_000_000;

impl ExactSum {
    /// Adds `x`.
    pub fn add(&mut self, x: &Num) {
        // The denominator's test in 64 bits: a 128-bit division is a slow library call,
        // and sums of usage rows call this once per row.
        let scale = SUM_SCALE as u64;
        if let Ok(d) = u64::try_from(*x.denom())
            && d > 0
            && scale.is_multiple_of(d)
            && let Some(v) = x
                .numer()
                .checked_mul(i128::from(scale / d))
                .and_then(|v| self.scaled.checked_add(v))
        {
            self.scaled = v;
            return;
        }
        self.rest += x;
    }

    /// The sum, in lowest terms.
    #[must_use]
    pub fn value(&self) -> Num {
        let sum = scaled_decimal(self.scaled, MAX_FRACTION_DIGITS as u32);
        if self.rest.is_zero() {
            sum
        } else {
            sum + self.rest
        }
    }
}

/// Rounds to 2 decimals (half away from zero) as a float, for display and JSON.
#[must_use]
pub fn num_to_f64_2dp(v: &Num) -> f64 {
    let hundredths = (v * Num::from_integer(100)).round();
    hundredths.to_integer().to_f64().unwrap_or(f64::NAN) / 100.0
}

/// Formats with exactly 2 decimals (`13.33`), or as an integer when whole and `whole_plain`.
#[must_use]
pub fn format_num(v: &Num, whole_plain: bool) -> String {
    if whole_plain && v.is_integer() {
        return v.to_integer().to_string();
    }
    let hundredths = (v * Num::from_integer(100)).round().to_integer();
    let sign = if hundredths < 0 { "-" } else { "" };
    let a = hundredths.abs();
    if v.is_negative() && a.is_zero() {
        return "0.00".to_string();
    }
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Formats for people: thousands grouped with commas (`4,730`, `-1,250.50`), an integer
/// when whole, else exactly 2 decimals.
#[must_use]
pub fn format_grouped(v: &Num) -> String {
    let plain = format_num(v, true);
    let (sign, rest) = plain
        .strip_prefix('-')
        .map_or(("", plain.as_str()), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A count with its noun, grouped: `1 row`, `12,345 rows`.
#[must_use]
pub fn format_count(n: u64, one: &str, many: &str) -> String {
    format_amount(&Num::from_integer(i128::from(n)), many, one)
}

/// An amount with its unit, for people: `USD` is written `$4,730`, `%` is written
/// `12.50%`, any other unit follows the number as a word, in the singular (`one`) for
/// exactly 1 (`1 person`, `1,585 users`).
#[must_use]
pub fn format_amount(v: &Num, many: &str, one: &str) -> String {
    let n = format_grouped(v);
    match many {
        "USD" => match n.strip_prefix('-') {
            Some(abs) => format!("-${abs}"),
            None => format!("${n}"),
        },
        "%" => format!("{n}%"),
        "" => n,
        _ if *v == Num::from_integer(1) => format!("{n} {one}"),
        _ => format!("{n} {many}"),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::Strategy as _;

    #[test]
    fn counts_take_their_noun() {
        assert_eq!(super::format_count(1, "row", "rows"), "1 row");
        assert_eq!(super::format_count(0, "row", "rows"), "0 rows");
        assert_eq!(super::format_count(12_345, "row", "rows"), "12,345 rows");
    }

    use super::*;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_decimal("12.50").unwrap(), Num::new(25, 2));
        assert_eq!(parse_decimal("0.000").unwrap(), Num::from_integer(0));
        assert_eq!(parse_decimal("-0.2").unwrap(), Num::new(-1, 5));
        assert_eq!(parse_decimal(".5").unwrap(), Num::new(1, 2));
        assert_eq!(parse_decimal("7").unwrap(), Num::from_integer(7));
        assert_eq!(
            parse_decimal("0.123456789").unwrap(),
            Num::new(123_456_789, 1_000_000_000)
        );
        assert_eq!(
            parse_decimal("000999999999999999").unwrap(),
            Num::from_integer(999_999_999_999_999)
        );
        for bad in [
            "",
            ".",
            "1e5",
            "1,000",
            "--1",
            "1.2.3",
            "abc",
            " ",
            "0.1234567891",
            "1000000000000000",
        ] {
            assert!(parse_decimal(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        /// The same fraction in the same lowest terms as `Num::new`.
        #[test]
        fn scaled_decimals_are_reduced_as_num_new(
            numer in proptest::prop_oneof![
                -1_000_000i128..1_000_000,
                proptest::num::i128::ANY.prop_map(|n| n / 1000),
            ],
            scale in 0u32..20,
        ) {
            let got = scaled_decimal(numer, scale);
            let want = Num::new(numer, 10i128.pow(scale));
            proptest::prop_assert_eq!((got.numer(), got.denom()), (want.numer(), want.denom()));
        }
    }

    proptest::proptest! {
        /// The same value, in the same lowest terms, as adding the numbers one by one.
        #[test]
        fn an_exact_sum_equals_the_sum_of_nums(
            values in proptest::collection::vec(
                (
                    proptest::prop_oneof![
                        -1_000_000_000_000i128..1_000_000_000_000,
                        proptest::num::i128::ANY.prop_map(|n| n / 1_000_000_000_000_000),
                    ],
                    // Decimals, and thirds and sevenths (whose sums stay in range).
                    proptest::prop_oneof![
                        4 => (0u32..=9).prop_map(|s| 10i128.pow(s)),
                        1 => proptest::sample::select(vec![3i128, 6, 7, 21]),
                    ],
                ),
                0..40,
            ),
        ) {
            let mut sum = ExactSum::default();
            let mut want = Num::from_integer(0);
            for (n, d) in values {
                let x = Num::new(n, d);
                sum.add(&x);
                want += x;
            }
            let got = sum.value();
            proptest::prop_assert_eq!((got.numer(), got.denom()), (want.numer(), want.denom()));
        }
    }

    #[test]
    fn formats_two_decimals() {
        assert_eq!(format_num(&Num::new(20, 3), false), "6.67");
        assert_eq!(format_num(&Num::new(40, 3), false), "13.33");
        assert_eq!(format_num(&Num::from_integer(15), false), "15.00");
        assert_eq!(format_num(&Num::from_integer(15), true), "15");
        assert_eq!(format_num(&Num::new(-1, 3), false), "-0.33");
        assert!((num_to_f64_2dp(&Num::new(15, 7)) - 2.14).abs() < 1e-9);
    }

    #[test]
    fn amounts_for_people_group_thousands_and_carry_their_unit() {
        assert_eq!(format_grouped(&Num::from_integer(4730)), "4,730");
        assert_eq!(format_grouped(&Num::from_integer(999)), "999");
        assert_eq!(format_grouped(&Num::from_integer(-1_234_567)), "-1,234,567");
        assert_eq!(format_grouped(&Num::new(250_001, 2)), "125,000.50");
        assert_eq!(format_grouped(&Num::new(-1, 3)), "-0.33");
        assert_eq!(
            format_amount(&Num::from_integer(4730), "USD", "USD"),
            "$4,730"
        );
        assert_eq!(format_amount(&Num::from_integer(-50), "USD", "USD"), "-$50");
        assert_eq!(format_amount(&Num::new(1, 8), "%", "%"), "0.13%");
        assert_eq!(
            format_amount(&Num::from_integer(1), "people", "person"),
            "1 person"
        );
        assert_eq!(
            format_amount(&Num::from_integer(0), "people", "person"),
            "0 people"
        );
        assert_eq!(
            format_amount(&Num::from_integer(1585), "users", "user"),
            "1,585 users"
        );
    }
}
