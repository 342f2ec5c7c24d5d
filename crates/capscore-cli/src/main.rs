//! `capscore`: Microsoft AI Cloud Partner Program qualification from raw partner data.
//!
//! The binary only parses arguments and maps the outcome to an exit code; the work is
//! done by the `capscore-*` library crates.

use std::process::ExitCode;

use clap::Parser;

mod args;
mod commands;
mod exit;
mod render;
mod render_explain;
mod sample;
mod status_render;

fn main() -> ExitCode {
    capscore_data::quiet_parquet_panics();
    let args = args::Cli::parse();
    exit::report(commands::run(args))
}
