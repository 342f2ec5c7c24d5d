//! One common table per metric (its exact value per global account), then points,
//! the track's total and qualification, and one output row per partner and metric.

use std::fmt::Write as _;

use capscore_catalog::{AreaRules, MetricKind, MetricRules, Snapshot, TrackRules};
use capscore_core::{AssocMask, Month, Num};

use crate::frac::{Frac, int, points};
use crate::inputs;
use crate::security::{self, is_security};
use crate::{lit, lits};

/// Billionths of a dollar: the unit of `acr` in the query.
const NANO: i128 = 1_000_000_000;

/// The whole query for one area without tracks.
pub(crate) fn query(snap: &Snapshot<'_>, area: &AreaRules, track: &TrackRules, m: Month) -> String {
    let mut ctes: Vec<(String, String)> = Vec::new();
    inputs::partners(&mut ctes);
    let uses_security = track.metrics.iter().any(|x| is_security(x.kind));
    let uses_azure = uses_security || track.metrics.iter().any(|x| is_azure(x.kind));
    let uses_certs = track
        .metrics
        .iter()
        .any(|x| !is_azure(x.kind) && !is_security(x.kind));
    if uses_azure {
        inputs::associations(snap.catalog, &mut ctes);
        // The months the Azure kinds read: m-13 (net customer adds) to m; Security
        // from the start of the TTM ending m-12.
        let from = if uses_security {
            security::first_azure_month(m)
        } else {
            m.offset(-13)
        };
        inputs::azure(area, (from, m), &mut ctes);
    }
    if uses_security {
        inputs::workloads(snap.catalog, &mut ctes);
        inputs::m365(snap.catalog, area, &security::m365_months(m), &mut ctes);
    }
    if uses_certs {
        inputs::certifications(snap.catalog, snap.date, &mut ctes);
    }
    let mut masks: Vec<AssocMask> = Vec::new();
    let mut values: Vec<Frac> = Vec::new();
    for (i, metric) in track.metrics.iter().enumerate() {
        if is_security(metric.kind) {
            values.push(security::metric_cte(
                snap, metric, i, m, &mut masks, &mut ctes,
            ));
            continue;
        }
        let cnt = metric.options.first().map(|o| {
            let at = masks.iter().position(|x| *x == o.assoc).unwrap_or_else(|| {
                masks.push(o.assoc);
                inputs::counted(
                    masks.len() - 1,
                    &snap.catalog.mask_names(o.assoc),
                    &mut ctes,
                );
                masks.len() - 1
            });
            format!("cnt_{at}")
        });
        values.push(metric_cte(snap, metric, i, m, cnt.as_deref(), &mut ctes));
    }
    let joins: String = (0..values.len())
        .map(|i| format!(" LEFT JOIN m{i} ON m{i}.partner = r.id"))
        .collect();
    let cols: Vec<String> = values
        .iter()
        .enumerate()
        .flat_map(|(i, v)| {
            [
                format!("COALESCE({}, 0BD) AS v{i}_n", v.n),
                format!("COALESCE({}, 1BD) AS v{i}_d", v.d),
            ]
        })
        .collect();
    ctes.push((
        "w".into(),
        format!(
            "SELECT r.id AS partner, {} FROM roots r{joins}",
            cols.join(", ")
        ),
    ));
    let params = &snap.params;
    let pts: Vec<Frac> = track
        .metrics
        .iter()
        .enumerate()
        .map(|(i, metric)| {
            let target = metric
                .options
                .first()
                .map_or_else(|| Num::from_integer(1), |o| o.target);
            points(
                &Frac::columns(&format!("v{i}")),
                target,
                metric.max_points,
                params.points_rounding,
            )
        })
        .collect();
    let pcols: Vec<String> = pts
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{} AS p{i}_n, {} AS p{i}_d", p.n, p.d))
        .collect();
    ctes.push((
        "wp".into(),
        format!("SELECT *, {} FROM w", pcols.join(", ")),
    ));
    let total = (0..pts.len())
        .map(|i| Frac::columns(&format!("p{i}")))
        .reduce(|a, b| a.add(&b))
        .unwrap_or_else(|| Frac::whole("0BD"));
    let mut conds = vec![total.at_least(params.qualifying_total_points)];
    conds.extend(
        (0..pts.len()).map(|i| Frac::columns(&format!("p{i}")).at_least(params.min_metric_points)),
    );
    ctes.push((
        "wt".into(),
        format!(
            "SELECT *, {} AS t_n, {} AS t_d, ({}) AS qualified FROM wp",
            total.n,
            total.d,
            conds.join(" AND ")
        ),
    ));
    let check = match (uses_azure, uses_security) {
        (_, true) => " CROSS JOIN az_cover CROSS JOIN m365_cover",
        (true, false) => " CROSS JOIN az_cover",
        (false, false) => "",
    };
    let rows: Vec<String> = track
        .metrics
        .iter()
        .enumerate()
        .map(|(i, metric)| {
            let option = metric
                .options
                .first()
                .and_then(|o| o.name.as_deref())
                .map_or_else(|| "CAST(NULL AS STRING)".to_string(), lit);
            format!(
                "named_struct('metric', {metric}, 'option', {option}, 'value', {v}, 'points', {p})",
                metric = lit(&metric.id),
                v = Frac::columns(&format!("v{i}")).decimal2(),
                p = Frac::columns(&format!("p{i}")).decimal2(),
            )
        })
        .collect();
    let select = format!(
        "SELECT partner AS partner_id, {area} AS area, CAST(NULL AS STRING) AS track, \
         x.metric, x.option, x.value, x.points, {t} AS track_total, qualified \
         FROM wt{check} LATERAL VIEW inline(array(\n  {rows})) x",
        area = lit(&area.id),
        t = Frac::columns("t").decimal2(),
        rows = rows.join(",\n  "),
    );
    let mut sql = format!(
        "-- capscore: Spark SQL for area {} in {m}, catalog {} (rules in force on {}).\n\
         -- Generated from the catalog: edit the catalog, not this file.\nWITH\n",
        area.id, snap.catalog.version, snap.date
    );
    for (k, (name, body)) in ctes.iter().enumerate() {
        let sep = if k + 1 == ctes.len() { "" } else { "," };
        let _ = writeln!(sql, "{name} AS (\n  {body}\n){sep}");
    }
    sql.push_str(&select);
    sql.push('\n');
    sql
}

