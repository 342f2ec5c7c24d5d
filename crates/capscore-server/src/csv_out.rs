//! CSV downloads of what the pages show.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::views::{AreaDetail, PartnerOverview, Portfolio};

pub(crate) fn respond(name: &str, w: csv::Writer<Vec<u8>>) -> Result<Response, AppError> {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let body = w
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

fn err(e: csv::Error) -> AppError {
    AppError::Internal(e.to_string())
}

/// The portfolio: one row per partner and area.
///
/// # Errors
/// A write error (internal).
pub(crate) fn portfolio(p: &Portfolio) -> Result<Response, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "month",
        "partner_id",
        "name",
        "area",
        "total",
        "qualified",
        "next_total",
        "loses_points",
        "anniversary_date",
        "renewal_due",
    ])
    .map_err(err)?;
    let flag = |b: Option<bool>| match b {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    };
    for r in &p.partners {
        for c in &r.areas {
            w.write_record([
                p.month.as_str(),
                &r.partner_id,
                r.name.as_deref().unwrap_or(""),
                &c.area,
                &format!("{:.2}", c.total),
                if c.qualified { "true" } else { "false" },
                &c.next_total.map_or(String::new(), |n| format!("{n:.2}")),
                flag(c.loses_points),
                c.anniversary_date.as_deref().unwrap_or(""),
                flag(c.renewal_due),
            ])
            .map_err(err)?;
        }
    }
    respond(&format!("portfolio-{}.csv", p.month), w)
}

/// A partner's score history: one row per area and month stored.
///
/// # Errors
/// A write error (internal).
pub(crate) fn history(o: &PartnerOverview) -> Result<Response, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["partner_id", "area", "month", "total", "qualified"])
        .map_err(err)?;
    for a in &o.areas {
        for h in &a.history {
            w.write_record([
                o.partner_id.as_str(),
                &a.area,
                &h.month,
                &format!("{:.2}", h.total),
                if h.qualified { "true" } else { "false" },
            ])
            .map_err(err)?;
        }
    }
    respond("history.csv", w)
}

/// An area's metrics: one row per track, metric and option.
///
/// # Errors
/// A write error (internal).
pub(crate) fn area(d: &AreaDetail) -> Result<Response, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "month",
        "partner_id",
        "area",
        "track",
        "counting",
        "metric",
        "option",
        "value",
        "target",
        "points",
        "max_points",
        "winning",
    ])
    .map_err(err)?;
    let s = &d.score;
    let tracks: Vec<(Option<&str>, &[capscore_engine::MetricScore])> = if s.tracks.is_empty() {
        vec![(s.track.as_deref(), &s.metrics[..])]
    } else {
        s.tracks
            .iter()
            .map(|t| (t.track.as_deref(), &t.metrics[..]))
            .collect()
    };
    let n = |v: &capscore_core::Num| format!("{:.2}", capscore_core::num_to_f64_2dp(v));
    for (track, metrics) in tracks {
        let counting = track == s.track.as_deref();
        for m in metrics {
            let rows: Vec<(Option<&str>, String, String, String, bool)> = if m.options.is_empty() {
                vec![(
                    m.option.as_deref(),
                    n(&m.value),
                    n(&m.target),
                    n(&m.points),
                    true,
                )]
            } else {
                m.options
                    .iter()
                    .map(|o| {
                        (
                            o.option.as_deref(),
                            n(&o.value),
                            n(&o.target),
                            n(&o.points),
                            o.option == m.option,
                        )
                    })
                    .collect()
            };
            for (opt, value, target, points, winning) in rows {
                w.write_record([
                    d.month.as_str(),
                    &d.partner_id,
                    &s.area,
                    track.unwrap_or(""),
                    if counting { "true" } else { "false" },
                    &m.metric,
                    opt.unwrap_or(""),
                    &value,
                    &target,
                    &points,
                    &n(&m.max_points),
                    if winning { "true" } else { "false" },
                ])
                .map_err(err)?;
            }
        }
    }
    respond(&format!("{}-{}-{}.csv", d.partner_id, s.area, d.month), w)
}

fn num2(v: &capscore_core::Num) -> String {
    format!("{:.2}", capscore_core::num_to_f64_2dp(v))
}

