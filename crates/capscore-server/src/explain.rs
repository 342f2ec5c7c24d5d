//! Why a metric is what it is (the engine's explanation of one metric, its
//! contributions and exclusions paged) and which customers count (the explanation
//! regrouped by tenant), for the pages and the API.

use capscore_engine::ExplainRequest;
use capscore_engine::explain::{
    CustomerEligibility, Explanation, MetricExplanation, SkillingEligibility, customers, explain,
    skilling,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::{AppState, Current, Shared, blocking};

/// Entries per page of contributions and exclusions.
pub const PAGE_SIZE: usize = 50;

/// One metric explained, its entries paged.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MetricPage {
    /// `partner_id`.
    pub partner_id: String,
    /// Partner name.
    pub name: Option<String>,
    /// `YYYY-MM`.
    pub month: String,
    /// Area id.
    pub area: String,
    /// Track explained (`None` for areas without tracks).
    pub track: Option<String>,
    /// Every track of the area that has this metric.
    pub tracks: Vec<Option<String>>,
    /// Page shown (from 1).
    pub page: usize,
    /// Pages: the most any option's contributions or exclusions need.
    pub pages: usize,
    /// The engine's explanation of the metric, each option's `contributions` and
    /// `excluded` cut to the page.
    #[schema(value_type = Object)]
    pub explanation: MetricExplanation,
}

/// The explanation of one metric of a partner.
///
/// # Errors
/// Not found (partner not visible, unknown area, track or metric); a month not scored.
#[allow(clippy::too_many_arguments)]
pub async fn metric(
    state: &Shared,
    caller: &Caller,
    cur: &Current,
    partner: &str,
    area: &str,
    metric: &str,
    track: Option<&str>,
    month: Option<&str>,
    page: Option<usize>,
) -> Result<MetricPage, AppError> {
    let (state, caller, cur) = (state.clone(), caller.clone(), cur.clone());
    let (partner, area, metric) = (partner.to_string(), area.to_string(), metric.to_string());
    let (track, month) = (track.map(String::from), month.map(String::from));
    blocking(move || {
        metric_paged(
            &state,
            &caller,
            &cur,
            (&partner, &area, &metric, track.as_deref()),
            month.as_deref(),
            Paging::Page(page),
        )
    })
    .await
}

/// The explanation of one metric of a partner with every entry (no paging), for
/// the CSV download.
///
/// # Errors
/// As [`metric`].
pub async fn metric_all(
    state: &Shared,
    caller: &Caller,
    cur: &Current,
    (partner, area, metric, track): (&str, &str, &str, Option<&str>),
    month: Option<&str>,
) -> Result<MetricPage, AppError> {
    let (state, caller, cur) = (state.clone(), caller.clone(), cur.clone());
    let (partner, area, metric) = (partner.to_string(), area.to_string(), metric.to_string());
    let (track, month) = (track.map(String::from), month.map(String::from));
    blocking(move || {
        metric_paged(
            &state,
            &caller,
            &cur,
            (&partner, &area, &metric, track.as_deref()),
            month.as_deref(),
            Paging::All,
        )
    })
    .await
}

/// Which entries of a metric's explanation.
#[derive(Debug, Clone, Copy)]
enum Paging {
    /// A page of [`PAGE_SIZE`] entries per option (default: the first).
    Page(Option<usize>),
    /// Every entry.
    All,
}

fn metric_paged(
    state: &AppState,
    caller: &Caller,
    cur: &Current,
    (partner, area, metric, track): (&str, &str, &str, Option<&str>),
    month: Option<&str>,
    page: Paging,
) -> Result<MetricPage, AppError> {
    caller.partner(cur.workspace.id, partner)?;
    let month = cur.month(month)?;
    let not_found = || AppError::NotFound("metric".to_string());
    if state.catalog.area_def(area).is_none() {
        return Err(not_found());
    }
    cur.ensure_area(month, area)?;
    let idx = cur
        .loaded
        .dataset
        .partners
        .find(partner)
        .ok_or_else(|| AppError::NotFound("partner".to_string()))?;
    let request = ExplainRequest {
        month,
        partners: Some(vec![idx]),
        areas: Some(vec![area.to_string()]),
        tracks: None,
        metrics: Some(vec![metric.to_string()]),
        exclusions: capscore_engine::explain::Exclusions::All,
    };
    let expl = explain(&cur.loaded.dataset, &state.catalog, &request).map_err(|_| not_found())?;
    let p = expl.partners.into_iter().next().ok_or_else(not_found)?;
    let a = p.areas.into_iter().next().ok_or_else(not_found)?;
    let tracks: Vec<Option<String>> = a
        .tracks
        .iter()
        .filter(|t| t.metrics.iter().any(|m| m.metric == metric))
        .map(|t| t.track.clone())
        .collect();
    let chosen = a
        .tracks
        .into_iter()
        .filter(|t| t.metrics.iter().any(|m| m.metric == metric))
        .find(|t| match track {
            Some(id) if !id.is_empty() => t.track.as_deref() == Some(id),
            _ => t.counts || t.track.is_none(),
        })
        .ok_or_else(not_found)?;
    let track_id = chosen.track.clone();
    let mut m = chosen
        .metrics
        .into_iter()
        .find(|m| m.metric == metric)
        .ok_or_else(not_found)?;
    let most = m
        .options
        .iter()
        .map(|o| o.contributions.len().max(o.excluded.len()))
        .max()
        .unwrap_or(0);
    let (page, pages) = match page {
        Paging::Page(page) => {
            let pages = most.div_ceil(PAGE_SIZE).max(1);
            (page.unwrap_or(1).clamp(1, pages), pages)
        }
        Paging::All => (1, 1),
    };
    let size = if pages == 1 { usize::MAX } else { PAGE_SIZE };
    let from = (page - 1) * PAGE_SIZE;
    for o in &mut m.options {
        o.contributions = o
            .contributions
            .iter()
            .skip(from)
            .take(size)
            .cloned()
            .collect();
        o.excluded = o.excluded.iter().skip(from).take(size).cloned().collect();
    }
    Ok(MetricPage {
        partner_id: p.partner_id,
        name: p.name,
        month: month.to_string(),
        area: a.area,
        track: track_id,
        tracks,
        page,
        pages,
        explanation: m,
    })
}

