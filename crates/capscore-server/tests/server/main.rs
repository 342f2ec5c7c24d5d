//! Integration tests of the server: the API against the engine, imports, sessions,
//! access control. Each runs on SQLite and, where `CAPSCORE_TEST_PG` (or the
//! cluster started by `pg.rs`) gives a server, on PostgreSQL.

/// Runs an `async fn(db: Option<String>)` test on SQLite and on PostgreSQL.
macro_rules! on_both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(None).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(Some(crate::pg::database().await)).await;
            }
        }
    };
}

mod access;
mod api;
mod browser;
mod explain;
mod flags;
mod harness;
mod html;
mod pc_import;
mod pg;
mod sessions;
mod trends;
mod users_admin;
mod whatif;
