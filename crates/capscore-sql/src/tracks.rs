//! Areas with tracks: every track evaluated (best-of areas) or the one the partner is
//! classified into (classified areas), each its own rows; metrics with several
//! association options take the option the native engine takes (the most points; on
//! a tie, the option listed first in the catalog).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use capscore_catalog::{
    AreaRules, Catalog, MetricKind, MetricRules, OptionRule, Snapshot, TrackRules, TrackSelection,
    WorkloadSet,
};
use capscore_core::{AssocMask, Month, Num, WorkloadId};

use crate::frac::{Frac, points};
use crate::inputs::{self, date_lit, norm};
use crate::{bizapps, lit, lits, metrics, modern_work};

/// Whether the generator can compute an area with named tracks; `Err` says what it
/// lacks.
pub(crate) fn supported(area: &AreaRules) -> Result<(), String> {
    if area.track_selection == TrackSelection::Classified && area.classification.is_none() {
        return Err("it is classified into a track without a classification rule".into());
    }
    for track in &area.tracks {
        for m in &track.metrics {
            let ok = matches!(
                m.kind,
                MetricKind::CertifiedPeople
                    | MetricKind::CertificationSteps
                    | MetricKind::M365NetCustomerAdds
                    | MetricKind::M365UsageGrowth
                    | MetricKind::M365Deployments
                    | MetricKind::BizappsNetCustomerAdds
                    | MetricKind::BizappsUsageGrowth
                    | MetricKind::BizappsDeployments
            );
            if !ok {
                return Err(format!(
                    "metric \"{}\" is of kind {:?}, which the generator does not know in an area with tracks",
                    m.id, m.kind
                ));
            }
        }
    }
    Ok(())
}

/// What the metric kinds of one query share: the common tables written so far and
/// the coverage tables already made (by their definition), so that two options or
/// two tracks counting the same associations read them once.
pub(crate) struct Ctx<'s, 'c> {
    pub snap: &'s Snapshot<'c>,
    pub area: &'s AreaRules,
    pub m: Month,
    pub ctes: Vec<(String, String)>,
    covs: BTreeMap<String, String>,
}

impl Ctx<'_, '_> {
    /// The catalog ids of a set of workloads, as a SQL list (`None` when empty).
    pub(crate) fn workload_ids(&self, set: &WorkloadSet) -> Option<String> {
        lits(set.iter().map(|w| self.workload_id(w)))
    }

    fn workload_id(&self, w: WorkloadId) -> &str {
        self.snap.catalog.workloads[w.index()].id.as_str()
    }

    /// `{col} IN (the workloads of set)`, `FALSE` for an empty set.
    pub(crate) fn in_workloads(&self, col: &str, set: &WorkloadSet) -> String {
        self.workload_ids(set)
            .map_or_else(|| "FALSE".to_string(), |l| format!("{col} IN ({l})"))
    }

    /// `{col} IN (the association types of mask)`, `FALSE` for an empty mask.
    pub(crate) fn in_mask(&self, col: &str, mask: AssocMask) -> String {
        lits(self.snap.catalog.mask_names(mask))
            .map_or_else(|| "FALSE".to_string(), |l| format!("{col} IN ({l})"))
    }

