//! The capscore web dashboard and JSON API.
//!
//! An axum server over the store (`capscore-store`) and the scoring crates: pages
//! rendered on the server (`pages.rs`, `html.rs`: no script, charts as inline SVG),
//! the JSON API with its OpenAPI 3.1 document (`api.rs`), sessions, API tokens and
//! per-partner access (`auth.rs`), imports stored atomically and versioned
//! (`import.rs`). What the pages and the API show is built once (`views.rs`) from the
//! engine's scores. `capscore serve` and `capscore user …` call [`serve`] and
//! [`admin`].

pub mod admin;
pub mod advice;
pub mod api;
pub mod auth;
pub mod cache;
mod csv_out;
pub mod error;
pub mod explain;
pub mod explain_pages;
pub mod flags;
pub mod html;
pub mod import;
pub mod import_pages;
pub mod pages;
pub mod state;
pub mod trends;
mod upload;
pub mod users_admin;
pub mod views;
pub mod whatif;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use capscore_catalog::Catalog;
use capscore_store::{Role, Store};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::AppError;
use state::{AppState, Shared};

/// Largest request body accepted (an import's files together).
pub const MAX_BODY: usize = 256 * 1024 * 1024;
/// Longest a request may take (an import of a large dataset included).
pub const REQUEST_TIMEOUT: Duration = Duration::from_mins(5);

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://PATH` or `postgres://…`; default: `capscore.db` in the data folder.
    pub db: Option<String>,
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Folder of the import versions; `--demo` without one uses a temporary folder.
    pub data_dir: Option<PathBuf>,
    /// Cookies get `Secure` (the server is reached over TLS, e.g. behind a proxy).
    pub secure_cookies: bool,
    /// Demo: a workspace with the given sample files and a new admin with a one-time
    /// password.
    pub demo: Option<Vec<(String, Vec<u8>)>>,
}

/// What the server tells its operator once it listens.
#[derive(Debug, Clone)]
pub struct Started {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Demo sign-in: user name and one-time password.
    pub demo_login: Option<(String, String)>,
    /// The data folder in use.
    pub data_dir: PathBuf,
}

/// The router over a state, with the default body limit [`MAX_BODY`].
pub fn router(state: Shared) -> Router {
    router_with_limit(state, MAX_BODY)
}

/// The router over a state, refusing request bodies over `max_body` bytes (413).
pub fn router_with_limit(state: Shared, max_body: usize) -> Router {
    let api = Router::new()
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/me", get(api::me))
        .route(
            "/api/workspaces",
            get(api::workspaces).post(api::create_workspace),
        )
        .route("/api/workspaces/{ws}/portfolio", get(api::portfolio))
        .route(
            "/api/workspaces/{ws}/imports",
            get(api::imports).post(api::import),
        )
        .route("/api/workspaces/{ws}/partners/{partner}", get(api::partner))
        .route(
            "/api/workspaces/{ws}/partners/{partner}/areas/{area}",
            get(api::area),
        )
        .route(
            "/api/workspaces/{ws}/partners/{partner}/areas/{area}/metrics/{metric}",
            get(api::metric),
        )
        .route(
            "/api/workspaces/{ws}/partners/{partner}/customers",
            get(api::customers),
        )
        .route(
            "/api/workspaces/{ws}/partners/{partner}/skilling",
            get(api::skilling),
        )
        .route(
            "/api/workspaces/{ws}/partners/{partner}/simulate",
            post(whatif::api_simulate),
        )
        .route(
            "/api/workspaces/{ws}/partners/{partner}/outlook",
            get(whatif::api_outlook),
        )
        .route(
            "/api/workspaces/{ws}/partners/{partner}/trends",
            get(trends::api_trends),
        )
        .route(
            "/api/workspaces/{ws}/partners/{partner}/recommendations",
            get(advice::api_recommendations),
        )
        .route(
            "/api/workspaces/{ws}/partners/{partner}/areas/{area}/plan",
            get(advice::api_plan),
        );
    let api = api
        .route(
            "/api/users",
            get(users_admin::api_users).post(users_admin::api_create_user),
        )
        .route(
            "/api/users/{user}/grants",
            post(users_admin::api_grant).delete(users_admin::api_revoke),
        )
        .route(
            "/api/users/{user}/tokens",
            post(users_admin::api_create_token),
        )
        .route(
            "/api/tokens/{token}",
            axum::routing::delete(users_admin::api_revoke_token),
        );
    let pages = Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_get).post(pages::login_post))
        .route("/logout", post(pages::logout))
        .route("/workspaces", post(pages::create_workspace))
        .route(
            "/admin/users",
            get(users_admin::page_users).post(users_admin::page_create_user),
        )
        .route("/admin/users/{user}/grant", post(users_admin::page_grant))
        .route("/admin/users/{user}/revoke", post(users_admin::page_revoke))
        .route(
            "/admin/users/{user}/tokens",
            post(users_admin::page_create_token),
        )
        .route(
            "/admin/tokens/{token}/revoke",
            post(users_admin::page_revoke_token),
        )
        .route("/w/{ws}", get(pages::portfolio))
        .route("/w/{ws}/portfolio.csv", get(pages::portfolio_csv))
        .route(
            "/w/{ws}/import",
            get(import_pages::import_form).post(import_pages::import_post),
        )
        .route("/w/{ws}/imports", get(import_pages::imports))
        .route("/w/{ws}/p/{partner}", get(pages::partner))
        .route("/w/{ws}/p/{partner}/a/{area}", get(pages::area))
        .route(
            "/w/{ws}/p/{partner}/a/{area}/m/{metric}",
            get(explain_pages::metric),
        )
        .route(
            "/w/{ws}/p/{partner}/customers",
            get(explain_pages::customers),
        )
        .route("/w/{ws}/p/{partner}/skilling", get(explain_pages::skilling))
        .route("/w/{ws}/p/{partner}/trends", get(trends::page_trends))
        .route(
            "/w/{ws}/p/{partner}/simulate",
            get(whatif::page_simulate).post(whatif::page_simulate_post),
        )
        .route(
            "/w/{ws}/p/{partner}/recommendations",
            get(advice::page_recommendations),
        )
        .route("/w/{ws}/p/{partner}/a/{area}/plan", get(advice::page_plan));
    Router::new()
        .merge(api)
        .merge(pages)
        .route("/health", get(api::health))
        .route("/ready", get(api::ready))
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Opens the store and builds the state (`data_dir` created if missing); removes
/// import folders left by an interrupted import.
///
/// # Errors
/// The database or data folder cannot be used.
pub async fn open_state(
    db: &str,
    data_dir: PathBuf,
    catalog: Catalog,
    secure_cookies: bool,
) -> Result<Shared, String> {
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| format!("cannot create data folder {}: {e}", data_dir.display()))?;
    let store = Store::connect(db).await.map_err(|e| e.to_string())?;
    let state = Arc::new(AppState {
        store,
        catalog: Arc::new(catalog),
        data_dir,
        secure_cookies,
        limiter: Mutex::new(auth::LoginLimiter::default()),
        datasets: RwLock::new(std::collections::HashMap::new()),
        import_lock: tokio::sync::Mutex::new(()),
        cache: cache::MonthCache::default(),
        flags: flags::FlagCache::default(),
    });
    import::clean_orphans(&state)
        .await
        .map_err(|e| e.to_string())?;
    Ok(state)
}

