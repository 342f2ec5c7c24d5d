//! The simulator (a scenario applied to a partner, scored before and after by the
//! engine through `capscore-whatif`) and the outlook (the next months if nothing
//! changes): pages and API.

use std::fmt::Write;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Html;
use axum::{Form, Json};
use capscore_core::format_num;
use capscore_whatif::WhatIfError;
use capscore_whatif::outlook::{Outlook, outlook};
use capscore_whatif::scenario;
use capscore_whatif::simulate::{Base, Simulation};
use serde::Deserialize;

use crate::auth::{CSRF_HEADER, Caller, PageCaller};
use crate::error::{AppError, PageError};
use crate::html::{esc, page, url};
use crate::state::{AppState, Current, Shared, blocking};

/// Longest scenario accepted (characters).
const MAX_SCENARIO: usize = 64 * 1024;
/// Most months the outlook looks ahead.
const MAX_OUTLOOK: u32 = 12;

pub(crate) fn whatif_error(e: WhatIfError) -> AppError {
    match e {
        WhatIfError::Engine(e) => AppError::Unprocessable(e.to_string()),
        e => AppError::BadRequest(e.to_string()),
    }
}

/// A partner's data ready for what-ifs (its tables as text).
fn base<'s>(
    state: &'s AppState,
    caller: &Caller,
    cur: &Current,
    partner: &str,
    month: Option<&str>,
) -> Result<Base<'s>, AppError> {
    caller.partner(cur.workspace.id, partner)?;
    let month = cur.month(month)?;
    if cur.loaded.dataset.partners.find(partner).is_none() {
        return Err(AppError::NotFound("partner".to_string()));
    }
    // Only the areas the data answers for in the month.
    Base::new(
        &cur.loaded,
        &state.catalog,
        partner,
        month,
        cur.areas_of(month),
    )
    .map_err(whatif_error)
}

/// Runs a scenario (TOML, as `capscore simulate` reads it).
fn simulate(base: &Base<'_>, text: &str) -> Result<Simulation, AppError> {
    if text.len() > MAX_SCENARIO {
        return Err(AppError::BadRequest(format!(
            "the scenario is longer than {MAX_SCENARIO} characters"
        )));
    }
    let s = scenario::parse(text, "scenario").map_err(whatif_error)?;
    base.simulate(&s, "scenario", text)
        .map(|(sim, _)| sim)
        .map_err(whatif_error)
}

/// A scenario to simulate.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SimulateBody {
    /// The scenario, TOML as `capscore simulate --scenario` reads it.
    pub scenario: String,
    /// Month scored before (default: the latest month).
    pub month: Option<String>,
}

/// `POST /api/workspaces/{ws}/partners/{partner}/simulate`.
#[utoipa::path(post, path = "/api/workspaces/{ws}/partners/{partner}/simulate",
    params(("ws" = i64, Path, description = "workspace id"), ("partner" = String, Path, description = "partner_id")),
    request_body = SimulateBody,
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_simulate(
    State(state): State<Shared>,
    c: Caller,
    Path((ws, pid)): Path<(i64, String)>,
    headers: HeaderMap,
    Json(body): Json<SimulateBody>,
) -> Result<Json<Simulation>, AppError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    c.check_csrf(headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()))?;
    let cur = state.current(ws).await?;
    let sim = blocking(move || {
        let b = base(&state, &c, &cur, &pid, body.month.as_deref())?;
        simulate(&b, &body.scenario)
    })
    .await?;
    Ok(Json(sim))
}

/// Months ahead of the outlook.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct OutlookQuery {
    /// `YYYY-MM` to look ahead from (default: the latest month).
    pub month: Option<String>,
    /// Months ahead (default 3, at most 12).
    pub months: Option<u32>,
}

fn run_outlook(b: &Base<'_>, months: Option<u32>) -> Result<Outlook, AppError> {
    outlook(b, months.unwrap_or(3).clamp(1, MAX_OUTLOOK)).map_err(whatif_error)
}

/// `GET /api/workspaces/{ws}/partners/{partner}/outlook`.
#[utoipa::path(get, path = "/api/workspaces/{ws}/partners/{partner}/outlook",
    params(("ws" = i64, Path, description = "workspace id"), ("partner" = String, Path, description = "partner_id"), OutlookQuery),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_outlook(
    State(state): State<Shared>,
    c: Caller,
    Path((ws, pid)): Path<(i64, String)>,
    Query(q): Query<OutlookQuery>,
) -> Result<Json<Outlook>, AppError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let o = blocking(move || {
        let b = base(&state, &c, &cur, &pid, q.month.as_deref())?;
        run_outlook(&b, q.months)
    })
    .await?;
    Ok(Json(o))
}

