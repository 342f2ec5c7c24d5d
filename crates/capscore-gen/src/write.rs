//! Writing: one thread per table receives the chunks' encoded pieces in order through
//! a bounded channel (so memory stays bounded), into a temporary folder next to the
//! output that is renamed into place only when every table is complete.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::rows::{Piece, Table};
use crate::{Format, GenError};

/// Pieces a table's channel holds before the generator waits.
const QUEUE: usize = 4;
/// Rows per Parquet row group.
const ROW_GROUP: usize = 1 << 20;

fn io(path: &Path, e: impl std::fmt::Display) -> GenError {
    GenError::Write(format!("{}: {e}", path.display()))
}

/// Writes the pieces of one table to `path`.
fn write_table(
    path: &Path,
    table: Table,
    format: Format,
    rx: &Receiver<Piece>,
) -> Result<(), GenError> {
    let file = File::create(path).map_err(|e| io(path, e))?;
    match format {
        Format::Csv => {
            let mut w = BufWriter::with_capacity(1 << 20, file);
            w.write_all(table.csv_header().as_bytes())
                .map_err(|e| io(path, e))?;
            for piece in rx {
                if let Piece::Csv(bytes) = piece {
                    w.write_all(&bytes).map_err(|e| io(path, e))?;
                }
            }
            w.into_inner()
                .map_err(|e| io(path, e.error()))?
                .sync_all()
                .map_err(|e| io(path, e))
        }
        Format::Parquet => {
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_max_row_group_row_count(Some(ROW_GROUP))
                .set_created_by("capscore generate".to_string())
                .build();
            let mut w = ArrowWriter::try_new(
                BufWriter::with_capacity(1 << 20, file),
                table.schema(),
                Some(props),
            )
            .map_err(|e| io(path, e))?;
            for piece in rx {
                if let Piece::Batch(batch) = piece {
                    w.write(&batch).map_err(|e| io(path, e))?;
                }
            }
            let inner = w.into_inner().map_err(|e| io(path, e))?;
            inner
                .into_inner()
                .map_err(|e| io(path, e.error()))?
                .sync_all()
                .map_err(|e| io(path, e))
        }
    }
}

/// The table writers of one output folder.
pub(crate) struct Writers {
    senders: Vec<SyncSender<Piece>>,
    handles: Vec<JoinHandle<Result<(), GenError>>>,
}

impl Writers {
    /// Starts a writer per table in `dir`.
    pub(crate) fn start(dir: &Path, format: Format) -> Writers {
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        for table in Table::ALL {
            let (tx, rx) = sync_channel::<Piece>(QUEUE);
            let path = dir.join(format!("{}.{}", table.name(), format.extension()));
            handles.push(std::thread::spawn(move || {
                write_table(&path, table, format, &rx)
            }));
            senders.push(tx);
        }
        Writers { senders, handles }
    }

    /// Sends a chunk's pieces (in [`Table::ALL`] order).
    ///
    /// # Errors
    /// A writer stopped (its error is reported by [`Writers::finish`]).
    pub(crate) fn send(&self, pieces: Vec<(Piece, u64)>) -> Result<(), GenError> {
        for (tx, (piece, _)) in self.senders.iter().zip(pieces) {
            if tx.send(piece).is_err() {
                return Err(GenError::Write("a table writer stopped".into()));
            }
        }
        Ok(())
    }

    /// Closes the channels and waits for every file.
    ///
    /// # Errors
    /// The first writer error.
    pub(crate) fn finish(self) -> Result<(), GenError> {
        drop(self.senders);
        let mut first = Ok(());
        for h in self.handles {
            let r = h
                .join()
                .unwrap_or_else(|_| Err(GenError::Write("a table writer panicked".into())));
            if first.is_ok() {
                first = r;
            }
        }
        first
    }
}

/// The temporary folder next to `out`.
pub(crate) fn temp_dir(out: &Path) -> Result<PathBuf, GenError> {
    let name = out
        .file_name()
        .ok_or_else(|| GenError::Output(format!("{} is not a folder name", out.display())))?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = parent.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| io(&tmp, e))?;
    }
    std::fs::create_dir_all(&tmp).map_err(|e| io(&tmp, e))?;
    Ok(tmp)
}

/// Checks that `out` may be written: absent, an empty folder, or (with `force`) anything.
pub(crate) fn check_out(out: &Path, force: bool) -> Result<(), GenError> {
    if !out.exists() || force {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(out).map_err(|e| io(out, e))?;
    if entries.next().is_some() {
        return Err(GenError::Output(format!(
            "{} already holds files (use --force to replace it)",
            out.display()
        )));
    }
    Ok(())
}

/// Moves the finished `tmp` folder to `out`, replacing what was there.
pub(crate) fn commit(tmp: &Path, out: &Path) -> Result<(), GenError> {
    if out.exists() {
        let old = tmp.with_extension("old");
        std::fs::rename(out, &old).map_err(|e| io(out, e))?;
        std::fs::rename(tmp, out).map_err(|e| io(out, e))?;
        std::fs::remove_dir_all(&old).map_err(|e| io(&old, e))?;
    } else {
        std::fs::rename(tmp, out).map_err(|e| io(out, e))?;
    }
    Ok(())
}
