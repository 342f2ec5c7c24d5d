//! The server's shared state: the store, the catalog, the data folder, the datasets
//! of the imports serving (loaded once, kept in memory) and the login limiter.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use capscore_catalog::Catalog;
use capscore_core::Month;
use capscore_data::Loaded;
use capscore_store::{ImportRow, Store, Workspace};

use crate::auth::LoginLimiter;
use crate::error::AppError;

/// State shared by every request.
pub type Shared = Arc<AppState>;

/// See the module documentation.
#[derive(Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The rules.
    pub catalog: Arc<Catalog>,
    /// Where import versions are kept (`ws-ID/v-…`).
    pub data_dir: PathBuf,
    /// Whether cookies get `Secure` (the server is reached over TLS).
    pub secure_cookies: bool,
    /// Failed sign-ins.
    pub limiter: Mutex<LoginLimiter>,
    /// Loaded datasets by import id, with the areas of each month.
    pub datasets: RwLock<HashMap<i64, (Arc<Loaded>, Areas)>>,
    /// One import at a time per server.
    pub import_lock: tokio::sync::Mutex<()>,
    /// Scores and standings of whole months, per import version.
    pub cache: crate::cache::MonthCache,
    /// The portfolio's flags (the projected next month), per import version.
    pub flags: crate::flags::FlagCache,
}

/// A workspace with the import serving it, loaded.
#[derive(Debug, Clone)]
pub struct Current {
    /// The workspace.
    pub workspace: Workspace,
    /// The import serving.
    pub import: ImportRow,
    /// Its dataset.
    pub loaded: Arc<Loaded>,
    /// The months its scores were computed for, in order.
    pub months: Vec<Month>,
    /// The areas each month answers for (`None`: every area of every month, as for
    /// imports recorded before areas were).
    pub areas: Option<Arc<BTreeMap<Month, Vec<String>>>>,
}

impl Current {
    /// Whether the import's data answers for `area` in `month`.
    #[must_use]
    pub fn covers(&self, month: Month, area: &str) -> bool {
        self.areas
            .as_ref()
            .is_none_or(|m| m.get(&month).is_some_and(|a| a.iter().any(|x| x == area)))
    }

    /// The areas the data answers for in `month` (`None`: every area).
    #[must_use]
    pub fn areas_of(&self, month: Month) -> Option<Vec<String>> {
        self.areas
            .as_ref()
            .map(|m| m.get(&month).cloned().unwrap_or_default())
    }

    /// Refuses an area the data has no data for in `month` (422).
    ///
    /// # Errors
    /// See above.
    pub fn ensure_area(&self, month: Month, area: &str) -> Result<(), AppError> {
        if self.covers(month, area) {
            Ok(())
        } else {
            Err(AppError::Unprocessable(format!(
                "no data for this area in {month}: the data imported does not answer for area \"{area}\" in {month}"
            )))
        }
    }

    /// The month asked (`YYYY-MM`, one of the import's months) or the latest one.
    ///
    /// # Errors
    /// A malformed month or one the data does not answer for.
    pub fn month(&self, asked: Option<&str>) -> Result<Month, AppError> {
        let Some(asked) = asked.filter(|s| !s.is_empty()) else {
            return self
                .months
                .last()
                .copied()
                .ok_or_else(|| AppError::Unprocessable("the import covers no month".into()));
        };
        let m: Month = asked
            .parse()
            .map_err(|_| AppError::BadRequest(format!("month \"{asked}\" is not YYYY-MM")))?;
        if self.months.contains(&m) {
            Ok(m)
        } else {
            Err(AppError::Unprocessable(format!(
                "the data of this workspace cannot be scored for {m}: it answers for {}",
                capscore_data::coverage::months_in_words(&self.months)
            )))
        }
    }
}

impl AppState {
    /// A workspace the caller sees, with its serving import.
    ///
    /// # Errors
    /// Not found; a workspace without import yet (unprocessable); a dataset that no
    /// longer loads (internal).
    pub async fn current(&self, ws: i64) -> Result<Current, AppError> {
        let workspace = self
            .store
            .workspace(ws)
            .await?
            .ok_or_else(|| AppError::NotFound("workspace".to_string()))?;
        let Some(import_id) = workspace.current_import else {
            return Err(AppError::Unprocessable(format!(
                "workspace \"{}\" has no data yet: import tables first",
                workspace.name
            )));
        };
        let import = self
            .store
            .import(ws, import_id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("import {import_id} missing")))?;
        let (loaded, areas) = self.dataset(&import).await?;
        let months = import
            .months
            .split(',')
            .filter_map(|m| m.parse().ok())
            .collect();
        Ok(Current {
            workspace,
            import,
            loaded,
            months,
            areas,
        })
    }

    /// The dataset of an import, loaded through the data crate's loader on first use,
    /// and the areas of each of its months.
    async fn dataset(&self, import: &ImportRow) -> Result<(Arc<Loaded>, Areas), AppError> {
        if let Some(d) = self
            .datasets
            .read()
            .map_err(|_| AppError::Internal("dataset cache poisoned".into()))?
            .get(&import.id)
        {
            return Ok(d.clone());
        }
        let dir = self.data_dir.join(&import.dir);
        let catalog = self.catalog.clone();
        let loaded = tokio::task::spawn_blocking(move || capscore_data::load_dir(&dir, &*catalog))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| {
                AppError::Internal(format!("import {} no longer loads: {e}", import.id))
            })?;
        let loaded = Arc::new(loaded);
        self.remember(import, loaded.clone())?;
        Ok((loaded, areas_of(import)?))
    }

    /// Keeps a loaded dataset for an import (the serving one of each workspace is
    /// enough: older entries are dropped when the cache grows).
    ///
    /// # Errors
    /// A poisoned cache lock; a stored areas column that does not parse (internal).
    pub fn remember(&self, import: &ImportRow, loaded: Arc<Loaded>) -> Result<(), AppError> {
        let areas = areas_of(import)?;
        let mut cache = self
            .datasets
            .write()
            .map_err(|_| AppError::Internal("dataset cache poisoned".into()))?;
        if cache.len() >= 32 {
            cache.clear();
        }
        cache.insert(import.id, (loaded, areas));
        Ok(())
    }
}

/// The areas of each month of an import (`None`: every area).
pub type Areas = Option<Arc<BTreeMap<Month, Vec<String>>>>;

/// The areas column of an import, read.
fn areas_of(import: &ImportRow) -> Result<Areas, AppError> {
    if import.areas.is_empty() {
        return Ok(None);
    }
    let raw: BTreeMap<String, Vec<String>> = serde_json::from_str(&import.areas)
        .map_err(|e| AppError::Internal(format!("import {}: areas: {e}", import.id)))?;
    let mut out = BTreeMap::new();
    for (m, a) in raw {
        let m: Month = m
            .parse()
            .map_err(|_| AppError::Internal(format!("import {}: month {m}", import.id)))?;
        out.insert(m, a);
    }
    Ok(Some(Arc::new(out)))
}

/// Runs CPU-heavy work (explanations, what-ifs, recommendations, plans) on tokio's
/// blocking pool, so that it does not hold up the runtime's workers and the requests
/// they serve.
///
/// # Errors
/// The work's error; a task that panicked (internal).
pub async fn blocking<T, F>(f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("a task failed: {e}")))?
}