const EXAMPLE: &str = "# A scenario as capscore simulate reads it (docs/scenarios.md).\n\
# For example, a new customer with Teams usage:\n\
# [[add_customer]]\n# tenant = \"T9001\"\n# name = \"Contoso Bakery\"\n\
# [[add_association]]\n# tenant = \"T9001\"\n# type = \"CPOR\"\n# workload = \"Teams\"\n# start = \"2024-01-01\"\n\
# [[add_usage]]\n# tenant = \"T9001\"\n# workload = \"Teams\"\n# from = \"2023-06\"\n# paid_units = 300\n# active_users = 250\n";

pub(crate) fn area_name(state: &AppState, area: &str) -> String {
    state
        .catalog
        .area_def(area)
        .map_or_else(|| area.to_string(), |a| a.name.clone())
}

fn form_html(ws: i64, pid: &str, csrf: &str, month: &str, text: &str) -> String {
    format!(
        "<form method=\"post\" action=\"/w/{ws}/p/{}/simulate\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"month\" value=\"{}\">\
         <p><label for=\"scenario\">Scenario (TOML)</label></p>\
         <p><textarea id=\"scenario\" name=\"scenario\" rows=\"14\" cols=\"90\">{}</textarea></p>\
         <p><button type=\"submit\">Simulate</button></p></form>",
        url(pid),
        esc(csrf),
        esc(month),
        esc(text)
    )
}

/// An unmet rule as the engine words it ("deployments has 0.00 points, under the
/// minimum of 1"), with the metric's name for its id.
fn unmet_in_words(state: &AppState, area: &str, unmet: &str) -> String {
    match unmet.split_once(" has ") {
        Some((id, rest))
            if state
                .catalog
                .area_def(area)
                .and_then(|d| d.metric(id))
                .is_some() =>
        {
            format!("{} has {rest}", crate::advice::metric_name(state, area, id))
        }
        _ => unmet.to_string(),
    }
}

fn simulation_html(state: &AppState, sim: &Simulation) -> String {
    let mut b = format!(
        "<h2>Before ({}) and after ({})</h2><table><thead><tr><th scope=\"col\">Area</th><th scope=\"col\">Before</th><th scope=\"col\">After</th><th scope=\"col\">Still unmet</th></tr></thead><tbody>",
        sim.month_before, sim.month_after
    );
    for a in &sim.areas {
        let q = |ok: bool| if ok { "qualified" } else { "not qualified" };
        let _ = write!(
            b,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{} ({})</td><td class=\"num\">{} ({})</td><td>{}</td></tr>",
            esc(&area_name(state, &a.area)),
            esc(&format_num(&a.total_before, false)),
            q(a.qualified_before),
            esc(&format_num(&a.total_after, false)),
            q(a.qualified_after),
            esc(&a
                .unmet_after
                .iter()
                .map(|u| unmet_in_words(state, &a.area, u))
                .collect::<Vec<_>>()
                .join("; "))
        );
    }
    b.push_str("</tbody></table><h3>Metrics that changed</h3><ul>");
    let mut any = false;
    for a in &sim.areas {
        for t in &a.tracks {
            for m in &t.metrics {
                if m.points_before != m.points_after || m.value_before != m.value_after {
                    any = true;
                    let name = state
                        .catalog
                        .area_def(&a.area)
                        .and_then(|d| d.metric(&m.metric))
                        .map_or(m.metric.as_str(), |d| d.name.as_str());
                    let _ = write!(
                        b,
                        "<li>{} — {}{}: value {} → {}, points {} → {}</li>",
                        esc(&area_name(state, &a.area)),
                        esc(name),
                        t.track
                            .as_deref()
                            .map_or(String::new(), |t| format!(" ({t})")),
                        esc(&format_num(&m.value_before, true)),
                        esc(&format_num(&m.value_after, true)),
                        esc(&format_num(&m.points_before, false)),
                        esc(&format_num(&m.points_after, false))
                    );
                }
            }
        }
    }
    if !any {
        b.push_str("<li>None</li>");
    }
    b.push_str("</ul>");
    b
}

pub(crate) fn crumbs(ws: i64, ws_name: &str, pid: &str, name: &str) -> String {
    format!(
        "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Workspaces</a> › <a href=\"/w/{ws}\">{}</a> › <a href=\"/w/{ws}/p/{}\">{}</a></nav>",
        esc(ws_name),
        url(pid),
        esc(name)
    )
}

