//! Workspaces, their import versions and the monthly scores kept from every import.

use serde::Serialize;

use crate::{Store, StoreError, now};

/// A workspace: a set of partners (a distributor's resellers) and its imports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workspace {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The import serving now (`None` before the first import).
    pub current_import: Option<i64>,
}

/// One stored import version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRow {
    /// Id (the version).
    pub id: i64,
    /// Its workspace.
    pub workspace_id: i64,
    /// `tables` (capscore tables) or `partner_center` (downloads through the importer).
    pub kind: String,
    /// The folder of its tables, under the server's data directory.
    pub dir: String,
    /// When (seconds since the epoch).
    pub created_at: i64,
    /// Who imported it (user name).
    pub created_by: String,
    /// The months scored and kept, comma-separated (`2024-01,2024-02`).
    pub months: String,
    /// The import report (JSON).
    pub report: String,
    /// The areas each month answers for (JSON object: `YYYY-MM` → area ids); empty
    /// for imports recorded before it was kept (every area of each month).
    pub areas: String,
}

/// One partner's score in an area for a month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Partner.
    pub partner_id: String,
    /// Area id.
    pub area: String,
    /// Total points (rounded to 2 decimals).
    pub total: f64,
    /// Whether the partner qualified.
    pub qualified: bool,
}

/// An import to commit.
#[derive(Debug, Clone)]
pub struct NewImport {
    /// Workspace.
    pub workspace_id: i64,
    /// `tables` or `partner_center`.
    pub kind: String,
    /// Folder of the validated tables (already in place).
    pub dir: String,
    /// Importing user.
    pub user_id: i64,
    /// Report (JSON).
    pub report: String,
    /// The areas each month answers for (JSON object: `YYYY-MM` → area ids).
    pub areas: String,
    /// Scores of every month and area covered.
    pub scores: Vec<ScoreRow>,
    /// The metrics of the counting track of every month and area covered.
    pub metrics: Vec<crate::trends::MetricRow>,
}

type ImportTuple = (
    i64,
    i64,
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
);

fn import_of(r: ImportTuple) -> ImportRow {
    ImportRow {
        id: r.0,
        workspace_id: r.1,
        kind: r.2,
        dir: r.3,
        created_at: r.4,
        created_by: r.5,
        months: r.6,
        report: r.7,
        areas: r.8,
    }
}

const IMPORT_COLUMNS: &str =
    "i.id, i.workspace_id, i.kind, i.dir, i.created_at, u.username, i.months, i.report, i.areas
     FROM imports i JOIN users u ON u.id = i.created_by";

