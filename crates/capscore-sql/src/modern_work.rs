//! The Microsoft 365 metric kinds (Modern Work): net customer adds in the track's
//! band, usage growth with the claim-month baseline, deployed services — the native
//! `m365` module, over `m365_usage`.

use capscore_catalog::{DeploymentUnit, MetricKind, MetricRules, OptionRule, TrackRules};
use capscore_core::{Month, Num};

use crate::frac::{Frac, int};
use crate::inputs::{date_lit, norm, text};
use crate::lit;
use crate::tracks::{Ctx, resolved};

/// Months before `m` a claim may start: the native `claim_month` walks back at most
/// this many months (to `m-11`; `m-12` is the year-ago month itself).
const CLAIM_WALK: i32 = 11;

/// Whether a kind reads `m365_usage`.
pub(crate) fn reads_m365(kind: MetricKind) -> bool {
    matches!(
        kind,
        MetricKind::M365NetCustomerAdds | MetricKind::M365UsageGrowth | MetricKind::M365Deployments
    )
}

/// `m365(tenant, wl, mon, paid, active)`: the rows of the area's eligible workloads
/// from `m-12` to `m`, and `m365_cover`, which stops the query when `m365_usage` has
/// rows but none in one of the months the metrics read.
pub(crate) fn usage(cx: &mut Ctx<'_, '_>) {
    let (m, y) = (cx.m, cx.m.year_ago());
    let mon = format!("substr({}, 1, 7)", text("u.`month`"));
    let whole = |c: &str| format!("CAST({} AS DECIMAL(38,0))", text(c));
    cx.ctes.push((
        "m365_all".into(),
        format!(
            "SELECT {tenant} AS tenant, {wl} AS wl, {mon} AS mon, {paid} AS paid, {active} AS active \
             FROM m365_usage u LEFT JOIN wmap w ON {name} = w.name WHERE {mon} BETWEEN {lo} AND {hi}",
            tenant = text("u.tenant_id"),
            wl = resolved("m365_usage", "u.workload"),
            paid = whole("u.paid_units"),
            active = whole("u.active_users"),
            name = norm("u.workload"),
            lo = lit(&y.to_string()),
            hi = lit(&m.to_string()),
        ),
    ));
    // The months read: m and m-12 for net customer adds (the band), every month from
    // m-12 for usage growth and deployments (claim months).
    let span = cx
        .area
        .tracks
        .iter()
        .flat_map(|t| &t.metrics)
        .any(|x| x.kind != MetricKind::M365NetCustomerAdds && reads_m365(x.kind));
    let months: Vec<Month> = if span {
        Month::range(y, m).collect()
    } else {
        vec![y, m]
    };
    let list = months
        .iter()
        .map(|x| lit(&x.to_string()))
        .collect::<Vec<_>>()
        .join(", ");
    cx.ctes.push((
        "m365_cover".into(),
        format!(
            "SELECT CASE WHEN COUNT(DISTINCT CASE WHEN mon IN ({list}) THEN mon END) = {n} OR COUNT(*) = 0 \
             THEN 1 ELSE raise_error('m365_usage does not cover every month the area reads ({what}): \
             the month cannot be scored') END AS m365_ok FROM (SELECT {mon} AS mon FROM m365_usage u)",
            n = months.len(),
            what = months
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ));
    // One row per (tenant, eligible workload): paid seats p{j} and active users a{j}
    // at m-j (NULL without a row), so that every metric reads the table once.
    let eligible = cx.in_workloads("wl", &cx.area.eligible_workloads);
    let cols: Vec<String> = (0..=12)
        .map(|j| {
            let x = lit(&m.offset(-j).to_string());
            format!(
                "MAX(CASE WHEN mon = {x} THEN paid END) AS p{j}, \
                 MAX(CASE WHEN mon = {x} THEN active END) AS a{j}"
            )
        })
        .collect();
    cx.ctes.push((
        "m365".into(),
        format!(
            "SELECT tenant, wl, {} FROM m365_all WHERE {eligible} GROUP BY tenant, wl",
            cols.join(", ")
        ),
    ));
}

/// The band of a track: `(join, in band at m, in band at m-12)` on the tenant column
/// `tenant`. A track without a band takes every tenant.
fn band(cx: &mut Ctx<'_, '_>, track: &TrackRules, k: usize, tenant: &str) -> [String; 3] {
    let Some(b) = track.band else {
        return [String::new(), "TRUE".into(), "TRUE".into()];
    };
    let name = format!("band_{}", track.id.as_deref().unwrap_or("all"));
    if !cx.ctes.iter().any(|(n, _)| *n == name) {
        let holds = |p: &str| {
            let upper = b.at_most.map_or_else(String::new, |v| {
                format!(" AND {p} <= {}", int(i128::from(v)))
            });
            format!(
                "MAX(CASE WHEN {p} > {}{upper} THEN 1 ELSE 0 END)",
                int(i128::from(b.above))
            )
        };
        cx.ctes.push((
            name.clone(),
            format!(
                "SELECT tenant, {} AS bm, {} AS by FROM m365 GROUP BY tenant",
                holds("p0"),
                holds("p12")
            ),
        ));
    }
    [
        format!(" LEFT JOIN {name} b{k} ON b{k}.tenant = {tenant}"),
        format!("b{k}.bm = 1"),
        format!("b{k}.by = 1"),
    ]
}

/// The value of one option of a Microsoft 365 metric, in `m{k}(partner, vn)`.
pub(crate) fn value(
    cx: &mut Ctx<'_, '_>,
    track: &TrackRules,
    metric: &MetricRules,
    option: &OptionRule,
    k: usize,
) -> Frac {
    let (m, y) = (cx.m, cx.m.year_ago());
    let name = format!("m{k}");
    let body = match metric.kind {
        MetricKind::M365NetCustomerAdds => {
            let kinds = cx.in_mask("kind", option.assoc);
            let eligible = format!(
                "({} OR (wl IS NULL AND sub IS NULL))",
                cx.in_workloads("wl", &cx.area.eligible_workloads)
            );
            let at = |x: Month, col: &str| {
                let last = date_lit(x.last_day());
                format!(
                    "MAX(CASE WHEN {kinds} AND {eligible} AND start_d <= {last} \
                     AND (end_d IS NULL OR end_d >= {last}) THEN 1 ELSE 0 END) AS {col}"
                )
            };
            cx.ctes.push((
                format!("{name}_t"),
                format!(
                    "SELECT partner, tenant, {}, {} FROM assoc_w GROUP BY partner, tenant",
                    at(m, "am"),
                    at(y, "ay")
                ),
            ));
            let [joins, bm, by] = band(cx, track, k, "t.tenant");
            format!(
                "SELECT t.partner, CAST(SUM(CASE WHEN t.am = 1 AND {bm} THEN 1 ELSE 0 END) \
                 - SUM(CASE WHEN t.ay = 1 AND {by} THEN 1 ELSE 0 END) AS DECIMAL(38,0)) AS vn \
                 FROM {name}_t t{joins} GROUP BY t.partner"
            )
        }
        MetricKind::M365UsageGrowth | MetricKind::M365Deployments => {
            // c{j}: covered at m-j, j = 0..=12.
            let months: Vec<Month> = (0..=12).map(|j| m.offset(-j)).collect();
            let kinds = cx.in_mask("a.kind", option.assoc);
            let cov = cx.coverage("m365", &kinds, &months);
            // The claim month m-ci: ci is the number of months just before m that are
            // covered without a break, at most CLAIM_WALK.
            let arms: String = (1..=CLAIM_WALK)
                .map(|j| format!(" WHEN c{j} = 0 THEN {}", j - 1))
                .collect();
            let at_claim = |col: &str| {
                let arms: String = (0..=CLAIM_WALK)
                    .map(|j| format!(" WHEN {j} THEN u.{col}{j}"))
                    .collect();
                format!("(CASE c.ci{arms} END)")
            };
            let (ba, bp) = (at_claim("a"), at_claim("p"));
            let [bands, bm, by] = band(cx, track, k, "c.tenant");
            let from = format!(
                "(SELECT *, CASE{arms} ELSE {CLAIM_WALK} END AS ci FROM {cov}) c \
                 JOIN m365 u ON u.tenant = c.tenant AND u.wl = c.wl{bands}"
            );
            let now = format!("u.a0 IS NOT NULL AND {bm} AND c.c0 = 1");
            let before = format!("u.a12 IS NOT NULL AND {by} AND c.c12 = 1");
            if metric.kind == MetricKind::M365UsageGrowth {
                format!(
                    "SELECT c.partner, CAST(SUM(CASE WHEN {now} THEN u.a0 - CASE WHEN c.c12 = 0 \
                     THEN COALESCE({ba}, 0BD) ELSE 0BD END ELSE 0BD END) \
                     - SUM(CASE WHEN {before} THEN u.a12 ELSE 0BD END) AS DECIMAL(38,0)) AS vn \
                     FROM {from} GROUP BY c.partner"
                )
            } else {
                let pct = metric
                    .active_percent
                    .unwrap_or_else(|| Num::from_integer(0));
                let deployed = |p: &str, a: &str| {
                    format!(
                        "({p} > 0BD AND {a} * {} >= {} * {p})",
                        int(100 * *pct.denom()),
                        int(*pct.numer())
                    )
                };
                let agg = match cx.snap.params.deployment_unit {
                    DeploymentUnit::Service => "SUM",
                    DeploymentUnit::Tenant => "MAX",
                };
                cx.ctes.push((
                    format!("{name}_t"),
                    format!(
                        "SELECT c.partner, c.tenant, \
                         {agg}(CASE WHEN {now} AND {dm} AND NOT (c.c12 = 0 AND {bp} IS NOT NULL AND {db}) \
                         THEN 1 ELSE 0 END) AS n_m, \
                         {agg}(CASE WHEN {before} AND {dy} THEN 1 ELSE 0 END) AS n_y \
                         FROM {from} GROUP BY c.partner, c.tenant",
                        dm = deployed("u.p0", "u.a0"),
                        db = deployed(&bp, &ba),
                        dy = deployed("u.p12", "u.a12"),
                    ),
                ));
                format!(
                    "SELECT partner, CAST(SUM(n_m) - SUM(n_y) AS DECIMAL(38,0)) AS vn \
                     FROM {name}_t GROUP BY partner"
                )
            }
        }
        other => format!(
            "SELECT id AS partner, raise_error({}) AS vn FROM roots",
            lit(&format!(
                "metric kind {other:?} is not a Microsoft 365 kind"
            ))
        ),
    };
    cx.ctes.push((name.clone(), body));
    Frac::whole(format!("{name}.vn"))
}