fn is_azure(kind: MetricKind) -> bool {
    matches!(
        kind,
        MetricKind::AzureNetCustomerAdds
            | MetricKind::AzureUsageGrowth
            | MetricKind::AzureDeployments
    )
}

/// The common table `m{i}(partner, vn[, vd])` of one metric, and its value as a
/// fraction of its columns.
pub(crate) fn metric_cte(
    snap: &Snapshot<'_>,
    metric: &MetricRules,
    i: usize,
    m: Month,
    cnt: Option<&str>,
    out: &mut Vec<(String, String)>,
) -> Frac {
    let name = format!("m{i}");
    let whole = Frac::whole(format!("{name}.vn"));
    let cert_ids = |ids: &[capscore_core::CertId]| {
        lits(
            ids.iter()
                .map(|c| snap.catalog.certifications[c.index()].id.as_str()),
        )
        .map_or_else(|| "FALSE".to_string(), |l| format!("cert IN ({l})"))
    };
    let setting = |key: &str| {
        metric
            .options
            .first()
            .map_or_else(|| Num::from_integer(0), |o| o.settings.get(key))
    };
    let cnt = cnt.unwrap_or("cnt_0");
    let month = |x: Month| lit(&x.to_string());
    let body = match metric.kind {
        MetricKind::CertifiedPeople => format!(
            "SELECT partner, CAST(COUNT(DISTINCT person) AS DECIMAL(38,0)) AS vn FROM held \
             WHERE {} GROUP BY partner",
            cert_ids(&metric.certifications)
        ),
        MetricKind::CertificationSteps => {
            let mut joins = String::new();
            let mut met = vec!["TRUE".to_string()];
            let mut scoring = "0BD".to_string();
            for (j, step) in metric.steps.iter().enumerate() {
                let s = format!("{name}_s{j}");
                out.push((
                    s.clone(),
                    format!(
                        "SELECT partner, CAST(COUNT(DISTINCT person) AS DECIMAL(38,0)) AS n \
                         FROM held WHERE {} GROUP BY partner",
                        cert_ids(&step.certifications)
                    ),
                ));
                let _ = write!(joins, " LEFT JOIN {s} ON {s}.partner = r.id");
                if step.scoring {
                    scoring = format!("COALESCE({s}.n, 0BD)");
                } else {
                    met.push(format!(
                        "COALESCE({s}.n, 0BD) >= {}",
                        int(i128::from(step.min_people))
                    ));
                }
            }
            format!(
                "SELECT r.id AS partner, CASE WHEN {} THEN {scoring} ELSE 0BD END AS vn \
                 FROM roots r{joins}",
                met.join(" AND ")
            )
        }
        MetricKind::AzureNetCustomerAdds => {
            let min = setting("min_monthly_acr_usd") * Num::from_integer(NANO);
            let eligible = |a: &str, b: &str| {
                format!(
                    "CAST({} OR {} AS INT)",
                    Frac::whole(a).at_least(min),
                    Frac::whole(b).at_least(min)
                )
            };
            let sum = |x: Month, col: &str| {
                format!(
                    "SUM(CASE WHEN mon = {} THEN acr ELSE 0BD END) AS {col}",
                    month(x)
                )
            };
            out.push((
                format!("{name}_t"),
                format!(
                    "SELECT partner, tenant, {}, {}, {}, {} FROM {cnt} GROUP BY partner, tenant",
                    sum(m, "a0"),
                    sum(m.offset(-1), "a1"),
                    sum(m.year_ago(), "a12"),
                    sum(m.year_ago().offset(-1), "a13"),
                ),
            ));
            format!(
                "SELECT partner, CAST(SUM({} - {}) AS DECIMAL(38,0)) AS vn FROM {name}_t GROUP BY partner",
                eligible("a0", "a1"),
                eligible("a12", "a13")
            )
        }
        MetricKind::AzureUsageGrowth => {
            let min = setting("min_baseline_acr_usd") * Num::from_integer(NANO);
            let cut = format!(
                "(NOT {} OR before <= 0BD)",
                Frac::whole("before").at_least(min)
            );
            out.push((
                format!("{name}_s"),
                format!(
                    "SELECT partner, SUM(CASE WHEN mon = {} THEN acr ELSE 0BD END) AS now, \
                     SUM(CASE WHEN mon = {} THEN acr ELSE 0BD END) AS before FROM {cnt} GROUP BY partner",
                    month(m),
                    month(m.year_ago())
                ),
            ));
            out.push((
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
        MetricKind::AzureDeployments => {
            let excluded = lits(metric.excluded_services.iter().map(String::as_str))
                .map_or_else(String::new, |l| format!(" AND svc NOT IN ({l})"));
            format!(
                "SELECT partner, CAST(COUNT(*) AS DECIMAL(38,0)) AS vn FROM \
                 (SELECT partner, svc, SUM(acr) AS s FROM {cnt} WHERE mon BETWEEN {} AND {} \
                 GROUP BY partner, svc) WHERE s > 0BD{excluded} GROUP BY partner",
                month(m.ttm_start()),
                month(m)
            )
        }
        // `supported` admits no other kind; should one slip through, the query stops.
        other => format!(
            "SELECT id AS partner, raise_error({}) AS vn FROM roots",
            lit(&format!(
                "metric kind {other:?} is not covered by the Spark SQL"
            ))
        ),
    };
    out.push((name, body));
    whole
}
