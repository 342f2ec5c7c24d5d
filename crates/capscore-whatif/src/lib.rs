//! What if and what next, on top of the scoring engine: every answer comes from the
//! engine's own computation (`score`, `explain`) on the real rules of the catalog.
//!
//! - [`diff`]: how each metric changed between two months, split exactly into the
//!   contributions (tenants, people, workloads…) that moved.
//! - [`forecast`]: where each metric is heading, a statistical projection of its
//!   monthly history with a range, turned into points by the engine.
#![deny(missing_docs)]

pub mod diff;
pub mod forecast;
