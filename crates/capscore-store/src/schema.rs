//! The migrations, one list for SQLite and PostgreSQL: portable SQL where `{ID}` stands
//! for each database's auto-increment primary key. A migration runs in a transaction
//! with the row that records it, so a failed one leaves nothing behind.

use crate::{Dialect, Store, StoreError, now};

/// Migrations in order; a migration is never edited once released, only added to.
const MIGRATIONS: &[(i64, &str, &[&str])] = &[
    (
        1,
        "users, grants, sessions, tokens, workspaces, imports, scores",
        &[
            "CREATE TABLE users (
            id {ID},
            username TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            created_at BIGINT NOT NULL)",
            "CREATE TABLE workspaces (
            id {ID},
            name TEXT NOT NULL UNIQUE,
            created_at BIGINT NOT NULL,
            current_import BIGINT)",
            // partner_id '*' grants every partner of the workspace.
            "CREATE TABLE grants (
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            partner_id TEXT NOT NULL,
            PRIMARY KEY (user_id, workspace_id, partner_id))",
            "CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            csrf TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL)",
            "CREATE TABLE api_tokens (
            id {ID},
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at BIGINT NOT NULL,
            revoked_at BIGINT)",
            "CREATE TABLE imports (
            id {ID},
            workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            dir TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            created_by BIGINT NOT NULL,
            months TEXT NOT NULL,
            report TEXT NOT NULL)",
            "CREATE TABLE scores (
            workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            month TEXT NOT NULL,
            partner_id TEXT NOT NULL,
            area TEXT NOT NULL,
            import_id BIGINT NOT NULL REFERENCES imports(id),
            total DOUBLE PRECISION NOT NULL,
            qualified BIGINT NOT NULL,
            PRIMARY KEY (workspace_id, month, partner_id, area))",
            "CREATE INDEX scores_by_partner ON scores (workspace_id, partner_id, area, month)",
        ],
    ),
    // The areas each month of an import answers for (JSON: month → area ids); empty
    // for imports recorded before, which answered for every area of their months.
    (
        2,
        "the areas of each month of an import",
        &["ALTER TABLE imports ADD COLUMN areas TEXT NOT NULL DEFAULT ''"],
    ),
    // Each metric's value, target and points of the counting track, per month kept:
    // the partner's trends outlive the data of one import.
    (
        3,
        "metric values of every month imported",
        &["CREATE TABLE metric_values (
            workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            partner_id TEXT NOT NULL,
            area TEXT NOT NULL,
            metric TEXT NOT NULL,
            month TEXT NOT NULL,
            import_id BIGINT NOT NULL REFERENCES imports(id),
            value DOUBLE PRECISION NOT NULL,
            target DOUBLE PRECISION NOT NULL,
            points DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (workspace_id, partner_id, area, metric, month))"],
    ),
];

fn id_column(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Dialect::Postgres => "BIGSERIAL PRIMARY KEY",
    }
}

/// Applies the migrations not yet recorded in `schema_migrations`.
pub(crate) async fn migrate(store: &Store) -> Result<(), StoreError> {
    let pool = store.pool();
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at BIGINT NOT NULL)",
    )
    .execute(pool)
    .await?;
    for (version, description, statements) in MIGRATIONS {
        let mut tx = pool.begin().await?;
        let done: Option<(i64,)> =
            sqlx::query_as("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(*version)
                .fetch_optional(&mut *tx)
                .await?;
        if done.is_some() {
            continue;
        }
        for s in *statements {
            sqlx::query(&s.replace("{ID}", id_column(store.dialect())))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(*version)
        .bind(*description)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The migrations recorded as applied, in order.
///
/// # Errors
/// A database error.
pub(crate) async fn applied(store: &Store) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(store.pool())
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

impl Store {
    /// Versions of the migrations applied (the latest is the schema version).
    ///
    /// # Errors
    /// A database error.
    pub async fn schema_versions(&self) -> Result<Vec<i64>, StoreError> {
        applied(self).await
    }
}
