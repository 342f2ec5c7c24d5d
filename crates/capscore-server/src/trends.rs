//! A partner's trends over every month stored (kept from every import, so they
//! outlive the data of any one): the score history of each area and the value of
//! each metric of the counting track — net customer adds over the trailing twelve
//! months, the usage growth in monthly active users (Microsoft 365) or Azure
//! consumed revenue, deployments, certified people — as the catalog names them, with
//! their units. Page (inline SVG charts, each with its table), API and CSV.

use std::fmt::Write;

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Caller, PageCaller};
use crate::error::{AppError, PageError};
use crate::html::{esc, line_chart, page};
use crate::state::{AppState, Shared};
use crate::views::HistoryPoint;

/// One month of a metric.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MetricPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// The winning option's value (2 decimals).
    pub value: f64,
    /// Its target.
    pub target: f64,
    /// Points.
    pub points: f64,
}

/// A metric over the months stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MetricTrend {
    /// Metric id.
    pub metric: String,
    /// Display name.
    pub name: String,
    /// Unit of its value.
    pub unit: String,
    /// Every month stored, oldest first.
    pub months: Vec<MetricPoint>,
}

/// An area over the months stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaTrend {
    /// Area id.
    pub area: String,
    /// Display name.
    pub name: String,
    /// The total of every month stored, oldest first.
    pub scores: Vec<HistoryPoint>,
    /// The counting track's metrics.
    pub metrics: Vec<MetricTrend>,
}

/// A partner's trends.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Trends {
    /// Workspace id.
    pub workspace_id: i64,
    /// `partner_id`.
    pub partner_id: String,
    /// Name, where the serving data gives one.
    pub name: Option<String>,
    /// Points to qualify (the catalog's rule of the latest month stored).
    pub qualifying_total: Option<f64>,
    /// Areas with a month stored, in catalog order.
    pub areas: Vec<AreaTrend>,
}

/// The trends of a partner the caller sees.
///
/// # Errors
/// Not found (partner not visible, or nothing stored for it).
pub async fn trends(
    state: &AppState,
    caller: &Caller,
    ws: i64,
    partner: &str,
) -> Result<Trends, AppError> {
    caller.partner(ws, partner)?;
    let not_found = || AppError::NotFound("partner".to_string());
    state
        .store
        .workspace(ws)
        .await?
        .ok_or_else(|| AppError::NotFound("workspace".to_string()))?;
    let scores = state.store.score_history(ws, partner).await?;
    if scores.is_empty() {
        return Err(not_found());
    }
    let metrics = state.store.metric_history(ws, partner).await?;
    let name = match state.current(ws).await {
        Ok(cur) => {
            let p = &cur.loaded.dataset.partners;
            p.find(partner).and_then(|i| p.names[i.0 as usize].clone())
        }
        Err(_) => None,
    };
    let qualifying_total = scores
        .iter()
        .filter_map(|s| s.month.parse::<capscore_core::Month>().ok())
        .max()
        .and_then(|m| state.catalog.at_month(m).ok())
        .map(|r| capscore_core::num_to_f64_2dp(&r.params.qualifying_total_points));
    let mut order: Vec<&str> = Vec::new();
    for a in &state.catalog.areas {
        if !order.contains(&a.id.as_str()) {
            order.push(&a.id);
        }
    }
    let mut areas = Vec::new();
    for id in order {
        let history: Vec<HistoryPoint> = scores
            .iter()
            .filter(|s| s.area == id)
            .map(|s| HistoryPoint {
                month: s.month.clone(),
                total: s.total,
                qualified: s.qualified,
            })
            .collect();
        if history.is_empty() {
            continue;
        }
        let def = state.catalog.area_def(id);
        let mut trends: Vec<MetricTrend> = Vec::new();
        for m in metrics.iter().filter(|m| m.area == id) {
            if trends.last().is_none_or(|t| t.metric != m.metric) {
                let mdef = def.and_then(|d| d.metric(&m.metric));
                trends.push(MetricTrend {
                    metric: m.metric.clone(),
                    name: mdef.map_or_else(|| m.metric.clone(), |d| d.name.clone()),
                    unit: mdef.map_or_else(String::new, |d| d.unit.many.clone()),
                    months: Vec::new(),
                });
            }
            if let Some(t) = trends.last_mut() {
                t.months.push(MetricPoint {
                    month: m.month.clone(),
                    value: m.value,
                    target: m.target,
                    points: m.points,
                });
            }
        }
        areas.push(AreaTrend {
            area: id.to_string(),
            name: def.map_or_else(|| id.to_string(), |d| d.name.clone()),
            scores: history,
            metrics: trends,
        });
    }
    Ok(Trends {
        workspace_id: ws,
        partner_id: partner.to_string(),
        name,
        qualifying_total,
        areas,
    })
}

/// `?format=csv` for the CSV.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct TrendsQuery {
    /// `csv`: one row per area, metric (empty for the area's total) and month.
    pub format: Option<String>,
}

