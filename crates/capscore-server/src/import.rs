//! Imports into a workspace: uploaded files are written to a temporary folder under
//! the data directory, checked by the data crate's loader, every month the data can
//! answer for is scored by the engine, the folder is renamed into place and only then
//! is the import committed in the database (its row, its scores, the workspace's
//! current version) in one transaction. A failed or interrupted import leaves the
//! previous version serving; folders no committed import names are removed at start.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use capscore_catalog::Catalog;
use capscore_core::Month;
use capscore_data::Loaded;
use capscore_engine::{ScoreRequest, ensure_covered, score};
use capscore_store::{ImportRow, NewImport, ScoreRow, random_token};
use serde::Serialize;

use crate::error::AppError;
use crate::state::AppState;

/// Prefix of the temporary folders of imports under way.
const TEMP_PREFIX: &str = ".tmp-";

/// The report kept with an import.
#[derive(Debug, Serialize)]
struct Report {
    files: Vec<FileEntry>,
    partners: usize,
    months: Vec<String>,
    warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
struct FileEntry {
    name: String,
    bytes: usize,
}

/// Checks an uploaded file name: a table name and `.csv` or `.parquet`, nothing else
/// (no folders, no hidden files).
fn table_file_name(name: &str) -> Result<&str, AppError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let ok_ext = base.ends_with(".csv") || base.ends_with(".parquet");
    let stem = base.rsplit_once('.').map_or("", |(s, _)| s);
    if ok_ext
        && !stem.is_empty()
        && stem
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && capscore_data::TABLES.contains(&stem)
    {
        Ok(base)
    } else {
        Err(AppError::BadRequest(format!(
            "file \"{name}\" is not a capscore table: name it TABLE.csv or TABLE.parquet with TABLE one of {}",
            capscore_data::TABLES.join(", ")
        )))
    }
}

/// The months the dataset can be scored for (every area's needs covered), in order.
#[must_use]
pub fn scoreable_months(loaded: &Loaded, catalog: &Catalog) -> Vec<Month> {
    let cov = &loaded.dataset.coverage;
    let spans: Vec<(Month, Month)> = cov.tables.iter().filter_map(|t| t.span).collect();
    let (Some(lo), Some(hi)) = (
        spans.iter().map(|s| s.0).min(),
        spans.iter().map(|s| s.1).max(),
    ) else {
        return Vec::new();
    };
    Month::range(lo, hi)
        .filter(|m| ensure_covered(&loaded.dataset, catalog, *m, None).is_ok())
        .collect()
}

/// Scores every month given, for every partner: the rows kept in the store, and the
/// last month's scores (kept in memory for the pages).
///
/// # Errors
/// An engine error (internal: the months were checked).
pub fn month_scores(
    loaded: &Loaded,
    catalog: &Catalog,
    months: &[Month],
) -> Result<(Vec<ScoreRow>, Option<capscore_engine::Scores>), AppError> {
    let mut out = Vec::new();
    let mut last = None;
    for &month in months {
        let request = ScoreRequest {
            month,
            partners: None,
            areas: None,
        };
        let scores = score(&loaded.dataset, catalog, &request)
            .map_err(|e| AppError::Internal(format!("scoring {month}: {e}")))?;
        for p in &scores.partners {
            for a in &p.areas {
                out.push(ScoreRow {
                    month: month.to_string(),
                    partner_id: p.partner_id.clone(),
                    area: a.area.clone(),
                    total: capscore_core::num_to_f64_2dp(&a.total),
                    qualified: a.qualified,
                });
            }
        }
        last = Some(scores);
    }
    Ok((out, last))
}

/// What the blocking part of an import hands to the commit.
struct Prepared {
    dir_name: String,
    loaded: Arc<Loaded>,
    report: String,
    scores: Vec<ScoreRow>,
    last: Option<(Month, capscore_engine::Scores)>,
}

