//! Errors of a status request.

use capscore_catalog::CatalogError;
use capscore_engine::EngineError;

/// Why a standing cannot be worked out.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// Scoring a month failed.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The catalog has no rules for a month needed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The data month in force on the date is outside what the usage tables cover.
    #[error(
        "the data month in force on {date} is {month}, which the data does not cover ({covered}); ask about a date whose data month is covered, or force one with --month"
    )]
    NotCovered {
        /// The date asked about.
        date: capscore_core::NaiveDate,
        /// Its data month.
        month: capscore_core::Month,
        /// What the usage tables cover, in words.
        covered: String,
    },
}
