//! Atomic file writes: the content goes to a temporary file in the target's folder,
//! is flushed to disk, then renamed over the target. A failure at any step leaves the
//! target as it was (absent, or its previous content) and no temporary file behind.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::ExportError;

fn io(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Writes `path` atomically with what `write` produces. `write` gets a buffered writer;
/// its error is returned as is, and the target is then left untouched.
pub fn write_atomic<E: From<ExportError>>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&std::fs::File>) -> Result<(), E>,
) -> Result<(), E> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(ExportError::Io {
            path: path.display().to_string(),
            source: std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "is a folder: give a file name",
            ),
        }
        .into());
    }
    let tmp = tempfile::Builder::new()
        .prefix(".capscore-out-")
        .tempfile_in(dir)
        .map_err(io(path))?;
    {
        let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
        write(&mut w)?;
        w.flush().map_err(io(path))?;
    }
    tmp.as_file().sync_all().map_err(io(path))?;
    tmp.persist(path).map_err(|e| io(path)(e.error))?;
    // The rename itself reaches the disk with the folder's entries.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
