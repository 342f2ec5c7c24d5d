//! Users, roles, per-partner grants, sessions and API tokens.

use serde::Serialize;

use crate::{Store, StoreError, hash_password, now, random_token, sha256_hex, verify_password};

/// A user's role, as in Partner Center.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users and workspaces, imports anywhere, sees every partner.
    Admin,
    /// Imports into workspaces whose every partner is granted to them; sees granted partners.
    PartnerAdmin,
    /// Reads the partners granted to them.
    ReportViewer,
}

impl Role {
    /// Every role, in order of power.
    pub const ALL: [Role; 3] = [Role::Admin, Role::PartnerAdmin, Role::ReportViewer];

    /// The role's name (`partner_admin`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::PartnerAdmin => "partner_admin",
            Role::ReportViewer => "report_viewer",
        }
    }

    /// A role by name.
    ///
    /// # Errors
    /// An unknown name.
    pub fn parse(s: &str) -> Result<Role, StoreError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "unknown role \"{s}\": give admin, partner_admin or report_viewer"
                ))
            })
    }
}

/// A user (without the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: Role,
}

/// One grant: a partner of a workspace, or every partner of it (`partner_id = None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    /// Workspace.
    pub workspace_id: i64,
    /// The partner, `None` for every partner of the workspace.
    pub partner_id: Option<String>,
}

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Its user.
    pub user: User,
    /// The CSRF token every form and state-changing request of the session must carry.
    pub csrf: String,
}

const ALL_PARTNERS: &str = "*";

pub(crate) fn user_of(row: (i64, String, String)) -> Result<User, StoreError> {
    Ok(User {
        id: row.0,
        username: row.1,
        role: Role::parse(&row.2)?,
    })
}

impl Store {
    /// Adds a user with an argon2 hash of the password.
    ///
    /// # Errors
    /// An empty or taken name, a password under 8 characters, a database error.
    pub async fn add_user(
        &self,
        username: &str,
        password: &str,
        role: Role,
    ) -> Result<User, StoreError> {
        let username = username.trim();
        if username.is_empty() || username.len() > 100 || username.chars().any(char::is_control) {
            return Err(StoreError::Invalid(
                "a user name is 1 to 100 characters without control characters".into(),
            ));
        }
        if password.chars().count() < 8 {
            return Err(StoreError::Invalid(
                "a password has at least 8 characters".into(),
            ));
        }
        if self.user_by_name(username).await?.is_some() {
            return Err(StoreError::Exists(format!("user \"{username}\"")));
        }
        let hash = hash_password(password)?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(username)
        .bind(hash)
        .bind(role.as_str())
        .bind(now())
        .fetch_one(self.pool())
        .await?;
        Ok(User {
            id,
            username: username.to_string(),
            role,
        })
    }

    /// A user by login name.
    ///
    /// # Errors
    /// A database error.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
        let row: Option<(i64, String, String)> =
            sqlx::query_as("SELECT id, username, role FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(self.pool())
                .await?;
        row.map(user_of).transpose()
    }

