//! Recommendations (ranked actions, each verified by simulation, and the points at
//! risk) and the plan (the cheapest set of actions that makes an area qualify): pages
//! and API, the answers of `capscore-whatif`'s planner with the catalog's costs, as
//! `capscore recommend` and `capscore plan` give them.

use std::fmt::Write;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use capscore_core::format_num;
use capscore_whatif::plan::Plan;
use capscore_whatif::recommend::{Action, Planner, Recommendations};
use capscore_whatif::simulate::Base;
use serde::Deserialize;

use crate::auth::{Caller, PageCaller};
use crate::error::{AppError, PageError};
use crate::html::{esc, page};
use crate::state::{AppState, Current, Shared, blocking};
use crate::whatif::{area_name, crumbs, partner_name, whatif_error};

/// Most months ahead the risks look.
const MAX_RISK_MONTHS: u32 = 12;

/// The month and area of recommendations.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct RecommendQuery {
    /// `YYYY-MM` (default: the latest month).
    pub month: Option<String>,
    /// Only this area (default: every area).
    pub area: Option<String>,
    /// Months ahead to look for points at risk (default 3, 0 to 12).
    pub risk_months: Option<u32>,
}

/// The month a plan qualifies in.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct PlanQuery {
    /// `YYYY-MM` (default: the latest month).
    pub month: Option<String>,
}

/// A planner over a partner the caller may see, for `area` (or every area).
fn planner<'s>(
    state: &'s AppState,
    caller: &Caller,
    cur: &Current,
    partner: &str,
    month: Option<&str>,
    area: Option<&str>,
) -> Result<Planner<'s>, AppError> {
    caller.partner(cur.workspace.id, partner)?;
    let month = cur.month(month)?;
    if cur.loaded.dataset.partners.find(partner).is_none() {
        return Err(AppError::NotFound("partner".to_string()));
    }
    if let Some(a) = area
        && state.catalog.area_def(a).is_none()
    {
        return Err(AppError::NotFound("area".to_string()));
    }
    if let Some(a) = area {
        cur.ensure_area(month, a)?;
    }
    // Only the areas the data answers for in the month.
    let areas = area.map(|a| vec![a.to_string()]).or(cur.areas_of(month));
    let base =
        Base::new(&cur.loaded, &state.catalog, partner, month, areas).map_err(whatif_error)?;
    Planner::new(&base, state.catalog.costs.clone()).map_err(whatif_error)
}

fn risk_months(q: Option<u32>) -> Result<u32, AppError> {
    match q.unwrap_or(3) {
        n if n <= MAX_RISK_MONTHS => Ok(n),
        n => Err(AppError::BadRequest(format!(
            "risk_months is {n}: at most {MAX_RISK_MONTHS}"
        ))),
    }
}

fn recommend(
    state: &AppState,
    c: &Caller,
    cur: &Current,
    pid: &str,
    q: &RecommendQuery,
) -> Result<Recommendations, AppError> {
    let months = risk_months(q.risk_months)?;
    planner(state, c, cur, pid, q.month.as_deref(), q.area.as_deref())?
        .recommend(months)
        .map_err(whatif_error)
}

fn plan(
    state: &AppState,
    c: &Caller,
    cur: &Current,
    pid: &str,
    area: &str,
    month: Option<&str>,
) -> Result<Plan, AppError> {
    planner(state, c, cur, pid, month, Some(area))?
        .plan(area)
        .map_err(whatif_error)
}

/// `GET /api/workspaces/{ws}/partners/{partner}/recommendations`.
#[utoipa::path(get, path = "/api/workspaces/{ws}/partners/{partner}/recommendations",
    params(("ws" = i64, Path, description = "workspace id"), ("partner" = String, Path, description = "partner_id"), RecommendQuery),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_recommendations(
    State(state): State<Shared>,
    c: Caller,
    Path((ws, pid)): Path<(i64, String)>,
    Query(q): Query<RecommendQuery>,
) -> Result<Json<Recommendations>, AppError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let r = blocking(move || recommend(&state, &c, &cur, &pid, &q)).await?;
    Ok(Json(r))
}

/// `GET /api/workspaces/{ws}/partners/{partner}/areas/{area}/plan`.
#[utoipa::path(get, path = "/api/workspaces/{ws}/partners/{partner}/areas/{area}/plan",
    params(("ws" = i64, Path, description = "workspace id"), ("partner" = String, Path, description = "partner_id"), ("area" = String, Path, description = "area id"), PlanQuery),
    responses((status = 200, body = Object), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_plan(
    State(state): State<Shared>,
    c: Caller,
    Path((ws, pid, area)): Path<(i64, String, String)>,
    Query(q): Query<PlanQuery>,
) -> Result<Json<Plan>, AppError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let p = blocking(move || plan(&state, &c, &cur, &pid, &area, q.month.as_deref())).await?;
    Ok(Json(p))
}

fn actions_html(state: &AppState, unit: &str, actions: &[Action]) -> String {
    if actions.is_empty() {
        return "<p>No action found that adds points.</p>".to_string();
    }
    let mut b = format!(
        "<table><thead><tr><th scope=\"col\">Area</th><th scope=\"col\">Action</th><th scope=\"col\">Cost ({})</th><th scope=\"col\">Points gained</th><th scope=\"col\">Total after</th><th scope=\"col\">Qualifies after</th></tr></thead><tbody>",
        esc(unit)
    );
    for a in actions {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&area_name(state, &a.area)),
            esc(&a.description),
            esc(&format_num(&a.cost, false)),
            esc(&format_num(&a.points, false)),
            esc(&format_num(&a.total_after, false)),
            if a.qualified_after { "yes" } else { "no" }
        );
    }
    b.push_str("</tbody></table>");
    b
}

