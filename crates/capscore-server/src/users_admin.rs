//! User management for admins, in the pages and the API: list users with their grants
//! and API tokens, create a user with a role, grant or revoke a partner (or a whole
//! workspace), create an API token (shown once) or revoke one. The same store calls
//! and rules as `capscore user` (`admin.rs`): names and passwords checked by the
//! store, tokens kept as hashes. Every form carries the session's CSRF token; every
//! route answers 403 to anyone but an admin.

use std::fmt::Write;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Form, Json};
use capscore_store::{Role, TokenInfo};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{CSRF_HEADER, Caller, PageCaller};
use crate::error::{AppError, PageError};
use crate::html::{esc, page};
use crate::state::{AppState, Shared};

/// A grant as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrantOut {
    /// Workspace id.
    pub workspace_id: i64,
    /// Workspace name.
    pub workspace: String,
    /// The partner; `null` for every partner of the workspace.
    pub partner_id: Option<String>,
}

/// An API token as listed (the token itself is shown once, at creation).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenOut {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Created (seconds since the epoch).
    pub created_at: i64,
    /// Revoked (seconds since the epoch), if it was.
    pub revoked_at: Option<i64>,
}

impl From<TokenInfo> for TokenOut {
    fn from(t: TokenInfo) -> Self {
        TokenOut {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A user as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserOut {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// `admin`, `partner_admin` or `report_viewer`.
    pub role: String,
    /// Grants.
    pub grants: Vec<GrantOut>,
    /// API tokens, newest first.
    pub tokens: Vec<TokenOut>,
}

async fn list(state: &AppState) -> Result<Vec<UserOut>, AppError> {
    let workspaces = state.store.workspaces().await?;
    let ws_name = |id: i64| {
        workspaces
            .iter()
            .find(|w| w.id == id)
            .map_or_else(|| id.to_string(), |w| w.name.clone())
    };
    let mut out = Vec::new();
    for u in state.store.users().await? {
        let grants = state
            .store
            .grants(u.id)
            .await?
            .into_iter()
            .map(|g| GrantOut {
                workspace_id: g.workspace_id,
                workspace: ws_name(g.workspace_id),
                partner_id: g.partner_id,
            })
            .collect();
        let tokens = state
            .store
            .tokens(u.id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        out.push(UserOut {
            id: u.id,
            username: u.username,
            role: u.role.as_str().to_string(),
            grants,
            tokens,
        });
    }
    Ok(out)
}

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUser {
    /// Login name (1 to 100 characters).
    pub username: String,
    /// Password (at least 8 characters).
    pub password: String,
    /// `admin`, `partner_admin` or `report_viewer`.
    pub role: String,
}

/// A grant to add or remove.
#[derive(Debug, Deserialize, ToSchema, utoipa::IntoParams)]
pub struct GrantIn {
    /// Workspace id.
    pub workspace_id: i64,
    /// The partner; absent or empty for every partner of the workspace.
    pub partner_id: Option<String>,
}

/// A new API token.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewToken {
    /// Its name (what it is for).
    pub name: String,
}

/// A token just created: the only time it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    /// Id (to revoke it).
    pub id: i64,
    /// The token: send it as `Authorization: Bearer TOKEN`.
    pub token: String,
}

async fn user(state: &AppState, id: i64) -> Result<capscore_store::User, AppError> {
    state
        .store
        .user_by_id(id)
        .await?
        .ok_or_else(|| AppError::NotFound("user".to_string()))
}

fn partner_of(p: Option<&str>) -> Option<&str> {
    p.map(str::trim).filter(|p| !p.is_empty())
}

async fn create(state: &AppState, new: &NewUser) -> Result<capscore_store::User, AppError> {
    let role = Role::parse(new.role.trim())?;
    Ok(state
        .store
        .add_user(&new.username, &new.password, role)
        .await?)
}

async fn grant(state: &AppState, id: i64, g: &GrantIn) -> Result<(), AppError> {
    let u = user(state, id).await?;
    state
        .store
        .workspace(g.workspace_id)
        .await?
        .ok_or_else(|| AppError::NotFound("workspace".to_string()))?;
    state
        .store
        .grant(u.id, g.workspace_id, partner_of(g.partner_id.as_deref()))
        .await?;
    Ok(())
}

async fn revoke(state: &AppState, id: i64, g: &GrantIn) -> Result<(), AppError> {
    let u = user(state, id).await?;
    if state
        .store
        .revoke(u.id, g.workspace_id, partner_of(g.partner_id.as_deref()))
        .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound(format!(
            "{} had no such grant",
            u.username
        )))
    }
}