    /// The coverage table `cov_k(partner, tenant, wl, c0, c1, ...)`: for every
    /// (tenant, workload) of the usage table `usage` and every global account with an
    /// association for the tenant, `c{j}` is 1 when an association for which `kinds`
    /// holds (a condition on `a.kind` and `u.wl`), in force in `months[j]`, covers the
    /// workload (names it, or names neither a workload nor a subscription). The
    /// native `covers`.
    pub(crate) fn coverage(&mut self, usage: &str, kinds: &str, months: &[Month]) -> String {
        let flags: Vec<String> = months
            .iter()
            .enumerate()
            .map(|(j, x)| {
                let last = date_lit(x.last_day());
                format!(
                    "MAX(CASE WHEN a.partner IS NOT NULL AND a.start_d <= {last} \
                     AND (a.end_d IS NULL OR a.end_d >= {last}) THEN 1 ELSE 0 END) AS c{j}"
                )
            })
            .collect();
        let body = format!(
            "SELECT p.partner, p.tenant, u.wl, {} \
             FROM (SELECT DISTINCT partner, tenant FROM assoc_w) p \
             JOIN (SELECT DISTINCT tenant, wl FROM {usage}) u ON u.tenant = p.tenant \
             LEFT JOIN assoc_w a ON a.partner = p.partner AND a.tenant = p.tenant AND ({kinds}) \
             AND (a.wl = u.wl OR (a.wl IS NULL AND a.sub IS NULL)) \
             GROUP BY p.partner, p.tenant, u.wl",
            flags.join(", ")
        );
        if let Some(name) = self.covs.get(&body) {
            return name.clone();
        }
        let name = format!("cov_{}", self.covs.len());
        self.covs.insert(body.clone(), name.clone());
        self.ctes.push((name.clone(), body));
        name
    }
}

/// `wmap(name, id)`: every workload name the catalog knows (id, name, aliases),
/// normalised, and `assoc_w`: the associations with their workload resolved to the
/// catalog's id (`wl`, NULL for the whole tenant). An unknown workload stops the query.
fn workloads(catalog: &Catalog, out: &mut Vec<(String, String)>) {
    inputs::workloads(catalog, out);
    out.push((
        "assoc_w".into(),
        format!(
            "SELECT a.partner, a.tenant, a.kind, CASE WHEN a.workload IS NULL THEN NULL \
             WHEN w.id IS NULL THEN raise_error(concat('associations: unknown workload ', a.workload)) \
             ELSE w.id END AS wl, a.sub, a.start_d, a.end_d \
             FROM assoc_g a LEFT JOIN wmap w ON {} = w.name",
            norm("a.workload")
        ),
    ));
}

/// A workload column of a usage table resolved through `wmap` (`w` joined on it);
/// an unknown name stops the query.
pub(crate) fn resolved(table: &str, raw: &str) -> String {
    format!(
        "CASE WHEN w.id IS NULL THEN raise_error(concat('{table}: unknown workload ', \
         CAST({raw} AS STRING))) ELSE w.id END"
    )
}

/// Which tracks each partner is scored in: all, or the one it is classified into.
enum Selection {
    All,
    Classified,
}

/// The whole query for one area with named tracks.
pub(crate) fn query(snap: &Snapshot<'_>, area: &AreaRules, m: Month) -> String {
    let mut cx = Ctx {
        snap,
        area,
        m,
        ctes: Vec::new(),
        covs: BTreeMap::new(),
    };
    inputs::partners(&mut cx.ctes);
    inputs::associations(snap.catalog, &mut cx.ctes);
    workloads(snap.catalog, &mut cx.ctes);
    let kinds: Vec<MetricKind> = area
        .tracks
        .iter()
        .flat_map(|t| t.metrics.iter().map(|x| x.kind))
        .collect();
    let mut checks: Vec<&str> = Vec::new();
    if kinds.iter().any(|k| modern_work::reads_m365(*k)) {
        modern_work::usage(&mut cx);
        checks.push("m365_cover");
    }
    let selection = if let (TrackSelection::Classified, Some(c)) =
        (&area.track_selection, &area.classification)
    {
        bizapps::usage(&mut cx);
        bizapps::classify(&mut cx, c);
        Selection::Classified
    } else {
        if kinds.iter().any(|k| bizapps::reads_bizapps(*k)) {
            bizapps::usage(&mut cx);
        }
        Selection::All
    };
    if cx.ctes.iter().any(|(n, _)| n == "biz_cover") {
        checks.push("biz_cover");
    }
    if kinds.iter().any(|k| {
        matches!(
            k,
            MetricKind::CertifiedPeople | MetricKind::CertificationSteps
        )
    }) {
        inputs::certifications(snap.catalog, snap.date, &mut cx.ctes);
    }
    let mut next = 0usize;
    let mut selects = Vec::new();
    for (ti, track) in area.tracks.iter().enumerate() {
        selects.push(track_rows(
            &mut cx, track, ti, &mut next, &selection, &checks,
        ));
    }
    let mut sql = format!(
        "-- capscore: Spark SQL for area {} in {m}, catalog {} (rules in force on {}).\n\
         -- Generated from the catalog: edit the catalog, not this file.\nWITH\n",
        area.id, snap.catalog.version, snap.date
    );
    for (k, (name, body)) in cx.ctes.iter().enumerate() {
        let sep = if k + 1 == cx.ctes.len() { "" } else { "," };
        let _ = writeln!(sql, "{name} AS (\n  {body}\n){sep}");
    }
    sql.push_str(&selects.join("\nUNION ALL\n"));
    sql.push('\n');
    sql
}

