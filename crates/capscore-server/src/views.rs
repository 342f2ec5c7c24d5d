//! What the pages and the API show, built once for both: the portfolio of a
//! workspace, a partner's overview, an area's detail. Scores come from the engine
//! (the area detail is scored on request) or from the scores the engine computed at
//! import time (portfolio, history); nothing here computes a rule.

use capscore_core::{Month, num_to_f64_2dp};
use capscore_engine::AreaScore;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::{AppState, Current};

/// One area of a partner in the portfolio.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaCell {
    /// Area id.
    pub area: String,
    /// Total points (2 decimals).
    pub total: f64,
    /// Whether the partner qualifies.
    pub qualified: bool,
    /// The total next month under the outlook's assumption (the last usage month's
    /// usage stays as it is; associations and certifications as dated); `null` when
    /// the data cannot answer for the next month in this area.
    pub next_total: Option<f64>,
    /// Whether the next month's total is lower (`null`: see `next_total`).
    pub loses_points: Option<bool>,
    /// The designation's anniversary (`YYYY-MM-DD`) while the month's data is in
    /// force, when enrolled.
    pub anniversary_date: Option<String>,
    /// Whether the anniversary falls within the renewal window (days, from the
    /// catalog) of the portfolio's date (`null`: the data does not answer for the
    /// designations' standing).
    pub renewal_due: Option<bool>,
}

/// One partner of the portfolio.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PortfolioRow {
    /// `partner_id`.
    pub partner_id: String,
    /// Name, where the data gives one.
    pub name: Option<String>,
    /// One cell per area, in catalog order.
    pub areas: Vec<AreaCell>,
}

/// An area as the catalog names it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaName {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// The portfolio of a workspace for a month.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Portfolio {
    /// Workspace id.
    pub workspace_id: i64,
    /// Workspace name.
    pub workspace: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Every month with scores (`YYYY-MM`).
    pub months: Vec<String>,
    /// Points to qualify (the catalog's rule for the month).
    pub qualifying_total: f64,
    /// The date renewals are judged on (`YYYY-MM-DD`): the one asked, else the day
    /// the month's data is published.
    pub date: String,
    /// The renewal window around that date, in days (the catalog's).
    pub renewal_window_days: u32,
    /// Areas in catalog order.
    pub areas: Vec<AreaName>,
    /// Partners the caller may see, filtered and sorted.
    pub partners: Vec<PortfolioRow>,
}

/// Filters and order of the portfolio.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct PortfolioQuery {
    /// `YYYY-MM` (default: the latest month).
    pub month: Option<String>,
    /// Only partners with an area not qualified within this many points of the
    /// qualifying total.
    pub within: Option<f64>,
    /// Only partners whose id or name contains this text (case-insensitive).
    pub q: Option<String>,
    /// `partner` (default), `name`, or an area id (highest total first).
    pub sort: Option<String>,
    /// `true`: only partners with a designation whose renewal is due: its anniversary
    /// within the renewal window (30 days) before or after `date`.
    pub renewal_due: Option<bool>,
    /// `true`: only partners with an area whose total falls next month under the
    /// outlook's assumption.
    pub loses_points: Option<bool>,
    /// `YYYY-MM-DD`, the date renewals are judged on (default: the day the month's
    /// data is published).
    pub date: Option<String>,
}

fn area_names(state: &AppState, month: Month) -> Result<(Vec<AreaName>, f64), AppError> {
    let rules = state
        .catalog
        .at_month(month)
        .map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let areas = rules
        .areas
        .iter()
        .map(|a| AreaName {
            id: a.id.clone(),
            name: a.name.clone(),
        })
        .collect();
    Ok((areas, num_to_f64_2dp(&rules.params.qualifying_total_points)))
}

