//! Batch output formats of `capscore score`: a Parquet file with one row per partner,
//! area, track evaluated and metric ([`rows`], [`write_parquet`]), and JSON Lines, one
//! JSON object per partner ([`write_jsonl`]). Files are written atomically ([`atomic`]):
//! a temporary file next to the target, flushed, then renamed into place.

mod atomic;
mod parquet_out;
mod rows;

pub use atomic::write_atomic;
pub use parquet_out::{DECIMAL_PRECISION, DECIMAL_SCALE, read_parquet, schema, write_parquet};
pub use rows::{ScoreRow, cents, rows};

use capscore_engine::Scores;

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file system refused (the path and the reason).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The Parquet encoder refused.
    #[error("{path}: {message}")]
    Parquet {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A value does not fit the output's decimal type.
    #[error(
        "{what} of partner {partner_id}, {area} {metric} does not fit a decimal({DECIMAL_PRECISION},{DECIMAL_SCALE})"
    )]
    Overflow {
        /// The column.
        what: &'static str,
        /// The partner.
        partner_id: String,
        /// The area.
        area: String,
        /// The metric.
        metric: String,
    },
}

/// One JSON object per partner and line, each the shape of a partner of `--format json`
/// (docs/output.md), written as it is made.
pub fn write_jsonl(scores: &Scores, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for p in &scores.partners {
        serde_json::to_writer(&mut *out, p)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
