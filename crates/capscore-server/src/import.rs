//! Imports into a workspace: uploaded files (capscore tables, or raw Partner Center
//! downloads turned into tables by `capscore-import`, as `capscore import
//! partner-center` does) are written to a temporary folder under the data directory,
//! checked by the data crate's loader, every area of every month the data can answer
//! for is scored by the engine, the folder is renamed into place and only then is the
//! import committed in the database (its row, its scores, the workspace's current
//! version) in one transaction. A failed or interrupted import leaves the previous
//! version serving; folders no committed import names are removed at start.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use capscore_catalog::Catalog;
use capscore_core::Month;
use capscore_data::Loaded;
use capscore_engine::{ScoreRequest, ensure_covered, score};
use capscore_store::{ImportRow, MetricRow, NewImport, ScoreRow, random_token};
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
    /// Months where some area has no data: month → the areas without.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    areas_without_data: BTreeMap<String, Vec<String>>,
    warnings: Vec<String>,
    /// A Partner Center import: the importer's report (as `import-report.json`).
    #[serde(skip_serializing_if = "Option::is_none")]
    importer: Option<serde_json::Value>,
    /// The importer's report as text (as `capscore import` prints it).
    #[serde(skip_serializing_if = "Option::is_none")]
    importer_text: Option<String>,
}

/// What was uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// capscore tables (`partners.csv`, `m365_usage.parquet`, …).
    Tables,
    /// Raw Partner Center downloads, converted by `capscore-import`.
    PartnerCenter,
}

impl ImportKind {
    /// The kind named in an upload's `kind` field (`tables`, the default, or
    /// `partner_center`).
    ///
    /// # Errors
    /// Another name (400).
    pub fn parse(s: Option<&str>) -> Result<Self, AppError> {
        match s.map(str::trim) {
            None | Some("" | "tables") => Ok(Self::Tables),
            Some("partner_center") => Ok(Self::PartnerCenter),
            Some(other) => Err(AppError::BadRequest(format!(
                "import kind \"{other}\" is not tables or partner_center"
            ))),
        }
    }

    /// The name stored with the import.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tables => "tables",
            Self::PartnerCenter => "partner_center",
        }
    }
}