/// The options whose values a metric compares: each association option, except for
/// the certification kinds, which compute one value (the native engine zips the
/// options with one outcome).
fn scored_options(metric: &MetricRules) -> &[OptionRule] {
    match metric.kind {
        MetricKind::CertifiedPeople | MetricKind::CertificationSteps => {
            &metric.options[..metric.options.len().min(1)]
        }
        _ => &metric.options,
    }
}

/// The value of one option of one metric, in the common table(s) it adds.
fn option_value(
    cx: &mut Ctx<'_, '_>,
    track: &TrackRules,
    metric: &MetricRules,
    option: &OptionRule,
    k: usize,
) -> Frac {
    match metric.kind {
        MetricKind::M365NetCustomerAdds
        | MetricKind::M365UsageGrowth
        | MetricKind::M365Deployments => modern_work::value(cx, track, metric, option, k),
        MetricKind::BizappsNetCustomerAdds
        | MetricKind::BizappsUsageGrowth
        | MetricKind::BizappsDeployments => bizapps::value(cx, metric, option, k),
        _ => metrics::metric_cte(cx.snap, metric, k, cx.m, None, &mut cx.ctes),
    }
}

/// `p_j` wins among `all`: more points than every option before it, at least as many
/// as every option after it (the first of the best).
fn wins(j: usize, all: &[Frac]) -> String {
    let gt = |a: &Frac, b: &Frac, strict: bool| {
        format!(
            "({} * {} {} {} * {})",
            a.n,
            b.d,
            if strict { ">" } else { ">=" },
            b.n,
            a.d
        )
    };
    let conds: Vec<String> = all
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != j)
        .map(|(i, o)| gt(&all[j], o, i < j))
        .collect();
    if conds.is_empty() {
        "TRUE".into()
    } else {
        conds.join(" AND ")
    }
}

