//! A server on a free port over a fresh database and data folder, with users of every
//! role and the sample imported into workspace "w1".

use std::net::SocketAddr;
use std::path::PathBuf;

use capscore_catalog::Catalog;
use capscore_server::state::Shared;
use capscore_store::Role;
use reqwest::multipart::{Form, Part};

pub(crate) struct Server {
    pub(crate) base: String,
    pub(crate) state: Shared,
    pub(crate) dir: tempfile::TempDir,
    pub(crate) handle: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

pub(crate) fn sample_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/sample")
}

/// The sample's table files (not its README).
pub(crate) fn sample_files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(sample_dir()).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".csv") {
            out.push((name, std::fs::read(e.path()).unwrap()));
        }
    }
    out.sort();
    out
}

pub(crate) fn multipart(files: &[(String, Vec<u8>)]) -> Form {
    let mut form = Form::new();
    for (name, bytes) in files {
        form = form.part("files", Part::bytes(bytes.clone()).file_name(name.clone()));
    }
    form
}

/// The database of a test: SQLite in the test's folder, or a new PostgreSQL database
/// when `pg` gives a server URL.
pub(crate) async fn start_with(db: Option<String>, dir: tempfile::TempDir) -> Server {
    start_limited(db, dir, capscore_server::MAX_BODY).await
}

/// As [`start_with`], refusing request bodies over `max_body` bytes.
pub(crate) async fn start_limited(
    db: Option<String>,
    dir: tempfile::TempDir,
    max_body: usize,
) -> Server {
    let db = db.unwrap_or_else(|| capscore_server::default_db(dir.path()));
    let state = capscore_server::open_state(
        &db,
        dir.path().join("data"),
        Catalog::embedded().unwrap(),
        false,
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = capscore_server::router_with_limit(state.clone(), max_body);
    let handle = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Server {
        base: format!("http://{addr}"),
        state,
        dir,
        handle,
    }
}

/// Users of the fixture: name, role, grants in w1 (`None` = all partners), token.
pub(crate) struct Fixture {
    pub(crate) server: Server,
    pub w1: i64,
    pub w2: i64,
    pub(crate) admin: String,
    pub(crate) partner_admin: String,
    /// report viewer granted P001 of w1
    pub viewer_p1: String,
    /// partner admin granted P002 of w1 only
    pub pa_p2: String,
    /// report viewer granted only workspace w2
    pub(crate) outsider: String,
}

pub(crate) const PASSWORD: &str = "correct horse battery";

pub(crate) async fn token_for(server: &Server, name: &str, role: Role) -> (i64, String) {
    let store = &server.state.store;
    let u = store.add_user(name, PASSWORD, role).await.unwrap();
    (u.id, store.create_token(u.id, "test").await.unwrap().1)
}

pub(crate) async fn fixture(db: Option<String>) -> Fixture {
    let server = start_with(db, tempfile::tempdir().unwrap()).await;
    let store = server.state.store.clone();
    let w1 = store.create_workspace("w1").await.unwrap().id;
    let w2 = store.create_workspace("w2").await.unwrap().id;
    let (_, admin) = token_for(&server, "admin", Role::Admin).await;
    let (pa, partner_admin) = token_for(&server, "pa", Role::PartnerAdmin).await;
    store.grant(pa, w1, None).await.unwrap();
    let (v1, viewer_p1) = token_for(&server, "viewer1", Role::ReportViewer).await;
    store.grant(v1, w1, Some("P001")).await.unwrap();
    let (p2, pa_p2) = token_for(&server, "pa2", Role::PartnerAdmin).await;
    store.grant(p2, w1, Some("P002")).await.unwrap();
    let (o, outsider) = token_for(&server, "outsider", Role::ReportViewer).await;
    store.grant(o, w2, None).await.unwrap();
    let resp = client()
        .post(format!("{}/api/workspaces/{w1}/imports", server.base))
        .bearer_auth(&admin)
        .multipart(multipart(&sample_files()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    Fixture {
        server,
        w1,
        w2,
        admin,
        partner_admin,
        viewer_p1,
        pa_p2,
        outsider,
    }
}

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl Fixture {
    pub(crate) async fn get(&self, token: &str, path: &str) -> (u16, String) {
        let r = client()
            .get(format!("{}{path}", self.server.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    pub(crate) async fn json(&self, token: &str, path: &str) -> serde_json::Value {
        let (status, body) = self.get(token, path).await;
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }
}
