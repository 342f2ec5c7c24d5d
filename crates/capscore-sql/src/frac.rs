//! Exact fractions in SQL: a numerator and a positive denominator, both whole
//! `DECIMAL(38,0)` expressions, so that a value, its points and a track's total are
//! compared and rounded exactly as the native engine's rationals are.

use capscore_catalog::Rounding;
use capscore_core::Num;

/// A fraction `n / d` of SQL expressions, `d > 0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Frac {
    pub n: String,
    pub d: String,
}

/// A whole number as a SQL decimal literal.
pub(crate) fn int(v: i128) -> String {
    if v < 0 {
        format!("(-{}BD)", v.unsigned_abs())
    } else {
        format!("{v}BD")
    }
}

const ONE: &str = "1BD";

impl Frac {
    /// A whole-number expression.
    pub(crate) fn whole(n: impl Into<String>) -> Frac {
        Frac {
            n: n.into(),
            d: ONE.to_string(),
        }
    }

    /// The fraction whose parts are the columns `{name}_n` and `{name}_d`.
    pub(crate) fn columns(name: &str) -> Frac {
        Frac {
            n: format!("{name}_n"),
            d: format!("{name}_d"),
        }
    }

    /// `self + other`.
    pub(crate) fn add(&self, other: &Frac) -> Frac {
        if self.d == other.d {
            return Frac {
                n: format!("({} + {})", self.n, other.n),
                d: self.d.clone(),
            };
        }
        let times = |a: &str, b: &str| {
            if b == ONE {
                a.to_string()
            } else if a == ONE {
                b.to_string()
            } else {
                format!("({a} * {b})")
            }
        };
        Frac {
            n: format!(
                "({} + {})",
                times(&self.n, &other.d),
                times(&other.n, &self.d)
            ),
            d: times(&self.d, &other.d),
        }
    }

    /// `self >= v` as a SQL condition.
    pub(crate) fn at_least(&self, v: Num) -> String {
        format!(
            "({} * {} >= {} * {})",
            self.n,
            int(*v.denom()),
            int(*v.numer()),
            self.d
        )
    }

    /// The value in hundredths, rounded half away from zero (a `BIGINT`).
    pub(crate) fn cents(&self) -> String {
        let (n, d) = (&self.n, &self.d);
        format!(
            "(CASE WHEN {n} >= 0BD THEN (200BD * {n} + {d}) div (2BD * {d}) \
             ELSE -((200BD * (-{n}) + {d}) div (2BD * {d})) END)"
        )
    }

    /// The value with 2 decimals, as `capscore score --format parquet` writes it.
    pub(crate) fn decimal2(&self) -> String {
        format!(
            "CAST(CAST({} AS DECIMAL(38,0)) / 100BD AS DECIMAL(38,2))",
            self.cents()
        )
    }
}

/// `max_points * min(value, target) / target`, and 0 when the value or the target is
/// not positive; rounded down to a whole number under [`Rounding::FloorWhole`]
/// (the native `metric_points`).
pub(crate) fn points(value: &Frac, target: Num, max_points: Num, rounding: Rounding) -> Frac {
    if target <= Num::from_integer(0) {
        return Frac::whole("0BD");
    }
    let (tn, td) = (int(*target.numer()), int(*target.denom()));
    let (mn, md) = (int(*max_points.numer()), int(*max_points.denom()));
    let (vn, vd) = (&value.n, &value.d);
    let exact = Frac {
        n: format!(
            "(CASE WHEN {vn} <= 0BD THEN 0BD WHEN {vn} * {td} < {tn} * {vd} \
             THEN {mn} * {vn} * {td} ELSE {mn} * {vd} * {tn} END)"
        ),
        d: format!("({md} * {vd} * {tn})"),
    };
    match rounding {
        Rounding::Exact => exact,
        Rounding::FloorWhole => Frac::whole(format!(
            "CAST({} div {} AS DECIMAL(38,0))",
            exact.n, exact.d
        )),
    }
}
