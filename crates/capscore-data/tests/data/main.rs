//! The integration tests of capscore-data, in one binary (one link instead of one per
//! file).

mod common;
mod coverage;
mod input_defects;
mod load_errors;
mod load_ok;
mod props;
mod typed_parquet;
mod window;
