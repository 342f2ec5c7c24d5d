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
pub(crate) struct Cli {
    /// Catalog folder to use instead of the rules compiled into capscore.
    #[arg(long, global = true, value_name = "DIR")]
    pub catalog: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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
    /// Why each metric is what it is: every contribution, adding up exactly to the
    /// value, and every row that did not count, with the reason.
    Explain(ExplainArgs),
    /// Which customers and which certified people count, and why the others do not.
    Eligibility {
        #[command(subcommand)]
        view: EligibilityView,
    },
    /// How each metric changed between two months, split exactly into the tenants,
    /// people, workloads and subscriptions whose contributions moved.
    Diff(DiffArgs),
    /// Statistical projection of each metric six months ahead, with a range, and the
    /// first month the partner is expected to qualify (not an exact score).
    Forecast(ForecastArgs),
    /// A partner's scores before and after a scenario (TOML, docs/scenarios.md):
    /// the engine re-run on the changed data, exact.
    Simulate(SimulateArgs),
    /// The next months if nothing changes: each point that falls away, with its cause.
    Outlook(OutlookArgs),
    /// A rule change studied on a dataset: the catalog changed by an overlay (TOML,
    /// docs/reforms.md), every partner scored under both rules, per area and track who
    /// qualifies before and after, who gains and who loses, and the totals' distribution.
    Reform(ReformArgs),
    /// Actions that add points, ranked, each verified by simulation, with its cost
    /// (costs.toml of the catalog, or --costs) and the exact new total; and the points
    /// at risk in the next months.
    Recommend(RecommendArgs),
    /// The cheapest set of actions that makes the partner qualify in an area, verified
    /// by simulation; or why there is none.
    Plan(PlanArgs),
    /// The query computing the areas' scores for every partner on Apache Spark, written
    /// from the catalog in force for the month (docs/spark.md); Spark's rows equal those
    /// of `score --format parquet`.
    Sql(SqlArgs),
    /// Import data from another source into a capscore dataset.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Write a synthetic dataset of realistic shape (all tables, all six areas),
    /// deterministic per seed.
    Generate(crate::commands::generate::GenerateArgs),
    /// The web dashboard and JSON API (sign-in, workspaces, imports, portfolio,
    /// partner and area pages).
    Serve(crate::commands::serve::ServeArgs),
    /// Users of the web dashboard: add, grant, revoke, API tokens.
    User(crate::commands::serve::UserArgs),
}

/// Where `capscore import` reads from.
#[derive(Debug, Subcommand)]
pub(crate) enum ImportSource {
    /// Partner Center Insights downloads and API datasets, each file recognised by its
    /// columns. Exit 3 when a file has a bad value (every one is listed with its file,
    /// line and column) or the output folder holds files and --force is not given.
    PartnerCenter(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// Folder holding the Partner Center files (CSV or TSV, any file names).
    #[arg(long, value_name = "DIR", value_parser = input_folder)]
    pub from: PathBuf,
    /// Dataset folder to write (absent or empty, or replaced with --force).
    #[arg(long, value_name = "DATASET")]
    pub out: PathBuf,
    /// `PartnerID` of the global account (PGA) whose data this is: rows of other global
    /// accounts are skipped, accounts without a known global account become its
    /// locations.
    #[arg(long, value_name = "ID")]
    pub partner_global_id: Option<String>,
    /// Replace the output folder if it already holds files (crash-safe: a run killed
    /// while replacing it is put back in order by the next run).
    #[arg(long)]
    pub force: bool,
    /// Order of day and month in slashed dates such as 01/06/2024, for every file.
    /// Default: found per file from its values (a day or month above 12); a file
    /// whose slashed dates are all ambiguous is refused without this option.
    #[arg(long, value_name = "ORDER")]
    pub date_order: Option<DateOrderArg>,
}

/// `--date-order`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum DateOrderArg {
    /// Day first: D/M/YYYY.
    Dmy,
    /// Month first: M/D/YYYY.
    Mdy,
}

/// `--from`: a folder (one that does not exist is reported by the import itself).
fn input_folder(s: &str) -> Result<PathBuf, String> {
    let p = PathBuf::from(s);
    if p.exists() && !p.is_dir() {
        return Err(format!(
            "{s} is a file: give the folder that holds the Partner Center files"
        ));
    }
    Ok(p)
}

