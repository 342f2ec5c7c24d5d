//! `capscore forecast`: a statistical projection of each metric, with a range, and
//! the first month each area is expected to qualify (the logic is
//! `capscore_whatif::forecast`).

use std::fmt::Write as _;

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_core::{Month, format_num};
use capscore_whatif::forecast::{
    AreaForecast, DEFAULT_LEVEL, Forecast, ForecastError, ForecastRequest, MIN_HISTORY, NumRange,
    forecast,
};

use super::score::refusal;
use super::{emit, load_data, stream, with_spinner};
use crate::args::{ForecastArgs, Format};
use crate::exit::Failure;
use crate::render::{io_error, metric_name, partner_heading};
use crate::render_explain::to_json;

pub(super) fn run(catalog: &Catalog, args: &ForecastArgs) -> Result<(), Failure> {
    let loaded = load_data(&args.data, catalog)?;
    let data = &loaded.dataset;
    let source = args.data.display().to_string();
    let partner = data.partners.find(args.partner.trim()).ok_or_else(|| {
        Failure::Input(anyhow!(
            "partner \"{}\" is not in the partners table of {source}",
            args.partner
        ))
    })?;
    let request = ForecastRequest {
        partner,
        areas: (!args.areas.is_empty()).then(|| args.areas.clone()),
        months: args.months,
        level: DEFAULT_LEVEL,
    };
    let f =
        with_spinner("forecasting".into(), || forecast(data, catalog, &request)).map_err(|e| {
            match e {
                ForecastError::Engine(e) => refusal(e, "or another dataset"),
                e => Failure::Input(anyhow!(e)),
            }
        })?;
    if args.format != Format::Table {
        for w in &loaded.warnings {
            eprintln!("warning: {w}");
        }
    }
    match args.format {
        Format::Table => emit(&table(&f, catalog)),
        Format::Json => stream(|out| to_json(&f, out)),
        Format::Csv => stream(|out| csv(&f, out)),
    }
}

fn range(r: &NumRange) -> String {
    format!(
        "{} ({}–{})",
        format_num(&r.central, false),
        format_num(&r.low, false),
        format_num(&r.high, false)
    )
}

fn month_or(m: Option<Month>, none: &str) -> String {
    m.map_or_else(|| none.to_string(), |m| m.to_string())
}

/// When the area is expected to qualify, and how sure that is, in words.
fn expectation(a: &AreaForecast, last: Month, horizon: Month) -> String {
    let e = &a.expected;
    let now = if a.qualified_last {
        format!("qualifies in {last}; ")
    } else {
        format!("does not qualify in {last}; ")
    };
    let beyond = format!("not by {horizon}");
    match (e.central, e.latest) {
        (Some(c), Some(l)) if c == l && e.earliest == Some(c) => {
            format!("{now}expected to qualify in {c} (the whole range qualifies from then)")
        }
        (Some(c), _) => format!(
            "{now}expected to qualify in {c} (central projection); earliest {} (high end), latest {} (low end)",
            month_or(e.earliest, &beyond),
            month_or(e.latest, &beyond)
        ),
        (None, _) => match e.earliest {
            Some(h) => format!(
                "{now}not expected to qualify by {horizon} (central projection); possible from {h} at the high end"
            ),
            None => format!("{now}not expected to qualify by {horizon}, even at the high end"),
        },
    }
}