impl Store {
    /// Creates a workspace.
    ///
    /// # Errors
    /// An empty or taken name, a database error.
    pub async fn create_workspace(&self, name: &str) -> Result<Workspace, StoreError> {
        let name = name.trim();
        if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
            return Err(StoreError::Invalid(
                "a workspace name is 1 to 100 characters without control characters".into(),
            ));
        }
        if self.workspace_by_name(name).await?.is_some() {
            return Err(StoreError::Exists(format!("workspace \"{name}\"")));
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO workspaces (name, created_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(name)
        .bind(now())
        .fetch_one(self.pool())
        .await?;
        Ok(Workspace {
            id,
            name: name.to_string(),
            current_import: None,
        })
    }

    /// Every workspace, by name.
    ///
    /// # Errors
    /// A database error.
    pub async fn workspaces(&self) -> Result<Vec<Workspace>, StoreError> {
        let rows: Vec<(i64, String, Option<i64>)> =
            sqlx::query_as("SELECT id, name, current_import FROM workspaces ORDER BY name")
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, current_import)| Workspace {
                id,
                name,
                current_import,
            })
            .collect())
    }

    /// A workspace by id.
    ///
    /// # Errors
    /// A database error.
    pub async fn workspace(&self, id: i64) -> Result<Option<Workspace>, StoreError> {
        let row: Option<(i64, String, Option<i64>)> =
            sqlx::query_as("SELECT id, name, current_import FROM workspaces WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|(id, name, current_import)| Workspace {
            id,
            name,
            current_import,
        }))
    }

    /// A workspace by name.
    ///
    /// # Errors
    /// A database error.
    pub async fn workspace_by_name(&self, name: &str) -> Result<Option<Workspace>, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM workspaces WHERE name = $1")
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some((id,)) => self.workspace(id).await,
            None => Ok(None),
        }
    }

    /// Records an import in one transaction: its row, the scores of every month it
    /// covers (replacing those months' earlier scores, keeping the other months), and
    /// the workspace's current import. Until the commit the previous version serves;
    /// nothing of a failed commit remains.
    ///
    /// # Errors
    /// A database error (then nothing was recorded).
    pub async fn commit_import(&self, new: NewImport) -> Result<ImportRow, StoreError> {
        let mut months: Vec<&str> = new.scores.iter().map(|s| s.month.as_str()).collect();
        months.sort_unstable();
        months.dedup();
        let months = months.join(",");
        let created_at = now();
        let mut tx = self.pool().begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO imports (workspace_id, kind, dir, created_at, created_by, months, report, areas)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(new.workspace_id)
        .bind(&new.kind)
        .bind(&new.dir)
        .bind(created_at)
        .bind(new.user_id)
        .bind(&months)
        .bind(&new.report)
        .bind(&new.areas)
        .fetch_one(&mut *tx)
        .await?;
        for s in &new.scores {
            sqlx::query(
                "INSERT INTO scores (workspace_id, month, partner_id, area, import_id, total, qualified)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (workspace_id, month, partner_id, area)
                 DO UPDATE SET import_id = excluded.import_id, total = excluded.total, qualified = excluded.qualified",
            )
            .bind(new.workspace_id)
            .bind(&s.month)
            .bind(&s.partner_id)
            .bind(&s.area)
            .bind(id)
            .bind(s.total)
            .bind(i64::from(s.qualified))
            .execute(&mut *tx)
            .await?;
        }
        crate::trends::insert_metrics(&mut tx, new.workspace_id, id, &new.metrics).await?;
        sqlx::query("UPDATE workspaces SET current_import = $1 WHERE id = $2")
            .bind(id)
            .bind(new.workspace_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.import(new.workspace_id, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("import {id}")))
    }

    /// The imports of a workspace, newest first.
    ///
    /// # Errors
    /// A database error.
    pub async fn imports(&self, workspace_id: i64) -> Result<Vec<ImportRow>, StoreError> {
        let rows: Vec<ImportTuple> = sqlx::query_as(&format!(
            "SELECT {IMPORT_COLUMNS} WHERE i.workspace_id = $1 ORDER BY i.id DESC"
        ))
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(import_of).collect())
    }

    /// One import of a workspace.
    ///
    /// # Errors
    /// A database error.
    pub async fn import(
        &self,
        workspace_id: i64,
        import_id: i64,
    ) -> Result<Option<ImportRow>, StoreError> {
        let row: Option<ImportTuple> = sqlx::query_as(&format!(
            "SELECT {IMPORT_COLUMNS} WHERE i.workspace_id = $1 AND i.id = $2"
        ))
        .bind(workspace_id)
        .bind(import_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(import_of))
    }

    /// Every import folder recorded (any workspace): the folders a restart keeps.
    ///
    /// # Errors
    /// A database error.
    pub async fn import_dirs(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT dir FROM imports")
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Stored scores of a workspace for one month (`partners`: only those; `None`: all).
    ///
    /// # Errors
    /// A database error.
    pub async fn scores_of_month(
        &self,
        workspace_id: i64,
        month: &str,
    ) -> Result<Vec<ScoreRow>, StoreError> {
        let rows: Vec<(String, String, String, f64, i64)> = sqlx::query_as(
            "SELECT month, partner_id, area, total, qualified FROM scores
             WHERE workspace_id = $1 AND month = $2 ORDER BY partner_id, area",
        )
        .bind(workspace_id)
        .bind(month)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(score_of).collect())
    }

    /// A partner's stored scores over every month kept, by area then month.
    ///
    /// # Errors
    /// A database error.
    pub async fn score_history(
        &self,
        workspace_id: i64,
        partner_id: &str,
    ) -> Result<Vec<ScoreRow>, StoreError> {
        let rows: Vec<(String, String, String, f64, i64)> = sqlx::query_as(
            "SELECT month, partner_id, area, total, qualified FROM scores
             WHERE workspace_id = $1 AND partner_id = $2 ORDER BY area, month",
        )
        .bind(workspace_id)
        .bind(partner_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(score_of).collect())
    }

    /// The months with stored scores in a workspace, in order.
    ///
    /// # Errors
    /// A database error.
    pub async fn score_months(&self, workspace_id: i64) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT month FROM scores WHERE workspace_id = $1 ORDER BY month",
        )
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

fn score_of(r: (String, String, String, f64, i64)) -> ScoreRow {
    ScoreRow {
        month: r.0,
        partner_id: r.1,
        area: r.2,
        total: r.3,
        qualified: r.4 != 0,
    }
}
