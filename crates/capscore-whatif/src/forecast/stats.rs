//! The statistics of the forecast: an ordinary least-squares line and its prediction
//! interval (Student's t quantile from the regularised incomplete beta function).

/// A straight line fitted by least squares on `(x, y)` points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// Value at `x = 0`.
    pub intercept: f64,
    /// Change per unit of `x` (per month).
    pub slope: f64,
    /// Number of points.
    pub n: usize,
    /// Mean of `x`.
    pub x_mean: f64,
    /// Sum of squared deviations of `x` from its mean.
    pub sxx: f64,
    /// Residual standard deviation, `sqrt(SSE / (n - 2))`.
    pub residual_sd: f64,
}

impl Line {
    /// Fits the line; `None` with fewer than 3 points or all `x` equal.
    #[must_use]
    pub fn fit(points: &[(f64, f64)]) -> Option<Line> {
        let n = points.len();
        if n < 3 {
            return None;
        }
        let nf = n as f64;
        let x_mean = points.iter().map(|p| p.0).sum::<f64>() / nf;
        let y_mean = points.iter().map(|p| p.1).sum::<f64>() / nf;
        let sxx: f64 = points.iter().map(|p| (p.0 - x_mean).powi(2)).sum();
        if sxx <= 0.0 {
            return None;
        }
        let sxy: f64 = points.iter().map(|p| (p.0 - x_mean) * (p.1 - y_mean)).sum();
        let slope = sxy / sxx;
        let intercept = y_mean - slope * x_mean;
        let sse: f64 = points
            .iter()
            .map(|p| (p.1 - intercept - slope * p.0).powi(2))
            .sum();
        Some(Line {
            intercept,
            slope,
            n,
            x_mean,
            sxx,
            residual_sd: (sse / (nf - 2.0)).sqrt(),
        })
    }

    /// The line's value at `x`.
    #[must_use]
    pub fn at(&self, x: f64) -> f64 {
        self.intercept + self.slope * x
    }

    /// Half the width of the two-sided prediction interval at `x` for a new
    /// observation, at confidence `level` (0.8: 80%):
    /// `t * s * sqrt(1 + 1/n + (x - x̄)² / Sxx)` with `t` the `(1 + level) / 2`
    /// quantile of Student's t with `n - 2` degrees of freedom.
    #[must_use]
    pub fn half_width(&self, x: f64, level: f64) -> f64 {
        let df = (self.n - 2) as f64;
        let t = t_quantile(f64::midpoint(1.0, level), df);
        let n = self.n as f64;
        t * self.residual_sd * (1.0 + 1.0 / n + (x - self.x_mean).powi(2) / self.sxx).sqrt()
    }
}

/// `ln Γ(x)` for `x > 0` (Lanczos approximation, g = 7, 9 terms).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Continued fraction of the incomplete beta function (modified Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        for coef in [aa, -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0))] {
            d = 1.0 + coef * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + coef / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// The regularised incomplete beta function `I_x(a, b)`.
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// `P(T <= t)` for Student's t with `df` degrees of freedom.
#[must_use]
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// The `p` quantile (`p` in `[0.5, 1)`) of Student's t with `df` degrees of freedom,
/// by bisection on [`t_cdf`].
#[must_use]
pub fn t_quantile(p: f64, df: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 1.0e6_f64);
    for _ in 0..200 {
        let mid = f64::midpoint(lo, hi);
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    f64::midpoint(lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        // 0.90 quantiles (two-sided 80%) from standard tables.
        for (df, want) in [(1.0, 3.078), (2.0, 1.886), (5.0, 1.476), (10.0, 1.372)] {
            let got = t_quantile(0.9, df);
            assert!((got - want).abs() < 1e-3, "df {df}: {got} vs {want}");
        }
        assert!((t_quantile(0.975, 30.0) - 2.042).abs() < 1e-3);
        assert!((t_cdf(0.0, 7.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn a_line_through_its_points_has_no_residual() {
        let pts: Vec<(f64, f64)> = (0..8)
            .map(|x| (f64::from(x), 3.0 + 2.0 * f64::from(x)))
            .collect();
        let l = Line::fit(&pts).unwrap();
        assert!((l.slope - 2.0).abs() < 1e-12 && (l.intercept - 3.0).abs() < 1e-12);
        assert!(l.residual_sd < 1e-9);
        assert!(l.half_width(20.0, 0.8) < 1e-6);
        assert!(Line::fit(&pts[..2]).is_none());
    }

    #[test]
    fn the_interval_widens_away_from_the_data() {
        let pts: Vec<(f64, f64)> = (0..10)
            .map(|x| {
                (
                    f64::from(x),
                    f64::from(x) + if x % 2 == 0 { 1.0 } else { -1.0 },
                )
            })
            .collect();
        let l = Line::fit(&pts).unwrap();
        assert!(l.residual_sd > 0.5);
        assert!(l.half_width(15.0, 0.8) > l.half_width(10.0, 0.8));
        assert!(l.half_width(10.0, 0.9) > l.half_width(10.0, 0.8));
    }
}