/// Customer eligibility: one row per tenant, area, track, metric and option.
///
/// # Errors
/// A write error (internal).
pub(crate) fn customers(
    c: &capscore_engine::explain::CustomerEligibility,
) -> Result<Response, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "month",
        "partner_id",
        "tenant",
        "tenant_name",
        "area",
        "track",
        "metric",
        "option",
        "winning",
        "counts",
        "amount",
        "why_not",
    ])
    .map_err(err)?;
    let month = c.month.to_string();
    for t in &c.tenants {
        for l in &t.lines {
            let why = l
                .reasons
                .iter()
                .map(|r| r.describe())
                .collect::<Vec<_>>()
                .join("; ");
            w.write_record([
                month.as_str(),
                &c.partner_id,
                &t.tenant,
                t.tenant_name.as_deref().unwrap_or(""),
                &l.area,
                l.track.as_deref().unwrap_or(""),
                &l.metric,
                l.option.as_deref().unwrap_or(""),
                if l.chosen { "true" } else { "false" },
                if l.counts { "true" } else { "false" },
                &num2(&l.amount_exact),
                &why,
            ])
            .map_err(err)?;
        }
    }
    respond(&format!("{}-customers-{month}.csv", c.partner_id), w)
}

/// Skilling eligibility: one row per person, area, track, metric and certification.
///
/// # Errors
/// A write error (internal).
pub(crate) fn skilling(
    s: &capscore_engine::explain::SkillingEligibility,
) -> Result<Response, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "month",
        "partner_id",
        "person",
        "area",
        "track",
        "metric",
        "certification",
        "certification_name",
        "expires",
        "expiring_soon",
        "counts",
        "amount",
        "why_not",
    ])
    .map_err(err)?;
    let month = s.month.to_string();
    for p in &s.people {
        for l in &p.lines {
            let cert = p
                .certifications
                .iter()
                .find(|c| c.certification == l.certification);
            w.write_record([
                month.as_str(),
                &s.partner_id,
                &p.person,
                &l.area,
                l.track.as_deref().unwrap_or(""),
                &l.metric,
                &l.certification,
                cert.map_or("", |c| c.name.as_str()),
                cert.and_then(|c| c.expires.as_deref()).unwrap_or(""),
                if cert.is_some_and(|c| c.expiring_soon) {
                    "true"
                } else {
                    "false"
                },
                if l.counts { "true" } else { "false" },
                &num2(&l.amount_exact),
                l.reason.map_or("", |r| r.describe()),
            ])
            .map_err(err)?;
        }
    }
    respond(&format!("{}-skilling-{month}.csv", s.partner_id), w)
}

/// A metric's explanation: one row per option and entry (contributions, then what
/// did not count), every entry of every page.
///
/// # Errors
/// A write error (internal).
pub(crate) fn metric(p: &crate::explain::MetricPage) -> Result<Response, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "month",
        "partner_id",
        "area",
        "track",
        "metric",
        "option",
        "winning",
        "counts",
        "amount",
        "why_not",
        "tenant",
        "tenant_name",
        "workload",
        "subscription",
        "person",
        "certification",
        "rule",
        "details",
    ])
    .map_err(err)?;
    let m = &p.explanation;
    for o in &m.options {
        for (counts, e) in o
            .contributions
            .iter()
            .map(|e| (true, e))
            .chain(o.excluded.iter().map(|e| (false, e)))
        {
            w.write_record([
                p.month.as_str(),
                &p.partner_id,
                &p.area,
                p.track.as_deref().unwrap_or(""),
                &m.metric,
                o.option.as_deref().unwrap_or(""),
                if o.chosen { "true" } else { "false" },
                if counts { "true" } else { "false" },
                &e.amount_exact.as_ref().map(num2).unwrap_or_default(),
                e.reason.map_or("", |r| r.describe()),
                e.tenant.as_deref().unwrap_or(""),
                e.tenant_name.as_deref().unwrap_or(""),
                e.workload.as_deref().unwrap_or(""),
                e.subscription.as_deref().unwrap_or(""),
                e.person.as_deref().unwrap_or(""),
                e.certification
                    .as_ref()
                    .map_or("", |c| c.name_on_date.as_str()),
                &e.rule.id,
                &e.summary(),
            ])
            .map_err(err)?;
        }
    }
    respond(
        &format!("{}-{}-{}-{}.csv", p.partner_id, p.area, m.metric, p.month),
        w,
    )
}