/// The portfolio: the stored scores of the month for every partner the caller sees.
///
/// # Errors
/// As [`AppState::current`]; a month not scored.
pub async fn portfolio(
    state: &AppState,
    caller: &Caller,
    cur: &Current,
    q: &PortfolioQuery,
) -> Result<Portfolio, AppError> {
    let ws = cur.workspace.id;
    let month = cur.month(q.month.as_deref())?;
    let (areas, qualifying_total) = area_names(state, month)?;
    let rows = state.store.scores_of_month(ws, &month.to_string()).await?;
    let date = match q.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => capscore_core::parse_date(d)
            .map_err(|_| AppError::BadRequest(format!("date \"{d}\" is not YYYY-MM-DD")))?,
        None => crate::flags::publication_date(state, month),
    };
    let next = state.next_month_totals(cur, month).await?;
    // Anniversaries by partner and area while the month's data is in force; `None`
    // when the data does not answer for the standing.
    let standing_all = state.month_standing(cur, month).await?;
    let standing = standing_all.as_ref().map(|s| {
        s.partners
            .iter()
            .map(|p| {
                (
                    p.partner_id.as_str(),
                    p.designations
                        .iter()
                        .map(|d| (d.area.as_str(), d.anniversary_date))
                        .collect::<std::collections::HashMap<_, _>>(),
                )
            })
            .collect::<std::collections::HashMap<_, _>>()
    });
    let partners_table = &cur.loaded.dataset.partners;
    let mut out: Vec<PortfolioRow> = Vec::new();
    for r in rows {
        if !caller.sees_partner(ws, &r.partner_id) {
            continue;
        }
        if out.last().is_none_or(|l| l.partner_id != r.partner_id) {
            let name = partners_table
                .find(&r.partner_id)
                .and_then(|i| partners_table.names[i.0 as usize].clone());
            out.push(PortfolioRow {
                partner_id: r.partner_id.clone(),
                name,
                areas: Vec::new(),
            });
        }
        if let Some(last) = out.last_mut() {
            let next_total = next
                .get(&r.partner_id)
                .and_then(|a| a.get(&r.area))
                .copied();
            let anniversary = standing.as_ref().map(|s| {
                s.get(r.partner_id.as_str())
                    .and_then(|a| a.get(r.area.as_str()))
                    .copied()
                    .flatten()
            });
            last.areas.push(AreaCell {
                area: r.area,
                total: r.total,
                qualified: r.qualified,
                next_total,
                loses_points: next_total.map(|n| n < r.total),
                anniversary_date: anniversary.flatten().map(|d| d.to_string()),
                renewal_due: anniversary
                    .map(|a| a.is_some_and(|a| crate::flags::renewal_due(state, a, date))),
            });
        }
    }
    for row in &mut out {
        row.areas
            .sort_by_key(|c| areas.iter().position(|a| a.id == c.area));
    }
    if let Some(within) = q.within {
        out.retain(|p| {
            p.areas
                .iter()
                .any(|c| !c.qualified && c.total + within >= qualifying_total)
        });
    }
    if q.renewal_due == Some(true) {
        if standing.is_none() {
            return Err(AppError::Unprocessable(format!(
                "the data does not answer for the designations' standing while {month}'s data is in force: renewals cannot be told"
            )));
        }
        out.retain(|p| p.areas.iter().any(|c| c.renewal_due == Some(true)));
    }
    if q.loses_points == Some(true) {
        if next.is_empty() {
            return Err(AppError::Unprocessable(format!(
                "the data cannot answer for {} even with its last usage month projected: points lost cannot be told",
                month.offset(1)
            )));
        }
        out.retain(|p| p.areas.iter().any(|c| c.loses_points == Some(true)));
    }
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let text = text.to_lowercase();
        out.retain(|p| {
            p.partner_id.to_lowercase().contains(&text)
                || p.name
                    .as_deref()
                    .is_some_and(|n| n.to_lowercase().contains(&text))
        });
    }
    match q.sort.as_deref() {
        None | Some("" | "partner") => {}
        Some("name") => out.sort_by(|a, b| {
            a.name
                .as_deref()
                .unwrap_or("")
                .to_lowercase()
                .cmp(&b.name.as_deref().unwrap_or("").to_lowercase())
        }),
        Some(area) if areas.iter().any(|a| a.id == area) => {
            let total = |p: &PortfolioRow| {
                p.areas
                    .iter()
                    .find(|c| c.area == area)
                    .map_or(f64::NEG_INFINITY, |c| c.total)
            };
            out.sort_by(|a, b| total(b).total_cmp(&total(a)));
        }
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "sort \"{other}\" is not partner, name or an area id"
            )));
        }
    }
    Ok(Portfolio {
        workspace_id: ws,
        workspace: cur.workspace.name.clone(),
        month: month.to_string(),
        months: cur.months.iter().map(ToString::to_string).collect(),
        qualifying_total,
        date: date.to_string(),
        renewal_window_days: state.catalog.membership.lifecycle.renewal_window_days,
        areas,
        partners: out,
    })
}