/// Customer eligibility of a partner: every tenant and, per area, track, metric and
/// option, whether it counts and why not; `q` keeps tenants whose id or name
/// contains it (case-insensitive).
///
/// # Errors
/// Not found (partner not visible); a month not scored.
pub async fn customer_lookup(
    state: &Shared,
    caller: &Caller,
    cur: &Current,
    partner: &str,
    month: Option<&str>,
    q: Option<&str>,
) -> Result<CustomerEligibility, AppError> {
    let (state, caller, cur) = (state.clone(), caller.clone(), cur.clone());
    let (partner, month, q) = (
        partner.to_string(),
        month.map(String::from),
        q.map(String::from),
    );
    blocking(move || {
        customer_lookup_now(
            &state,
            &caller,
            &cur,
            &partner,
            month.as_deref(),
            q.as_deref(),
        )
    })
    .await
}

fn customer_lookup_now(
    state: &AppState,
    caller: &Caller,
    cur: &Current,
    partner: &str,
    month: Option<&str>,
    q: Option<&str>,
) -> Result<CustomerEligibility, AppError> {
    let expl = explain_partner(state, caller, cur, partner, month)?;
    let not_found = || AppError::NotFound("partner".to_string());
    let mut c = customers(&expl, None)
        .into_iter()
        .next()
        .ok_or_else(not_found)?;
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        let q = q.to_lowercase();
        c.tenants.retain(|t| {
            t.tenant.to_lowercase().contains(&q)
                || t.tenant_name
                    .as_deref()
                    .is_some_and(|n| n.to_lowercase().contains(&q))
        });
    }
    Ok(c)
}

/// Skilling eligibility of a partner: each person, their certifications, and whether
/// each counts in each certification metric (and why not).
///
/// # Errors
/// Not found (partner not visible); a month not scored.
pub async fn skilling_of(
    state: &Shared,
    caller: &Caller,
    cur: &Current,
    partner: &str,
    month: Option<&str>,
) -> Result<SkillingEligibility, AppError> {
    let (state, caller, cur) = (state.clone(), caller.clone(), cur.clone());
    let (partner, month) = (partner.to_string(), month.map(String::from));
    blocking(move || skilling_now(&state, &caller, &cur, &partner, month.as_deref())).await
}

fn skilling_now(
    state: &AppState,
    caller: &Caller,
    cur: &Current,
    partner: &str,
    month: Option<&str>,
) -> Result<SkillingEligibility, AppError> {
    let expl = explain_partner(state, caller, cur, partner, month)?;
    let not_found = || AppError::NotFound("partner".to_string());
    skilling(&expl, &state.catalog)
        .into_iter()
        .next()
        .ok_or_else(not_found)
}

/// The engine's explanation of every area of one partner in a month, after the access
/// check; a partner the caller may not see, or one the month cannot explain, is not
/// found.
fn explain_partner(
    state: &AppState,
    caller: &Caller,
    cur: &Current,
    partner: &str,
    month: Option<&str>,
) -> Result<Explanation, AppError> {
    caller.partner(cur.workspace.id, partner)?;
    let month = cur.month(month)?;
    let not_found = || AppError::NotFound("partner".to_string());
    let idx = cur
        .loaded
        .dataset
        .partners
        .find(partner)
        .ok_or_else(not_found)?;
    let request = ExplainRequest {
        month,
        partners: Some(vec![idx]),
        // Only the areas the data answers for in the month.
        areas: cur.areas_of(month),
        tracks: None,
        metrics: None,
        exclusions: capscore_engine::explain::Exclusions::All,
    };
    explain(&cur.loaded.dataset, &state.catalog, &request).map_err(|_| not_found())
}
