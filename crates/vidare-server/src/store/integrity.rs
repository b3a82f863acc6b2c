//! The check of the data file before the server starts: a damaged file is
//! refused with a message that names it and says what to do, instead of
//! being served as a stream of 500s.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

/// How thoroughly the data file is checked at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StartupCheck {
    /// `PRAGMA quick_check`: every page and b-tree, without comparing
    /// indexes to their tables.
    #[default]
    Quick,
    /// `PRAGMA integrity_check`: `quick_check` and every index against
    /// its table.
    Full,
    /// No check.
    Off,
}

impl std::str::FromStr for StartupCheck {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "quick" => Ok(StartupCheck::Quick),
            "full" => Ok(StartupCheck::Full),
            "off" => Ok(StartupCheck::Off),
            _ => Err(format!("expected quick, full or off, not {s:?}")),
        }
    }
}

/// Checks an existing data file (a missing one is created later and
/// passes). The check reads the file as it is, its `-wal` included.
///
/// # Errors
/// A message for the operator when the file is damaged or cannot be read
/// as a database: the file, what was found, and what to do.
pub fn check_data_file(path: &Path, check: StartupCheck) -> Result<(), String> {
    let pragma = match check {
        StartupCheck::Off => return Ok(()),
        StartupCheck::Quick => "quick_check",
        StartupCheck::Full => "integrity_check",
    };
    if !path.exists() {
        return Ok(());
    }
    let damaged = |found: &str| {
        format!(
            "the data file {} is damaged (PRAGMA {pragma}: {found}); the server did not start. \
             Stop anything else that uses the file, then restore it (with its -wal file, if any) from a backup; \
             or move it and its -wal and -shm files aside to start with an empty one, and keep the damaged copy: \
             `sqlite3 <file> .recover` can save what is readable",
            path.display()
        )
    };
    // SQLite reports damage as "malformed" or "not a database"; any other
    // failure (an I/O error, a full disk) says nothing about the file.
    let failed = |e: rusqlite::Error| {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::DatabaseCorrupt | C::NotADatabase) => damaged(&e.to_string()),
            Some(C::SystemIoFailure | C::DiskFull | C::CannotOpen) => format!(
                "cannot read the data file {}: {e}; is its disk full? Opening it creates its -wal and -shm \
                 files when they are missing, which needs some free space",
                path.display()
            ),
            _ => format!("cannot read the data file {}: {e}", path.display()),
        }
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(failed)?;
    let found: Vec<String> = {
        let mut stmt = conn
            .prepare(&format!("PRAGMA {pragma}(20)"))
            .map_err(failed)?;
        stmt.query_map([], |r| r.get::<_, String>(0))
            .and_then(Iterator::collect)
            .map_err(failed)?
    };
    if found.len() == 1 && found[0] == "ok" {
        return Ok(());
    }
    let shown: Vec<&str> = found.iter().take(3).map(String::as_str).collect();
    let more = found.len().saturating_sub(shown.len());
    let mut summary = shown.join("; ");
    if more > 0 {
        summary = format!("{summary}; and {more} more");
    }
    Err(damaged(&summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewSession, SqliteStore, Store};

    #[test]
    fn a_damaged_file_is_refused_with_its_name_and_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite3");
        assert_eq!(check_data_file(&path, StartupCheck::Quick), Ok(()));
        {
            let store = SqliteStore::open(&path).unwrap();
            for n in 0..400 {
                store
                    .create(&NewSession {
                        id: format!("{n:032x}"),
                        tenant: "a".into(),
                        questionnaire: "q".into(),
                        version: "1.0.0".into(),
                        digest: "sha256:0".into(),
                        language: "en".into(),
                    })
                    .unwrap();
            }
        }
        for check in [StartupCheck::Quick, StartupCheck::Full] {
            assert_eq!(check_data_file(&path, check), Ok(()));
        }
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = bytes.len() / 2 / 4096 * 4096;
        bytes[middle..middle + 4096].fill(0xA5);
        std::fs::write(&path, bytes).unwrap();
        for check in [StartupCheck::Quick, StartupCheck::Full] {
            let message = check_data_file(&path, check).unwrap_err();
            assert!(message.contains(&path.display().to_string()), "{message}");
            assert!(message.contains("is damaged"), "{message}");
            assert!(message.contains("restore it"), "{message}");
        }
        assert_eq!(check_data_file(&path, StartupCheck::Off), Ok(()));
    }
}