/// The forecast as text: per area the expected month, per track the total per
/// projected month, per metric its trend and the points at the horizon.
pub(super) fn table(f: &Forecast, catalog: &Catalog) -> String {
    let mut o = String::new();
    let Some(&horizon) = f.months.last() else {
        return o;
    };
    let _ = writeln!(
        o,
        "Forecast to {horizon}: a statistical projection, not a score (score and explain are exact)"
    );
    let _ = writeln!(
        o,
        "method: {}; range: {:.0}% prediction interval of each metric",
        f.method,
        f.level * 100.0,
    );
    let _ = writeln!(o, "\n{}", partner_heading(&f.partner_id, f.name.as_deref()));
    for a in &f.areas {
        let (Some(&first), Some(&last)) = (a.history.first(), a.history.last()) else {
            continue;
        };
        let _ = writeln!(o, "  {}: {}", a.name, expectation(a, last, horizon));
        let _ = writeln!(
            o,
            "    history: {} months the data can answer, {first}..{last}",
            a.history.len()
        );
        for t in &a.tracks {
            let track = t.track.as_deref().map_or_else(String::new, |id| {
                let name = catalog.area_def(&a.area).map_or(id, |x| x.track_name(id));
                format!("{name} track: ")
            });
            let _ = writeln!(
                o,
                "    {track}{} points in {last}",
                format_num(&t.total_last, false)
            );
            for tm in &t.months {
                let q = &tm.qualified;
                let verdict = match (q.low, q.central, q.high) {
                    (true, _, _) => "qualifies across the range",
                    (false, true, _) => "qualifies (central)",
                    (false, false, true) => "qualifies at the high end only",
                    _ => "does not qualify",
                };
                let _ = writeln!(
                    o,
                    "      {}  total {}  {verdict}",
                    tm.month,
                    range(&tm.total)
                );
            }
            for m in &t.metrics {
                let slope = m
                    .trends
                    .iter()
                    .map(|tr| {
                        let opt = tr
                            .option
                            .as_deref()
                            .map_or_else(String::new, |x| format!("{x} "));
                        format!("{opt}{:+.2}/month", tr.slope_per_month)
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let at_horizon = m.months.last().map_or_else(
                    || "no projection (its rules change)".to_string(),
                    |mm| format!("{} points in {}", range(&mm.points), mm.month),
                );
                let _ = writeln!(
                    o,
                    "      {}: trend {slope}; {at_horizon}",
                    metric_name(catalog, &a.area, &m.metric)
                );
            }
        }
    }
    for s in &f.not_forecast {
        let name = catalog
            .area_def(&s.area)
            .map_or(s.area.as_str(), |d| d.name.as_str());
        let _ = writeln!(
            o,
            "  {name}: not forecast, the data answers {} month(s), at least {MIN_HISTORY} are needed",
            s.answerable.len()
        );
    }
    let _ = writeln!(
        o,
        "\n(value (low–high): central projection and range; the low end puts every metric at its low end at once)"
    );
    o
}

/// One CSV row per area, track, metric and projected month.
pub(super) fn csv(f: &Forecast, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "partner_id",
        "area",
        "track",
        "metric",
        "month",
        "value_low",
        "value_central",
        "value_high",
        "points_low",
        "points_central",
        "points_high",
        "track_total_low",
        "track_total_central",
        "track_total_high",
        "track_qualified_central",
        "area_expected",
        "area_earliest",
        "area_latest",
    ])
    .map_err(io_error)?;
    let n = |v| format_num(&v, false);
    let b = |v: bool| if v { "true" } else { "false" };
    for a in &f.areas {
        let e = &a.expected;
        for t in &a.tracks {
            for m in &t.metrics {
                for mm in &m.months {
                    let Some(tm) = t.months.iter().find(|tm| tm.month == mm.month) else {
                        continue;
                    };
                    w.write_record([
                        f.partner_id.clone(),
                        a.area.clone(),
                        t.track.clone().unwrap_or_default(),
                        m.metric.clone(),
                        mm.month.to_string(),
                        n(mm.value.low),
                        n(mm.value.central),
                        n(mm.value.high),
                        n(mm.points.low),
                        n(mm.points.central),
                        n(mm.points.high),
                        n(tm.total.low),
                        n(tm.total.central),
                        n(tm.total.high),
                        b(tm.qualified.central).to_string(),
                        month_or(e.central, ""),
                        month_or(e.earliest, ""),
                        month_or(e.latest, ""),
                    ])
                    .map_err(io_error)?;
                }
            }
        }
    }
    w.flush()
}
