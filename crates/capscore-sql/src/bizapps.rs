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
    let eligible = cx.in_workloads("b.wl", &cx.area.eligible_workloads);
    cx.ctes.push((
        "biz".into(),
        format!(
            "SELECT b.tenant, b.wl, b.mon, b.rev, CAST(b.units * COALESCE(r.r, 0BD) AS DECIMAL(38,0)) AS mcv \
             FROM biz_all b LEFT JOIN brate r ON r.wl = b.wl WHERE {eligible}"
        ),
    ));
}

/// The joins of the pair at `m` (`um`) and at `m-12` (`uy`) of coverage row `c`.
fn pair_joins(m: Month) -> String {
    format!(
        " LEFT JOIN biz um ON um.tenant = c.tenant AND um.wl = c.wl AND um.mon = {} \
         LEFT JOIN biz uy ON uy.tenant = c.tenant AND uy.wl = c.wl AND uy.mon = {}",
        lit(&m.to_string()),
        lit(&m.year_ago().to_string())
    )
}

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
             SUM(CASE WHEN um.tenant IS NOT NULL AND c.c0 = 1 AND {} THEN 1 ELSE 0 END) AS now, \
             SUM(CASE WHEN uy.tenant IS NOT NULL AND c.c1 = 1 AND {} THEN 1 ELSE 0 END) AS before \
             FROM {cov} c{} GROUP BY c.partner",
            above("um.rev", over),
            above("uy.rev", over),
            pair_joins(m)
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
    let kinds = match metric.kind {
        MetricKind::BizappsNetCustomerAdds => cx.in_mask("a.kind", option.assoc),
        _ => {
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
        }
    };
    let cov = cx.coverage("biz", &kinds, &[m, m.year_ago()]);
    let joins = pair_joins(m);
    let count = |pred: &dyn Fn(&str) -> String| {
        format!(
            "SELECT c.partner, CAST(SUM(CASE WHEN um.tenant IS NOT NULL AND c.c0 = 1 AND {} THEN 1 ELSE 0 END) \
             - SUM(CASE WHEN uy.tenant IS NOT NULL AND c.c1 = 1 AND {} THEN 1 ELSE 0 END) AS DECIMAL(38,0)) AS vn \
             FROM {cov} c{joins} GROUP BY c.partner",
            pred("um"),
            pred("uy")
        )
    };
    let body = match metric.kind {
        MetricKind::BizappsNetCustomerAdds => {
            let min = scaled(option.settings.get("min_revenue_usd"), NANO);
            count(&|u| Frac::whole(format!("{u}.rev")).at_least(min))
        }
        MetricKind::BizappsDeployments => {
            let min = scaled(option.settings.get("min_mcv"), unit);
            count(&|u| Frac::whole(format!("{u}.mcv")).at_least(min))
        }
        MetricKind::BizappsUsageGrowth => {
            let min = scaled(option.settings.get("min_baseline_mcv"), unit);
            cx.ctes.push((
                format!("{name}_s"),
                format!(
                    "SELECT c.partner, SUM(CASE WHEN um.tenant IS NOT NULL AND c.c0 = 1 THEN um.mcv ELSE 0BD END) AS now, \
                     SUM(CASE WHEN uy.tenant IS NOT NULL AND c.c1 = 1 THEN uy.mcv ELSE 0BD END) AS before \
                     FROM {cov} c{joins} GROUP BY c.partner"
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
