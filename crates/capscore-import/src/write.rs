//! Writing a dataset folder atomically: everything goes into a temporary folder next
//! to the target, flushed to disk, which is then renamed into place. A failure at any
//! point leaves the target as it was (no half-written dataset); a run killed while
//! replacing a dataset leaves a backup that the next run restores ([`recover`]).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::ImportError;

fn io(context: String) -> impl FnOnce(std::io::Error) -> ImportError {
    move |source| ImportError::Io { context, source }
}

/// Checks that `out` can receive a dataset: it does not exist, or is an empty
/// folder, or (`force`) is a folder to replace.
///
/// # Errors
/// [`ImportError::Output`] when it is a file, or a folder holding files without
/// `force`.
pub fn check_target(out: &Path, force: bool) -> Result<(), ImportError> {
    match fs::metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(format!("cannot look at {}", out.display()))(e)),
        Ok(m) if !m.is_dir() => Err(ImportError::Output(format!(
            "{} exists and is not a folder",
            out.display()
        ))),
        Ok(_) => {
            let mut entries =
                fs::read_dir(out).map_err(io(format!("cannot read {}", out.display())))?;
            if entries.next().is_some() && !force {
                return Err(ImportError::Output(format!(
                    "{} already holds files: give --force to replace it, or choose another folder",
                    out.display()
                )));
            }
            Ok(())
        }
    }
}

/// Prefix of the temporary folders an import writes next to its target.
pub const TEMP_PREFIX: &str = ".capscore-import-";

/// The folder next to `out` where `--force` keeps the old dataset while the new one
/// is moved in: `.capscore-import-backup-NAME`. Its name is fixed so that the next
/// import finds it when a run was killed between the two moves.
fn backup_of(out: &Path) -> PathBuf {
    let name = out.file_name().map_or_else(
        || "dataset".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    parent_of(out).join(format!("{TEMP_PREFIX}backup-{name}"))
}

/// The prefix of the temporary folders of imports into `out`.
fn temp_prefix(out: &Path) -> String {
    let name = out.file_name().map_or_else(
        || "dataset".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    format!("{TEMP_PREFIX}new-{name}-")
}

fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Flushes a folder's entries (creations, renames) to disk.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Puts `out` back in order after an import that was killed while writing it, and
/// says what was done: the old dataset moved back when the new one never arrived,
/// the leftover copy of the old one removed when the new one did, and the temporary
/// folders of killed runs removed.
///
/// # Errors
/// [`ImportError::Io`] when a leftover cannot be moved back or removed.
pub fn recover(out: &Path) -> Result<Vec<String>, ImportError> {
    let mut done = Vec::new();
    let parent = parent_of(out);
    let backup = backup_of(out);
    if backup.is_dir() {
        if out.exists() {
            fs::remove_dir_all(&backup).map_err(io(format!(
                "cannot remove {}, left by an interrupted import",
                backup.display()
            )))?;
            done.push(format!(
                "removed {}: the previous dataset, left by an import interrupted after \
                 {} was written",
                backup.display(),
                out.display()
            ));
        } else {
            fs::rename(&backup, out).map_err(io(format!(
                "cannot move {} back to {}",
                backup.display(),
                out.display()
            )))?;
            done.push(format!(
                "restored {} from {}: an import was interrupted while replacing it",
                out.display(),
                backup.display()
            ));
        }
        sync_dir(&parent).map_err(io(format!("cannot flush {}", parent.display())))?;
    }
    let prefix = temp_prefix(out);
    if let Ok(entries) = fs::read_dir(&parent) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(&prefix) && entry.path().is_dir() {
                fs::remove_dir_all(entry.path()).map_err(io(format!(
                    "cannot remove {}, left by an interrupted import",
                    entry.path().display()
                )))?;
                done.push(format!(
                    "removed {}: the unfinished output of an interrupted import",
                    entry.path().display()
                ));
            }
        }
    }
    Ok(done)
}

