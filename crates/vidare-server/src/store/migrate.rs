//! Copying a SQLite data file into an empty PostgreSQL database
//! (`vidare-server migrate-to`), in one PostgreSQL transaction: the copy is
//! whole or absent.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::postgres::{SCHEMA_VERSION, error};
use super::{PostgresStore, StoreError};

/// What was copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    /// Sessions, closed ones included.
    pub sessions: u64,
    /// Events of their logs.
    pub events: u64,
    /// Cells of the aggregate statistics.
    pub statistics: u64,
}

/// A session's columns as stored, in the order of both schemas.
type SessionColumns = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    i64,
);

/// Everything in the data file, read in one transaction.
struct Snapshot {
    sessions: Vec<SessionColumns>,
    events: Vec<(String, i64, String, String)>,
    statistics: Vec<(String, String, String, String, String, i64)>,
}

fn sqlite_error(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError::Backend(format!("cannot read {}: {e}", path.display()))
}

fn read(path: &Path) -> Result<Snapshot, StoreError> {
    let failed = sqlite_error(path);
    if !path.is_file() {
        return Err(StoreError::Backend(format!(
            "{} is not a file",
            path.display()
        )));
    }
    let mut conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(&failed)?;
    let tx = conn.transaction().map_err(&failed)?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(&failed)?;
    if version < 1 || version > i64::from(SCHEMA_VERSION) {
        return Err(StoreError::Backend(format!(
            "{} has schema version {version}: this server copies Vidare data files of versions 1 to {SCHEMA_VERSION}",
            path.display()
        )));
    }
    let sessions = tx
        .prepare(
            "SELECT id, tenant, questionnaire, version, digest, language, created_at, updated_at, \
             event_count, closed_at, result, purged_events FROM sessions",
        )
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get(11)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .map_err(&failed)?;
    let events = tx
        .prepare("SELECT session_id, seq, event, created_at FROM events ORDER BY session_id, seq")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(&failed)?;
    let statistics = if version >= 2 {
        tx.prepare("SELECT questionnaire, version, month, item, response, count FROM statistics")
            .and_then(|mut s| {
                s.query_map([], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()
            })
            .map_err(&failed)?
    } else {
        Vec::new()
    };
    Ok(Snapshot {
        sessions,
        events,
        statistics,
    })
}

/// Copies every session, event and statistics cell of the SQLite file at
/// `path` into `target`, which must hold no session yet. The file is only
/// read; stop the server that writes it first, or what it writes after
/// the copy began is not copied.
///
/// # Errors
/// [`StoreError::Backend`] when the file cannot be read, is not a Vidare
/// data file of a known version, or the target is not empty; nothing is
/// written then.
pub fn copy_sqlite_to_postgres(path: &Path, target: &PostgresStore) -> Result<Copied, StoreError> {
    let snapshot = read(path)?;
    target.with_client(move |mut client| async move {
        let tx = client.transaction().await.map_err(error)?;
        // Another copy, or a node serving, must not write meanwhile.
        tx.batch_execute("LOCK TABLE sessions, events, statistics IN EXCLUSIVE MODE")
            .await
            .map_err(error)?;
        let existing: i64 = tx
            .query_one("SELECT count(*) FROM sessions", &[])
            .await
            .map_err(error)?
            .get(0);
        if existing > 0 {
            return Err(StoreError::Backend(format!(
                "the PostgreSQL database already holds {existing} sessions: copy into an empty one"
            )));
        }
        let insert = tx
            .prepare(
                "INSERT INTO sessions (id, tenant, questionnaire, version, digest, language, created_at, \
                 updated_at, event_count, closed_at, result, purged_events) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .await
            .map_err(error)?;
        for s in &snapshot.sessions {
            tx.execute(
                &insert,
                &[&s.0, &s.1, &s.2, &s.3, &s.4, &s.5, &s.6, &s.7, &s.8, &s.9, &s.10, &s.11],
            )
            .await
            .map_err(error)?;
        }
        let insert = tx
            .prepare("INSERT INTO events (session_id, seq, event, created_at) VALUES ($1, $2, $3, $4)")
            .await
            .map_err(error)?;
        for e in &snapshot.events {
            tx.execute(&insert, &[&e.0, &e.1, &e.2, &e.3])
                .await
                .map_err(error)?;
        }
        let insert = tx
            .prepare(
                "INSERT INTO statistics (questionnaire, version, month, item, response, count) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (questionnaire, version, month, item, response) \
                 DO UPDATE SET count = statistics.count + excluded.count",
            )
            .await
            .map_err(error)?;
        for c in &snapshot.statistics {
            tx.execute(&insert, &[&c.0, &c.1, &c.2, &c.3, &c.4, &c.5])
                .await
                .map_err(error)?;
        }
        tx.commit().await.map_err(error)?;
        let n = |len: usize| u64::try_from(len).unwrap_or(u64::MAX);
        Ok(Copied {
            sessions: n(snapshot.sessions.len()),
            events: n(snapshot.events.len()),
            statistics: n(snapshot.statistics.len()),
        })
    })
}
