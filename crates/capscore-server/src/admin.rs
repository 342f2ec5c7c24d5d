//! `capscore user …`: users, grants and API tokens from the command line (blocking
//! wrappers over the store, for the thin CLI).

use capscore_store::{Role, Store};

/// What a user command asks.
#[derive(Debug, Clone)]
pub enum UserCommand {
    /// Add a user.
    Add {
        /// Login name.
        username: String,
        /// Password.
        password: String,
        /// Role name.
        role: String,
    },
    /// Grant a partner of a workspace (all of them when `partner` is `None`).
    Grant {
        /// Login name.
        username: String,
        /// Workspace name.
        workspace: String,
        /// Partner id.
        partner: Option<String>,
    },
    /// Remove a grant.
    Revoke {
        /// Login name.
        username: String,
        /// Workspace name.
        workspace: String,
        /// Partner id.
        partner: Option<String>,
    },
    /// Create an API token.
    Token {
        /// Login name.
        username: String,
        /// Label of the token.
        name: String,
    },
    /// Revoke an API token by id.
    RevokeToken {
        /// Token id.
        id: i64,
    },
}

/// Runs a user command against the database; returns what to print.
///
/// # Errors
/// A message for people (unknown user or workspace, database error).
pub fn run(db: &str, cmd: UserCommand) -> Result<String, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let store = Store::connect(db).await.map_err(|e| e.to_string())?;
        let out = exec(&store, cmd).await;
        store.close().await;
        out
    })
}

async fn user(store: &Store, name: &str) -> Result<capscore_store::User, String> {
    store
        .user_by_name(name)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no user \"{name}\""))
}

async fn workspace(store: &Store, name: &str) -> Result<i64, String> {
    Ok(store
        .workspace_by_name(name)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no workspace \"{name}\""))?
        .id)
}

async fn exec(store: &Store, cmd: UserCommand) -> Result<String, String> {
    match cmd {
        UserCommand::Add {
            username,
            password,
            role,
        } => {
            let role = Role::parse(&role).map_err(|e| e.to_string())?;
            let u = store
                .add_user(&username, &password, role)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!("user {} added ({})", u.username, u.role.as_str()))
        }
        UserCommand::Grant {
            username,
            workspace: w,
            partner,
        } => {
            let u = user(store, &username).await?;
            let ws = workspace(store, &w).await?;
            store
                .grant(u.id, ws, partner.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!(
                "{} may now see {} of workspace {w}",
                u.username,
                partner.map_or_else(|| "every partner".to_string(), |p| format!("partner {p}"))
            ))
        }
        UserCommand::Revoke {
            username,
            workspace: w,
            partner,
        } => {
            let u = user(store, &username).await?;
            let ws = workspace(store, &w).await?;
            if store
                .revoke(u.id, ws, partner.as_deref())
                .await
                .map_err(|e| e.to_string())?
            {
                Ok(format!("grant removed from {}", u.username))
            } else {
                Err(format!("{} had no such grant", u.username))
            }
        }
        UserCommand::Token { username, name } => {
            let u = user(store, &username).await?;
            let (id, token) = store
                .create_token(u.id, &name)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!(
                "token {id} for {}: {token}\n(shown once; send it as Authorization: Bearer TOKEN)",
                u.username
            ))
        }
        UserCommand::RevokeToken { id } => {
            if store.revoke_token(id).await.map_err(|e| e.to_string())? {
                Ok(format!("token {id} revoked"))
            } else {
                Err(format!("no live token {id}"))
            }
        }
    }
}
