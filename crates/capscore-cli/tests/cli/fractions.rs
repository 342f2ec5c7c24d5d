//! Exact fractions as the JSON writes them (`"1253/15"`), for tests that add up
//! contributions and changes exactly.

use serde_json::Value;

/// An exact fraction as written in `*_exact` fields, as (numerator, denominator).
pub(crate) fn frac(v: &Value) -> (i128, i128) {
    let s = v.as_str().unwrap();
    match s.split_once('/') {
        Some((n, d)) => (n.parse().unwrap(), d.parse().unwrap()),
        None => (s.parse().unwrap(), 1),
    }
}

pub(crate) fn add((a, b): (i128, i128), (c, d): (i128, i128)) -> (i128, i128) {
    let (n, m) = (a * d + c * b, b * d);
    let g = gcd(n.abs(), m);
    (n / g, m / g)
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

pub(crate) fn sub(a: (i128, i128), (c, d): (i128, i128)) -> (i128, i128) {
    add(a, (-c, d))
}
