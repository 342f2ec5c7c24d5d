//! Command-line arguments (clap only; no work here).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// capscore computes Microsoft AI Cloud Partner Program qualification (partner
/// capability scores of the Solutions Partner designations) from raw partner data.
///
/// Exit codes: 0 success; 1 internal error; 2 bad command line; 3 input data rejected
/// (or a partner, area or month the data does not have); 4 invalid catalog.
#[derive(Debug, Parser)]
#[command(name = "capscore", version, about, long_about)]
pub struct Cli {
    /// Catalog folder to use instead of the rules compiled into capscore.
    #[arg(long, global = true, value_name = "DIR")]
    pub catalog: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score partners for one month.
    Score(ScoreArgs),
    /// Check a dataset against the data contract and report every problem.
    Validate {
        /// Dataset folder (CSV or Parquet tables).
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
    },
    /// Score the sample dataset bundled with capscore.
    Demo(ScoreOptions),
    /// Show the rules in force for a month.
    Catalog {
        /// Month (YYYY-MM); default: the current month.
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// Dataset folder (CSV or Parquet tables).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    #[command(flatten)]
    pub options: ScoreOptions,
}

#[derive(Debug, clap::Args)]
pub struct ScoreOptions {
    /// Evaluation month (YYYY-MM); default: the latest month in the data.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// Partner ids to score (repeat or separate with commas); default: all.
    #[arg(long = "partner", value_name = "ID", value_delimiter = ',')]
    pub partners: Vec<String>,
    /// Areas to score (repeat or separate with commas); default: all in force.
    #[arg(long = "area", value_name = "AREA", value_delimiter = ',')]
    pub areas: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Table,
    /// The JSON contract of data-model.md.
    Json,
    /// One row per partner, area, track and metric.
    Csv,
}
