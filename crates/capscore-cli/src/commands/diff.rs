//! `capscore diff`: each metric's change between two months, attributed to the
//! contributions that moved (the logic is `capscore_whatif::diff`).

use std::fmt::Write as _;

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_core::{Num, format_num};
use capscore_engine::EngineError;
use capscore_whatif::diff::{ChangeKind, Diff, DiffError, DiffRequest, MetricDiff, Mover, diff};

use super::{emit, load_data, stream, with_spinner};
use crate::args::{DiffArgs, Format};
use crate::exit::Failure;
use crate::render::{clean, io_error, metric_amount, metric_name, partner_heading, points};
use crate::render_explain::to_json;

/// Changes shown per metric without `--all`.
const TOP: usize = 20;

pub(super) fn run(catalog: &Catalog, args: &DiffArgs) -> Result<(), Failure> {
    let loaded = load_data(&args.data, catalog)?;
    let data = &loaded.dataset;
    let source = args.data.display().to_string();
    let partner = data.partners.find(args.partner.trim()).ok_or_else(|| {
        Failure::Input(anyhow!(
            "partner \"{}\" is not in the partners table of {source}",
            args.partner
        ))
    })?;
    let request = DiffRequest {
        partner,
        from: args.from,
        to: args.to,
        areas: (!args.areas.is_empty()).then(|| args.areas.clone()),
    };
    let d = with_spinner(format!("comparing {} and {}", args.from, args.to), || {
        diff(data, catalog, &request)
    })
    .map_err(|e| match e {
        DiffError::Engine(e @ EngineError::NotCovered(_)) => Failure::Input(anyhow!(
            "{e}\ngive --from and --to in those months, or fewer areas (--area)"
        )),
        DiffError::Engine(e) => Failure::Input(anyhow!(e)),
        e @ DiffError::Order { .. } => Failure::Input(anyhow!(e)),
    })?;
    if args.format != Format::Table {
        for w in &loaded.warnings {
            eprintln!("warning: {w}");
        }
    }
    match args.format {
        Format::Table => emit(&table(&d, catalog, args.all)),
        Format::Json => stream(|out| to_json(&d, out)),
        Format::Csv => stream(|out| csv(&d, out)),
    }
}

fn signed(v: &Num) -> String {
    let s = format_num(v, true);
    if *v > Num::from_integer(0) {
        format!("+{s}")
    } else {
        s
    }
}

/// What a change is about, in names.
fn subject(m: &Mover, catalog: &Catalog) -> String {
    let s = &m.subject;
    let mut parts = Vec::new();
    if let Some(t) = &s.tenant {
        parts.push(match &s.tenant_name {
            Some(n) => format!("{} ({})", clean(n), clean(t)),
            None => clean(t).into_owned(),
        });
    }
    if let Some(w) = &s.workload {
        parts.push(
            catalog
                .workloads
                .iter()
                .find(|x| &x.id == w)
                .map_or_else(|| w.clone(), |x| x.name.clone()),
        );
    }
    if let Some(x) = &s.subscription {
        parts.push(format!("subscription {}", clean(x)));
    }
    if let Some(x) = &s.service {
        parts.push(clean(x).into_owned());
    }
    if let Some(x) = &s.offer {
        parts.push(format!("offer {}", clean(x)));
    }
    if let Some(x) = &s.person {
        parts.push(format!("person {}", clean(x)));
    }
    if let Some(x) = &s.certification {
        parts.push(x.clone());
    }
    if let Some(x) = &s.rule {
        parts.push(format!("rule {x}"));
    }
    parts.join(" · ")
}

fn metric_block(
    o: &mut String,
    catalog: &Catalog,
    d: &Diff,
    area: &str,
    m: &MetricDiff,
    all: bool,
) {
    let amount = |v: &Num| metric_amount(catalog, area, &m.metric, v);
    let _ = writeln!(
        o,
        "    {}: {} → {} ({}); {} → {} of {} ({})",
        metric_name(catalog, area, &m.metric),
        amount(&m.value_from_exact),
        amount(&m.value_to_exact),
        signed(&m.change_exact),
        format_num(&m.points_from, false),
        format_num(&m.points_to, false),
        points(&m.max_points),
        signed(&m.points_change_exact),
    );
    if m.option_from != m.option_to {
        let _ = writeln!(
            o,
            "      counting option {} → {}",
            m.option_from.as_deref().unwrap_or("none"),
            m.option_to.as_deref().unwrap_or("none")
        );
    }
    let shown = if all { m.movers.len() } else { TOP };
    for mv in m.movers.iter().take(shown) {
        // The reason comes from the month the contribution is absent from.
        let absent = if mv.kind == ChangeKind::Appeared {
            d.from
        } else {
            d.to
        };
        let why = mv
            .reason
            .map_or_else(String::new, |r| format!(" (in {absent}: {})", r.describe()));
        let _ = writeln!(
            o,
            "      {:>10}  {:<9}  {}{why}",
            signed(&mv.change_exact),
            mv.kind.describe(),
            subject(mv, catalog)
        );
    }
    if m.movers.len() > shown {
        let _ = writeln!(o, "      ... {} more", m.movers.len() - shown);
    }
    if m.unchanged > 0 {
        let _ = writeln!(o, "      ({} contribution(s) unchanged)", m.unchanged);
    }
}

