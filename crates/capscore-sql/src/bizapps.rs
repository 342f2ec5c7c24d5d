//! The Business Applications kinds: (tenant, workload) pairs of `bizapps_usage`,
//! revenue for net customer adds and the classification into a track, monthly
//! consumption value (MCV = units × the catalog's rate) for usage growth and
//! deployments — the native `bizapps` module.
//!
//! Amounts are whole billionths (revenue) and MCV is carried as whole multiples of
//! `1 / (10⁹ × L)` dollars, `L` the least common multiple of the rates' denominators,
//! so sums and comparisons stay exact.

use capscore_catalog::{AreaRules, Classification, MetricKind, MetricRules, OptionRule};
use capscore_core::{Month, Num};

use crate::frac::{Frac, int};
use crate::inputs::{norm, text};
use crate::lit;
use crate::tracks::{Ctx, resolved, scaled};

/// Billionths of a dollar: the unit of revenue in the query.
const NANO: i128 = 1_000_000_000;

/// Whether a kind reads `bizapps_usage`.
pub(crate) fn reads_bizapps(kind: MetricKind) -> bool {
    matches!(
        kind,
        MetricKind::BizappsNetCustomerAdds
            | MetricKind::BizappsUsageGrowth
            | MetricKind::BizappsDeployments
    )
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

/// `L`: the least common multiple of the denominators of the area's MCV rates.
fn rate_scale(area: &AreaRules) -> i128 {
    area.mcv_rate.iter().flatten().fold(1, |l, r| {
        let d = *r.denom();
        l / gcd(l, d) * d
    })
}

/// The unit of MCV in the query, in dollars⁻¹.
fn mcv_unit(area: &AreaRules) -> i128 {
    NANO * rate_scale(area)
}

/// `biz(tenant, wl, mon, rev, mcv)`: the rows of the area's eligible workloads at `m`
/// and `m-12`, and `biz_cover`, which stops the query when `bizapps_usage` has rows
/// but none in one of those months.
pub(crate) fn usage(cx: &mut Ctx<'_, '_>) {
    if cx.ctes.iter().any(|(n, _)| n == "biz") {
        return;
    }
    let (m, y) = (cx.m, cx.m.year_ago());
    let mon = format!("substr({}, 1, 7)", text("u.`month`"));
    let nano = |c: &str| {
        format!(
            "CAST(COALESCE(CAST({} AS DECIMAL(38,9)), 0BD) * {NANO}BD AS DECIMAL(38,0))",
            text(c)
        )
    };
    let months = format!("{}, {}", lit(&y.to_string()), lit(&m.to_string()));
    cx.ctes.push((
        "biz_all".into(),
        format!(
            "SELECT {tenant} AS tenant, {wl} AS wl, {mon} AS mon, {rev} AS rev, {units} AS units \
             FROM bizapps_usage u LEFT JOIN wmap w ON {name} = w.name WHERE {mon} IN ({months})",
            tenant = text("u.tenant_id"),
            wl = resolved("bizapps_usage", "u.workload"),
            rev = nano("u.revenue_usd"),
            units = nano("u.units"),
            name = norm("u.workload"),
        ),
    ));
    cx.ctes.push((
        "biz_cover".into(),
        format!(
            "SELECT CASE WHEN COUNT(DISTINCT CASE WHEN mon IN ({months}) THEN mon END) = 2 OR COUNT(*) = 0 \
             THEN 1 ELSE raise_error('bizapps_usage does not cover {y} and {m}: the month cannot be scored') \
             END AS biz_ok FROM (SELECT {mon} AS mon FROM bizapps_usage u)"
        ),
    ));
    let l = rate_scale(cx.area);
    let rates: Vec<String> = cx
        .area
        .mcv_rate
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let r = (*r)?;
            let whole = r * Num::from_integer(l);
            Some(format!(
                "({}, {})",
                lit(&cx.snap.catalog.workloads[i].id),
                int(whole.to_integer())
            ))
        })
        .collect();
    let rate = if rates.is_empty() {
        "SELECT CAST(NULL AS STRING) AS wl, 0BD AS r".to_string()
    } else {
        format!("SELECT * FROM VALUES {} AS t(wl, r)", rates.join(", "))
    };
    cx.ctes.push(("brate".into(), rate));
    // One row per (tenant, eligible workload): revenue r0 and MCV v0 at m, r1 and v1
    // at m-12 (NULL without a row).
    let eligible = cx.in_workloads("b.wl", &cx.area.eligible_workloads);
    let at = |x: Month, e: &str| {
        format!(
            "MAX(CASE WHEN b.mon = {} THEN {e} END)",
            lit(&x.to_string())
        )
    };
    let mcv = "CAST(b.units * COALESCE(r.r, 0BD) AS DECIMAL(38,0))";
    cx.ctes.push((
        "biz".into(),
        format!(
            "SELECT b.tenant, b.wl, {} AS r0, {} AS r1, {} AS v0, {} AS v1 \
             FROM biz_all b LEFT JOIN brate r ON r.wl = b.wl WHERE {eligible} GROUP BY b.tenant, b.wl",
            at(m, "b.rev"),
            at(y, "b.rev"),
            at(m, mcv),
            at(y, mcv),
        ),
    ));
}

/// The join of the pairs of coverage row `c`: `u.r0`, `u.v0` at `m`, `u.r1`, `u.v1`
/// at `m-12`.
const PAIRS: &str = " JOIN biz u ON u.tenant = c.tenant AND u.wl = c.wl";