/// The SQLite URL of the default database in a data folder.
#[must_use]
pub fn default_db(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}", data_dir.join("capscore.db").display())
}

async fn demo(state: &Shared, files: Vec<(String, Vec<u8>)>) -> Result<(String, String), String> {
    let password = capscore_store::random_token(9).map_err(|e| e.to_string())?;
    let name = format!(
        "admin-{}",
        &capscore_store::random_token(3).map_err(|e| e.to_string())?
    );
    let user = state
        .store
        .add_user(&name, &password, Role::Admin)
        .await
        .map_err(|e| e.to_string())?;
    let ws = match state
        .store
        .workspace_by_name("sample")
        .await
        .map_err(|e| e.to_string())?
    {
        Some(w) => w,
        None => state
            .store
            .create_workspace("sample")
            .await
            .map_err(|e| e.to_string())?,
    };
    if ws.current_import.is_none() {
        import::import_tables(state, ws.id, user.id, files)
            .await
            .map_err(|e| format!("importing the sample: {e}"))?;
    }
    Ok((name, password))
}

/// Runs the server until Ctrl-C or SIGTERM (requests under way are finished first);
/// `on_start` is told where it listens (and the demo login) once it does.
///
/// # Errors
/// Anything that stops it from starting.
pub fn serve(
    config: Config,
    catalog: Catalog,
    on_start: impl FnOnce(&Started),
) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let _ = tracing_init();
        let mut temp = None;
        let data_dir = match (&config.data_dir, config.demo.is_some()) {
            (Some(d), _) => d.clone(),
            (None, true) => {
                let t = tempfile::tempdir().map_err(|e| e.to_string())?;
                let p = t.path().to_path_buf();
                temp = Some(t);
                p
            }
            (None, false) => PathBuf::from("capscore-data"),
        };
        let db = config.db.clone().unwrap_or_else(|| default_db(&data_dir));
        let state = open_state(&db, data_dir.clone(), catalog, config.secure_cookies).await?;
        let demo_login = match config.demo {
            Some(files) => Some(demo(&state, files).await?),
            None => None,
        };
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        on_start(&Started {
            addr,
            demo_login,
            data_dir,
        });
        tracing::info!(%addr, "listening");
        let app = router(state.clone());
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
        state.store.close().await;
        tracing::info!("stopped");
        drop(temp);
        Ok(())
    })
}

fn tracing_init() -> Result<(), String> {
    use tracing_subscriber::EnvFilter;
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("CAPSCORE_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init()
        .map_err(|e| e.to_string())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests under way");
}
