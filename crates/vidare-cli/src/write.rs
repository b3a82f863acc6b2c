//! Safe writes of the files `vidare run` leaves behind (the session log,
//! the results, the plan): they hold answers, so a write must never
//! destroy something else at the path, never leave half a file, and never
//! be readable by other users.
//!
//! The text goes to a new temporary file in the same folder (created, not
//! opened, so a link planted at its name is not followed), is flushed to
//! the disk, and is renamed over the path. Only a regular file is
//! replaced: a symbolic link, a folder, a device node or a pipe at the
//! path is refused before anything is written.

use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// Writes `text` to `path` as a whole, readable by its owner only.
///
/// # Errors
/// When something other than a regular file is at `path`, or any step of
/// writing fails (a full disk, a missing folder, no permission); the
/// temporary file is removed then, and `path` is as it was.
pub(crate) fn private(path: &Path, text: &str) -> io::Result<()> {
    refuse_special(path)?;
    let (temporary, file) = create_temporary(path)?;
    let written = fill(file, text)
        .and_then(|()| refuse_special(path))
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// An error unless `path` is free or a regular file.
fn refuse_special(path: &Path) -> io::Result<()> {
    let kind = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata.file_type(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error),
    };
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a folder"
    } else {
        "a device, pipe or socket"
    };
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{what} is at that path, and only a regular file is replaced"),
    ))
}

/// A new file beside `path`, owner-only, under a name nobody else chose.
fn create_temporary(path: &Path) -> io::Result<(PathBuf, File)> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut last = None;
    for attempt in 0..16_u32 {
        let mut temporary = std::ffi::OsString::from(".");
        temporary.push(name);
        temporary.push(format!(".{}.{nanos}.{attempt}.tmp", std::process::id()));
        let temporary = path.with_file_name(temporary);
        match new_file(&temporary) {
            Ok(file) => return Ok((temporary, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => last = Some(error),
            Err(error) => return Err(error),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary name")))
}

fn new_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

/// Writes and flushes to the disk, so a full disk shows here and not
/// after the rename.
fn fill(mut file: File, text: &str) -> io::Result<()> {
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_a_regular_file_and_leaves_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("log.json");
        std::fs::write(&path, "old").unwrap();
        private(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_for_its_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("result.json");
        private(&path, "{}").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_and_a_folder_are_refused_and_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("target");
        std::fs::write(&target, "keep").unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let error = private(&link, "new").unwrap_err();
        assert!(error.to_string().contains("a symbolic link"), "{error}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        let error = private(tmp.path(), "new").unwrap_err();
        assert!(error.to_string().contains("a folder"), "{error}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_device_fails_the_write() {
        // The write itself, on a file that reports a full disk.
        let full = OpenOptions::new().write(true).open("/dev/full").unwrap();
        let error = fill(full, "answers").unwrap_err();
        assert_eq!(error.raw_os_error(), Some(28), "{error}"); // ENOSPC
    }
}
