//! Errors of a scoring request.

use capscore_catalog::CatalogError;

/// Why a request cannot be scored.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The catalog has no usable rules for the month.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// An area id that no rules define.
    #[error("unknown area \"{area}\"; areas in force: {}", known.join(", "))]
    UnknownArea {
        /// What was asked.
        area: String,
        /// Areas that exist.
        known: Vec<String>,
    },
    /// A location account was asked for; its data counts for its global account.
    #[error(
        "partner {partner} is a location account of {global}: its data is scored as part of {global}; ask for {global}"
    )]
    LocationAccount {
        /// The location account.
        partner: String,
        /// Its global account.
        global: String,
    },
    /// `parent_id` links that go round in a circle.
    #[error(
        "partners {0} form a cycle of parent_id links: one of them must be the global account (empty parent_id)"
    )]
    ParentCycle(String),
    /// The data does not cover every month the metrics asked for read.
    #[error("{0}")]
    NotCovered(Box<crate::coverage::CoverageGaps>),
    /// The dataset was loaded with only some usage months, and the request reads others.
    #[error(
        "the dataset was loaded with only the usage months of another request: {table} {month} was not kept; load it whole"
    )]
    NotLoaded {
        /// The usage table.
        table: String,
        /// A month read that was not kept.
        month: capscore_core::Month,
    },
    /// A track or metric id that no area asked has.
    #[error("unknown {what} \"{name}\"; {what}s of the areas asked: {}", known.join(", "))]
    UnknownName {
        /// `track` or `metric`.
        what: &'static str,
        /// What was asked.
        name: String,
        /// The ids that exist.
        known: Vec<String>,
    },
}
