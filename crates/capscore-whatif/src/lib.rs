//! What if and what next, on top of the scoring engine: every answer comes from the
//! engine's own computation (`score`, `explain`) on the real rules of the catalog. No
//! rule is computed here.
//!
//! - [`simulate`]: a dataset changed by a scenario ([`scenario`]) and scored again. A
//!   scenario edits the canonical tables (the rows the loader reads,
//!   [`tables::Tables`]); the edited tables are loaded again through the dataset loader,
//!   so they are validated exactly as user data. `recommend` and `plan` apply their
//!   scenarios in memory ([`simulate::Base::apply`]): only the touched rows go through
//!   text and the loader, and are spliced into the loaded dataset.
//! - [`outlook`]: the next months if nothing changes, each change in points with its
//!   cause.
//! - [`diff`]: how each metric changed between two months, split exactly into the
//!   contributions (tenants, people, workloads…) that moved.
//! - [`reform`]: the dataset scored with the catalog and with an overlay of it, per
//!   area and track who qualifies before and after ([`reform_render`]: text, histogram,
//!   SVG chart).
//! - [`forecast`]: where each metric is heading, a statistical projection of its
//!   monthly history with a range, turned into points by the engine.
#![deny(missing_docs)]

pub mod diff;
mod edit;
pub mod error;
pub mod forecast;
pub mod outlook;
pub mod plan;
pub mod recommend;
pub mod reform;
pub mod reform_render;
pub mod render;
pub mod scenario;
pub mod simulate;
pub mod tables;

pub use error::WhatIfError;