/// An upload to import: its kind, files and the importer's options.
#[derive(Debug, Default)]
pub struct Upload {
    /// `partner_center` for Partner Center downloads; tables otherwise.
    pub kind: Option<ImportKind>,
    /// Every file: (file name, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    /// Partner Center: the global account whose data this is.
    pub partner_global_id: Option<String>,
    /// Partner Center: `dmy` or `mdy`, the order of slashed dates.
    pub date_order: Option<String>,
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

/// The areas each month of the dataset can be scored for (the months and areas the
/// engine's coverage does not refuse), months in order, areas in catalog order; months
/// no area can answer for are left out.
#[must_use]
pub fn answerable_areas(loaded: &Loaded, catalog: &Catalog) -> BTreeMap<Month, Vec<String>> {
    let cov = &loaded.dataset.coverage;
    let spans: Vec<(Month, Month)> = cov.tables.iter().filter_map(|t| t.span).collect();
    let mut out = BTreeMap::new();
    let (Some(lo), Some(hi)) = (
        spans.iter().map(|s| s.0).min(),
        spans.iter().map(|s| s.1).max(),
    ) else {
        return out;
    };
    for m in Month::range(lo, hi) {
        let Ok(rules) = catalog.at_month(m) else {
            continue;
        };
        let areas: Vec<String> = rules
            .areas
            .iter()
            .map(|a| a.id.clone())
            .filter(|a| {
                ensure_covered(&loaded.dataset, catalog, m, Some(std::slice::from_ref(a))).is_ok()
            })
            .collect();
        if !areas.is_empty() {
            out.insert(m, areas);
        }
    }
    out
}

/// What an import keeps of its months' scores.
#[derive(Debug, Default)]
pub struct Scored {
    /// Every partner's total per area and month.
    pub scores: Vec<ScoreRow>,
    /// The counting track's metrics per area and month (the trends).
    pub metrics: Vec<MetricRow>,
    /// The last month's scores (kept in memory for the pages).
    pub last: Option<capscore_engine::Scores>,
}

/// Scores every month given, for every partner, keeping the totals and metrics of
/// the areas each month answers for.
///
/// # Errors
/// An engine error (internal: the months were checked).
pub fn month_scores(
    loaded: &Loaded,
    catalog: &Catalog,
    months: &BTreeMap<Month, Vec<String>>,
) -> Result<Scored, AppError> {
    let mut out = Vec::new();
    let mut metrics = Vec::new();
    let mut last = None;
    for (&month, areas) in months {
        let request = ScoreRequest {
            month,
            partners: None,
            areas: None,
        };
        let scores = score(&loaded.dataset, catalog, &request)
            .map_err(|e| AppError::Internal(format!("scoring {month}: {e}")))?;
        for p in &scores.partners {
            for a in p.areas.iter().filter(|a| areas.contains(&a.area)) {
                for m in &a.metrics {
                    metrics.push(MetricRow {
                        month: month.to_string(),
                        partner_id: p.partner_id.clone(),
                        area: a.area.clone(),
                        metric: m.metric.clone(),
                        value: capscore_core::num_to_f64_2dp(&m.value),
                        target: capscore_core::num_to_f64_2dp(&m.target),
                        points: capscore_core::num_to_f64_2dp(&m.points),
                    });
                }
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
    Ok(Scored {
        scores: out,
        metrics,
        last,
    })
}

/// What the blocking part of an import hands to the commit.
struct Prepared {
    dir_name: String,
    loaded: Arc<Loaded>,
    report: String,
    areas: String,
    scored: Scored,
}

fn sync_dir(dir: &Path) {
    // Best effort: a folder's entries reach the disk (not possible on every platform).
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

fn io_error(e: &std::io::Error) -> AppError {
    AppError::Internal(e.to_string())
}

/// Checks an uploaded Partner Center file name: a plain file name (no folder, not
/// hidden, no control characters).
fn download_file_name(name: &str) -> Result<&str, AppError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if base.is_empty()
        || base.starts_with('.')
        || base.len() > 255
        || base.chars().any(char::is_control)
    {
        return Err(AppError::BadRequest(format!(
            "file \"{name}\" cannot be imported: give it a plain file name"
        )));
    }
    Ok(base)
}

/// Checks the names of the uploaded files (and that none comes twice).
fn checked_names(kind: ImportKind, files: &[(String, Vec<u8>)]) -> Result<(), AppError> {
    if files.is_empty() {
        return Err(AppError::BadRequest("no file was uploaded".into()));
    }
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in files {
        let key = match kind {
            ImportKind::Tables => {
                let n = table_file_name(name)?;
                n.rsplit_once('.').map_or(n, |(s, _)| s)
            }
            ImportKind::PartnerCenter => download_file_name(name)?,
        };
        if names.contains(&key) {
            let what = match kind {
                ImportKind::Tables => "table",
                ImportKind::PartnerCenter => "file",
            };
            return Err(AppError::BadRequest(format!(
                "{what} {key} was uploaded twice"
            )));
        }
        names.push(key);
    }
    Ok(())
}

fn write_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), AppError> {
    for (name, bytes) in files {
        let mut f = std::fs::File::create(dir.join(name)).map_err(|e| io_error(&e))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| io_error(&e))?;
    }
    Ok(())
}

fn import_options(up: &Upload) -> Result<capscore_import::ImportOptions, AppError> {
    let date_order = match up.date_order.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("dmy") => Some(capscore_import::DateOrder::Dmy),
        Some("mdy") => Some(capscore_import::DateOrder::Mdy),
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "date_order \"{other}\" is not dmy or mdy"
            )));
        }
    };
    Ok(capscore_import::ImportOptions {
        partner_global_id: up.partner_global_id.clone(),
        date_order,
    })
}

/// Partner Center downloads → the canonical tables (and `import-report.json`) in
/// `tmp`, through a raw folder next to it (removed, a temporary folder either way).
fn convert_downloads(
    up: &Upload,
    catalog: &Catalog,
    tmp: &Path,
    raw: &Path,
) -> Result<capscore_import::ImportReport, AppError> {
    let options = import_options(up)?;
    std::fs::create_dir(raw).map_err(|e| io_error(&e))?;
    let named: Vec<(String, Vec<u8>)> = up
        .files
        .iter()
        .map(|(n, b)| Ok((download_file_name(n)?.to_string(), b.clone())))
        .collect::<Result<_, AppError>>()?;
    write_files(raw, &named)?;
    let converted = capscore_import::convert(raw, catalog, &options);
    let _ = std::fs::remove_dir_all(raw);
    let mut conversion = converted.map_err(|e| match e {
        capscore_import::ImportError::Input { .. } | capscore_import::ImportError::Output(_) => {
            AppError::BadRequest(format!("{e}\nnothing was imported"))
        }
        e => AppError::Internal(e.to_string()),
    })?;
    conversion.report.from = "uploaded files".to_string();
    let files = conversion
        .files()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    write_files(tmp, &files)?;
    Ok(conversion.report)
}

