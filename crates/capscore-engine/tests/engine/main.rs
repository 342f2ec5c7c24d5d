//! The integration tests of capscore-engine, in one binary (one link instead of one per file).

mod areas;
mod common;
mod coverage;
mod eligibility;
mod explain_properties;
mod explain_reasons;
mod modern_work;
mod properties;
mod properties_all_areas;
