//! The integration tests of capscore-import, in one binary (one link instead of one per file).

mod import;
mod input_defects;
mod properties;