/// The common tables of one track and the SELECT of its rows.
fn track_rows(
    cx: &mut Ctx<'_, '_>,
    track: &TrackRules,
    ti: usize,
    next: &mut usize,
    selection: &Selection,
    checks: &[&str],
) -> String {
    let params = cx.snap.params.clone();
    // Per metric, per option: the value (columns of w{ti}).
    let mut joins = String::new();
    let mut cols = Vec::new();
    for (i, metric) in track.metrics.iter().enumerate() {
        for (j, option) in scored_options(metric).iter().enumerate() {
            let k = *next;
            *next += 1;
            let v = option_value(cx, track, metric, option, k);
            let _ = write!(joins, " LEFT JOIN m{k} ON m{k}.partner = r.id");
            cols.push(format!("COALESCE({}, 0BD) AS v{i}_{j}_n", v.n));
            cols.push(format!("COALESCE({}, 1BD) AS v{i}_{j}_d", v.d));
        }
    }
    cx.ctes.push((
        format!("w{ti}"),
        format!(
            "SELECT r.id AS partner{} FROM roots r{joins}",
            cols.iter().map(|c| format!(", {c}")).collect::<String>()
        ),
    ));
    // Points of every option, then the option taken.
    let mut pcols = Vec::new();
    let mut chosen = Vec::new();
    for (i, metric) in track.metrics.iter().enumerate() {
        let opts = scored_options(metric);
        let pts: Vec<Frac> = opts
            .iter()
            .enumerate()
            .map(|(j, o)| {
                let p = points(
                    &Frac::columns(&format!("v{i}_{j}")),
                    o.target,
                    metric.max_points,
                    params.points_rounding,
                );
                pcols.push(format!("{} AS p{i}_{j}_n, {} AS p{i}_{j}_d", p.n, p.d));
                Frac::columns(&format!("p{i}_{j}"))
            })
            .collect();
        if opts.is_empty() {
            chosen.push(format!(
                "0BD AS v{i}_n, 1BD AS v{i}_d, 0BD AS p{i}_n, 1BD AS p{i}_d, \
                 CAST(NULL AS STRING) AS o{i}"
            ));
            continue;
        }
        let pick = |what: &dyn Fn(usize) -> String| {
            if opts.len() == 1 {
                return what(0);
            }
            let arms: String = (0..opts.len() - 1)
                .map(|j| format!(" WHEN {} THEN {}", wins(j, &pts), what(j)))
                .collect();
            format!("CASE{arms} ELSE {} END", what(opts.len() - 1))
        };
        let name = |j: usize| {
            opts[j]
                .name
                .as_deref()
                .map_or_else(|| "CAST(NULL AS STRING)".to_string(), lit)
        };
        chosen.push(format!(
            "{} AS v{i}_n, {} AS v{i}_d, {} AS p{i}_n, {} AS p{i}_d, {} AS o{i}",
            pick(&|j| format!("v{i}_{j}_n")),
            pick(&|j| format!("v{i}_{j}_d")),
            pick(&|j| format!("p{i}_{j}_n")),
            pick(&|j| format!("p{i}_{j}_d")),
            pick(&name),
        ));
    }
    cx.ctes.push((
        format!("wp{ti}"),
        format!("SELECT *, {} FROM w{ti}", pcols.join(", ")),
    ));
    cx.ctes.push((
        format!("wb{ti}"),
        format!("SELECT partner, {} FROM wp{ti}", chosen.join(", ")),
    ));
    let n = track.metrics.len();
    let total = (0..n)
        .map(|i| Frac::columns(&format!("p{i}")))
        .reduce(|a, b| a.add(&b))
        .unwrap_or_else(|| Frac::whole("0BD"));
    let mut conds = vec![total.at_least(params.qualifying_total_points)];
    conds
        .extend((0..n).map(|i| Frac::columns(&format!("p{i}")).at_least(params.min_metric_points)));
    cx.ctes.push((
        format!("wt{ti}"),
        format!(
            "SELECT *, {} AS t_n, {} AS t_d, ({}) AS qualified FROM wb{ti}",
            total.n,
            total.d,
            conds.join(" AND ")
        ),
    ));
    let track_id = track
        .id
        .as_deref()
        .map_or_else(|| "CAST(NULL AS STRING)".into(), lit);
    let mut from = format!("wt{ti}");
    if let Selection::Classified = selection {
        let _ = write!(
            from,
            " JOIN cls ON cls.partner = wt{ti}.partner AND cls.track = {track_id}"
        );
    }
    for c in checks {
        let _ = write!(from, " CROSS JOIN {c}");
    }
    let rows: Vec<String> = track
        .metrics
        .iter()
        .enumerate()
        .map(|(i, metric)| {
            format!(
                "named_struct('metric', {}, 'option', o{i}, 'value', {}, 'points', {})",
                lit(&metric.id),
                Frac::columns(&format!("v{i}")).decimal2(),
                Frac::columns(&format!("p{i}")).decimal2(),
            )
        })
        .collect();
    format!(
        "SELECT wt{ti}.partner AS partner_id, {area} AS area, {track_id} AS track, \
         x.metric, x.option, x.value, x.points, {t} AS track_total, qualified \
         FROM {from} LATERAL VIEW inline(array(\n  {rows})) x",
        area = lit(&cx.area.id),
        t = Frac::columns("t").decimal2(),
        rows = rows.join(",\n  "),
    )
}

/// A whole number times a rational, exactly: `Num` for thresholds scaled to the
/// query's units.
pub(crate) fn scaled(v: Num, by: i128) -> Num {
    v * Num::from_integer(by)
}
