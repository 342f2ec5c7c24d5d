//! Command-line arguments (clap only; no work here).

use std::path::PathBuf;

use capscore_core::{Month, NaiveDate, parse_date};
use clap::{Parser, Subcommand, ValueEnum};

/// `--month`: a month written `YYYY-MM` (1900..=9999), checked by the core parser.
fn month_arg(s: &str) -> Result<Month, String> {
    s.trim().parse::<Month>().map_err(|e| e.to_string())
}

/// `--date`: a day of the calendar written `YYYY-MM-DD`, checked by the core parser.
fn date_arg(s: &str) -> Result<NaiveDate, String> {
    parse_date(s.trim()).map_err(|e| e.to_string())
}

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
        #[arg(long, value_name = "YYYY-MM", value_parser = month_arg)]
        month: Option<Month>,
    },
    /// Where partners stand in the program on a date: designation statuses and
    /// windows, scoring history, legacy competencies, specializations, benefits.
    Status(StatusArgs),
    /// Import data from another source into a capscore dataset.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Write a synthetic dataset of realistic shape (all tables, all six areas),
    /// deterministic per seed.
    Generate(crate::commands::generate::GenerateArgs),
}

/// Where `capscore import` reads from.
#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// Partner Center Insights downloads and API datasets, each file recognised by its
    /// columns. Exit 3 when a file has a bad value (every one is listed with its file,
    /// line and column) or the output folder holds files and --force is not given.
    PartnerCenter(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Folder holding the Partner Center files (CSV or TSV, any file names).
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// Dataset folder to write (absent or empty, or replaced with --force).
    #[arg(long, value_name = "DATASET")]
    pub out: PathBuf,
    /// PartnerID of the global account (PGA) whose data this is: rows of other global
    /// accounts are skipped, accounts without a known global account become its
    /// locations.
    #[arg(long, value_name = "ID")]
    pub partner_global_id: Option<String>,
    /// Replace the output folder if it already holds files.
    #[arg(long)]
    pub force: bool,
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
    /// Evaluation month (YYYY-MM); default: the latest month covered by every usage
    /// table with rows. A month whose metrics read months the data does not cover (m-12,
    /// the TTM, the previous TTM, claim months) is refused (exit 3) with the months
    /// missing and the months that can be scored.
    #[arg(long, value_name = "YYYY-MM", value_parser = month_arg)]
    pub month: Option<Month>,
    /// Partner ids to score (repeat or separate with commas); default: all.
    #[arg(long = "partner", value_name = "ID", value_delimiter = ',')]
    pub partners: Vec<String>,
    /// Areas to score (repeat or separate with commas); default: all in force.
    #[arg(long = "area", value_name = "AREA", value_delimiter = ',')]
    pub areas: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Table format: show every metric of every track, not only a line per area.
    #[arg(long)]
    pub detail: bool,
    /// Score a month the data does not fully cover anyway: every metric that reads a
    /// month the data lacks is marked incomplete (JSON: "incomplete" with the missing
    /// months).
    #[arg(long)]
    pub allow_partial: bool,
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

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Dataset folder (CSV or Parquet tables).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The date (YYYY-MM-DD); the data month in force follows the refresh calendar.
    /// A date whose data month the usage tables do not cover is refused (exit 3); history
    /// months whose metrics read months the data lacks are shown as n/a.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date_arg)]
    pub date: NaiveDate,
    /// Force the data month (YYYY-MM) instead of the one the calendar gives.
    #[arg(long, value_name = "YYYY-MM", value_parser = month_arg)]
    pub month: Option<Month>,
    /// Partner ids (repeat or separate with commas); default: all.
    #[arg(long = "partner", value_name = "ID", value_delimiter = ',')]
    pub partners: Vec<String>,
    /// Output format (table or json).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}