fn csv(t: &Trends) -> Result<Response, AppError> {
    let err = |e: csv::Error| AppError::Internal(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "partner_id",
        "area",
        "metric",
        "unit",
        "month",
        "value",
        "target",
        "points",
    ])
    .map_err(err)?;
    for a in &t.areas {
        for s in &a.scores {
            w.write_record([
                t.partner_id.as_str(),
                &a.area,
                "",
                "points",
                &s.month,
                &format!("{:.2}", s.total),
                &t.qualifying_total
                    .map_or(String::new(), |q| format!("{q:.2}")),
                &format!("{:.2}", s.total),
            ])
            .map_err(err)?;
        }
        for m in &a.metrics {
            for p in &m.months {
                w.write_record([
                    t.partner_id.as_str(),
                    &a.area,
                    &m.metric,
                    &m.unit,
                    &p.month,
                    &format!("{:.2}", p.value),
                    &format!("{:.2}", p.target),
                    &format!("{:.2}", p.points),
                ])
                .map_err(err)?;
            }
        }
    }
    crate::csv_out::respond(&format!("trends-{}.csv", t.partner_id), w)
}

/// `GET /api/workspaces/{ws}/partners/{partner}/trends`.
#[utoipa::path(get, path = "/api/workspaces/{ws}/partners/{partner}/trends",
    params(("ws" = i64, Path, description = "workspace id"), ("partner" = String, Path, description = "partner_id"), TrendsQuery),
    responses((status = 200, body = Trends), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_trends(
    State(state): State<Shared>,
    c: Caller,
    Path((ws, pid)): Path<(i64, String)>,
    Query(q): Query<TrendsQuery>,
) -> Result<Response, AppError> {
    c.workspace(ws)?;
    let t = trends(&state, &c, ws, &pid).await?;
    if q.format.as_deref() == Some("csv") {
        return csv(&t);
    }
    Ok(axum::Json(t).into_response())
}

fn table(head: &str, rows: &[(String, String)]) -> String {
    let mut b = format!(
        "<details><summary>The values as a table</summary><table><thead><tr><th scope=\"col\">Month</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        esc(head)
    );
    for (m, v) in rows {
        let _ = write!(
            b,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td></tr>",
            esc(m),
            esc(v)
        );
    }
    b.push_str("</tbody></table></details>");
    b
}

/// `GET /w/{ws}/p/{partner}/trends`.
pub async fn page_trends(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path((ws, pid)): Path<(i64, String)>,
) -> Result<Html<String>, PageError> {
    c.workspace(ws)?;
    let t = trends(&state, &c, ws, &pid).await?;
    let w = state
        .store
        .workspace(ws)
        .await?
        .ok_or_else(|| AppError::NotFound("workspace".to_string()))?;
    let name = t.name.clone().unwrap_or_else(|| t.partner_id.clone());
    let mut b = crate::whatif::crumbs(ws, &w.name, &t.partner_id, &name);
    let _ = write!(
        b,
        "<h1>Trends — {}</h1><p class=\"muted\">Every month stored for this partner, kept from every import. \
         <a href=\"/api/workspaces/{ws}/partners/{}/trends?format=csv\">Download as CSV</a></p>",
        esc(&name),
        crate::html::url(&t.partner_id)
    );
    for a in &t.areas {
        let _ = write!(b, "<section class=\"card\"><h2>{}</h2>", esc(&a.name));
        let points: Vec<(String, f64)> = a
            .scores
            .iter()
            .map(|s| (s.month.clone(), s.total))
            .collect();
        let _ = write!(
            b,
            "<h3>Score</h3>{}{}",
            line_chart(
                &points,
                t.qualifying_total,
                &format!("{} total", a.name),
                "points"
            ),
            table(
                "Total points",
                &a.scores
                    .iter()
                    .map(|s| {
                        (
                            s.month.clone(),
                            format!(
                                "{:.2} ({})",
                                s.total,
                                if s.qualified {
                                    "qualified"
                                } else {
                                    "not qualified"
                                }
                            ),
                        )
                    })
                    .collect::<Vec<_>>()
            )
        );
        for m in &a.metrics {
            let points: Vec<(String, f64)> = m
                .months
                .iter()
                .map(|p| (p.month.clone(), p.value))
                .collect();
            let _ = write!(
                b,
                "<h3>{} ({})</h3>{}{}",
                esc(&m.name),
                esc(&m.unit),
                line_chart(&points, None, &m.name, &m.unit),
                table(
                    &format!("{} (target; points)", m.unit),
                    &m.months
                        .iter()
                        .map(|p| {
                            (
                                p.month.clone(),
                                format!("{:.2} ({:.2}; {:.2} points)", p.value, p.target, p.points),
                            )
                        })
                        .collect::<Vec<_>>()
                )
            );
        }
        b.push_str("</section>");
    }
    Ok(page(
        "Trends",
        Some((&c.user.username, c.csrf.as_deref().unwrap_or(""))),
        &b,
    ))
}