/// `col > v` for a whole column and an exact threshold.
fn above(col: &str, v: Num) -> String {
    format!("({col} * {} > {})", int(*v.denom()), int(*v.numer()))
}

/// `cls(partner, track)`: the track each global account is classified into — the
/// classification's track when it has at least `min_pairs` covered pairs with
/// revenue over the threshold at both `m` and `m-12`, the other one otherwise.
pub(crate) fn classify(cx: &mut Ctx<'_, '_>, c: &Classification) {
    let m = cx.m;
    let kinds = cx.in_mask("a.kind", c.assoc);
    let cov = cx.coverage("biz", &kinds, &[m, m.year_ago()]);
    let over = scaled(c.revenue_above, NANO);
    cx.ctes.push((
        "cls_n".into(),
        format!(
            "SELECT c.partner, \
             SUM(CASE WHEN u.r0 IS NOT NULL AND c.c0 = 1 AND {} THEN 1 ELSE 0 END) AS now, \
             SUM(CASE WHEN u.r1 IS NOT NULL AND c.c1 = 1 AND {} THEN 1 ELSE 0 END) AS before \
             FROM {cov} c{PAIRS} GROUP BY c.partner",
            above("u.r0", over),
            above("u.r1", over),
        ),
    ));
    let min = int(i128::from(c.min_pairs));
    cx.ctes.push((
        "cls".into(),
        format!(
            "SELECT r.id AS partner, CASE WHEN COALESCE(n.now, 0) >= {min} AND COALESCE(n.before, 0) >= {min} \
             THEN {} ELSE {} END AS track FROM roots r LEFT JOIN cls_n n ON n.partner = r.id",
            lit(&c.track),
            lit(&c.otherwise)
        ),
    ));
}

/// The value of one option of a Business Applications metric, in `m{k}`.
pub(crate) fn value(
    cx: &mut Ctx<'_, '_>,
    metric: &MetricRules,
    option: &OptionRule,
    k: usize,
) -> Frac {
    let m = cx.m;
    let name = format!("m{k}");
    let unit = mcv_unit(cx.area);
    let kinds = if metric.kind == MetricKind::BizappsNetCustomerAdds {
        cx.in_mask("a.kind", option.assoc)
    } else {
        // The workload decides the associations that count (the scope it is in).
        let scopes: Vec<String> = metric
            .scopes
            .iter()
            .map(|s| {
                format!(
                    "({} AND {})",
                    cx.in_workloads("u.wl", &s.workloads),
                    cx.in_mask("a.kind", s.assoc)
                )
            })
            .collect();
        if scopes.is_empty() {
            "FALSE".into()
        } else {
            scopes.join(" OR ")
        }
    };
    let cov = cx.coverage("biz", &kinds, &[m, m.year_ago()]);
    // `pred(col)` on the pair's column at m (`…0`) and at m-12 (`…1`).
    let count = |col: &str, pred: &dyn Fn(&str) -> String| {
        format!(
            "SELECT c.partner, CAST(SUM(CASE WHEN u.{col}0 IS NOT NULL AND c.c0 = 1 AND {} THEN 1 ELSE 0 END) \
             - SUM(CASE WHEN u.{col}1 IS NOT NULL AND c.c1 = 1 AND {} THEN 1 ELSE 0 END) AS DECIMAL(38,0)) AS vn \
             FROM {cov} c{PAIRS} GROUP BY c.partner",
            pred(&format!("u.{col}0")),
            pred(&format!("u.{col}1"))
        )
    };
    let body = match metric.kind {
        MetricKind::BizappsNetCustomerAdds => {
            let min = scaled(option.settings.get("min_revenue_usd"), NANO);
            count("r", &|x| Frac::whole(x).at_least(min))
        }
        MetricKind::BizappsDeployments => {
            let min = scaled(option.settings.get("min_mcv"), unit);
            count("v", &|x| Frac::whole(x).at_least(min))
        }
        MetricKind::BizappsUsageGrowth => {
            let min = scaled(option.settings.get("min_baseline_mcv"), unit);
            cx.ctes.push((
                format!("{name}_s"),
                format!(
                    "SELECT c.partner, SUM(CASE WHEN c.c0 = 1 THEN COALESCE(u.v0, 0BD) ELSE 0BD END) AS now, \
                     SUM(CASE WHEN c.c1 = 1 THEN COALESCE(u.v1, 0BD) ELSE 0BD END) AS before \
                     FROM {cov} c{PAIRS} GROUP BY c.partner"
                ),
            ));
            let cut = format!(
                "(NOT {} OR before <= 0BD)",
                Frac::whole("before").at_least(min)
            );
            cx.ctes.push((
                name.clone(),
                format!(
                    "SELECT partner, CASE WHEN {cut} THEN 0BD ELSE 100BD * (now - before) END AS vn, \
                     CASE WHEN {cut} THEN 1BD ELSE before END AS vd FROM {name}_s"
                ),
            ));
            return Frac {
                n: format!("{name}.vn"),
                d: format!("{name}.vd"),
            };
        }
        other => format!(
            "SELECT id AS partner, raise_error({}) AS vn FROM roots",
            lit(&format!(
                "metric kind {other:?} is not a Business Applications kind"
            ))
        ),
    };
    cx.ctes.push((name.clone(), body));
    Frac::whole(format!("{name}.vn"))
}
