//! Synthetic capscore datasets of realistic shape, for tests, demos and benchmarks.
//!
//! [`generate`] writes every table the loader reads (`partners` with location
//! accounts, `tenants`, `associations`, `m365_usage`, `azure_usage`, `bizapps_usage`,
//! `certifications`) for all six areas: heavy-tailed partner and tenant sizes, most
//! tenants with one or two partners, drifting MAU/PAU ratios, tenants arriving and
//! leaving, associations ending, renewed and handed over, claims inside the TTM,
//! expiring and renamed certifications, Azure usage under excluded offers and excluded
//! services, Business Applications usage. Names of workloads, services, offers and
//! certifications come from the catalog (with their aliases and former names); the
//! shape (rates, sizes, open sets of names) from `profile.toml`.
//!
//! Partners are cut into chunks, each generated from its own seeded RNG in parallel
//! (rayon) and written in order by one thread per table: the same seed gives the same
//! bytes, whatever the number of threads, and memory stays bounded by a few chunks.
#![deny(missing_docs)]

mod chunk;
mod plan;
mod profile;
mod rows;
mod tenant;
mod vocab;
mod write;

use std::path::Path;

use capscore_catalog::Catalog;
use capscore_core::Month;
use rayon::prelude::*;

pub use profile::Profile;
pub use rows::Table;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Parquet files (Snappy, typed columns).
    Parquet,
    /// CSV files.
    Csv,
}

impl Format {
    /// File extension.
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        }
    }
}

/// A preset size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// 100 partners, 5,000 tenants (about 0.6M usage rows).
    S,
    /// 10,000 partners, 200,000 tenants.
    M,
    /// 40,000 partners, 1,000,000 tenants.
    L,
    /// 200,000 partners, 5,000,000 tenants (hundreds of millions of usage rows).
    Xl,
}

impl Size {
    /// (partners, tenants) of the preset.
    #[must_use]
    pub fn counts(self) -> (usize, u64) {
        match self {
            Size::S => (100, 5_000),
            Size::M => (10_000, 200_000),
            Size::L => (40_000, 1_000_000),
            Size::Xl => (200_000, 5_000_000),
        }
    }
}

/// Months a dataset covers unless told otherwise: enough for every area's reads
/// (Security's previous TTM reaches back 23 months) with some history before.
pub const DEFAULT_MONTHS: usize = 30;
/// The last month unless told otherwise.
pub const DEFAULT_END_MONTH: &str = "2024-06";

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Partner accounts (global and location accounts).
    pub partners: usize,
    /// Customer tenants.
    pub tenants: u64,
    /// Months of usage, ending at `end_month`.
    pub months: usize,
    /// The last month of usage.
    pub end_month: Month,
    /// Seed: the same seed (and options) gives byte-identical files.
    pub seed: u64,
    /// Output format.
    pub format: Format,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Rows per table, in [`Table::ALL`] order.
    pub rows: Vec<(Table, u64)>,
    /// Months covered (first, last).
    pub months: Option<(Month, Month)>,
}

impl Summary {
    /// Rows of the usage tables together.
    #[must_use]
    pub fn usage_rows(&self) -> u64 {
        self.rows
            .iter()
            .filter(|(t, _)| t.is_usage())
            .map(|(_, n)| n)
            .sum()
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// Options that cannot make a dataset.
    #[error("{0}")]
    Options(String),
    /// The catalog lacks something the generator names.
    #[error("catalog: {0}")]
    Catalog(String),
    /// The profile is invalid.
    #[error("generator profile: {0}")]
    Profile(String),
    /// Arrow refused a batch.
    #[error("encoding: {0}")]
    Encode(String),
    /// The output folder cannot be used.
    #[error("{0}")]
    Output(String),
    /// Writing failed.
    #[error("writing {0}")]
    Write(String),
}

/// Progress reports: `(tenants done, tenants in all)`.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Generates a dataset into `out` (written to a temporary folder next to it, then
/// renamed). `out` must be absent or empty unless `force`.
///
/// # Errors
/// Bad options (no partner, fewer than 2 months), a catalog or profile the generator
/// cannot use, an output folder that holds files, or an I/O error.
pub fn generate(
    catalog: &Catalog,
    profile: &Profile,
    opts: &GenOptions,
    out: &Path,
    force: bool,
    progress: Progress,
) -> Result<Summary, GenError> {
    if opts.partners == 0 {
        return Err(GenError::Options("--partners must be at least 1".into()));
    }
    if opts.months < 2 {
        return Err(GenError::Options("--months must be at least 2".into()));
    }
    write::check_out(out, force)?;
    let months: Vec<Month> = (0..opts.months)
        .map(|i| opts.end_month.offset(i as i32 - (opts.months as i32 - 1)))
        .collect();
    let vocab = vocab::Vocab::new(catalog, profile, opts.end_month)?;
    let plan = plan::Plan::new(opts.partners, opts.tenants, opts.seed, &profile.partners);
    let chunks = plan.chunks.clone();
    let ctx = chunk::Ctx::new(
        vocab,
        profile,
        months.clone(),
        opts.partners,
        plan,
        opts.seed,
        opts.format,
    );
    let tmp = write::temp_dir(out)?;
    let result = run(&ctx, &chunks, &tmp, opts, progress);
    match result {
        Ok(mut summary) => {
            write::commit(&tmp, out).inspect_err(|_| {
                let _ = std::fs::remove_dir_all(&tmp);
            })?;
            summary.months = months.first().copied().zip(months.last().copied());
            Ok(summary)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

fn run(
    ctx: &chunk::Ctx,
    chunks: &[std::ops::Range<usize>],
    dir: &Path,
    opts: &GenOptions,
    progress: Progress,
) -> Result<Summary, GenError> {
    let writers = write::Writers::start(dir, opts.format);
    let window = (rayon::current_num_threads() * 2).max(2);
    let mut rows = vec![0u64; Table::ALL.len()];
    let mut done = 0;
    let mut outcome = Ok(());
    for (w, group) in chunks.chunks(window).enumerate() {
        let made: Vec<Result<chunk::ChunkOut, GenError>> = group
            .par_iter()
            .enumerate()
            .map(|(i, range)| chunk::generate(ctx, w * window + i, range.clone()))
            .collect();
        for c in made {
            let c = match c {
                Ok(c) => c,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            };
            for (n, (_, k)) in rows.iter_mut().zip(&c.pieces) {
                *n += k;
            }
            done += c.tenants;
            if let Err(e) = writers.send(c.pieces) {
                outcome = Err(e);
                break;
            }
        }
        progress(done, opts.tenants);
        if outcome.is_err() {
            break;
        }
    }
    let finished = writers.finish();
    outcome?;
    finished?;
    Ok(Summary {
        rows: Table::ALL.iter().copied().zip(rows).collect(),
        months: None,
    })
}
