//! The JSON API: what the pages show, plus workspace creation and imports, described
//! by the OpenAPI 3.1 document at `/api/openapi.json`. Authentication: a session
//! cookie (state-changing requests then carry `X-CSRF-Token`) or
//! `Authorization: Bearer TOKEN`.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use capscore_store::{ImportRow, Workspace};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::auth::{CSRF_HEADER, Caller};
use crate::error::{AppError, ErrorBody};
use crate::explain::{self, MetricPage};
use crate::explain_pages::{CustomerQuery, ExplainQuery};
use crate::pages::MonthQuery;
use crate::state::Shared;
use crate::views::{self, AreaDetail, PartnerOverview, Portfolio, PortfolioQuery};
use crate::{csv_out, upload};

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "capscore API", description = "Partner capability scores of a workspace: portfolio, partner overview, area detail, imports."),
    paths(me, workspaces, create_workspace, portfolio, partner, area, metric, customers, skilling, crate::whatif::api_simulate, crate::whatif::api_outlook, crate::advice::api_recommendations, crate::advice::api_plan, crate::trends::api_trends, imports, import, crate::users_admin::api_users, crate::users_admin::api_create_user, crate::users_admin::api_grant, crate::users_admin::api_revoke, crate::users_admin::api_create_token, crate::users_admin::api_revoke_token),
    components(schemas(MetricPage, crate::whatif::SimulateBody, ErrorBody, WorkspaceOut, NewWorkspace, ImportOut, MeOut, Portfolio, PartnerOverview, AreaDetail, crate::trends::Trends, crate::users_admin::UserOut, crate::users_admin::NewUser, crate::users_admin::GrantIn, crate::users_admin::NewToken, crate::users_admin::TokenCreated)),
    modifiers(&Security)
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    /// User name.
    pub username: String,
    /// `admin`, `partner_admin` or `report_viewer`.
    pub role: String,
}

/// `GET /api/me`.
#[utoipa::path(get, path = "/api/me", responses((status = 200, body = MeOut), (status = 401, body = ErrorBody)))]
pub async fn me(c: Caller) -> Json<MeOut> {
    Json(MeOut {
        username: c.user.username.clone(),
        role: c.user.role.as_str().to_string(),
    })
}

/// A workspace.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceOut {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The import version serving (`null` before the first import).
    pub current_import: Option<i64>,
}

impl From<Workspace> for WorkspaceOut {
    fn from(w: Workspace) -> Self {
        WorkspaceOut {
            id: w.id,
            name: w.name,
            current_import: w.current_import,
        }
    }
}

/// `GET /api/workspaces`: the workspaces the caller sees.
#[utoipa::path(get, path = "/api/workspaces", responses((status = 200, body = Vec<WorkspaceOut>), (status = 401, body = ErrorBody)))]
pub async fn workspaces(
    State(state): State<Shared>,
    c: Caller,
) -> Result<Json<Vec<WorkspaceOut>>, AppError> {
    Ok(Json(
        state
            .store
            .workspaces()
            .await?
            .into_iter()
            .filter(|w| c.sees_workspace(w.id))
            .map(Into::into)
            .collect(),
    ))
}

/// A new workspace.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewWorkspace {
    /// Its name (unique).
    pub name: String,
}

fn csrf(c: &Caller, headers: &HeaderMap) -> Result<(), AppError> {
    c.check_csrf(headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()))
}