/// Writes `files` (name, bytes) as the folder `out`, atomically and crash-safely:
/// the files go to a temporary folder next to `out` and are flushed to disk; an
/// existing `out` (empty, or `force`) is moved to a backup name, the new folder moved
/// in, the parent folder flushed, and the backup removed. Killed at any point, `out`
/// is either the old dataset or the new one, or (killed between the two moves) the
/// old one sits under the backup name, which [`recover`] moves back.
///
/// # Errors
/// [`ImportError::Output`] as for [`check_target`]; [`ImportError::Io`] when a file
/// cannot be written or the folder renamed (the target is then left as it was).
pub fn write_folder(
    out: &Path,
    files: &[(String, Vec<u8>)],
    force: bool,
) -> Result<(), ImportError> {
    check_target(out, force)?;
    let parent = parent_of(out);
    fs::create_dir_all(&parent).map_err(io(format!("cannot create {}", parent.display())))?;
    let tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(out))
        .tempdir_in(&parent)
        .map_err(io(format!(
            "cannot create a temporary folder in {}",
            parent.display()
        )))?;
    for (name, bytes) in files {
        let path = tmp.path().join(name);
        let mut f = fs::File::create(&path).map_err(io(format!("cannot write {name}")))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .map_err(io(format!("cannot write {name}")))?;
    }
    sync_dir(tmp.path()).map_err(io(format!("cannot flush {}", tmp.path().display())))?;
    let flush_parent =
        || sync_dir(&parent).map_err(io(format!("cannot flush {}", parent.display())));
    if out.exists() {
        // Either empty, or `force`: move it to the backup name, move the new one in,
        // then drop the backup; put it back if the second move fails.
        let backup = backup_of(out);
        if backup.exists() {
            fs::remove_dir_all(&backup)
                .map_err(io(format!("cannot remove {}", backup.display())))?;
        }
        fs::rename(out, &backup).map_err(io(format!("cannot move {} aside", out.display())))?;
        flush_parent()?;
        if let Err(e) = fs::rename(tmp.path(), out) {
            let _ = fs::rename(&backup, out);
            let _ = flush_parent();
            return Err(io(format!(
                "cannot move the new dataset to {}",
                out.display()
            ))(e));
        }
        flush_parent()?;
        fs::remove_dir_all(&backup).map_err(io(format!("cannot remove {}", backup.display())))?;
    } else {
        fs::rename(tmp.path(), out).map_err(io(format!(
            "cannot move the new dataset to {}",
            out.display()
        )))?;
    }
    flush_parent()?;
    // The temporary folder now is `out`: nothing left to clean up.
    let _ = tmp.keep();
    Ok(())
}

/// Refuses an output folder that is the input folder, inside it or around it
/// (replacing it would delete the input, or the import would read its own output).
///
/// # Errors
/// [`ImportError::Output`] saying which.
pub fn check_apart(from: &Path, out: &Path) -> Result<(), ImportError> {
    let (Some(a), Some(b)) = (resolved(from), resolved(out)) else {
        return Ok(());
    };
    let what = if a == b {
        "is the input folder"
    } else if b.starts_with(&a) {
        "is inside the input folder"
    } else if a.starts_with(&b) {
        "holds the input folder"
    } else {
        return Ok(());
    };
    Err(ImportError::Output(format!(
        "the output folder {} {what} {}: choose a folder apart from it",
        out.display(),
        from.display()
    )))
}

/// A path made absolute with links resolved, also when its last parts do not exist
/// yet (the nearest existing ancestor is resolved, the rest appended).
fn resolved(p: &Path) -> Option<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(p)
    };
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return Some(out);
        }
        rest.push(cur.file_name()?.to_os_string());
        cur = cur.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<(String, Vec<u8>)> {
        vec![("partners.csv".to_string(), b"partner_id\nP1\n".to_vec())]
    }

    #[test]
    fn writes_a_new_folder_and_leaves_no_temporary_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("ds");
        write_folder(&out, &files(), false).unwrap();
        assert_eq!(
            fs::read(out.join("partners.csv")).unwrap(),
            b"partner_id\nP1\n"
        );
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["ds".to_string()]);
    }

    #[test]
    fn refuses_a_folder_with_files_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("ds");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("old.csv"), "x").unwrap();
        let err = write_folder(&out, &files(), false).unwrap_err();
        assert!(matches!(err, ImportError::Output(_)), "{err}");
        assert!(out.join("old.csv").exists(), "untouched");
        write_folder(&out, &files(), true).unwrap();
        assert!(!out.join("old.csv").exists(), "replaced whole");
        assert!(out.join("partners.csv").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_empty_folder_is_used_and_a_file_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("ds");
        fs::create_dir(&out).unwrap();
        write_folder(&out, &files(), false).unwrap();
        let file = dir.path().join("f");
        fs::write(&file, "x").unwrap();
        assert!(matches!(
            write_folder(&file, &files(), true),
            Err(ImportError::Output(_))
        ));
    }
}
