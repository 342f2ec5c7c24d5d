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
}
