//! Who is calling and what they may see: the session cookie or a Bearer API token,
//! the user's role and per-partner grants, CSRF checks and login rate limiting.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use capscore_store::{Grant, Role, User};

use crate::error::{AppError, PageError};
use crate::state::Shared;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "cs_session";
/// Name of the cookie that carries the login form's CSRF token.
pub const LOGIN_COOKIE: &str = "cs_login";
/// Header carrying the CSRF token on API requests made with a session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The signed-in caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub user: User,
    /// Their grants.
    pub grants: Vec<Grant>,
    /// The session's CSRF token (`None` for a Bearer token, which needs none: a
    /// browser never sends it by itself).
    pub csrf: Option<String>,
}

impl Caller {
    /// Whether the user may see the workspace at all.
    #[must_use]
    pub fn sees_workspace(&self, ws: i64) -> bool {
        self.user.role == Role::Admin || self.grants.iter().any(|g| g.workspace_id == ws)
    }

    /// Whether the user may see a partner of a workspace.
    #[must_use]
    pub fn sees_partner(&self, ws: i64, partner: &str) -> bool {
        self.user.role == Role::Admin
            || self.grants.iter().any(|g| {
                g.workspace_id == ws && g.partner_id.as_deref().is_none_or(|p| p == partner)
            })
    }

    /// Whether the user sees every partner of a workspace.
    #[must_use]
    pub fn sees_all(&self, ws: i64) -> bool {
        self.user.role == Role::Admin
            || self
                .grants
                .iter()
                .any(|g| g.workspace_id == ws && g.partner_id.is_none())
    }

    /// Whether the user may import into a workspace: an admin, or a partner admin
    /// granted every partner of it (an import replaces the data of all of them).
    #[must_use]
    pub fn can_import(&self, ws: i64) -> bool {
        match self.user.role {
            Role::Admin => true,
            Role::PartnerAdmin => self.sees_all(ws),
            Role::ReportViewer => false,
        }
    }

    /// Refuses a workspace the user cannot see, as not found.
    ///
    /// # Errors
    /// [`AppError::NotFound`].
    pub fn workspace(&self, ws: i64) -> Result<(), AppError> {
        if self.sees_workspace(ws) {
            Ok(())
        } else {
            Err(AppError::NotFound("workspace".to_string()))
        }
    }

    /// Refuses a partner the user cannot see, as not found.
    ///
    /// # Errors
    /// [`AppError::NotFound`].
    pub fn partner(&self, ws: i64, partner: &str) -> Result<(), AppError> {
        if self.sees_partner(ws, partner) {
            Ok(())
        } else {
            Err(AppError::NotFound("partner".to_string()))
        }
    }

    /// Refuses non-admins.
    ///
    /// # Errors
    /// [`AppError::Forbidden`].
    pub fn admin(&self) -> Result<(), AppError> {
        if self.user.role == Role::Admin {
            Ok(())
        } else {
            Err(AppError::Forbidden("only an admin may do this".into()))
        }
    }

    /// Checks the CSRF token sent with a state-changing request of a session (a
    /// Bearer-token caller needs none).
    ///
    /// # Errors
    /// [`AppError::Csrf`].
    pub fn check_csrf(&self, given: Option<&str>) -> Result<(), AppError> {
        match &self.csrf {
            None => Ok(()),
            Some(expected) => match given {
                Some(g) if same(g, expected) => Ok(()),
                _ => Err(AppError::Csrf),
            },
        }
    }
}

/// Compares two secrets in time independent of where they differ.
#[must_use]
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A cookie's value from the request headers.
#[must_use]
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, path `/`, Secure when `secure`;
/// `max_age` 0 deletes the cookie.
#[must_use]
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

async fn caller(parts: &Parts, state: &Shared) -> Result<Caller, AppError> {
    let headers = &parts.headers;
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let (user, csrf) = if let Some(token) = bearer {
        match state.store.token_user(token.trim()).await? {
            Some(u) => (u, None),
            None => return Err(AppError::Unauthenticated),
        }
    } else if let Some(sid) = cookie(headers, SESSION_COOKIE) {
        match state.store.session(sid).await? {
            Some(s) => (s.user, Some(s.csrf)),
            None => return Err(AppError::Unauthenticated),
        }
    } else {
        return Err(AppError::Unauthenticated);
    };
    let grants = state.store.grants(user.id).await?;
    Ok(Caller { user, grants, csrf })
}

impl FromRequestParts<Shared> for Caller {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, AppError> {
        caller(parts, state).await
    }
}

/// A [`Caller`] for the HTML pages: without one, the login page.
#[derive(Debug, Clone)]
pub struct PageCaller(pub Caller);

impl FromRequestParts<Shared> for PageCaller {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, PageError> {
        Ok(PageCaller(caller(parts, state).await?))
    }
}

/// Failed sign-ins per user name and per client address over a sliding window.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: HashMap<String, Vec<Instant>>,
}

/// The window over which failures count.
const WINDOW: Duration = Duration::from_mins(15);
/// Failures allowed per user name in the window.
const PER_USER: usize = 5;
/// Failures allowed per client address in the window.
const PER_ADDRESS: usize = 20;

impl LoginLimiter {
    fn keys(username: &str, ip: Option<IpAddr>) -> [(String, usize); 2] {
        [
            (format!("user:{}", username.to_lowercase()), PER_USER),
            (
                format!("ip:{}", ip.map_or_else(String::new, |i| i.to_string())),
                PER_ADDRESS,
            ),
        ]
    }

    /// Whether another attempt is allowed now.
    pub fn allowed(&mut self, username: &str, ip: Option<IpAddr>) -> bool {
        let now = Instant::now();
        Self::keys(username, ip).iter().all(|(k, max)| {
            let list = self.failures.entry(k.clone()).or_default();
            list.retain(|t| now.duration_since(*t) < WINDOW);
            list.len() < *max
        })
    }

    /// Records a failed attempt.
    pub fn failed(&mut self, username: &str, ip: Option<IpAddr>) {
        let now = Instant::now();
        for (k, _) in Self::keys(username, ip) {
            self.failures.entry(k).or_default().push(now);
        }
        // Bounded memory: forget keys whose failures are all old.
        if self.failures.len() > 10_000 {
            self.failures
                .retain(|_, v| v.iter().any(|t| now.duration_since(*t) < WINDOW));
        }
    }

    /// Forgets a user name's failures after a successful sign-in.
    pub fn succeeded(&mut self, username: &str) {
        self.failures
            .remove(&format!("user:{}", username.to_lowercase()));
    }
}
