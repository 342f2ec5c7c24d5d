//! One module per subcommand; each returns `Result<(), Failure>`.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, anyhow};
use capscore_catalog::Catalog;
use capscore_data::{LoadOptions, Loaded};
use indicatif::{ProgressBar, ProgressStyle};

use crate::args::{Cli, Command};
use crate::exit::Failure;

mod catalog;
mod diff;
mod eligibility;
mod explain;
mod forecast;
pub(crate) mod generate;
mod import;
mod outlook;
mod plan;
mod recommend;
mod reform;
mod score;
mod score_out;
pub(crate) mod serve;
mod simulate;
mod sql;
mod status;
mod validate;

/// Runs a parsed command line.
pub(crate) fn run(cli: Cli) -> Result<(), Failure> {
    let catalog = load_catalog(cli.catalog.as_deref())?;
    match cli.command {
        Command::Score(args) => {
            score_out::check(&args.options);
            let options = score_load_options(&catalog, &args.options);
            let loaded = load_data_with(&args.data, &catalog, &options)?;
            let done = score::run(
                &catalog,
                &loaded,
                &args.options,
                &args.data.display().to_string(),
            );
            // The process ends with this command: the system takes the memory back at
            // once, where freeing a large dataset piece by piece takes a noticeable
            // part of a batch run (0.17 s of 2.9 s for 10,000 partners).
            std::mem::forget(loaded);
            done
        }
        Command::Demo(options) => {
            score_out::check(&options);
            let loaded =
                capscore_data::load_files(crate::sample::FILES, &catalog).map_err(|e| {
                    Failure::Internal(anyhow!(e).context("the bundled sample dataset is invalid"))
                })?;
            score::run(&catalog, &loaded, &options, "the bundled sample dataset")
        }
        Command::Validate { data } => validate::run(&catalog, &data),
        Command::Catalog { month } => catalog::run(&catalog, month),
        Command::Import { source } => import::run(&catalog, &source),
        Command::Explain(args) => explain::run(&catalog, &args),
        Command::Diff(args) => diff::run(&catalog, &args),
        Command::Forecast(args) => forecast::run(&catalog, &args),
        Command::Eligibility { view } => eligibility::run(&catalog, &view),
        Command::Generate(args) => generate::run(&catalog, &args),
        Command::Simulate(args) => simulate::run(&catalog, &args),
        Command::Outlook(args) => outlook::run(&catalog, &args),
        Command::Reform(args) => reform::run(&catalog, cli.catalog.as_deref(), &args),
        Command::Recommend(args) => recommend::run(&catalog, &args),
        Command::Plan(args) => plan::run(&catalog, &args),
        Command::Serve(args) => serve::serve(catalog, &args),
        Command::User(args) => serve::user(&args),
        Command::Sql(args) => sql::run(&catalog, cli.catalog.as_deref(), &args),
        Command::Status(args) => {
            status::check_args(&args);
            let loaded = load_data(&args.data, &catalog)?;
            status::run(&catalog, &loaded, &args)
        }
    }
}

fn load_catalog(dir: Option<&Path>) -> Result<Catalog, Failure> {
    match dir {
        Some(d) => Catalog::load_dir(d).map_err(|e| {
            Failure::Catalog(anyhow!(e).context(format!("cannot use catalog {}", d.display())))
        }),
        None => Catalog::embedded()
            .map_err(|e| Failure::Internal(anyhow!(e).context("built-in catalog"))),
    }
}

/// A spinner on stderr while `f` runs; hidden when stderr is not a terminal.
pub(crate) fn with_spinner<T>(message: String, f: impl FnOnce() -> T) -> T {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    let out = f();
    bar.finish_and_clear();
    out
}

pub(crate) fn load_data(dir: &Path, catalog: &Catalog) -> Result<Loaded, Failure> {
    load_data_with(dir, catalog, &LoadOptions::default())
}

/// How `score` loads: with an explicit month, only the usage months its areas read
/// (the other months of a table read are checked and counted in the coverage, not
/// kept; a usage table no area reads only has its months counted); without one,
/// whole, as the default month depends on every row.
fn score_load_options(catalog: &Catalog, opts: &crate::args::ScoreOptions) -> LoadOptions {
    let areas = (!opts.areas.is_empty()).then_some(opts.areas.as_slice());
    LoadOptions {
        // A request the engine refuses (unknown area, no rules) loads whole and is
        // refused by the scoring as before.
        usage_window: opts
            .month
            .and_then(|m| capscore_engine::coverage::usage_window(catalog, m, areas).ok()),
    }
}

fn load_data_with(dir: &Path, catalog: &Catalog, options: &LoadOptions) -> Result<Loaded, Failure> {
    with_spinner(format!("loading {}", dir.display()), || {
        capscore_data::load_dir_with(dir, catalog, options)
    })
    .map_err(|e| Failure::Input(anyhow!(e).context(format!("dataset {} rejected", dir.display()))))
}

/// Writes to stdout through a buffer as `write` produces the output; errors (a closed
/// pipe included) become failures.
pub(crate) fn stream(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write(&mut out)
        .and_then(|()| out.flush())
        .context("writing to standard output")
        .map_err(Failure::Internal)
}

/// Writes to stdout; errors (a closed pipe included) become failures.
pub(crate) fn emit(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("writing to standard output")
        .map_err(Failure::Internal)
}
