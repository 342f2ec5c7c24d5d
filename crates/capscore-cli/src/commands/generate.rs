//! `capscore generate`: a synthetic dataset (the logic is in `capscore-gen`).

use std::fmt::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::anyhow;
use capscore_catalog::Catalog;
use capscore_core::Month;
use capscore_gen::{
    DEFAULT_END_MONTH, DEFAULT_MONTHS, Format, GenError, GenOptions, Profile, Size,
};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};

use super::emit;
use crate::exit::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SizeArg {
    /// 100 partners, 5,000 tenants (about 0.6M usage rows).
    S,
    /// 10,000 partners, 200,000 tenants.
    M,
    /// 40,000 partners, 1,000,000 tenants.
    L,
    /// 200,000 partners, 5,000,000 tenants.
    Xl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    Parquet,
    Csv,
}

#[derive(Debug, clap::Args)]
pub(crate) struct GenerateArgs {
    /// Preset size (S, M, L, XL); --partners and --tenants override its counts.
    #[arg(long, value_enum, ignore_case = true)]
    pub size: Option<SizeArg>,
    /// Partner accounts (global and location accounts).
    #[arg(long, value_name = "N", required_unless_present = "size", value_parser = clap::value_parser!(u64).range(1..))]
    pub partners: Option<u64>,
    /// Customer tenants.
    #[arg(long, value_name = "M", required_unless_present = "size")]
    pub tenants: Option<u64>,
    /// Months of usage, ending at --end-month (at least 2; 25 or more to score Security).
    #[arg(long, value_name = "K", default_value_t = DEFAULT_MONTHS as u64, value_parser = clap::value_parser!(u64).range(2..=1200))]
    pub months: u64,
    /// Last month of usage (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM", default_value = DEFAULT_END_MONTH, value_parser = |s: &str| s.trim().parse::<Month>().map_err(|e| e.to_string()))]
    pub end_month: Month,
    /// Seed: the same seed and options give byte-identical files.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Output folder (absent or empty, or replaced with --force); written atomically.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// File format.
    #[arg(long, value_enum, default_value_t = FormatArg::Parquet)]
    pub format: FormatArg,
    /// Replace the output folder if it already holds files.
    #[arg(long)]
    pub force: bool,
}

pub(crate) fn run(catalog: &Catalog, args: &GenerateArgs) -> Result<(), Failure> {
    let preset = args.size.map(|s| match s {
        SizeArg::S => Size::S,
        SizeArg::M => Size::M,
        SizeArg::L => Size::L,
        SizeArg::Xl => Size::Xl,
    });
    let (p, t) = preset.map_or((None, None), |s| {
        let (p, t) = s.counts();
        (Some(p), Some(t))
    });
    let (Some(partners), Some(tenants)) = (
        args.partners.and_then(|n| usize::try_from(n).ok()).or(p),
        args.tenants.or(t),
    ) else {
        return Err(Failure::Internal(anyhow!(
            "--size, or --partners and --tenants, are required"
        )));
    };
    let opts = GenOptions {
        partners,
        tenants,
        months: usize::try_from(args.months).unwrap_or(DEFAULT_MONTHS),
        end_month: args.end_month,
        seed: args.seed,
        format: match args.format {
            FormatArg::Parquet => Format::Parquet,
            FormatArg::Csv => Format::Csv,
        },
    };
    let profile = Profile::embedded().map_err(|e| Failure::Internal(anyhow!(e)))?;
    let bar = ProgressBar::new(tenants);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} tenants {elapsed} (eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let summary = capscore_gen::generate(
        catalog,
        &profile,
        &opts,
        &args.out,
        args.force,
        &|done, _| {
            bar.set_position(done);
        },
    );
    bar.finish_and_clear();
    let summary = summary.map_err(|e| match e {
        GenError::Options(_) | GenError::Output(_) => Failure::Input(anyhow!(e)),
        GenError::Catalog(_) => Failure::Catalog(anyhow!(e)),
        _ => Failure::Internal(anyhow!(e)),
    })?;
    let secs = started.elapsed().as_secs_f64();
    let mut text = String::new();
    let _ = writeln!(
        text,
        "dataset written to {} (seed {})",
        args.out.display(),
        args.seed
    );
    for (table, rows) in &summary.rows {
        let _ = writeln!(text, "  {:<20} {rows:>12} rows", table.name());
    }
    if let Some((first, last)) = summary.months {
        let _ = writeln!(text, "  months               {first} ..= {last}");
    }
    let usage = summary.usage_rows();
    let _ = writeln!(
        text,
        "  {usage} usage rows in {secs:.1} s ({:.2} M rows/s)",
        usage as f64 / secs.max(1e-9) / 1e6
    );
    emit(&text)
}