#[derive(Debug, clap::Args)]
pub(crate) struct ScoreArgs {
    /// Dataset folder (CSV or Parquet tables).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    #[command(flatten)]
    pub options: ScoreOptions,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ScoreOptions {
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
    #[arg(long, value_enum, default_value_t = ScoreFormat::Table)]
    pub format: ScoreFormat,
    /// Write the output to FILE (atomically: a temporary file renamed into place)
    /// instead of standard output; required by --format parquet.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Table format: show every metric of every track, not only a line per area.
    #[arg(long)]
    pub detail: bool,
    /// Score a month the data does not fully cover anyway: every metric that reads a
    /// month the data lacks is marked incomplete (JSON: "incomplete" with the missing
    /// months).
    #[arg(long)]
    pub allow_partial: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReformArgs {
    /// Dataset folder (CSV or Parquet tables).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Month (YYYY-MM); default: the latest month covered by every usage table. A month
    /// the data cannot answer under either rules is refused (exit 3).
    #[arg(long, value_name = "YYYY-MM", value_parser = month_arg)]
    pub month: Option<Month>,
    /// The overlay: changes to the catalog's targets, thresholds, eligible lists or a
    /// new dated version of a metric (docs/reforms.md). An invalid overlay is refused
    /// with its line and column (exit 4).
    #[arg(long, value_name = "FILE")]
    pub overlay: PathBuf,
    /// Areas to compare (repeat or separate with commas); default: all in force.
    #[arg(long = "area", value_name = "AREA", value_delimiter = ',')]
    pub areas: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReformFormat::Text)]
    pub format: ReformFormat,
    /// Also write the distribution of totals before and after as an SVG chart to FILE
    /// (atomically).
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SqlArgs {
    /// SQL dialect.
    #[arg(long, value_enum, default_value_t = SqlDialect::Spark)]
    pub dialect: SqlDialect,
    /// Month (YYYY-MM) to score.
    #[arg(long, value_name = "YYYY-MM", value_parser = month_arg)]
    pub month: Month,
    /// Area to score; repeat for several (their rows in one query); every area in
    /// force in the month when none is given.
    #[arg(long, value_name = "AREA")]
    pub area: Vec<String>,
    /// A catalog overlay (docs/reforms.md) applied before the SQL is written.
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,
    /// Write the SQL to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `--dialect` of `capscore sql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SqlDialect {
    /// Spark SQL (verified with Spark 4.3 from the Python package index).
    Spark,
}

/// `--format` of `capscore reform`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReformFormat {
    /// Text for people: counts, names, a histogram of totals.
    Text,
    /// JSON (docs/reforms.md).
    Json,
}

/// `--format` of `capscore score` and `capscore demo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScoreFormat {
    /// Aligned text for people.
    Table,
    /// JSON (the contract in docs/output.md).
    Json,
    /// CSV: one row per partner, area, track and metric.
    Csv,
    /// JSON Lines: one JSON object per partner (the shape of a partner of --format
    /// json), written as it is made.
    Jsonl,
    /// Parquet (needs --out): one row per partner, area, track evaluated and metric,
    /// decimals with 2 decimals (docs/output.md).
    Parquet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned text for people.
    Table,
    /// JSON (the contract in docs/output.md).
    Json,
    /// CSV: for `score` one row per partner, area, track and metric; for `status` one
    /// row per partner and designation, and per specialization requirement.
    Csv,
}

/// The formats of the what-if commands (simulate, outlook, recommend, plan): no CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ViewFormat {
    /// Aligned text for people.
    Table,
    /// JSON (the contract in docs/output.md).
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct StatusArgs {
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
    /// Areas to show (repeat or separate with commas); default: all. Designations,
    /// scoring history and specializations are shown for these areas only.
    #[arg(long = "area", value_name = "AREA", value_delimiter = ',')]
    pub areas: Vec<String>,
    /// Table format, one line per partner: the status of each area shown, badges and the
    /// specializations held (not with --format json|csv: exit 2).
    #[arg(long)]
    pub summary: bool,
    /// Output format: table; json (the standing as JSON, see docs/output.md); csv (one
    /// row per partner and designation, and per specialization requirement).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// What `capscore explain` and `capscore eligibility` look at.
#[derive(Debug, clap::Args)]
pub(crate) struct ExplainScope {
    /// Dataset folder (CSV or Parquet tables).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Partner ids (repeat or separate with commas).
    #[arg(
        long = "partner",
        value_name = "ID",
        value_delimiter = ',',
        required = true
    )]
    pub partners: Vec<String>,
    /// Areas (repeat or separate with commas); default: all in force.
    #[arg(long = "area", value_name = "AREA", value_delimiter = ',')]
    pub areas: Vec<String>,
    /// Evaluation month (YYYY-MM); default: the latest month covered by every usage
    /// table with rows. A month whose metrics read months the data does not cover is
    /// refused (exit 3) with the months missing.
    #[arg(long, value_name = "YYYY-MM", value_parser = month_arg)]
    pub month: Option<Month>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExplainArgs {
    #[command(flatten)]
    pub scope: ExplainScope,
    /// Metrics (repeat or separate with commas); default: all.
    #[arg(long = "metric", value_name = "METRIC", value_delimiter = ',')]
    pub metrics: Vec<String>,
    /// Tracks (repeat or separate with commas); default: all.
    #[arg(long = "track", value_name = "TRACK", value_delimiter = ',')]
    pub tracks: Vec<String>,
    /// Table format: every contribution and exclusion, not the 20 largest.
    #[arg(long)]
    pub all: bool,
}