/// `GET /w/{ws}/p/{partner}/simulate`: the scenario form and the outlook.
pub async fn page_simulate(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path((ws, pid)): Path<(i64, String)>,
    Query(q): Query<OutlookQuery>,
) -> Result<Html<String>, PageError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let (month, o) = {
        let (state, c, cur, pid) = (state.clone(), c.clone(), cur.clone(), pid.clone());
        blocking(move || {
            let b0 = base(&state, &c, &cur, &pid, q.month.as_deref())?;
            Ok((b0.month, run_outlook(&b0, q.months)?))
        })
        .await?
    };
    let name = partner_name(&cur, &pid);
    let mut b = crumbs(ws, &cur.workspace.name, &pid, &name);
    let _ = write!(
        b,
        "<h1>Simulator — {}</h1>{}",
        esc(&name),
        form_html(
            ws,
            &pid,
            c.csrf.as_deref().unwrap_or(""),
            &month.to_string(),
            EXAMPLE
        )
    );
    b.push_str(&outlook_html(&state, &o));
    Ok(page(
        "Simulator",
        Some((&c.user.username, c.csrf.as_deref().unwrap_or(""))),
        &b,
    ))
}

pub(crate) fn partner_name(cur: &Current, pid: &str) -> String {
    let p = &cur.loaded.dataset.partners;
    p.find(pid)
        .and_then(|i| p.names[i.0 as usize].clone())
        .unwrap_or_else(|| pid.to_string())
}

fn outlook_html(state: &AppState, o: &Outlook) -> String {
    let mut b = format!(
        "<h2>Outlook: the next months if nothing changes</h2><p class=\"muted\">Assumption: {}</p><table><thead><tr><th scope=\"col\">Month</th>",
        esc(&o.assumption)
    );
    let areas: Vec<&str> = o
        .months
        .first()
        .map(|m| m.areas.iter().map(|a| a.area.as_str()).collect())
        .unwrap_or_default();
    for a in &areas {
        let _ = write!(b, "<th scope=\"col\">{}</th>", esc(&area_name(state, a)));
    }
    b.push_str("<th scope=\"col\">Points lost or gained</th></tr></thead><tbody>");
    for m in &o.months {
        let _ = write!(
            b,
            "<tr><th scope=\"row\">{}{}</th>",
            m.month,
            if m.projected { " (projected)" } else { "" }
        );
        for a in &m.areas {
            let _ = write!(
                b,
                "<td class=\"num\"><span class=\"{}\">{}</span></td>",
                if a.qualified { "q" } else { "nq" },
                esc(&format_num(&a.total, false))
            );
        }
        let changes = m
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{} {}: {} → {}",
                    area_name(state, &c.area),
                    c.metric,
                    format_num(&c.points_before, false),
                    format_num(&c.points_after, false)
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let _ = write!(b, "<td>{}</td></tr>", esc(&changes));
    }
    b.push_str("</tbody></table>");
    b
}

/// The simulator form.
#[derive(Debug, Deserialize)]
pub struct SimulateForm {
    csrf: String,
    month: Option<String>,
    scenario: String,
}

/// `POST /w/{ws}/p/{partner}/simulate`: before and after.
pub async fn page_simulate_post(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path((ws, pid)): Path<(i64, String)>,
    Form(form): Form<SimulateForm>,
) -> Result<Html<String>, PageError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    c.check_csrf(Some(&form.csrf))?;
    let cur = state.current(ws).await?;
    let (month, simulated) = {
        let (state, c, cur, pid) = (state.clone(), c.clone(), cur.clone(), pid.clone());
        let (month, scenario) = (form.month.clone(), form.scenario.clone());
        blocking(move || {
            let b0 = base(&state, &c, &cur, &pid, month.as_deref())?;
            Ok((b0.month, simulate(&b0, &scenario)))
        })
        .await?
    };
    let name = partner_name(&cur, &pid);
    let mut b = crumbs(ws, &cur.workspace.name, &pid, &name);
    let _ = write!(b, "<h1>Simulator — {}</h1>", esc(&name));
    match simulated {
        Ok(sim) => b.push_str(&simulation_html(&state, &sim)),
        Err(AppError::BadRequest(m) | AppError::Unprocessable(m)) => {
            let _ = write!(b, "<p class=\"err\" role=\"alert\">{}</p>", esc(&m));
        }
        Err(e) => return Err(e.into()),
    }
    b.push_str(&form_html(
        ws,
        &pid,
        c.csrf.as_deref().unwrap_or(""),
        &month.to_string(),
        &form.scenario,
    ));
    Ok(page(
        "Simulator",
        Some((&c.user.username, c.csrf.as_deref().unwrap_or(""))),
        &b,
    ))
}