/// A month's total in an area's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// Total points.
    pub total: f64,
    /// Whether the partner qualified.
    pub qualified: bool,
}

/// One area card of the partner overview.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaCard {
    /// Area id.
    pub area: String,
    /// Display name.
    pub name: String,
    /// Whether the data answers for this area in this month; when not, the total,
    /// qualification, track and designation are `null` ("no data for this area in
    /// this month") and the history still shows every month stored.
    pub has_data: bool,
    /// Total points this month (`null`: no data for this area in this month).
    pub total: Option<f64>,
    /// Whether the partner qualifies this month (`null`: no data).
    pub qualified: Option<bool>,
    /// The counting track's name (areas with tracks).
    pub track: Option<String>,
    /// Every month stored, oldest first (kept across imports).
    pub history: Vec<HistoryPoint>,
    /// The designation's standing while this month's data is in force
    /// (`capscore status`), where the data answers for it.
    pub designation: Option<Designation>,
}

/// A designation's standing (from `capscore-status`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Designation {
    /// `in_progress`, `qualified`, `enrolled` or `enrolled_renewal_due`.
    pub status: String,
    /// The status in words.
    pub label: String,
    /// The date the standing is for (`YYYY-MM-DD`): the last day of the month after
    /// the data month, when that month's data is in force.
    pub date: String,
    /// First day of the qualification window.
    pub window_start: String,
    /// Last day of the qualification window.
    pub window_end: String,
    /// Anniversary date, when enrolled.
    pub anniversary_date: Option<String>,
}

/// The designations of a partner while `month`'s data is in force; empty when the data
/// does not answer (the page then shows the scores only).
async fn designations(
    state: &AppState,
    cur: &Current,
    partner: &str,
    month: Month,
) -> Result<Vec<(String, Designation)>, AppError> {
    let date = crate::cache::standing_date(month);
    let Some(standing) = state.partner_standing(cur, month, partner).await? else {
        return Ok(Vec::new());
    };
    Ok(standing
        .designations
        .into_iter()
        .map(|d| {
            (
                d.area.clone(),
                Designation {
                    status: d.status.as_str().to_string(),
                    label: d.status.label().to_string(),
                    date: date.to_string(),
                    window_start: d.window_start.to_string(),
                    window_end: d.window_end.to_string(),
                    anniversary_date: d.anniversary_date.map(|a| a.to_string()),
                },
            )
        })
        .collect())
}

/// A partner's overview.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerOverview {
    /// Workspace id.
    pub workspace_id: i64,
    /// `partner_id`.
    pub partner_id: String,
    /// Name.
    pub name: Option<String>,
    /// `YYYY-MM`.
    pub month: String,
    /// Catalog version of the month's rules.
    pub catalog_version: String,
    /// Points to qualify.
    pub qualifying_total: f64,
    /// Badges earned this month.
    pub badges: Vec<String>,
    /// One card per area.
    pub areas: Vec<AreaCard>,
}

/// The partner's scores for `month`: its part of the engine's scores of the month.
async fn score_partner(
    state: &AppState,
    cur: &Current,
    partner: &str,
    month: Month,
) -> Result<capscore_engine::PartnerScore, AppError> {
    // A location account is scored with its global account: not a partner page.
    state
        .partner_score(cur, month, partner)
        .await?
        .ok_or_else(|| AppError::NotFound("partner".to_string()))
}