/// The eligibility views.
#[derive(Debug, Subcommand)]
pub(crate) enum EligibilityView {
    /// Per customer tenant: in each area, track and metric, counts or why not.
    Customers {
        #[command(flatten)]
        scope: ExplainScope,
        /// Only this tenant id ("why doesn't this customer count?").
        #[arg(long, value_name = "TENANT")]
        tenant: Option<String>,
        /// Table format: every detail, not the first three per line.
        #[arg(long)]
        all: bool,
    },
    /// Per person: certifications, whether each counts on the month's last day, and
    /// those expiring soon.
    Skilling {
        #[command(flatten)]
        scope: ExplainScope,
    },
}

#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// Dataset folder (CSV or Parquet tables).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Partner id.
    #[arg(long, value_name = "ID")]
    pub partner: String,
    /// The earlier month (YYYY-MM). Both months must be answerable by the data
    /// (refused with exit 3 otherwise, with the months that can be scored).
    #[arg(long, value_name = "YYYY-MM", value_parser = month_arg)]
    pub from: Month,
    /// The later month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM", value_parser = month_arg)]
    pub to: Month,
    /// Areas (repeat or separate with commas); default: all in force.
    #[arg(long = "area", value_name = "AREA", value_delimiter = ',')]
    pub areas: Vec<String>,
    /// Output format: table (the 20 largest changes of each metric); json and csv
    /// (every change).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Table format: every change, not the 20 largest.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ForecastArgs {
    /// Dataset folder (CSV or Parquet tables).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Partner id.
    #[arg(long, value_name = "ID")]
    pub partner: String,
    /// Areas (repeat or separate with commas); default: all in force.
    #[arg(long = "area", value_name = "AREA", value_delimiter = ',')]
    pub areas: Vec<String>,
    /// Months to project after the last month the data can answer (1..=60).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub months: u32,
    /// Output format: table; json (every metric, month and end of the range); csv (one
    /// row per area, track, metric and projected month).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The partner and month a what-if command looks at.
#[derive(Debug, clap::Args)]
pub(crate) struct WhatIfScope {
    /// Dataset folder (CSV or Parquet tables).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The partner (a global account id).
    #[arg(long, value_name = "ID")]
    pub partner: String,
    /// Areas (repeat or separate with commas); default: all in force.
    #[arg(long = "area", value_name = "AREA", value_delimiter = ',')]
    pub areas: Vec<String>,
    /// Evaluation month (YYYY-MM); default: the latest month covered by every usage
    /// table with rows.
    #[arg(long, value_name = "YYYY-MM", value_parser = month_arg)]
    pub month: Option<Month>,
    /// Output format: table or json.
    #[arg(long, value_enum, default_value_t = ViewFormat::Table)]
    pub format: ViewFormat,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SimulateArgs {
    #[command(flatten)]
    pub scope: WhatIfScope,
    /// The scenario file (TOML, see docs/scenarios.md).
    #[arg(long, value_name = "FILE")]
    pub scenario: PathBuf,
    /// Also write the changed dataset as capscore CSV tables to this folder (atomically;
    /// a folder holding files is replaced only with --force).
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
    /// Replace the --write folder if it holds files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RecommendArgs {
    #[command(flatten)]
    pub scope: WhatIfScope,
    /// A cost file (the schema of the catalog's costs.toml) merged over the default
    /// costs.
    #[arg(long, value_name = "FILE")]
    pub costs: Option<PathBuf>,
    /// Months ahead to look for points at risk (0: none).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=12))]
    pub risk_months: u32,
}

#[derive(Debug, clap::Args)]
pub(crate) struct PlanArgs {
    /// Dataset folder (CSV or Parquet tables).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The partner (a global account id).
    #[arg(long, value_name = "ID")]
    pub partner: String,
    /// The area to qualify in.
    #[arg(long, value_name = "AREA")]
    pub area: String,
    /// A cost file (the schema of the catalog's costs.toml) merged over the default
    /// costs.
    #[arg(long, value_name = "FILE")]
    pub costs: Option<PathBuf>,
    /// The month to qualify in (YYYY-MM, a month the data covers); default: the latest
    /// month covered by every usage table with rows.
    #[arg(long, value_name = "YYYY-MM", value_parser = month_arg)]
    pub by: Option<Month>,
    /// Also write the plan as a scenario file that `capscore simulate` reads
    /// (atomically).
    #[arg(long, value_name = "FILE")]
    pub scenario_out: Option<PathBuf>,
    /// Output format: table or json.
    #[arg(long, value_enum, default_value_t = ViewFormat::Table)]
    pub format: ViewFormat,
}

#[derive(Debug, clap::Args)]
pub(crate) struct OutlookArgs {
    #[command(flatten)]
    pub scope: WhatIfScope,
    /// Months after the evaluation month to show.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=24))]
    pub months: u32,
}