fn sync_dir(dir: &Path) {
    // Best effort: a folder's entries reach the disk (not possible on every platform).
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Writes, checks and scores the files, then moves the folder into place.
fn prepare(
    data_dir: &Path,
    ws: i64,
    catalog: &Catalog,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Prepared, AppError> {
    if files.is_empty() {
        return Err(AppError::BadRequest("no file was uploaded".into()));
    }
    let mut names = Vec::new();
    for (name, _) in &files {
        let n = table_file_name(name)?;
        let stem = n.rsplit_once('.').map_or(n, |(s, _)| s);
        if names.contains(&stem) {
            return Err(AppError::BadRequest(format!(
                "table {stem} was uploaded twice"
            )));
        }
        names.push(stem);
    }
    let ws_dir = data_dir.join(format!("ws-{ws}"));
    std::fs::create_dir_all(&ws_dir).map_err(|e| AppError::Internal(e.to_string()))?;
    let token = random_token(8)?;
    let tmp = ws_dir.join(format!("{TEMP_PREFIX}{token}"));
    let result = (|| {
        std::fs::create_dir(&tmp).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut entries = Vec::new();
        for (name, bytes) in &files {
            let base = table_file_name(name)?;
            let mut f = std::fs::File::create(tmp.join(base))
                .map_err(|e| AppError::Internal(e.to_string()))?;
            f.write_all(bytes)
                .and_then(|()| f.sync_all())
                .map_err(|e| AppError::Internal(e.to_string()))?;
            entries.push(FileEntry {
                name: base.to_string(),
                bytes: bytes.len(),
            });
        }
        let loaded = capscore_data::load_dir(&tmp, catalog).map_err(|e| {
            AppError::BadRequest(format!("the data was rejected, nothing was imported:\n{e}"))
        })?;
        let months = scoreable_months(&loaded, catalog);
        if months.is_empty() {
            return Err(AppError::Unprocessable(format!(
                "the data covers no month that can be scored ({}), nothing was imported",
                loaded.dataset.coverage.describe()
            )));
        }
        let (scores, last) = month_scores(&loaded, catalog, &months)?;
        let last = last.map(|s| (s.month, s));
        let report = Report {
            files: entries,
            partners: loaded.dataset.partners.len(),
            months: months.iter().map(ToString::to_string).collect(),
            warnings: loaded.warnings.iter().map(ToString::to_string).collect(),
        };
        let report =
            serde_json::to_string(&report).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok((loaded, report, scores, last))
    })();
    let (loaded, report, scores, last) = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let dir_name = format!("ws-{ws}/v-{token}");
    let target = data_dir.join(&dir_name);
    if let Err(e) = std::fs::rename(&tmp, &target) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(AppError::Internal(e.to_string()));
    }
    sync_dir(&ws_dir);
    Ok(Prepared {
        dir_name,
        loaded: Arc::new(loaded),
        report,
        scores,
        last,
    })
}

/// Imports capscore tables (`(file name, bytes)`) into a workspace as `user_id`.
///
/// # Errors
/// Bad file names or data (400, nothing imported), no month to score (422), a store
/// error.
pub async fn import_tables(
    state: &AppState,
    ws: i64,
    user_id: i64,
    files: Vec<(String, Vec<u8>)>,
) -> Result<ImportRow, AppError> {
    state
        .store
        .workspace(ws)
        .await?
        .ok_or_else(|| AppError::NotFound("workspace".to_string()))?;
    let _one = state.import_lock.lock().await;
    let data_dir = state.data_dir.clone();
    let catalog = state.catalog.clone();
    let prepared = tokio::task::spawn_blocking(move || prepare(&data_dir, ws, &catalog, files))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let target = state.data_dir.join(&prepared.dir_name);
    let committed = state
        .store
        .commit_import(NewImport {
            workspace_id: ws,
            kind: "tables".into(),
            dir: prepared.dir_name.clone(),
            user_id,
            report: prepared.report,
            scores: prepared.scores,
        })
        .await;
    match committed {
        Ok(row) => {
            state.remember(row.id, prepared.loaded)?;
            if let Some((month, scores)) = prepared.last {
                state.cache.seed(row.id, month, scores)?;
            }
            tracing::info!(workspace = ws, import = row.id, months = %row.months, "import committed");
            Ok(row)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&target);
            Err(e.into())
        }
    }
}

/// Removes import folders no committed import names (left by a crash or a failed
/// commit), and temporary folders; returns how many were removed.
///
/// # Errors
/// A store error.
pub async fn clean_orphans(state: &AppState) -> Result<usize, AppError> {
    let kept: std::collections::HashSet<PathBuf> = state
        .store
        .import_dirs()
        .await?
        .into_iter()
        .map(PathBuf::from)
        .collect();
    let mut removed = 0;
    let Ok(workspaces) = std::fs::read_dir(&state.data_dir) else {
        return Ok(0);
    };
    for ws in workspaces.flatten() {
        let ws_name = ws.file_name().to_string_lossy().into_owned();
        if !ws_name.starts_with("ws-") || !ws.path().is_dir() {
            continue;
        }
        let Ok(versions) = std::fs::read_dir(ws.path()) else {
            continue;
        };
        for v in versions.flatten() {
            let name = v.file_name().to_string_lossy().into_owned();
            let rel = PathBuf::from(format!("{ws_name}/{name}"));
            let orphan =
                name.starts_with(TEMP_PREFIX) || (name.starts_with("v-") && !kept.contains(&rel));
            if orphan && std::fs::remove_dir_all(v.path()).is_ok() {
                tracing::warn!(folder = %rel.display(), "removed an import folder no committed import names");
                removed += 1;
            }
        }
    }
    Ok(removed)
}