/// The partner's overview: a card per area with its history.
///
/// # Errors
/// Not found (also for a partner the caller may not see); a month not scored.
pub async fn partner(
    state: &AppState,
    caller: &Caller,
    cur: &Current,
    partner: &str,
    month: Option<&str>,
) -> Result<PartnerOverview, AppError> {
    let ws = cur.workspace.id;
    caller.partner(ws, partner)?;
    let month = cur.month(month)?;
    let (names, qualifying_total) = area_names(state, month)?;
    let scored = score_partner(state, cur, partner, month).await?;
    let standing = designations(state, cur, partner, month).await?;
    let history = state.store.score_history(ws, partner).await?;
    let catalog_version = state
        .catalog
        .at_month(month)
        .map(|r| r.version_label())
        .unwrap_or_default();
    let areas = scored
        .areas
        .iter()
        .map(|a| {
            let has_data = cur.covers(month, &a.area);
            AreaCard {
                area: a.area.clone(),
                name: names
                    .iter()
                    .find(|n| n.id == a.area)
                    .map_or_else(|| a.area.clone(), |n| n.name.clone()),
                has_data,
                total: has_data.then(|| num_to_f64_2dp(&a.total)),
                qualified: has_data.then_some(a.qualified),
                track: a.track.as_deref().filter(|_| has_data).map(|t| {
                    state
                        .catalog
                        .area_def(&a.area)
                        .map_or(t, |d| d.track_name(t))
                        .to_string()
                }),
                history: history
                    .iter()
                    .filter(|h| h.area == a.area)
                    .map(|h| HistoryPoint {
                        month: h.month.clone(),
                        total: h.total,
                        qualified: h.qualified,
                    })
                    .collect(),
                designation: standing
                    .iter()
                    .find(|(area, _)| has_data && *area == a.area)
                    .map(|(_, d)| d.clone()),
            }
        })
        .collect();
    Ok(PartnerOverview {
        workspace_id: ws,
        partner_id: scored.partner_id,
        name: scored.name,
        month: month.to_string(),
        catalog_version,
        qualifying_total,
        badges: scored.badges,
        areas,
    })
}

/// An area's detail for a partner: the engine's score of the area as in the JSON
/// contract of `capscore score --format json`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaDetail {
    /// Workspace id.
    pub workspace_id: i64,
    /// `partner_id`.
    pub partner_id: String,
    /// Name.
    pub name: Option<String>,
    /// `YYYY-MM`.
    pub month: String,
    /// Area display name.
    pub area_name: String,
    /// Points to qualify.
    pub qualifying_total: f64,
    /// The engine's area score (tracks, metrics, options).
    #[schema(value_type = Object)]
    pub score: AreaScore,
}

/// The area detail.
///
/// # Errors
/// Not found (also for a partner the caller may not see, or an unknown area); a
/// month not scored.
pub async fn area(
    state: &AppState,
    caller: &Caller,
    cur: &Current,
    partner: &str,
    area: &str,
    month: Option<&str>,
) -> Result<AreaDetail, AppError> {
    caller.partner(cur.workspace.id, partner)?;
    let month = cur.month(month)?;
    let (names, qualifying_total) = area_names(state, month)?;
    let Some(area_name) = names.iter().find(|n| n.id == area) else {
        return Err(AppError::NotFound(format!("area \"{area}\"")));
    };
    cur.ensure_area(month, area)?;
    let scored = score_partner(state, cur, partner, month).await?;
    let score = scored
        .areas
        .into_iter()
        .find(|a| a.area == area)
        .ok_or_else(|| AppError::NotFound(format!("area \"{area}\"")))?;
    Ok(AreaDetail {
        workspace_id: cur.workspace.id,
        partner_id: scored.partner_id,
        name: scored.name,
        month: month.to_string(),
        area_name: area_name.name.clone(),
        qualifying_total,
        score,
    })
}