/// The areas of the month's rules that have no data in it.
fn areas_without(catalog: &Catalog, month: Month, with: &[String]) -> Vec<String> {
    catalog
        .at_month(month)
        .map(|r| {
            r.areas
                .iter()
                .filter(|a| !with.contains(&a.id))
                .map(|a| a.id.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Writes, converts (Partner Center), checks and scores the files, then moves the
/// folder into place.
fn prepare(data_dir: &Path, ws: i64, catalog: &Catalog, up: &Upload) -> Result<Prepared, AppError> {
    let kind = up.kind.unwrap_or(ImportKind::Tables);
    checked_names(kind, &up.files)?;
    let ws_dir = data_dir.join(format!("ws-{ws}"));
    std::fs::create_dir_all(&ws_dir).map_err(|e| io_error(&e))?;
    let token = random_token(8)?;
    let tmp = ws_dir.join(format!("{TEMP_PREFIX}{token}"));
    let raw = ws_dir.join(format!("{TEMP_PREFIX}{token}-raw"));
    let result = (|| {
        std::fs::create_dir(&tmp).map_err(|e| io_error(&e))?;
        let entries: Vec<FileEntry> = up
            .files
            .iter()
            .map(|(name, bytes)| FileEntry {
                name: name.rsplit(['/', '\\']).next().unwrap_or(name).to_string(),
                bytes: bytes.len(),
            })
            .collect();
        let importer = match kind {
            ImportKind::Tables => {
                let named: Vec<(String, Vec<u8>)> = up
                    .files
                    .iter()
                    .map(|(n, b)| Ok((table_file_name(n)?.to_string(), b.clone())))
                    .collect::<Result<_, AppError>>()?;
                write_files(&tmp, &named)?;
                None
            }
            ImportKind::PartnerCenter => Some(convert_downloads(up, catalog, &tmp, &raw)?),
        };
        let loaded = capscore_data::load_dir(&tmp, catalog).map_err(|e| {
            AppError::BadRequest(format!("the data was rejected, nothing was imported:\n{e}"))
        })?;
        let months = answerable_areas(&loaded, catalog);
        if months.is_empty() {
            return Err(AppError::Unprocessable(format!(
                "the data covers no month that any area can be scored for ({}), nothing was imported",
                loaded.dataset.coverage.describe()
            )));
        }
        let scored = month_scores(&loaded, catalog, &months)?;
        let report = Report {
            files: entries,
            partners: loaded.dataset.partners.len(),
            months: months.keys().map(ToString::to_string).collect(),
            areas_without_data: months
                .iter()
                .map(|(m, with)| (m.to_string(), areas_without(catalog, *m, with)))
                .filter(|(_, without)| !without.is_empty())
                .collect(),
            warnings: loaded.warnings.iter().map(ToString::to_string).collect(),
            importer_text: importer.as_ref().map(ToString::to_string),
            importer: importer
                .as_ref()
                .map(serde_json::to_value)
                .transpose()
                .map_err(|e| AppError::Internal(e.to_string()))?,
        };
        let report =
            serde_json::to_string(&report).map_err(|e| AppError::Internal(e.to_string()))?;
        let areas: BTreeMap<String, &Vec<String>> =
            months.iter().map(|(m, a)| (m.to_string(), a)).collect();
        let areas = serde_json::to_string(&areas).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok((loaded, report, areas, scored))
    })();
    let (loaded, report, areas, scored) = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            let _ = std::fs::remove_dir_all(&raw);
            return Err(e);
        }
    };
    let dir_name = format!("ws-{ws}/v-{token}");
    let target = data_dir.join(&dir_name);
    if let Err(e) = std::fs::rename(&tmp, &target) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(io_error(&e));
    }
    sync_dir(&ws_dir);
    Ok(Prepared {
        dir_name,
        loaded: Arc::new(loaded),
        report,
        areas,
        scored,
    })
}

/// Imports an upload (capscore tables or Partner Center downloads) into a workspace
/// as `user_id`.
///
/// # Errors
/// Bad file names or data (400, nothing imported), no month to score (422), a store
/// error.
pub async fn import_upload(
    state: &AppState,
    ws: i64,
    user_id: i64,
    up: Upload,
) -> Result<ImportRow, AppError> {
    state
        .store
        .workspace(ws)
        .await?
        .ok_or_else(|| AppError::NotFound("workspace".to_string()))?;
    let _one = state.import_lock.lock().await;
    let data_dir = state.data_dir.clone();
    let catalog = state.catalog.clone();
    let kind = up.kind.unwrap_or(ImportKind::Tables);
    let prepared = tokio::task::spawn_blocking(move || prepare(&data_dir, ws, &catalog, &up))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let target = state.data_dir.join(&prepared.dir_name);
    let committed = state
        .store
        .commit_import(NewImport {
            workspace_id: ws,
            kind: kind.as_str().into(),
            dir: prepared.dir_name.clone(),
            user_id,
            report: prepared.report,
            areas: prepared.areas,
            scores: prepared.scored.scores,
            metrics: prepared.scored.metrics,
        })
        .await;
    match committed {
        Ok(row) => {
            state.remember(&row, prepared.loaded)?;
            if let Some(scores) = prepared.scored.last {
                state.cache.seed(row.id, scores.month, scores)?;
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

/// Imports capscore tables (`(file name, bytes)`) into a workspace as `user_id`.
///
/// # Errors
/// As [`import_upload`].
pub async fn import_tables(
    state: &AppState,
    ws: i64,
    user_id: i64,
    files: Vec<(String, Vec<u8>)>,
) -> Result<ImportRow, AppError> {
    import_upload(
        state,
        ws,
        user_id,
        Upload {
            files,
            ..Upload::default()
        },
    )
    .await
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
