//! Listing users and their API tokens, for the user management pages (what `capscore
//! user` changes, shown).

use serde::Serialize;

use crate::users::{User, user_of};
use crate::{Store, StoreError};

/// An API token as listed (never the token itself, which is shown once at creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// Id (to revoke it).
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Created (seconds since the epoch).
    pub created_at: i64,
    /// Revoked (seconds since the epoch), if it was.
    pub revoked_at: Option<i64>,
}

impl Store {
    /// Every user, by name.
    ///
    /// # Errors
    /// A database error.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, username, role FROM users ORDER BY username")
                .fetch_all(self.pool())
                .await?;
        rows.into_iter().map(user_of).collect()
    }

    /// A user by id.
    ///
    /// # Errors
    /// A database error.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        let row: Option<(i64, String, String)> =
            sqlx::query_as("SELECT id, username, role FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        row.map(user_of).transpose()
    }

    /// A user's API tokens, newest first.
    ///
    /// # Errors
    /// A database error.
    pub async fn tokens(&self, user_id: i64) -> Result<Vec<TokenInfo>, StoreError> {
        let rows: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at, revoked_at)| TokenInfo {
                id,
                name,
                created_at,
                revoked_at,
            })
            .collect())
    }

    /// The user an API token belongs to (revoked or not).
    ///
    /// # Errors
    /// A database error.
    pub async fn token_owner(&self, token_id: i64) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT user_id FROM api_tokens WHERE id = $1")
            .bind(token_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.0))
    }
}
