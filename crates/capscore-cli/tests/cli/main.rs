//! The integration tests of the capscore command, in one binary (one link instead of one
//! per file).

mod batch_cli;
mod cli;
mod coverage_cli;
mod explain_cli;
mod fractions;
mod fuzz;
mod generate_cli;
mod golden;
mod history_cli;
mod import_cli;
mod output_cli;
mod reform_cli;
mod repository;
mod serve_cli;
mod snapshots;
mod spark_cli;
mod spark_security;
mod spark_tracks;
mod status_cli;
mod util;
mod whatif_cli;