    /// The user whose name and password match; `None` otherwise (an unknown name
    /// costs a hash verification too, so timing does not tell names apart).
    ///
    /// # Errors
    /// A database error.
    pub async fn check_login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<User>, StoreError> {
        let row: Option<(i64, String, String, String)> = sqlx::query_as(
            "SELECT id, username, role, password_hash FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(self.pool())
        .await?;
        let Some((id, name, role, hash)) = row else {
            let _ = verify_password(password, &DUMMY_HASH);
            return Ok(None);
        };
        if verify_password(password, &hash) {
            Ok(Some(user_of((id, name, role))?))
        } else {
            Ok(None)
        }
    }

    /// Grants a user one partner of a workspace, or all of them (`None`).
    ///
    /// # Errors
    /// A database error (an unknown user or workspace among them).
    pub async fn grant(
        &self,
        user_id: i64,
        workspace_id: i64,
        partner_id: Option<&str>,
    ) -> Result<(), StoreError> {
        let partner = partner_id.unwrap_or(ALL_PARTNERS);
        sqlx::query(
            "INSERT INTO grants (user_id, workspace_id, partner_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(workspace_id)
        .bind(partner)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Removes a grant; true when there was one.
    ///
    /// # Errors
    /// A database error.
    pub async fn revoke(
        &self,
        user_id: i64,
        workspace_id: i64,
        partner_id: Option<&str>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM grants WHERE user_id = $1 AND workspace_id = $2 AND partner_id = $3",
        )
        .bind(user_id)
        .bind(workspace_id)
        .bind(partner_id.unwrap_or(ALL_PARTNERS))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// A user's grants.
    ///
    /// # Errors
    /// A database error.
    pub async fn grants(&self, user_id: i64) -> Result<Vec<Grant>, StoreError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT workspace_id, partner_id FROM grants WHERE user_id = $1 ORDER BY workspace_id, partner_id",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(workspace_id, p)| Grant {
                workspace_id,
                partner_id: (p != ALL_PARTNERS).then_some(p),
            })
            .collect())
    }

    /// Opens a session for `ttl_secs`: returns the session id to put in the cookie
    /// (only its hash is stored) and the session's CSRF token.
    ///
    /// # Errors
    /// A database error.
    pub async fn create_session(
        &self,
        user_id: i64,
        ttl_secs: i64,
    ) -> Result<(String, String), StoreError> {
        let token = random_token(32)?;
        let csrf = random_token(32)?;
        let t = now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(sha256_hex(&token))
        .bind(user_id)
        .bind(&csrf)
        .bind(t)
        .bind(t + ttl_secs)
        .execute(self.pool())
        .await?;
        Ok((token, csrf))
    }

    /// The live session of a session id (`None` when unknown or expired).
    ///
    /// # Errors
    /// A database error.
    pub async fn session(&self, token: &str) -> Result<Option<Session>, StoreError> {
        let row: Option<(i64, String, String, String)> = sqlx::query_as(
            "SELECT u.id, u.username, u.role, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(sha256_hex(token))
        .bind(now())
        .fetch_optional(self.pool())
        .await?;
        row.map(|(id, name, role, csrf)| {
            Ok(Session {
                user: user_of((id, name, role))?,
                csrf,
            })
        })
        .transpose()
    }

    /// Ends a session (logout); expired sessions are removed at the same time.
    ///
    /// # Errors
    /// A database error.
    pub async fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2")
            .bind(sha256_hex(token))
            .bind(now())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Creates an API token for a user: returns its id and the token, shown once
    /// (only its hash is stored).
    ///
    /// # Errors
    /// A database error.
    pub async fn create_token(
        &self,
        user_id: i64,
        name: &str,
    ) -> Result<(i64, String), StoreError> {
        let token = format!("cst_{}", random_token(32)?);
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(sha256_hex(&token))
        .bind(now())
        .fetch_one(self.pool())
        .await?;
        Ok((id, token))
    }

    /// The user of a live (not revoked) API token.
    ///
    /// # Errors
    /// A database error.
    pub async fn token_user(&self, token: &str) -> Result<Option<User>, StoreError> {
        let row: Option<(i64, String, String)> = sqlx::query_as(
            "SELECT u.id, u.username, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(sha256_hex(token))
        .fetch_optional(self.pool())
        .await?;
        row.map(user_of).transpose()
    }

    /// Revokes an API token by id; true when a live token was revoked.
    ///
    /// # Errors
    /// A database error.
    pub async fn revoke_token(&self, token_id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now())
        .bind(token_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// An argon2 hash of a random password, verified against when the user name is
/// unknown (made once, with the same parameters as every stored hash).
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    random_token(16)
        .and_then(|p| hash_password(&p))
        .unwrap_or_default()
});
