//! The Security metric kinds: two sources computed separately and added before the
//! metric's cap, as the native engine's `security.rs` does.
//!
//! - Azure: the area's services and offers (the `az` rows), attributed through the
//!   metric's Azure association types (`cnt_{k}`, the rows of the Azure areas);
//! - Microsoft 365: rows of the area's workloads (`m365`) covered, in the row's month,
//!   by an association of the metric's Microsoft 365 types naming that workload or the
//!   whole tenant (no workload, no subscription).
//!
//! Net customer adds and deployments count tenants at `m` minus at `m-12`: an Azure
//! tenant over a TTM ACR (the twelve months ending `m`, and ending `m-12`), a Microsoft
//! 365 tenant with a covered row over a number of paid seats (deployments: with a share
//! of them active). Usage growth is in points: attributed ACR at `m` minus at `m-12`
//! per dollar amount, plus active users of covered rows with paid seats at `m` minus
//! at `m-12` per number of users.

use capscore_catalog::{MetricKind, MetricRules, Snapshot};
use capscore_core::{AssocMask, Month, Num};

use crate::frac::{Frac, int};
use crate::inputs::{self, norm};
use crate::lit;

/// Billionths of a dollar: the unit of `acr` in the query.
const NANO: i128 = 1_000_000_000;

/// Whether a metric kind is one of Security's (Azure and Microsoft 365 sources).
pub(crate) fn is_security(kind: MetricKind) -> bool {
    matches!(
        kind,
        MetricKind::SecurityNetCustomerAdds
            | MetricKind::SecurityUsageGrowth
            | MetricKind::SecurityDeployments
    )
}

/// The first Azure month the Security kinds read: the start of the TTM ending `m-12`.
pub(crate) fn first_azure_month(m: Month) -> Month {
    m.year_ago().ttm_start()
}

/// The Microsoft 365 months the Security kinds read: `m-12` and `m`.
pub(crate) fn m365_months(m: Month) -> Vec<Month> {
    vec![m.year_ago(), m]
}

fn has(out: &[(String, String)], name: &str) -> bool {
    out.iter().any(|(n, _)| n == name)
}

/// `sec_az{bits}(partner, tenant, t0, t12, a0, a12)`: for every tenant of a global
/// account's associations, the ACR attributed through `mask` over the TTM ending `m`
/// and ending `m-12`, and in the months `m` and `m-12` (billionths of a dollar).
fn azure_sums(
    snap: &Snapshot<'_>,
    mask: AssocMask,
    m: Month,
    masks: &mut Vec<AssocMask>,
    out: &mut Vec<(String, String)>,
) -> String {
    let k = masks.iter().position(|x| *x == mask).unwrap_or_else(|| {
        masks.push(mask);
        inputs::counted(masks.len() - 1, &snap.catalog.mask_names(mask), out);
        masks.len() - 1
    });
    let name = format!("sec_az{}", mask.0);
    if has(out, &name) {
        return name;
    }
    let y = m.year_ago();
    let span = |from: Month, to: Month, col: &str| {
        format!(
            "SUM(CASE WHEN mon BETWEEN {} AND {} THEN acr ELSE 0BD END) AS {col}",
            lit(&from.to_string()),
            lit(&to.to_string())
        )
    };
    out.push((
        name.clone(),
        format!(
            "SELECT pt.partner, pt.tenant, COALESCE(s.t0, 0BD) AS t0, COALESCE(s.t12, 0BD) AS t12, \
             COALESCE(s.a0, 0BD) AS a0, COALESCE(s.a12, 0BD) AS a12 \
             FROM (SELECT DISTINCT partner, tenant FROM assoc_g) pt LEFT JOIN \
             (SELECT partner, tenant, {}, {}, {}, {} FROM cnt_{k} GROUP BY partner, tenant) s \
             ON s.partner = pt.partner AND s.tenant = pt.tenant",
            span(m.ttm_start(), m, "t0"),
            span(y.ttm_start(), y, "t12"),
            span(m, m, "a0"),
            span(y, y, "a12"),
        ),
    ));
    name
}

/// `sec_m{bits}(partner, tenant, workload, mon, paid, active)`: the Microsoft 365 rows
/// of the area's workloads a global account is credited with through `mask` (an
/// association of such a type naming the row's workload or the whole tenant, in force
/// on the last day of the row's month). A row counts once.
fn m365_rows(snap: &Snapshot<'_>, mask: AssocMask, out: &mut Vec<(String, String)>) -> String {
    if !has(out, "assoc_w") {
        out.push((
            "assoc_w".into(),
            format!(
                "SELECT a.*, CASE WHEN a.workload IS NULL THEN NULL WHEN w.id IS NULL THEN \
                 raise_error(concat('associations: unknown workload ', a.workload)) ELSE w.id END AS wid \
                 FROM assoc_g a LEFT JOIN wmap w ON {} = w.name",
                norm("a.workload")
            ),
        ));
    }
    let name = format!("sec_m{}", mask.0);
    if has(out, &name) {
        return name;
    }
    let kinds = crate::lits(snap.catalog.mask_names(mask))
        .map_or_else(|| "FALSE".to_string(), |l| format!("a.kind IN ({l})"));
    out.push((
        name.clone(),
        format!(
            "SELECT x.partner, x.tenant, x.workload, x.mon, x.paid, x.active FROM \
             (SELECT pt.partner, u.* FROM m365 u JOIN (SELECT DISTINCT partner, tenant FROM assoc_g) pt \
             ON u.tenant = pt.tenant) x \
             LEFT SEMI JOIN assoc_w a ON a.partner = x.partner AND a.tenant = x.tenant AND {kinds} \
             AND (a.wid = x.workload OR (a.workload IS NULL AND a.sub IS NULL)) \
             AND a.start_d <= last_day(CAST(concat(x.mon, '-01') AS DATE)) \
             AND (a.end_d IS NULL OR a.end_d >= last_day(CAST(concat(x.mon, '-01') AS DATE)))"
        ),
    ));
    name
}

