//! The server's shared state: the store, the catalog, the data folder, the datasets
//! of the imports serving (loaded once, kept in memory) and the login limiter.

use std::collections::HashMap;
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
    /// Loaded datasets by import id.
    pub datasets: RwLock<HashMap<i64, Arc<Loaded>>>,
    /// One import at a time per server.
    pub import_lock: tokio::sync::Mutex<()>,
    /// Scores and standings of whole months, per import version.
    pub cache: crate::cache::MonthCache,
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
}

impl Current {
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
        let loaded = self.dataset(&import).await?;
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
        })
    }

    /// The dataset of an import, loaded through the data crate's loader on first use.
    async fn dataset(&self, import: &ImportRow) -> Result<Arc<Loaded>, AppError> {
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
        self.remember(import.id, loaded.clone())?;
        Ok(loaded)
    }

    /// Keeps a loaded dataset for an import (the serving one of each workspace is
    /// enough: older entries are dropped when the cache grows).
    ///
    /// # Errors
    /// A poisoned cache lock.
    pub fn remember(&self, import_id: i64, loaded: Arc<Loaded>) -> Result<(), AppError> {
        let mut cache = self
            .datasets
            .write()
            .map_err(|_| AppError::Internal("dataset cache poisoned".into()))?;
        if cache.len() >= 32 {
            cache.clear();
        }
        cache.insert(import_id, loaded);
        Ok(())
    }
}