/// The changes as text: per track the totals, per metric the value and points at both
/// months and the largest changes (all with `all`), which add up to the change.
pub(super) fn table(d: &Diff, catalog: &Catalog, all: bool) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Changes from {} to {} (catalog {} → {})",
        d.from, d.to, d.catalog_from, d.catalog_to
    );
    let _ = writeln!(o, "\n{}", partner_heading(&d.partner_id, d.name.as_deref()));
    for a in &d.areas {
        if a.track_from != a.track_to {
            let _ = writeln!(
                o,
                "  {}: counting track {} → {}",
                a.name,
                a.track_from.as_deref().unwrap_or("none"),
                a.track_to.as_deref().unwrap_or("none")
            );
        }
        for t in &a.tracks {
            let track = t.track.as_deref().map_or_else(String::new, |id| {
                let name = catalog.area_def(&a.area).map_or(id, |x| x.track_name(id));
                format!(", {name} track")
            });
            let _ = writeln!(
                o,
                "  {}{track}: {} → {} points ({})",
                a.name,
                format_num(&t.total_from, false),
                format_num(&t.total_to, false),
                signed(&t.total_change_exact)
            );
            for m in &t.metrics {
                metric_block(&mut o, catalog, d, &a.area, m, all);
            }
        }
        for t in &a.not_compared {
            let _ = writeln!(o, "  {}: track {t} evaluated in one month only", a.name);
        }
    }
    if !all {
        let _ = writeln!(
            o,
            "\n(the {TOP} largest changes of each metric shown; --all shows every one; the changes add up exactly to each value's change)"
        );
    }
    o
}

/// One CSV row per change of every metric (a metric without changes: one row with
/// an empty `kind`).
pub(super) fn csv(d: &Diff, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "partner_id",
        "from",
        "to",
        "area",
        "track",
        "metric",
        "value_from",
        "value_to",
        "value_change",
        "points_from",
        "points_to",
        "kind",
        "change",
        "amount_from",
        "amount_to",
        "tenant",
        "tenant_name",
        "workload",
        "subscription",
        "service",
        "offer",
        "person",
        "certification",
        "rule",
        "reason",
    ])
    .map_err(io_error)?;
    let (from, to) = (d.from.to_string(), d.to.to_string());
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    for a in &d.areas {
        for t in &a.tracks {
            for m in &t.metrics {
                let head = [
                    d.partner_id.clone(),
                    from.clone(),
                    to.clone(),
                    a.area.clone(),
                    opt(&t.track),
                    m.metric.clone(),
                    m.value_from_exact.to_string(),
                    m.value_to_exact.to_string(),
                    m.change_exact.to_string(),
                    format_num(&m.points_from, false),
                    format_num(&m.points_to, false),
                ];
                if m.movers.is_empty() {
                    let mut row = head.to_vec();
                    row.extend(std::iter::repeat_n(String::new(), 14));
                    w.write_record(&row).map_err(io_error)?;
                }
                for mv in &m.movers {
                    let s = &mv.subject;
                    let mut row = head.to_vec();
                    row.extend([
                        mv.kind.describe().to_string(),
                        mv.change_exact.to_string(),
                        mv.amount_from_exact.to_string(),
                        mv.amount_to_exact.to_string(),
                        opt(&s.tenant),
                        opt(&s.tenant_name),
                        opt(&s.workload),
                        opt(&s.subscription),
                        opt(&s.service),
                        opt(&s.offer),
                        opt(&s.person),
                        opt(&s.certification),
                        opt(&s.rule),
                        mv.reason.map_or("", |r| r.id()).to_string(),
                    ]);
                    w.write_record(&row).map_err(io_error)?;
                }
            }
        }
    }
    w.flush()
}