/// A metric's name in the catalog (its id when the catalog has no such metric).
pub(crate) fn metric_name(state: &AppState, area: &str, metric: &str) -> String {
    state
        .catalog
        .area_def(area)
        .and_then(|d| d.metric(metric))
        .map_or_else(|| metric.to_string(), |m| m.name.clone())
}

fn recommendations_html(state: &AppState, ws: i64, r: &Recommendations) -> String {
    let pid = crate::html::url(&r.partner_id);
    let mut b = format!(
        "<p>Month {} · costs in {} ({})</p><h2>Areas now</h2><ul>",
        r.month,
        esc(&r.cost_unit),
        esc(&r.cost_sources.join("; "))
    );
    for a in &r.areas {
        let _ = write!(
            b,
            "<li>{}: {} points, {} — <a href=\"/w/{ws}/p/{pid}/a/{}/plan?month={}\">cheapest plan</a></li>",
            esc(&area_name(state, &a.area)),
            esc(&format_num(&a.total, false)),
            if a.qualified {
                "qualified"
            } else {
                "not qualified"
            },
            crate::html::url(&a.area),
            r.month
        );
    }
    let _ = write!(
        b,
        "</ul><h2>Actions, ranked</h2><p class=\"muted\">{} candidates simulated.</p>{}",
        r.candidates_simulated,
        actions_html(state, &r.cost_unit, &r.actions)
    );
    let _ = write!(
        b,
        "<h2>Points at risk in the next {} months</h2>",
        r.risk_months
    );
    if r.risks.is_empty() {
        b.push_str("<p>None.</p>");
    } else {
        b.push_str("<table><thead><tr><th scope=\"col\">Month</th><th scope=\"col\">Area</th><th scope=\"col\">Metric</th><th scope=\"col\">Points</th></tr></thead><tbody>");
        for k in &r.risks {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{} → {}</td></tr>",
                k.month,
                esc(&area_name(state, &k.area)),
                esc(&metric_name(state, &k.area, &k.metric)),
                esc(&format_num(&k.points_before, false)),
                esc(&format_num(&k.points_after, false))
            );
        }
        b.push_str("</tbody></table>");
    }
    b
}

fn plan_html(state: &AppState, p: &Plan) -> String {
    let mut b = format!(
        "<p>Month {} · now {} points, {}</p>",
        p.month,
        esc(&format_num(&p.total_before, false)),
        if p.qualified_before {
            "qualified"
        } else {
            "not qualified"
        }
    );
    if let Some(r) = &p.reason {
        let _ = write!(b, "<p role=\"status\">{}</p>", esc(r));
    }
    if !p.actions.is_empty() {
        let _ = write!(
            b,
            "<h2>Actions</h2>{}<p>Total cost {} {} · once applied: {} points, {}</p>\
             <h2>The plan as a scenario</h2><pre>{}</pre>",
            actions_html(state, &p.cost_unit, &p.actions),
            esc(&format_num(&p.cost, false)),
            esc(&p.cost_unit),
            esc(&format_num(&p.total_after, false)),
            if p.qualified_after {
                "qualified"
            } else {
                "not qualified"
            },
            esc(&p.scenario)
        );
    }
    b
}

/// `GET /w/{ws}/p/{partner}/recommendations`.
pub async fn page_recommendations(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path((ws, pid)): Path<(i64, String)>,
    Query(q): Query<RecommendQuery>,
) -> Result<Html<String>, PageError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let r = {
        let (state, c, cur, pid) = (state.clone(), c.clone(), cur.clone(), pid.clone());
        blocking(move || recommend(&state, &c, &cur, &pid, &q)).await?
    };
    let name = partner_name(&cur, &pid);
    let mut b = crumbs(ws, &cur.workspace.name, &pid, &name);
    let _ = write!(b, "<h1>Recommendations — {}</h1>", esc(&name));
    b.push_str(&recommendations_html(&state, ws, &r));
    Ok(page(
        "Recommendations",
        Some((&c.user.username, c.csrf.as_deref().unwrap_or(""))),
        &b,
    ))
}

/// `GET /w/{ws}/p/{partner}/a/{area}/plan`.
pub async fn page_plan(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path((ws, pid, area)): Path<(i64, String, String)>,
    Query(q): Query<PlanQuery>,
) -> Result<Html<String>, PageError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let p = {
        let (state, c, cur, pid, area) = (
            state.clone(),
            c.clone(),
            cur.clone(),
            pid.clone(),
            area.clone(),
        );
        blocking(move || plan(&state, &c, &cur, &pid, &area, q.month.as_deref())).await?
    };
    let name = partner_name(&cur, &pid);
    let mut b = crumbs(ws, &cur.workspace.name, &pid, &name);
    let _ = write!(
        b,
        "<h1>Cheapest plan — {}, {}</h1>",
        esc(&name),
        esc(&area_name(&state, &area))
    );
    b.push_str(&plan_html(&state, &p));
    Ok(page(
        "Plan",
        Some((&c.user.username, c.csrf.as_deref().unwrap_or(""))),
        &b,
    ))
}
