//! The engine's scores and the membership standings of a whole month, computed once per
//! import version and month and kept (an import's data never changes): the pages and
//! the API then read a partner's part instead of re-running the engine per request.
//! Concurrent first requests wait for one computation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use capscore_core::Month;
use capscore_engine::{PartnerScore, ScoreRequest, Scores, score};
use capscore_status::{PartnerStanding, Standing, StatusRequest, status};
use tokio::sync::OnceCell;

use crate::error::AppError;
use crate::state::{AppState, Current};

type Key = (i64, Month);
type Cells<T> = Mutex<HashMap<Key, Arc<OnceCell<T>>>>;

/// Months kept (across imports); the oldest entries are dropped beyond it.
const MAX_ENTRIES: usize = 24;

/// See the module documentation.
#[derive(Debug, Default)]
pub struct MonthCache {
    scores: Cells<Arc<Scores>>,
    standings: Cells<Option<Arc<Standing>>>,
}

fn cell<T>(cells: &Cells<T>, key: Key) -> Result<Arc<OnceCell<T>>, AppError> {
    let mut map = cells
        .lock()
        .map_err(|_| AppError::Internal("month cache poisoned".into()))?;
    if map.len() >= MAX_ENTRIES && !map.contains_key(&key) {
        map.clear();
    }
    Ok(map.entry(key).or_default().clone())
}

/// The date a data month's standing is shown for: the last day of the month after it,
/// when that month's data is in force.
#[must_use]
pub fn standing_date(month: Month) -> chrono::NaiveDate {
    month.offset(1).last_day()
}

impl MonthCache {
    /// Keeps scores computed elsewhere (by an import) for an import and month.
    ///
    /// # Errors
    /// A poisoned lock.
    pub fn seed(&self, import: i64, month: Month, scores: Scores) -> Result<(), AppError> {
        let c = cell(&self.scores, (import, month))?;
        let _ = c.set(Arc::new(scores));
        Ok(())
    }
}

impl AppState {
    /// Every partner's scores for a month of the serving import (the engine's `score`).
    ///
    /// # Errors
    /// An engine error (internal: the months served are checked at import).
    pub async fn month_scores(&self, cur: &Current, month: Month) -> Result<Arc<Scores>, AppError> {
        let c = cell(&self.cache.scores, (cur.import.id, month))?;
        c.get_or_try_init(|| async {
            let loaded = cur.loaded.clone();
            let catalog = self.catalog.clone();
            tokio::task::spawn_blocking(move || {
                let request = ScoreRequest {
                    month,
                    partners: None,
                    areas: None,
                };
                score(&loaded.dataset, &catalog, &request)
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map(Arc::new)
            .map_err(|e| AppError::Internal(format!("scoring {month}: {e}")))
        })
        .await
        .cloned()
    }

    /// One partner's scores for a month (`None`: not a scored partner, such as a
    /// location account).
    ///
    /// # Errors
    /// As [`AppState::month_scores`].
    pub async fn partner_score(
        &self,
        cur: &Current,
        month: Month,
        partner: &str,
    ) -> Result<Option<PartnerScore>, AppError> {
        let scores = self.month_scores(cur, month).await?;
        Ok(find(&scores.partners, partner, |p| &p.partner_id).cloned())
    }

    /// Every partner's standing while the month's data is in force (`capscore
    /// status`); `None` when the data does not answer for it.
    ///
    /// # Errors
    /// A poisoned lock or a failed task.
    pub async fn month_standing(
        &self,
        cur: &Current,
        month: Month,
    ) -> Result<Option<Arc<Standing>>, AppError> {
        let c = cell(&self.cache.standings, (cur.import.id, month))?;
        c.get_or_try_init(|| async {
            let loaded = cur.loaded.clone();
            let catalog = self.catalog.clone();
            tokio::task::spawn_blocking(move || {
                let request = StatusRequest {
                    date: standing_date(month),
                    month: Some(month),
                    partners: None,
                };
                status(&loaded.dataset, &catalog, &request)
                    .ok()
                    .map(Arc::new)
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))
        })
        .await
        .cloned()
    }

    /// One partner's standing for a month, where the data answers for it.
    ///
    /// # Errors
    /// As [`AppState::month_standing`].
    pub async fn partner_standing(
        &self,
        cur: &Current,
        month: Month,
        partner: &str,
    ) -> Result<Option<PartnerStanding>, AppError> {
        Ok(self
            .month_standing(cur, month)
            .await?
            .and_then(|s| find(&s.partners, partner, |p| &p.partner_id).cloned()))
    }
}

/// An entry by partner id in a list in partner-table order (sorted by id; a linear
/// search otherwise).
fn find<'a, T>(list: &'a [T], id: &str, key: impl Fn(&T) -> &String) -> Option<&'a T> {
    match list.binary_search_by(|p| key(p).as_str().cmp(id)) {
        Ok(i) => list.get(i),
        Err(_) => list.iter().find(|p| key(p) == id),
    }
}
