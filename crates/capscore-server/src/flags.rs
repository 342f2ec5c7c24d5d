//! The portfolio's two flags, computed once per import version and month for every
//! partner and kept: **renewal due** (a designation's anniversary, from
//! `capscore-status`, within the catalog's renewal window of a date) and **loses
//! points next month** (the outlook of `capscore-whatif`: every usage series of the
//! data's last usage month stays as it is, associations and certifications as dated;
//! the next month's total in an area lower than the month's).
//!
//! The outlook's projection is the same for every partner, so it is made once per
//! import (the loaded dataset with its last usage month repeated once, in memory, as
//! `capscore outlook` projects it) and the next month is scored for every partner at
//! once by the engine.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use capscore_core::{Month, num_to_f64_2dp};
use capscore_data::Dataset;
use capscore_engine::{ScoreRequest, ensure_covered, score};
use capscore_whatif::outlook::project;
use chrono::{Datelike, NaiveDate};
use tokio::sync::OnceCell;

use crate::error::AppError;
use crate::state::{AppState, Current, Shared};

/// Next month's totals of every partner: partner id → (area id → total), only the
/// areas the projected data answers for.
pub type NextTotals = HashMap<String, HashMap<String, f64>>;

type Cells<K, T> = Mutex<HashMap<K, Arc<OnceCell<T>>>>;

/// Months of flags kept (across imports); the cache is emptied beyond it.
const MAX_ENTRIES: usize = 24;
/// Projected datasets kept (each as large as its import's data).
const MAX_PROJECTED: usize = 2;

/// See the module documentation.
#[derive(Debug, Default)]
pub struct FlagCache {
    projected: Cells<i64, Option<Arc<Dataset>>>,
    next: Cells<(i64, Month), Arc<NextTotals>>,
}

fn cell<K: std::hash::Hash + Eq + Copy, T>(
    cells: &Cells<K, T>,
    key: K,
    max: usize,
) -> Result<Arc<OnceCell<T>>, AppError> {
    let mut map = cells
        .lock()
        .map_err(|_| AppError::Internal("flag cache poisoned".into()))?;
    if map.len() >= max && !map.contains_key(&key) {
        map.clear();
    }
    Ok(map.entry(key).or_default().clone())
}

/// The date renewals are judged on for a data month, unless one is chosen: the day
/// the month's data is published (the catalog's publish day of the month after).
#[must_use]
pub fn publication_date(state: &AppState, month: Month) -> NaiveDate {
    let day = state.catalog.membership.lifecycle.refresh_publish_day;
    let next = month.offset(1);
    next.first_day()
        .with_day(day)
        .unwrap_or_else(|| next.last_day())
}

/// Whether a renewal is due on `date`: the anniversary falls within the catalog's
/// renewal window (days) before or after it — the window opens within that many days,
/// or is open.
#[must_use]
pub fn renewal_due(state: &AppState, anniversary: NaiveDate, date: NaiveDate) -> bool {
    let days = i64::from(state.catalog.membership.lifecycle.renewal_window_days);
    (anniversary - date).num_days().abs() <= days
}

impl AppState {
    /// The dataset of the serving import with one month projected as the outlook
    /// projects it (`None` when it has no usage to project).
    async fn projected(&self, cur: &Current) -> Result<Option<Arc<Dataset>>, AppError> {
        let c = cell(&self.flags.projected, cur.import.id, MAX_PROJECTED)?;
        c.get_or_try_init(|| async {
            let loaded = cur.loaded.clone();
            tokio::task::spawn_blocking(move || {
                project(&loaded.dataset, 1).map(|(d, _)| Arc::new(d))
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))
        })
        .await
        .cloned()
    }

    /// Every partner's totals in the month after `month` under the outlook's
    /// assumption (the areas the projected data answers for).
    ///
    /// # Errors
    /// A failed projection or engine run (internal).
    pub async fn next_month_totals(
        &self,
        cur: &Current,
        month: Month,
    ) -> Result<Arc<NextTotals>, AppError> {
        let c = cell(&self.flags.next, (cur.import.id, month), MAX_ENTRIES)?;
        c.get_or_try_init(|| async {
            let Some(projected) = self.projected(cur).await? else {
                return Ok(Arc::new(NextTotals::new()));
            };
            let catalog = self.catalog.clone();
            let next = month.offset(1);
            tokio::task::spawn_blocking(move || {
                let data = &*projected;
                let rules = catalog
                    .at_month(next)
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                let areas: Vec<String> = rules
                    .areas
                    .iter()
                    .map(|a| a.id.clone())
                    .filter(|a| {
                        ensure_covered(data, &catalog, next, Some(std::slice::from_ref(a))).is_ok()
                    })
                    .collect();
                let mut out = NextTotals::new();
                if areas.is_empty() {
                    return Ok(out);
                }
                let request = ScoreRequest {
                    month: next,
                    partners: None,
                    areas: Some(areas),
                };
                let scores = score(data, &catalog, &request)
                    .map_err(|e| AppError::Internal(format!("scoring {next}: {e}")))?;
                for p in scores.partners {
                    out.insert(
                        p.partner_id,
                        p.areas
                            .iter()
                            .map(|a| (a.area.clone(), num_to_f64_2dp(&a.total)))
                            .collect(),
                    );
                }
                Ok(out)
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map(Arc::new)
        })
        .await
        .cloned()
    }
}

/// Computes the flags of the newest month of a workspace's serving import in the
/// background (the month's standing and the next month's totals), so that the first
/// portfolio after an import does not wait for them; a portfolio asked meanwhile waits
/// for this same computation rather than starting another.
pub fn warm(state: &Shared, ws: i64) {
    let state = Arc::clone(state);
    tokio::spawn(async move {
        let Ok(cur) = state.current(ws).await else {
            return;
        };
        let Ok(month) = cur.month(None) else { return };
        let start = std::time::Instant::now();
        if let Err(e) = state.month_standing(&cur, month).await {
            tracing::warn!(workspace = ws, %month, error = %e, "computing the month's standing");
        }
        if let Err(e) = state.next_month_totals(&cur, month).await {
            tracing::warn!(workspace = ws, %month, error = %e, "projecting the next month");
        }
        tracing::info!(workspace = ws, %month, seconds = start.elapsed().as_secs_f64(), "portfolio flags computed");
    });
}
