//! A PostgreSQL server for the tests: `CAPSCORE_TEST_PG_URL` (a server URL whose user
//! may create databases, e.g. set by `.ci/run`), or else a temporary cluster started
//! here from the PostgreSQL 15 binaries (as user `postgres` when run as root) on a
//! free port, stopped and removed by a watcher once the test process ends. Each test
//! gets a database of its own.

use std::process::Command;
use std::sync::OnceLock;

const BIN: &str = "/usr/lib/postgresql/15/bin";

fn as_postgres(cmd: &str) -> Command {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "sh", "-c", cmd]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", cmd]);
        c
    }
}

fn run(cmd: &str) {
    let out = as_postgres(cmd)
        .output()
        .expect("running a PostgreSQL command");
    assert!(
        out.status.success(),
        "{cmd}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn start_cluster() -> String {
    assert!(
        std::path::Path::new(BIN).join("initdb").exists(),
        "PostgreSQL 15 is needed for these tests: install it (apt-get install postgresql-15) or set CAPSCORE_TEST_PG_URL"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let dir = format!("/tmp/capscore-pg-{}-{port}", std::process::id());
    run(&format!(
        "{BIN}/initdb -D {dir} -U postgres -A trust --no-sync >/dev/null && \
         {BIN}/pg_ctl -D {dir} -o '-p {port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off' -l {dir}.log -w start >/dev/null"
    ));
    // Stop and remove the cluster when this test process is gone.
    let pid = std::process::id();
    as_postgres(&format!(
        "setsid sh -c 'while [ -d /proc/{pid} ]; do sleep 1; done; {BIN}/pg_ctl -D {dir} -m immediate stop; rm -rf {dir} {dir}.log' >/dev/null 2>&1 &"
    ))
    .status()
    .unwrap();
    format!("postgres://postgres@127.0.0.1:{port}")
}

fn server() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        std::env::var("CAPSCORE_TEST_PG_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(start_cluster)
    })
}

/// A new, empty database on the test server.
pub(crate) async fn database() -> String {
    use sqlx::Connection;
    let base = server().trim_end_matches('/').to_string();
    let name = format!("capscore_test_{}", capscore_store::random_token(6).unwrap());
    let mut c = sqlx::PgConnection::connect(&format!("{base}/postgres"))
        .await
        .unwrap();
    sqlx::Executor::execute(&mut c, format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    c.close().await.unwrap();
    format!("{base}/{name}")
}
