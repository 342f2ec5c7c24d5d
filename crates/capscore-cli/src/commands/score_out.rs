//! Where `capscore score` writes its machine formats: standard output, or `--out FILE`
//! atomically; Parquet only to a file.

use anyhow::anyhow;
use capscore_engine::Scores;
use capscore_export::{ExportError, write_atomic, write_jsonl, write_parquet};

use super::stream;
use crate::args::{ScoreFormat, ScoreOptions};
use crate::exit::Failure;
use crate::render;

/// Refuses option combinations that do not go together (exit 2), before any data is
/// read.
pub(super) fn check(opts: &ScoreOptions) {
    let conflict = |m: &str| {
        use clap::CommandFactory;
        crate::args::Cli::command()
            .error(clap::error::ErrorKind::ArgumentConflict, m)
            .exit();
    };
    let problem = match (opts.format, &opts.out) {
        (ScoreFormat::Parquet, None) => {
            "--format parquet writes a file: give --out FILE (for example scores.parquet)"
        }
        (ScoreFormat::Parquet, Some(_)) if opts.allow_partial => {
            "--allow-partial cannot be used with --format parquet: its rows have no column to mark a metric incomplete (use --format jsonl or json)"
        }
        (ScoreFormat::Table, Some(_)) => {
            "--out writes a machine format: give --format json, csv, jsonl or parquet"
        }
        _ => return,
    };
    conflict(problem);
}

fn export_failure(e: ExportError) -> Failure {
    Failure::Internal(anyhow!(e).context("writing the scores"))
}

/// Writes `scores` in the format asked (not the table), to `--out` or standard output.
pub(super) fn write(scores: &Scores, opts: &ScoreOptions) -> Result<(), Failure> {
    let text = |out: &mut dyn std::io::Write| match opts.format {
        ScoreFormat::Json => render::json(scores, out),
        ScoreFormat::Csv => render::csv(scores, out),
        _ => write_jsonl(scores, out),
    };
    match (&opts.out, opts.format) {
        (Some(path), ScoreFormat::Parquet) => write_parquet(scores, path).map_err(export_failure),
        (Some(path), _) => write_atomic(path, |w| {
            text(w).map_err(|source| ExportError::Io {
                path: path.display().to_string(),
                source,
            })
        })
        .map_err(export_failure),
        (None, _) => stream(text),
    }
}
