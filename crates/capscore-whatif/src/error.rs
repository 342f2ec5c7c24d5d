//! What can go wrong in a what-if.

use capscore_data::LoadError;
use capscore_engine::EngineError;

/// A refusal of a scenario, of the data it makes, or of the scoring.
#[derive(Debug, thiserror::Error)]
pub enum WhatIfError {
    /// The scenario file is not valid: unreadable TOML, an unknown field, or a name
    /// (tenant, workload, certification, partner) the data or the catalog lacks.
    #[error("{0}")]
    Scenario(String),
    /// The dataset the scenario makes does not validate (every problem listed).
    #[error("the dataset the scenario makes is rejected:\n{0}")]
    Data(Box<LoadError>),
    /// The engine refused (an unknown area, a month the data does not cover, ...).
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A value that cannot be written as a table cell (an amount with more decimals
    /// than the data contract allows).
    #[error("{0}")]
    Value(String),
    /// Writing the dataset failed.
    #[error("{0}")]
    Write(String),
}
