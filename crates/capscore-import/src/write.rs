//! Writing a dataset folder atomically: everything goes into a temporary folder next
//! to the target, which is then renamed into place. A failure at any point leaves the
//! target as it was (no half-written dataset).

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

/// Writes `files` (name, bytes) as the folder `out`, atomically.
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
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io(format!("cannot create {}", parent.display())))?;
    let tmp = tempfile::Builder::new()
        .prefix(".capscore-import-")
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
    if out.exists() {
        // Either empty, or `force`: move it aside, move the new one in, then drop the
        // old one; put it back if the second move fails.
        let aside = tempfile::Builder::new()
            .prefix(".capscore-import-old-")
            .tempdir_in(&parent)
            .map_err(io(format!(
                "cannot create a temporary folder in {}",
                parent.display()
            )))?;
        let old = aside.path().join("dataset");
        fs::rename(out, &old).map_err(io(format!("cannot move {} aside", out.display())))?;
        if let Err(e) = fs::rename(tmp.path(), out) {
            let _ = fs::rename(&old, out);
            return Err(io(format!(
                "cannot move the new dataset to {}",
                out.display()
            ))(e));
        }
        drop(aside);
    } else {
        fs::rename(tmp.path(), out).map_err(io(format!(
            "cannot move the new dataset to {}",
            out.display()
        )))?;
    }
    // The temporary folder now is `out`: nothing left to clean up.
    let _ = tmp.keep();
    Ok(())
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