/// `x >= v` for a whole-number expression.
fn whole_at_least(x: &str, v: Num) -> String {
    Frac::whole(x).at_least(v)
}

/// The common table `m{i}(partner, vn)` of one Security metric, and its value as a
/// fraction (the denominator is a constant).
pub(crate) fn metric_cte(
    snap: &Snapshot<'_>,
    metric: &MetricRules,
    i: usize,
    m: Month,
    masks: &mut Vec<AssocMask>,
    out: &mut Vec<(String, String)>,
) -> Frac {
    let name = format!("m{i}");
    let setting = |key: &str| {
        metric
            .options
            .first()
            .map_or_else(|| Num::from_integer(0), |o| o.settings.get(key))
    };
    let az = azure_sums(snap, metric.azure_assoc, m, masks, out);
    let mw = m365_rows(snap, metric.m365_assoc, out);
    let (now, before) = (lit(&m.to_string()), lit(&m.year_ago().to_string()));
    // Tenants at `m` minus at `m-12`: Azure over a TTM ACR, Microsoft 365 with a
    // covered row for which `row` holds.
    let tenants = |min_acr: Num, row: String, out: &mut Vec<(String, String)>| {
        let min = min_acr * Num::from_integer(NANO);
        out.push((
            format!("{name}_a"),
            format!(
                "SELECT partner, CAST(SUM(CAST({} AS INT) - CAST({} AS INT)) AS DECIMAL(38,0)) AS n \
                 FROM {az} GROUP BY partner",
                whole_at_least("t0", min),
                whole_at_least("t12", min)
            ),
        ));
        out.push((
            format!("{name}_b"),
            format!(
                "SELECT partner, CAST(COUNT(DISTINCT CASE WHEN mon = {now} AND {row} THEN tenant END) \
                 - COUNT(DISTINCT CASE WHEN mon = {before} AND {row} THEN tenant END) AS DECIMAL(38,0)) AS n \
                 FROM {mw} GROUP BY partner"
            ),
        ));
        format!(
            "SELECT r.id AS partner, COALESCE(a.n, 0BD) + COALESCE(b.n, 0BD) AS vn FROM roots r \
             LEFT JOIN {name}_a a ON a.partner = r.id LEFT JOIN {name}_b b ON b.partner = r.id"
        )
    };
    let (body, d) = match metric.kind {
        MetricKind::SecurityNetCustomerAdds => (
            tenants(
                setting("azure_min_ttm_acr_usd"),
                whole_at_least("paid", setting("m365_min_paid_units")),
                out,
            ),
            "1BD".to_string(),
        ),
        MetricKind::SecurityDeployments => {
            let pct = setting("m365_active_percent_at_least");
            let row = format!(
                "{} AND (active * {} >= {} * paid)",
                whole_at_least("paid", setting("m365_min_paid_units")),
                int(100 * *pct.denom()),
                int(*pct.numer())
            );
            (
                tenants(setting("azure_min_ttm_acr_usd"), row, out),
                "1BD".to_string(),
            )
        }
        MetricKind::SecurityUsageGrowth => {
            // ACR growth / usd + protected users growth / users, each part 0 when its
            // divisor is not positive; over the common denominator `d`.
            let (usd, users) = (
                setting("azure_usd_per_point"),
                setting("m365_users_per_point"),
            );
            let zero = Num::from_integer(0);
            // azure = acr · usd.d / (NANO · usd.n); m365 = users · users.d / users.n
            let (az_n, az_d) = if usd > zero {
                (*usd.denom(), NANO * *usd.numer())
            } else {
                (0, 1)
            };
            let (mw_n, mw_d) = if users > zero {
                (*users.denom(), *users.numer())
            } else {
                (0, 1)
            };
            out.push((
                format!("{name}_a"),
                format!("SELECT partner, SUM(a0) - SUM(a12) AS n FROM {az} GROUP BY partner"),
            ));
            out.push((
                format!("{name}_b"),
                format!(
                    "SELECT partner, CAST(SUM(CASE WHEN mon = {now} AND paid > 0 THEN active ELSE 0 END) \
                     - SUM(CASE WHEN mon = {before} AND paid > 0 THEN active ELSE 0 END) AS DECIMAL(38,0)) AS n \
                     FROM {mw} GROUP BY partner"
                ),
            ));
            (
                format!(
                    "SELECT r.id AS partner, COALESCE(a.n, 0BD) * {} + COALESCE(b.n, 0BD) * {} AS vn \
                     FROM roots r LEFT JOIN {name}_a a ON a.partner = r.id \
                     LEFT JOIN {name}_b b ON b.partner = r.id",
                    int(az_n * mw_d),
                    int(mw_n * az_d)
                ),
                int(az_d * mw_d),
            )
        }
        // `is_security` admits no other kind; should one slip through, the query stops.
        other => (
            format!(
                "SELECT id AS partner, raise_error({}) AS vn FROM roots",
                lit(&format!("metric kind {other:?} is not a Security kind"))
            ),
            "1BD".to_string(),
        ),
    };
    out.push((name.clone(), body));
    Frac {
        n: format!("{name}.vn"),
        d,
    }
}