async fn new_token(state: &AppState, id: i64, name: &str) -> Result<TokenCreated, AppError> {
    let u = user(state, id).await?;
    let name = name.trim();
    if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::BadRequest(
            "a token name is 1 to 100 characters without control characters".into(),
        ));
    }
    let (id, token) = state.store.create_token(u.id, name).await?;
    Ok(TokenCreated { id, token })
}

async fn revoke_token(state: &AppState, id: i64) -> Result<(), AppError> {
    if state.store.revoke_token(id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("no live token {id}")))
    }
}

fn api_admin(c: &Caller, headers: Option<&HeaderMap>) -> Result<(), AppError> {
    c.admin()?;
    if let Some(h) = headers {
        c.check_csrf(h.get(CSRF_HEADER).and_then(|v| v.to_str().ok()))?;
    }
    Ok(())
}

/// `GET /api/users` (admin): every user with grants and tokens.
#[utoipa::path(get, path = "/api/users",
    responses((status = 200, body = Vec<UserOut>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_users(
    State(state): State<Shared>,
    c: Caller,
) -> Result<Json<Vec<UserOut>>, AppError> {
    api_admin(&c, None)?;
    Ok(Json(list(&state).await?))
}

/// `POST /api/users` (admin): a new user.
#[utoipa::path(post, path = "/api/users", request_body = NewUser,
    responses((status = 201, body = UserOut), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_create_user(
    State(state): State<Shared>,
    c: Caller,
    headers: HeaderMap,
    Json(body): Json<NewUser>,
) -> Result<Response, AppError> {
    api_admin(&c, Some(&headers))?;
    let u = create(&state, &body).await?;
    let out = UserOut {
        id: u.id,
        username: u.username,
        role: u.role.as_str().to_string(),
        grants: Vec::new(),
        tokens: Vec::new(),
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// `POST /api/users/{user}/grants` (admin): grant a partner or a whole workspace.
#[utoipa::path(post, path = "/api/users/{user}/grants", params(("user" = i64, Path, description = "user id")), request_body = GrantIn,
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_grant(
    State(state): State<Shared>,
    c: Caller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<GrantIn>,
) -> Result<StatusCode, AppError> {
    api_admin(&c, Some(&headers))?;
    grant(&state, id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/users/{user}/grants?workspace_id=&partner_id=` (admin): revoke a grant.
#[utoipa::path(delete, path = "/api/users/{user}/grants", params(("user" = i64, Path, description = "user id"), GrantIn),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_revoke(
    State(state): State<Shared>,
    c: Caller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Query(q): Query<GrantIn>,
) -> Result<StatusCode, AppError> {
    api_admin(&c, Some(&headers))?;
    revoke(&state, id, &q).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/users/{user}/tokens` (admin): a new API token, shown once.
#[utoipa::path(post, path = "/api/users/{user}/tokens", params(("user" = i64, Path, description = "user id")), request_body = NewToken,
    responses((status = 201, body = TokenCreated), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_create_token(
    State(state): State<Shared>,
    c: Caller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<NewToken>,
) -> Result<Response, AppError> {
    api_admin(&c, Some(&headers))?;
    let t = new_token(&state, id, &body.name).await?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

/// `DELETE /api/tokens/{token}` (admin): revoke an API token.
#[utoipa::path(delete, path = "/api/tokens/{token}", params(("token" = i64, Path, description = "token id")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_revoke_token(
    State(state): State<Shared>,
    c: Caller,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    api_admin(&c, Some(&headers))?;
    revoke_token(&state, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn when(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

fn role_name(r: &str) -> &str {
    match r {
        "admin" => "Admin",
        "partner_admin" => "Partner admin",
        "report_viewer" => "Report viewer",
        other => other,
    }
}

fn csrf_field(csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(csrf)
    )
}

/// The users page's body: every user, their grants and tokens, the forms.
async fn users_html(state: &AppState, csrf: &str, note: &str) -> Result<String, AppError> {
    let users = list(state).await?;
    let workspaces = state.store.workspaces().await?;
    let mut b = format!("<h1>Users</h1>{note}");
    let _ = write!(
        b,
        "<section class=\"card\"><h2>New user</h2><form method=\"post\" action=\"/admin/users\">{}\
         <p><label for=\"nu-name\">User name</label><input id=\"nu-name\" name=\"username\" required maxlength=\"100\" autocomplete=\"off\"></p>\
         <p><label for=\"nu-pass\">Password (8 characters or more)</label><input id=\"nu-pass\" name=\"password\" type=\"password\" required minlength=\"8\" autocomplete=\"new-password\"></p>\
         <p><label for=\"nu-role\">Role</label><select id=\"nu-role\" name=\"role\">\
         <option value=\"report_viewer\">Report viewer (reads the partners granted)</option>\
         <option value=\"partner_admin\">Partner admin (also imports for them)</option>\
         <option value=\"admin\">Admin (everything)</option></select></p>\
         <p><button type=\"submit\">Create user</button></p></form></section>",
        csrf_field(csrf)
    );
    let ws_options: String = workspaces
        .iter()
        .map(|w| format!("<option value=\"{}\">{}</option>", w.id, esc(&w.name)))
        .collect();
    for u in &users {
        let _ = write!(
            b,
            "<section class=\"card\" id=\"user-{id}\"><h2>{name}</h2><p>{role}</p><h3>Grants</h3>",
            id = u.id,
            name = esc(&u.username),
            role = role_name(&u.role)
        );
        if u.grants.is_empty() {
            b.push_str("<p class=\"muted\">None.</p>");
        } else {
            b.push_str("<ul>");
            for g in &u.grants {
                let _ = write!(
                    b,
                    "<li>{} of workspace {} \
                     <form method=\"post\" action=\"/admin/users/{}/revoke\" class=\"inline\">{}\
                     <input type=\"hidden\" name=\"workspace_id\" value=\"{}\"><input type=\"hidden\" name=\"partner_id\" value=\"{}\">\
                     <button type=\"submit\">Revoke</button></form></li>",
                    g.partner_id.as_deref().map_or_else(
                        || "Every partner".to_string(),
                        |p| format!("Partner {}", esc(p))
                    ),
                    esc(&g.workspace),
                    u.id,
                    csrf_field(csrf),
                    g.workspace_id,
                    esc(g.partner_id.as_deref().unwrap_or(""))
                );
            }
            b.push_str("</ul>");
        }
        if !workspaces.is_empty() {
            let _ = write!(
                b,
                "<form method=\"post\" action=\"/admin/users/{id}/grant\">{}\
                 <label for=\"g-ws-{id}\">Workspace</label><select id=\"g-ws-{id}\" name=\"workspace_id\">{ws_options}</select> \
                 <label for=\"g-p-{id}\">Partner id (empty: every partner)</label><input id=\"g-p-{id}\" name=\"partner_id\" size=\"12\"> \
                 <button type=\"submit\">Grant</button></form>",
                csrf_field(csrf),
                id = u.id
            );
        }
        b.push_str("<h3>API tokens</h3>");
        if u.tokens.is_empty() {
            b.push_str("<p class=\"muted\">None.</p>");
        } else {
            b.push_str("<ul>");
            for t in &u.tokens {
                let _ = write!(b, "<li>{} (created {})", esc(&t.name), when(t.created_at));
                match t.revoked_at {
                    Some(r) => {
                        let _ = write!(b, " — revoked {}", when(r));
                    }
                    None => {
                        let _ = write!(
                            b,
                            " <form method=\"post\" action=\"/admin/tokens/{}/revoke\" class=\"inline\">{}<button type=\"submit\">Revoke</button></form>",
                            t.id,
                            csrf_field(csrf)
                        );
                    }
                }
                b.push_str("</li>");
            }
            b.push_str("</ul>");
        }
        let _ = write!(
            b,
            "<form method=\"post\" action=\"/admin/users/{id}/tokens\">{}\
             <label for=\"t-{id}\">Token name</label><input id=\"t-{id}\" name=\"name\" required maxlength=\"100\"> \
             <button type=\"submit\">Create token</button></form></section>",
            csrf_field(csrf),
            id = u.id
        );
    }
    Ok(b)
}

fn admin_page(c: &Caller, body: &str) -> Html<String> {
    page(
        "Users",
        Some((&c.user.username, c.csrf.as_deref().unwrap_or(""))),
        body,
    )
}

/// `GET /admin/users` (admin).
pub async fn page_users(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
) -> Result<Html<String>, PageError> {
    c.admin()?;
    let b = users_html(&state, c.csrf.as_deref().unwrap_or(""), "").await?;
    Ok(admin_page(&c, &b))
}

/// The page again with a message: what failed (a name taken, a password too short).
async fn with_message(state: &AppState, c: &Caller, e: AppError) -> Result<Response, PageError> {
    match e {
        AppError::BadRequest(m) | AppError::Conflict(m) | AppError::NotFound(m) => {
            let note = format!("<p class=\"err\" role=\"alert\">{}</p>", esc(&m));
            let b = users_html(state, c.csrf.as_deref().unwrap_or(""), &note).await?;
            Ok((StatusCode::BAD_REQUEST, admin_page(c, &b)).into_response())
        }
        e => Err(e.into()),
    }
}

/// The new-user form.
#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    csrf: String,
    username: String,
    password: String,
    role: String,
}

/// `POST /admin/users` (admin).
pub async fn page_create_user(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Form(f): Form<NewUserForm>,
) -> Result<Response, PageError> {
    c.check_csrf(Some(&f.csrf))?;
    c.admin()?;
    let new = NewUser {
        username: f.username,
        password: f.password,
        role: f.role,
    };
    match create(&state, &new).await {
        Ok(u) => Ok(Redirect::to(&format!("/admin/users#user-{}", u.id)).into_response()),
        Err(e) => with_message(&state, &c, e).await,
    }
}

/// The grant and revoke forms.
#[derive(Debug, Deserialize)]
pub struct GrantForm {
    csrf: String,
    workspace_id: i64,
    partner_id: Option<String>,
}

/// `POST /admin/users/{user}/grant` (admin).
pub async fn page_grant(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<GrantForm>,
) -> Result<Response, PageError> {
    grant_form(&state, &c, id, f, true).await
}

/// `POST /admin/users/{user}/revoke` (admin).
pub async fn page_revoke(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<GrantForm>,
) -> Result<Response, PageError> {
    grant_form(&state, &c, id, f, false).await
}

/// The grant and revoke forms: CSRF and admin checked, then the grant given
/// (`give`) or taken back; back to the user's entry, or the page with the reason.
async fn grant_form(
    state: &Shared,
    c: &Caller,
    id: i64,
    f: GrantForm,
    give: bool,
) -> Result<Response, PageError> {
    c.check_csrf(Some(&f.csrf))?;
    c.admin()?;
    let g = GrantIn {
        workspace_id: f.workspace_id,
        partner_id: f.partner_id,
    };
    let done = if give {
        grant(state, id, &g).await
    } else {
        revoke(state, id, &g).await
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users#user-{id}")).into_response()),
        Err(e) => with_message(state, c, e).await,
    }
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub struct NewTokenForm {
    csrf: String,
    name: String,
}

/// `POST /admin/users/{user}/tokens` (admin): the token, shown this once.
pub async fn page_create_token(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<NewTokenForm>,
) -> Result<Response, PageError> {
    c.check_csrf(Some(&f.csrf))?;
    c.admin()?;
    match new_token(&state, id, &f.name).await {
        Ok(t) => {
            let u = user(&state, id).await?;
            let b = format!(
                "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/admin/users\">Users</a></nav>\
                 <h1>New API token for {}</h1><p role=\"status\">Copy it now: it is shown only this once (only a hash of it is kept).</p>\
                 <p><label for=\"token\">Token {}</label><input id=\"token\" readonly size=\"80\" value=\"{}\"></p>\
                 <p>Send it as <code>Authorization: Bearer TOKEN</code>.</p><p><a href=\"/admin/users#user-{id}\">Back to the users</a></p>",
                esc(&u.username),
                t.id,
                esc(&t.token)
            );
            Ok(admin_page(&c, &b).into_response())
        }
        Err(e) => with_message(&state, &c, e).await,
    }
}

/// The revoke-token form.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /admin/tokens/{token}/revoke` (admin).
pub async fn page_revoke_token(
    State(state): State<Shared>,
    PageCaller(c): PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    c.check_csrf(Some(&f.csrf))?;
    c.admin()?;
    let owner = state.store.token_owner(id).await?;
    match revoke_token(&state, id).await {
        Ok(()) => Ok(Redirect::to(&owner.map_or_else(
            || "/admin/users".to_string(),
            |u| format!("/admin/users#user-{u}"),
        ))
        .into_response()),
        Err(e) => with_message(&state, &c, e).await,
    }
}
