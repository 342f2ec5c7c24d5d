//! Integration tests of the server: the API against the engine, imports, sessions,
//! access control. Each runs on SQLite and, where `CAPSCORE_TEST_PG` (or the
//! cluster started by `pg.rs`) gives a server, on PostgreSQL.

mod access;
mod api;
mod harness;
mod sessions;