/// `POST /api/workspaces` (admin).
#[utoipa::path(post, path = "/api/workspaces", request_body = NewWorkspace,
    responses((status = 201, body = WorkspaceOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_workspace(
    State(state): State<Shared>,
    c: Caller,
    headers: HeaderMap,
    Json(body): Json<NewWorkspace>,
) -> Result<Response, AppError> {
    csrf(&c, &headers)?;
    c.admin()?;
    let ws = state.store.create_workspace(&body.name).await?;
    Ok((StatusCode::CREATED, Json(WorkspaceOut::from(ws))).into_response())
}

/// `GET /api/workspaces/{ws}/portfolio` (`Accept: text/csv` or `?format=csv` for CSV).
#[utoipa::path(get, path = "/api/workspaces/{ws}/portfolio", params(("ws" = i64, Path, description = "workspace id"), PortfolioQuery),
    responses((status = 200, body = Portfolio), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn portfolio(
    State(state): State<Shared>,
    c: Caller,
    Path(ws): Path<i64>,
    Query(q): Query<PortfolioQuery>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    c.workspace(ws)?;
    let cur = state.current(ws).await?;
    let p = views::portfolio(&state, &c, &cur, &q).await?;
    if f.csv() {
        return csv_out::portfolio(&p);
    }
    Ok(Json(p).into_response())
}

/// `?format=csv` on the read routes.
#[derive(Debug, Default, Deserialize)]
pub struct FormatQuery {
    format: Option<String>,
}

impl FormatQuery {
    fn csv(&self) -> bool {
        self.format.as_deref() == Some("csv")
    }
}

/// `GET /api/workspaces/{ws}/partners/{partner}`: overview with every area's history.
#[utoipa::path(get, path = "/api/workspaces/{ws}/partners/{partner}",
    params(("ws" = i64, Path, description = "workspace id"), ("partner" = String, Path, description = "partner_id"), MonthQuery),
    responses((status = 200, body = PartnerOverview), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn partner(
    State(state): State<Shared>,
    c: Caller,
    Path((ws, pid)): Path<(i64, String)>,
    Query(q): Query<MonthQuery>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let o = views::partner(&state, &c, &cur, &pid, q.month.as_deref()).await?;
    if f.csv() {
        return csv_out::history(&o);
    }
    Ok(Json(o).into_response())
}

/// `GET /api/workspaces/{ws}/partners/{partner}/areas/{area}`: the engine's area score.
#[utoipa::path(get, path = "/api/workspaces/{ws}/partners/{partner}/areas/{area}",
    params(("ws" = i64, Path, description = "workspace id"), ("partner" = String, Path, description = "partner_id"), ("area" = String, Path, description = "area id"), MonthQuery),
    responses((status = 200, body = AreaDetail), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn area(
    State(state): State<Shared>,
    c: Caller,
    Path((ws, pid, area)): Path<(i64, String, String)>,
    Query(q): Query<MonthQuery>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let d = views::area(&state, &c, &cur, &pid, &area, q.month.as_deref()).await?;
    if f.csv() {
        return csv_out::area(&d);
    }
    Ok(Json(d).into_response())
}

/// `GET /api/workspaces/{ws}/partners/{partner}/areas/{area}/metrics/{metric}`: the
/// engine's explanation of a metric, contributions and exclusions paged (`?format=csv`:
/// every entry, one row each).
#[utoipa::path(get, path = "/api/workspaces/{ws}/partners/{partner}/areas/{area}/metrics/{metric}",
    params(("ws" = i64, Path, description = "workspace id"), ("partner" = String, Path, description = "partner_id"), ("area" = String, Path, description = "area id"), ("metric" = String, Path, description = "metric id"), ExplainQuery),
    responses((status = 200, body = MetricPage), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn metric(
    State(state): State<Shared>,
    c: Caller,
    Path((ws, pid, area, metric)): Path<(i64, String, String, String)>,
    Query(q): Query<ExplainQuery>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    if f.csv() {
        let all = explain::metric_all(
            &state,
            &c,
            &cur,
            (&pid, &area, &metric, q.track.as_deref()),
            q.month.as_deref(),
        )
        .await?;
        return csv_out::metric(&all);
    }
    Ok(Json(
        explain::metric(
            &state,
            &c,
            &cur,
            &pid,
            &area,
            &metric,
            q.track.as_deref(),
            q.month.as_deref(),
            q.page,
        )
        .await?,
    )
    .into_response())
}

/// `GET /api/workspaces/{ws}/partners/{partner}/customers`: customer eligibility,
/// `q` searching tenant ids and names.
#[utoipa::path(get, path = "/api/workspaces/{ws}/partners/{partner}/customers",
    params(("ws" = i64, Path, description = "workspace id"), ("partner" = String, Path, description = "partner_id"), CustomerQuery),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn customers(
    State(state): State<Shared>,
    c: Caller,
    Path((ws, pid)): Path<(i64, String)>,
    Query(q): Query<CustomerQuery>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let e = explain::customer_lookup(&state, &c, &cur, &pid, q.month.as_deref(), q.q.as_deref())
        .await?;
    if f.csv() {
        return csv_out::customers(&e);
    }
    Ok(Json(e).into_response())
}

/// `GET /api/workspaces/{ws}/partners/{partner}/skilling`: people, certifications and
/// whether each counts.
#[utoipa::path(get, path = "/api/workspaces/{ws}/partners/{partner}/skilling",
    params(("ws" = i64, Path, description = "workspace id"), ("partner" = String, Path, description = "partner_id"), MonthQuery),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn skilling(
    State(state): State<Shared>,
    c: Caller,
    Path((ws, pid)): Path<(i64, String)>,
    Query(q): Query<MonthQuery>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    c.workspace(ws)?;
    c.partner(ws, &pid)?;
    let cur = state.current(ws).await?;
    let e = explain::skilling_of(&state, &c, &cur, &pid, q.month.as_deref()).await?;
    if f.csv() {
        return csv_out::skilling(&e);
    }
    Ok(Json(e).into_response())
}

/// An import version.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportOut {
    /// Version id.
    pub id: i64,
    /// `tables` or `partner_center`.
    pub kind: String,
    /// Seconds since the epoch.
    pub created_at: i64,
    /// Importing user.
    pub created_by: String,
    /// Months scored (`YYYY-MM`).
    pub months: Vec<String>,
    /// The areas each month answers for (`YYYY-MM` → area ids); empty for imports
    /// made before this was recorded (every area).
    #[schema(value_type = Object)]
    pub areas: serde_json::Value,
    /// The import report.
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

impl From<ImportRow> for ImportOut {
    fn from(i: ImportRow) -> Self {
        ImportOut {
            id: i.id,
            kind: i.kind,
            created_at: i.created_at,
            created_by: i.created_by,
            months: i.months.split(',').map(ToString::to_string).collect(),
            report: serde_json::from_str(&i.report).unwrap_or_default(),
            areas: serde_json::from_str(&i.areas)
                .unwrap_or_else(|_| serde_json::Value::Object(serde_json::Map::new())),
        }
    }
}

/// `GET /api/workspaces/{ws}/imports` (users granted every partner of the workspace).
#[utoipa::path(get, path = "/api/workspaces/{ws}/imports", params(("ws" = i64, Path, description = "workspace id")),
    responses((status = 200, body = Vec<ImportOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn imports(
    State(state): State<Shared>,
    c: Caller,
    Path(ws): Path<i64>,
) -> Result<Json<Vec<ImportOut>>, AppError> {
    c.workspace(ws)?;
    if !c.sees_all(ws) {
        return Err(AppError::Forbidden(
            "the import history is for users granted every partner of the workspace".into(),
        ));
    }
    state
        .store
        .workspace(ws)
        .await?
        .ok_or_else(|| AppError::NotFound("workspace".to_string()))?;
    Ok(Json(
        state
            .store
            .imports(ws)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// `POST /api/workspaces/{ws}/imports`: multipart with one part per file: capscore
/// tables (`partners.csv`, `m365_usage.parquet`, …), or with a `kind` field
/// `partner_center` the Partner Center downloads (and optionally `partner_global_id`,
/// `date_order` = `dmy` or `mdy`).
#[utoipa::path(post, path = "/api/workspaces/{ws}/imports", params(("ws" = i64, Path, description = "workspace id")),
    request_body(content_type = "multipart/form-data", description = "one file part per table; or `kind` = `partner_center`, one file part per Partner Center download, optional `partner_global_id` and `date_order` (`dmy`, `mdy`)"),
    responses((status = 201, body = ImportOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import(
    State(state): State<Shared>,
    c: Caller,
    Path(ws): Path<i64>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, AppError> {
    c.workspace(ws)?;
    csrf(&c, &headers)?;
    if !c.can_import(ws) {
        return Err(AppError::Forbidden(
            "your role cannot import into this workspace".into(),
        ));
    }
    state
        .store
        .workspace(ws)
        .await?
        .ok_or_else(|| AppError::NotFound("workspace".to_string()))?;
    let up = upload::read(multipart).await?;
    let row = crate::import::import_upload(&state, ws, c.user.id, up.import).await?;
    crate::flags::warm(&state, ws);
    Ok((StatusCode::CREATED, Json(ImportOut::from(row))).into_response())
}

/// `GET /health`: the process answers.
pub async fn health() -> &'static str {
    "ok"
}

/// `GET /ready`: the database answers.
pub async fn ready(State(state): State<Shared>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the database does not answer",
            )
                .into_response()
        }
    }
}
