//! Errors of an invalid catalog.

use std::path::PathBuf;

/// A catalog that cannot be used. The message names the file and the item at fault
/// and, where it can, what to write instead.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// A catalog file could not be read.
    #[error("cannot read catalog file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
    /// A required catalog file is absent.
    #[error("catalog file {0} is missing")]
    Missing(String),
    /// A file is not valid TOML, or does not have the catalog's shape.
    #[error("catalog file {file}: {message}")]
    Syntax {
        /// File, relative to the catalog folder.
        file: String,
        /// What the TOML reader said, with line and column.
        message: String,
    },
    /// A file is well-formed but a rule in it is wrong.
    #[error("catalog file {file}: {item}: {message}")]
    Invalid {
        /// File, relative to the catalog folder.
        file: String,
        /// The item at fault, e.g. `metric "usage_growth", track "smb"`.
        item: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Rules are asked for a date on which the catalog has none in force.
    #[error("no {what} in force on {date}: {message}")]
    NotInForce {
        /// What was asked for.
        what: String,
        /// The date.
        date: String,
        /// Why.
        message: String,
    },
}
