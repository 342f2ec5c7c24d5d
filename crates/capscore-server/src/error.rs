//! One error type for every route: JSON `{"error": {"status", "code", "message"}}` for
//! the API, a page (or a redirect to the login page) for the HTML routes.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

use crate::html;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session or token.
    #[error("sign in first (a session cookie or an Authorization: Bearer token)")]
    Unauthenticated,
    /// Signed in, but the role or grants do not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// Does not exist, or is not visible to this user (the same answer, so ids cannot
    /// be probed).
    #[error("{0} not found")]
    NotFound(String),
    /// A state-changing request without the session's CSRF token.
    #[error(
        "the form is out of date or was not sent by this site (CSRF token missing or wrong): reload the page"
    )]
    Csrf,
    /// Too many failed sign-ins.
    #[error("too many failed sign-ins: wait a few minutes and try again")]
    RateLimited,
    /// Bad input (a form field, an upload, data the loader rejected).
    #[error("{0}")]
    BadRequest(String),
    /// A name already taken.
    #[error("{0}")]
    Conflict(String),
    /// A question the data cannot answer (a month not covered).
    #[error("{0}")]
    Unprocessable(String),
    /// Anything else (logged; the client gets no details).
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Csrf => "csrf",
            AppError::RateLimited => "rate_limited",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::Unprocessable(_) => "unprocessable",
            AppError::Internal(_) => "internal",
        }
    }

    fn log(&self) {
        if let AppError::Internal(detail) = self {
            tracing::error!(detail = %detail, "internal error");
        }
    }
}

impl From<capscore_store::StoreError> for AppError {
    fn from(e: capscore_store::StoreError) -> Self {
        use capscore_store::StoreError as S;
        match e {
            S::Exists(m) => AppError::Conflict(format!("{m} already exists")),
            S::Invalid(m) => AppError::BadRequest(m),
            S::NotFound(m) => AppError::NotFound(m),
            e => AppError::Internal(e.to_string()),
        }
    }
}

/// The JSON error body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The error inside [`ErrorBody`].
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// HTTP status code.
    pub status: u16,
    /// Stable code: `unauthenticated`, `forbidden`, `not_found`, `csrf`,
    /// `rate_limited`, `bad_request`, `conflict`, `unprocessable`, `internal`.
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let body = ErrorBody {
            error: ErrorDetail {
                status: status.as_u16(),
                code: self.code().to_string(),
                message: self.to_string(),
            },
        };
        (status, Json(body)).into_response()
    }
}

/// An [`AppError`] shown as a page: sign-in needed redirects to the login page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl From<capscore_store::StoreError> for PageError {
    fn from(e: capscore_store::StoreError) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        if matches!(e, AppError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        let status = e.status();
        let title = status.canonical_reason().unwrap_or("Error");
        let body = format!(
            "<h1>{}</h1><p role=\"alert\">{}</p><p><a href=\"/\">Back to the workspaces</a></p>",
            html::esc(title),
            html::esc(&e.to_string())
        );
        (status, html::page(title, None, &body)).into_response()
    }
}
