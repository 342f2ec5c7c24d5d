//! Errors of the store.

/// What went wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is neither `sqlite://PATH` nor `postgres://…`.
    #[error("unsupported database URL \"{0}\": give sqlite://PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
    /// The database refused or failed a query.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A name already taken (user, workspace).
    #[error("{0} already exists")]
    Exists(String),
    /// A user, workspace or token that does not exist.
    #[error("{0} does not exist")]
    NotFound(String),
    /// A value the store refuses (an empty name, an unknown role).
    #[error("{0}")]
    Invalid(String),
    /// Hashing a password failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
}
