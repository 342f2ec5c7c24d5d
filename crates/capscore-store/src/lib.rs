//! Persistent storage of the capscore server, through sqlx on SQLite (the default, a
//! file created on first use) or PostgreSQL: one set of migrations for both
//! (`schema.rs`), users with argon2 password hashes, roles and per-partner grants,
//! sessions and API tokens (both stored as SHA-256 hashes only), workspaces, import
//! versions and the scores of every month an import covered (`workspaces.rs`).
//!
//! Queries are built at run time (no compile-time checked macros), with `$1, $2, …`
//! placeholders in order, which both databases accept.

mod accounts;
mod error;
mod schema;
mod secret;
mod trends;
mod users;
mod workspaces;

use std::str::FromStr;

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

pub use accounts::TokenInfo;
pub use error::StoreError;
pub use secret::{hash_password, random_token, sha256_hex, verify_password};
pub use trends::MetricRow;
pub use users::{Grant, Role, Session, User};
pub use workspaces::{ImportRow, NewImport, ScoreRow, Workspace};

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite (a file).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// The server's database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
}

/// Seconds since the Unix epoch, now.
#[must_use]
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Store {
    /// Connects to `url` (`sqlite://PATH` — the file is created when missing — or
    /// `postgres://…`) and applies the migrations not yet applied.
    ///
    /// # Errors
    /// An unsupported URL, a database that cannot be reached, or a failed migration.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (dialect, url) = if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            if path.is_empty() {
                return Err(StoreError::BadUrl(url.to_string()));
            }
            // The file is created on first use, and its folder with it.
            let file = std::path::Path::new(path.split('?').next().unwrap_or(path));
            if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| {
                    StoreError::Invalid(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
            // Make sure the file can be created (mode=rwc), and wait on a busy
            // database rather than failing at once.
            let sep = if path.contains('?') { '&' } else { '?' };
            (Dialect::Sqlite, format!("sqlite://{path}{sep}mode=rwc"))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Dialect::Postgres, url.to_string())
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
        let mut options = AnyPoolOptions::new().max_connections(match dialect {
            Dialect::Sqlite => 4,
            Dialect::Postgres => 10,
        });
        if dialect == Dialect::Sqlite {
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::query("PRAGMA busy_timeout = 5000")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA foreign_keys = ON")
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(&url).await?;
        let store = Store { pool, dialect };
        schema::migrate(&store).await?;
        Ok(store)
    }

    /// The database kind.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Whether the database answers (for `/ready`).
    ///
    /// # Errors
    /// The database does not answer.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool (graceful shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

impl FromStr for Dialect {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sqlite" => Ok(Dialect::Sqlite),
            "postgres" => Ok(Dialect::Postgres),
            _ => Err(StoreError::BadUrl(s.to_string())),
        }
    }
}
