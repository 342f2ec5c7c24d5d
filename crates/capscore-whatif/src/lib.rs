//! What if: a dataset changed by a scenario and scored again by the real engine.
//!
//! Every answer is exact: a scenario edits the canonical tables (the rows the loader
//! reads, [`tables::Tables`]), the edited tables are loaded again through the dataset
//! loader (so they are validated exactly as user data) and scored by the engine. No
//! rule is computed here.
#![deny(missing_docs)]

pub mod error;
pub mod outlook;
pub mod render;
pub mod scenario;
pub mod simulate;
pub mod tables;

pub use error::WhatIfError;
