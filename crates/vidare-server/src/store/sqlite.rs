//! The SQLite backend: one file in WAL mode, a `sessions` table and an
//! append-only `events` table.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::writer::{After, Writer};
use super::{
    ClosedRow, ListCursor, LoginDigest, NewSession, SessionRow, StatisticsCell, StatisticsRow,
    Store, StoreError, Stored, StoredEvent, logins, statistics,
};

/// Connections that read, besides the one that writes.
const READERS: usize = 4;

/// 1: sessions and events; 2: the aggregate statistics table; 3: the web
/// page's logins and the form-token key.
const SCHEMA_VERSION: i64 = 3;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sessions (
    id            TEXT PRIMARY KEY,
    tenant        TEXT NOT NULL,
    questionnaire TEXT NOT NULL,
    version       TEXT NOT NULL,
    digest        TEXT NOT NULL,
    language      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    event_count   INTEGER NOT NULL DEFAULT 0,
    closed_at     TEXT,
    result        TEXT,
    purged_events INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS sessions_by_tenant ON sessions (tenant, created_at);
CREATE INDEX IF NOT EXISTS sessions_open ON sessions (updated_at) WHERE closed_at IS NULL;
CREATE INDEX IF NOT EXISTS sessions_by_created ON sessions (created_at, id);
CREATE TABLE IF NOT EXISTS events (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    event      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS events_append_only BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
";

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// How the SQLite store looks after its files.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// The least time between two `VACUUM`s of the data file, which the
    /// writer makes after answers were deleted (closing, deleting a
    /// session) so that no older copy of them stays in the unused space
    /// of a page; writes wait while it runs. Zero vacuums after every
    /// batch that deleted answers.
    pub vacuum_interval: Duration,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            vacuum_interval: Duration::from_mins(1),
        }
    }
}

/// Sessions in one SQLite file.
///
/// WAL mode with `synchronous = FULL`: a committed event survives a crash
/// of the process and of the machine. `secure_delete` overwrites deleted
/// events, the WAL is truncated after a session is closed, and the file is
/// vacuumed within [`SqliteOptions::vacuum_interval`], so answers deleted
/// for retention do not linger in the files; a reader holding the file
/// delays both but not the writes (see `checkpoint.rs` and `vacuum.rs`).
///
/// Writes go to one writer thread that commits the writes waiting for it
/// together (group commit, see `store/writer.rs`): each is acknowledged
/// only after the commit that holds it. Reads use a few other connections,
/// which WAL mode lets run beside the writer on the last committed state.
pub struct SqliteStore {
    writer: Writer,
    readers: Vec<Arc<Mutex<Connection>>>,
    next_reader: AtomicUsize,
    /// The writer's connection, for tests that bypass the store.
    #[cfg(test)]
    write_conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// Creates the data file's folder (mode 0700) and the file (0600) when
/// they are missing, and makes the file and an existing `-wal` and `-shm`
/// 0600: between them they hold every answer of an open interview. SQLite
/// gives the `-wal` and `-shm` it creates the data file's mode. Modes are
/// set after creating, so the umask does not matter; an existing folder
/// is left as it is (it may be shared, such as the working directory).
fn owner_only(path: &Path) -> Result<(), StoreError> {
    let failed =
        |what: &Path, e: std::io::Error| backend(format!("cannot create {}: {e}", what.display()));
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
        let chmod = |what: &Path, mode: u32| {
            std::fs::set_permissions(what, std::fs::Permissions::from_mode(mode))
                .map_err(|e| backend(format!("cannot set the mode of {}: {e}", what.display())))
        };
        if let Some(parent) = parent.filter(|p| !p.exists()) {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(parent)
                .map_err(|e| failed(parent, e))?;
            chmod(parent, 0o700)?;
        }
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| failed(path, e))?;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = Path::new(&name);
            if file.exists() {
                chmod(file, 0o600)?;
            }
        }
    }
    #[cfg(not(unix))]
    if let Some(parent) = parent {
        std::fs::create_dir_all(parent).map_err(|e| failed(parent, e))?;
    }
    Ok(())
}

impl SqliteStore {
    /// Opens (or creates) the data file, creating its folder if needed,
    /// with the default [`SqliteOptions`].
    ///
    /// # Errors
    /// [`StoreError::Backend`] when the file cannot be opened or set up.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, &SqliteOptions::default())
    }

    /// Opens (or creates) the data file, creating its folder if needed.
    /// The writer vacuums the file once as it starts (a previous run may
    /// have stopped while it owed a vacuum), before its first write.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when the file cannot be opened or set up.
    pub fn open_with(path: impl AsRef<Path>, options: &SqliteOptions) -> Result<Self, StoreError> {
        let path = path.as_ref();
        owner_only(path)?;
        let open = || {
            Connection::open(path)
                .map_err(|e| backend(format!("cannot open {}: {e}", path.display())))
        };
        let writer = Self::setup(open()?)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let conn = open()?;
            conn.busy_timeout(Duration::from_secs(5)).map_err(backend)?;
            // Readers never write; `secure_delete` too in case one ever
            // does, so that no connection can delete without zeroing, and
            // a large sort stays in memory rather than in a temporary file.
            conn.execute_batch(
                "PRAGMA query_only = ON; PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY;",
            )
            .map_err(backend)?;
            readers.push(Arc::new(Mutex::new(conn)));
        }
        Self::start(writer, readers, options)
    }

    /// An in-memory database, for tests.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    pub fn in_memory() -> Result<Self, StoreError> {
        // One connection that both writes and reads: another connection
        // would see another database.
        let conn = Arc::new(Mutex::new(Self::setup(
            Connection::open_in_memory().map_err(backend)?,
        )?));
        Self::start_shared(&conn, &SqliteOptions::default())
    }

    fn start(
        writer: Connection,
        readers: Vec<Arc<Mutex<Connection>>>,
        options: &SqliteOptions,
    ) -> Result<Self, StoreError> {
        let writer = Arc::new(Mutex::new(writer));
        Ok(SqliteStore {
            writer: Writer::start(Arc::clone(&writer), options.vacuum_interval)?,
            readers,
            next_reader: AtomicUsize::new(0),
            #[cfg(test)]
            write_conn: writer,
        })
    }

    fn start_shared(
        conn: &Arc<Mutex<Connection>>,
        options: &SqliteOptions,
    ) -> Result<Self, StoreError> {
        Ok(SqliteStore {
            writer: Writer::start(Arc::clone(conn), options.vacuum_interval)?,
            readers: vec![Arc::clone(conn)],
            next_reader: AtomicUsize::new(0),
            #[cfg(test)]
            write_conn: Arc::clone(conn),
        })
    }

    /// Sets up the connection that writes: WAL, durability, the schema.
    fn setup(conn: Connection) -> Result<Connection, StoreError> {
        conn.busy_timeout(Duration::from_secs(5)).map_err(backend)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(backend)?;
        if mode != "wal" && mode != "memory" {
            return Err(backend(format!("cannot switch to WAL mode (got {mode})")));
        }
        // `temp_store = MEMORY`: a savepoint's journal holds the pages it
        // changed as they were before, answers included; in memory it
        // never spills to a temporary file that would outlive the delete.
        // `VACUUM` builds its copy of the file there too (memory as large
        // as the file while it runs).
        conn.execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; \
             PRAGMA temp_store = MEMORY;",
        )
        .map_err(backend)?;
        // A SQLite that does not know the pragma ignores it: refuse to
        // run rather than leave deleted answers readable in the file.
        let secure: i64 = conn
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))
            .map_err(backend)?;
        if secure != 1 {
            return Err(backend(format!(
                "cannot switch secure_delete on (got {secure})"
            )));
        }
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(backend)?;
        if version > SCHEMA_VERSION {
            return Err(backend(format!(
                "the data file has schema version {version}; this server knows {SCHEMA_VERSION}: use a newer server"
            )));
        }
        conn.execute_batch(SCHEMA).map_err(backend)?;
        if version < 2 {
            conn.execute_batch(statistics::SCHEMA).map_err(backend)?;
        }
        if version < 3 {
            conn.execute_batch(logins::SCHEMA).map_err(backend)?;
        }
        // Only when it changes: on a full disk any write fails, and a
        // server that writes nothing at start can still start and serve
        // reads.
        if version != SCHEMA_VERSION {
            conn.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(backend)?;
        }
        Ok(conn)
    }

    /// A connection to read with: the first one free, else the next in turn.
    fn reader(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        let n = self.readers.len();
        for i in 0..n {
            if let Ok(conn) = self.readers[(start + i) % n].try_lock() {
                return Ok(conn);
            }
        }
        self.readers[start % n]
            .lock()
            .map_err(|_| backend("a previous database call panicked"))
    }

    /// The connection that writes, bypassing the writer thread (tests).
    #[cfg(test)]
    fn conn(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        self.write_conn
            .lock()
            .map_err(|_| backend("a previous database call panicked"))
    }
}

const SESSION_COLUMNS: &str = "id, tenant, questionnaire, version, digest, language, created_at, \
     updated_at, event_count, closed_at, result, purged_events";

fn session_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRow> {
    let closed_at: Option<String> = r.get(9)?;
    let result: Option<String> = r.get(10)?;
    let closed = match closed_at {
        Some(at) => Some(ClosedRow {
            at,
            results: result
                .and_then(|text| serde_json::from_str(&text).ok())
                .unwrap_or(serde_json::Value::Null),
            purged_events: r.get::<_, i64>(11)?.unsigned_abs(),
        }),
        None => None,
    };
    Ok(SessionRow {
        id: r.get(0)?,
        tenant: r.get(1)?,
        questionnaire: r.get(2)?,
        version: r.get(3)?,
        digest: r.get(4)?,
        language: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
        event_count: r.get::<_, i64>(8)?.unsigned_abs(),
        closed,
    })
}

/// Reads a session within the scope.
fn find(conn: &Connection, scope: Option<&str>, id: &str) -> Result<SessionRow, StoreError> {
    let sql = format!(
        "SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)"
    );
    conn.prepare_cached(&sql)
        .and_then(|mut stmt| stmt.query_row(params![id, scope], session_row).optional())
        .map_err(backend)?
        .ok_or(StoreError::NotFound)
}

/// Checks that a session is open and has `expected` events.
fn check_writable(row: &SessionRow, expected: u64) -> Result<(), StoreError> {
    if row.closed.is_some() {
        return Err(StoreError::Closed);
    }
    if row.event_count != expected {
        return Err(StoreError::Stale {
            expected,
            actual: row.event_count,
        });
    }
    Ok(())
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store for SqliteStore {
    fn create(&self, new: &NewSession) -> Result<SessionRow, StoreError> {
        let new = new.clone();
        self.writer.write(move |conn| {
            conn.prepare_cached(&format!(
                "INSERT INTO sessions (id, tenant, questionnaire, version, digest, language, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, {NOW}, {NOW})"
            ))
            .and_then(|mut stmt| {
                stmt.execute(params![
                    new.id,
                    new.tenant,
                    new.questionnaire,
                    new.version,
                    new.digest,
                    new.language
                ])
            })
            .map_err(backend)?;
            Ok((find(conn, Some(&new.tenant), &new.id)?, After::Nothing))
        })
    }

    fn load(&self, scope: Option<&str>, id: &str) -> Result<Stored, StoreError> {
        let mut conn = self.reader()?;
        // One read transaction: the metadata and the log are one snapshot.
        let tx = conn.transaction().map_err(backend)?;
        let session = find(&tx, scope, id)?;
        let events = {
            let mut stmt = tx
                .prepare_cached(
                    "SELECT seq, event, created_at FROM events WHERE session_id = ?1 ORDER BY seq",
                )
                .map_err(backend)?;
            let rows = stmt
                .query_map(params![id], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })
                .map_err(backend)?;
            let mut events = Vec::new();
            for row in rows {
                let (seq, text, at) = row.map_err(backend)?;
                let event = serde_json::from_str(&text)
                    .map_err(|e| backend(format!("event {seq} of a session is unreadable: {e}")))?;
                events.push(StoredEvent {
                    seq: seq.unsigned_abs(),
                    event,
                    at,
                });
            }
            events
        };
        tx.finish().map_err(backend)?;
        Ok(Stored { session, events })
    }

    fn append(
        &self,
        scope: Option<&str>,
        id: &str,
        expected: u64,
        event: &vidare::Event,
    ) -> Result<u64, StoreError> {
        let text = serde_json::to_string(event).map_err(backend)?;
        let (scope, id) = (scope.map(str::to_owned), id.to_owned());
        self.writer.write(move |conn| {
            let row = find(conn, scope.as_deref(), &id)?;
            check_writable(&row, expected)?;
            conn.prepare_cached(&format!(
                "INSERT INTO events (session_id, seq, event, created_at) VALUES (?1, ?2, ?3, {NOW})"
            ))
            .and_then(|mut stmt| stmt.execute(params![id, count(expected), text]))
            .map_err(backend)?;
            conn.prepare_cached(&format!(
                "UPDATE sessions SET event_count = ?2, updated_at = {NOW} WHERE id = ?1"
            ))
            .and_then(|mut stmt| stmt.execute(params![id, count(expected + 1)]))
            .map_err(backend)?;
            Ok((expected + 1, After::Nothing))
        })
    }

    fn close(
        &self,
        scope: Option<&str>,
        id: &str,
        expected: u64,
        results: &serde_json::Value,
        forget_log: bool,
    ) -> Result<SessionRow, StoreError> {
        let text = serde_json::to_string(results).map_err(backend)?;
        let (scope, id, results) = (scope.map(str::to_owned), id.to_owned(), results.clone());
        self.writer.write(move |conn| {
            let mut row = find(conn, scope.as_deref(), &id)?;
            check_writable(&row, expected)?;
            let purged = if forget_log {
                conn.execute("DELETE FROM events WHERE session_id = ?1", params![id])
                    .map_err(backend)?
            } else {
                0
            };
            // With the log gone, neither the event count nor the number
            // deleted is kept: both would tell how many answers there were.
            // The closed row is the one read above with what was written:
            // reading it back would parse the results just serialised.
            let at: String = conn
                .query_row(
                    &format!(
                        "UPDATE sessions SET closed_at = {NOW}, updated_at = {NOW}, result = ?2, \
                         purged_events = ?3, event_count = CASE WHEN ?3 THEN 0 ELSE event_count END \
                         WHERE id = ?1 RETURNING closed_at"
                    ),
                    params![id, text, forget_log],
                    |r| r.get(0),
                )
                .map_err(backend)?;
            if forget_log {
                row.event_count = 0;
            }
            row.updated_at.clone_from(&at);
            row.closed = Some(ClosedRow {
                at,
                results,
                purged_events: u64::from(forget_log),
            });
            // Once committed, move the pages into the main file and empty
            // the WAL, so the deleted answers do not stay behind in it, and
            // vacuum the file, so that no older copy of them does either.
            let after = if purged > 0 {
                After::Deleted
            } else {
                After::Nothing
            };
            Ok((row, after))
        })
    }

    fn delete(&self, scope: Option<&str>, id: &str) -> Result<(), StoreError> {
        let (scope, id) = (scope.map(str::to_owned), id.to_owned());
        self.writer.write(move |conn| {
            let n = conn
                .execute(
                    "DELETE FROM sessions WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)",
                    params![id, scope],
                )
                .map_err(backend)?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(((), After::Deleted))
        })
    }

    fn list(&self, scope: Option<&str>) -> Result<Vec<SessionRow>, StoreError> {
        let conn = self.reader()?;
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {SESSION_COLUMNS} FROM sessions WHERE (?1 IS NULL OR tenant = ?1) ORDER BY created_at DESC, id DESC"
            ))
            .map_err(backend)?;
        let rows = stmt
            .query_map(params![scope], session_row)
            .map_err(backend)?;
        rows.collect::<Result<_, _>>().map_err(backend)
    }

    fn list_page(
        &self,
        scope: Option<&str>,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> Result<Vec<SessionRow>, StoreError> {
        // One statement per shape, so that each uses its index: a tenant's
        // sessions by (tenant, created_at), all of them by created_at.
        let tenant = if scope.is_some() {
            "tenant = ?1"
        } else {
            "?1 IS NULL"
        };
        let start = if after.is_some() {
            "AND created_at <= ?2 AND (created_at < ?2 OR id < ?3)"
        } else {
            ""
        };
        let conn = self.reader()?;
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {SESSION_COLUMNS} FROM sessions WHERE {tenant} {start} \
                 ORDER BY created_at DESC, id DESC LIMIT ?4"
            ))
            .map_err(backend)?;
        let rows = stmt
            .query_map(
                params![
                    scope,
                    after.map(|c| c.created_at.as_str()),
                    after.map(|c| c.id.as_str()),
                    i64::try_from(limit).unwrap_or(i64::MAX)
                ],
                session_row,
            )
            .map_err(backend)?;
        rows.collect::<Result<_, _>>().map_err(backend)
    }

    fn ready(&self) -> Result<(), StoreError> {
        {
            let conn = self.reader()?;
            conn.query_row(
                "SELECT count(*) FROM (SELECT 1 FROM sessions LIMIT 1)",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(backend)?;
        }
        // A row of 16 KiB in a table of its own, replacing the previous
        // one: the insert needs new pages before the old row is freed, so
        // it fails when fewer are left than a session's write may need
        // (a few, when a b-tree page splits), and the commit must append
        // them to the WAL.
        self.writer.write(|conn| {
            conn.execute_batch(&format!(
                "CREATE TABLE IF NOT EXISTS readiness (id INTEGER PRIMARY KEY, at TEXT NOT NULL, pad BLOB NOT NULL) STRICT; \
                 INSERT INTO readiness (at, pad) VALUES ({NOW}, zeroblob(16384)); \
                 DELETE FROM readiness WHERE id < last_insert_rowid();"
            ))
            .map_err(backend)?;
            Ok(((), After::Nothing))
        })
    }

    fn idle(&self, idle: Duration) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.reader()?;
        let modifier = format!("-{} seconds", idle.as_secs());
        let mut stmt = conn
            .prepare_cached(
                "SELECT tenant, id FROM sessions WHERE closed_at IS NULL \
                 AND updated_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?1) ORDER BY updated_at",
            )
            .map_err(backend)?;
        let rows = stmt
            .query_map(params![modifier], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(backend)?;
        rows.collect::<Result<_, _>>().map_err(backend)
    }

    fn add_statistics(
        &self,
        questionnaire: &str,
        version: &str,
        cells: &[StatisticsCell],
    ) -> Result<(), StoreError> {
        let (questionnaire, version, cells) =
            (questionnaire.to_owned(), version.to_owned(), cells.to_vec());
        self.writer.write(move |conn| {
            statistics::add(conn, &questionnaire, &version, &cells).map_err(backend)?;
            Ok(((), After::Nothing))
        })
    }

    fn statistics(
        &self,
        questionnaire: &str,
        version: &str,
    ) -> Result<Vec<StatisticsRow>, StoreError> {
        let conn = self.reader()?;
        statistics::read(&conn, questionnaire, version).map_err(backend)
    }

    fn start_login(&self, login: &LoginDigest, tenant: &str, ends: &str) -> Result<(), StoreError> {
        let (login, tenant, ends) = (*login, tenant.to_owned(), ends.to_owned());
        self.writer.write(move |conn| {
            logins::start(conn, &login, &tenant, &ends)?;
            Ok(((), After::Nothing))
        })
    }

    fn login(&self, login: &LoginDigest) -> Result<Option<String>, StoreError> {
        let conn = self.reader()?;
        logins::find(&conn, login)
    }

    fn end_login(&self, login: &LoginDigest) -> Result<(), StoreError> {
        let login = *login;
        self.writer.write(move |conn| {
            logins::end(conn, &login)?;
            Ok(((), After::Nothing))
        })
    }

    fn expire_logins(&self) -> Result<u64, StoreError> {
        self.writer
            .write(|conn| Ok((logins::expire(conn)?, After::Nothing)))
    }

    fn form_key(&self, candidate: &[u8; 32]) -> Result<[u8; 32], StoreError> {
        let candidate = *candidate;
        self.writer
            .write(move |conn| Ok((logins::form_key(conn, &candidate)?, After::Nothing)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn new_session(store: &SqliteStore, id: &str, tenant: &str) {
        store
            .create(&NewSession {
                id: id.into(),
                tenant: tenant.into(),
                questionnaire: "q".into(),
                version: "1.0.0".into(),
                digest: "sha256:0".into(),
                language: "en".into(),
            })
            .unwrap();
    }

    fn respond(item: &str) -> vidare::Event {
        vidare::Event::Respond {
            item: Arc::from(item),
            response: vidare::Response::Declined,
        }
    }

    #[test]
    fn appends_check_the_count_and_the_tenant() {
        let store = SqliteStore::in_memory().unwrap();
        new_session(&store, "s1", "a");
        assert_eq!(store.append(Some("a"), "s1", 0, &respond("x")).unwrap(), 1);
        assert!(matches!(
            store.append(Some("a"), "s1", 0, &respond("y")),
            Err(StoreError::Stale {
                expected: 0,
                actual: 1
            })
        ));
        assert!(matches!(
            store.append(Some("b"), "s1", 1, &respond("y")),
            Err(StoreError::NotFound)
        ));
        assert_eq!(store.append(None, "s1", 1, &respond("y")).unwrap(), 2);
        let loaded = store.load(Some("a"), "s1").unwrap();
        assert_eq!(loaded.events.len(), 2);
        assert_eq!(loaded.events[1].event.item(), "y");
    }

    #[test]
    fn closing_forgets_the_log_and_makes_read_only() {
        let store = SqliteStore::in_memory().unwrap();
        for (id, events) in [("s1", 2), ("s2", 5)] {
            new_session(&store, id, "a");
            for n in 0..events {
                store.append(Some("a"), id, n, &respond("secret")).unwrap();
            }
            let row = store
                .close(Some("a"), id, events, &serde_json::json!({"en": {}}), true)
                .unwrap();
            // Nothing tells how many events there were.
            assert_eq!(row.closed.unwrap().purged_events, 1);
            assert_eq!(row.event_count, 0);
            assert!(store.load(Some("a"), id).unwrap().events.is_empty());
        }
        new_session(&store, "s3", "a");
        store.append(Some("a"), "s3", 0, &respond("keep")).unwrap();
        let row = store
            .close(Some("a"), "s3", 1, &serde_json::json!({"en": {}}), false)
            .unwrap();
        assert_eq!((row.event_count, row.closed.unwrap().purged_events), (1, 0));
        assert_eq!(store.load(Some("a"), "s3").unwrap().events.len(), 1);
        assert!(matches!(
            store.append(Some("a"), "s1", 2, &respond("z")),
            Err(StoreError::Closed)
        ));
        assert!(store.idle(Duration::ZERO).unwrap().is_empty());
    }

    /// Many threads race on a few sessions through the group-committing
    /// writer: every acknowledged append is in the log exactly once, and
    /// every losing race is refused as stale rather than written.
    #[test]
    fn concurrent_appends_are_each_acknowledged_once_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite3");
        let store = Arc::new(SqliteStore::open(&path).unwrap());
        let (sessions, per_session, threads) = (4u64, 60u64, 12u64);
        for s in 0..sessions {
            new_session(&store, &format!("s{s}"), "a");
        }
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let store = Arc::clone(&store);
                std::thread::spawn(move || {
                    let id = format!("s{}", t % sessions);
                    let (mut won, mut stale) = (0u64, 0u64);
                    loop {
                        let count = store.load(Some("a"), &id).unwrap().session.event_count;
                        if count >= per_session {
                            return (won, stale);
                        }
                        match store.append(Some("a"), &id, count, &respond(&format!("t{t}"))) {
                            Ok(n) => {
                                assert_eq!(n, count + 1);
                                won += 1;
                            }
                            Err(StoreError::Stale { .. }) => stale += 1,
                            Err(e) => panic!("{e}"),
                        }
                    }
                })
            })
            .collect();
        let won: u64 = handles.into_iter().map(|h| h.join().unwrap().0).sum();
        assert_eq!(won, sessions * per_session);
        drop(store);
        // A fresh store on the same file sees every acknowledged event.
        let store = SqliteStore::open(&path).unwrap();
        for s in 0..sessions {
            let loaded = store.load(Some("a"), &format!("s{s}")).unwrap();
            assert_eq!(loaded.session.event_count, per_session);
            let seqs: Vec<u64> = loaded.events.iter().map(|e| e.seq).collect();
            assert_eq!(seqs, (0..per_session).collect::<Vec<_>>());
        }
    }

    fn cell(item: &str, response: &str, count: u64) -> StatisticsCell {
        StatisticsCell {
            item: item.into(),
            response: response.into(),
            count,
        }
    }

    #[test]
    fn statistics_add_up_per_month_without_sessions() {
        let store = SqliteStore::in_memory().unwrap();
        assert!(store.statistics("q", "1.0.0").unwrap().is_empty());
        let batch = [cell("smoker", "yes", 3), cell("smoker", "no", 7)];
        store.add_statistics("q", "1.0.0", &batch).unwrap();
        store
            .add_statistics("q", "1.0.0", &[cell("smoker", "yes", 2)])
            .unwrap();
        store
            .add_statistics("q", "2.0.0", &[cell("smoker", "yes", 9)])
            .unwrap();
        let rows = store.statistics("q", "1.0.0").unwrap();
        let counts: Vec<_> = rows
            .iter()
            .map(|r| (r.response.as_str(), r.count))
            .collect();
        assert_eq!(counts, [("no", 7), ("yes", 5)]);
        let month = &rows[0].month;
        assert!(month.len() == 7 && month.as_bytes()[4] == b'-', "{month}");
    }

    /// A data file of schema version 1 gets the statistics and the login
    /// tables; one of a newer version than this server knows is refused.
    #[test]
    fn the_schema_is_migrated_and_a_newer_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(SCHEMA).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        store
            .add_statistics("q", "1.0.0", &[cell("smoker", "yes", 1)])
            .unwrap();
        store
            .start_login(&[1; 32], "a", "9999-12-31T00:00:00.000Z")
            .unwrap();
        assert_eq!(store.form_key(&[2; 32]).unwrap(), [2; 32]);
        drop(store);
        let conn = Connection::open(&path).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(conn);
        let refused = SqliteStore::open(&path).unwrap_err().to_string();
        assert!(refused.contains("use a newer server"), "{refused}");
    }

    /// A login is found until it ends or is ended, the job deletes those
    /// past their end, and another store on the file (another process)
    /// sees the same logins and the same form-token key: the first stored.
    #[test]
    fn logins_end_and_the_form_key_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite3");
        let store = SqliteStore::open(&path).unwrap();
        let (valid, past, ended) = ([1u8; 32], [2u8; 32], [3u8; 32]);
        let later = "9999-12-31T00:00:00.000Z";
        store.start_login(&valid, "north", later).unwrap();
        store
            .start_login(&past, "south", "2000-01-01T00:00:00.000Z")
            .unwrap();
        store.start_login(&ended, "north", later).unwrap();
        assert_eq!(store.login(&valid).unwrap().as_deref(), Some("north"));
        assert_eq!(store.login(&past).unwrap(), None);
        store.end_login(&ended).unwrap();
        store.end_login(&ended).unwrap();
        assert_eq!(store.login(&ended).unwrap(), None);
        assert_eq!(store.expire_logins().unwrap(), 1);
        assert_eq!(store.expire_logins().unwrap(), 0);
        let other = SqliteStore::open(&path).unwrap();
        assert_eq!(other.login(&valid).unwrap().as_deref(), Some("north"));
        assert_eq!(store.form_key(&[7; 32]).unwrap(), [7; 32]);
        assert_eq!(other.form_key(&[8; 32]).unwrap(), [7; 32]);
    }

    #[test]
    fn events_cannot_be_updated() {
        let store = SqliteStore::in_memory().unwrap();
        new_session(&store, "s1", "a");
        store.append(Some("a"), "s1", 0, &respond("x")).unwrap();
        let conn = store.conn().unwrap();
        assert!(conn.execute("UPDATE events SET event = '{}'", []).is_err());
    }

    /// Pages follow the list's order (newest first, then id descending)
    /// without duplicates or gaps.
    #[test]
    fn pages_follow_the_list() {
        let store = SqliteStore::in_memory().unwrap();
        for n in 0..7 {
            new_session(&store, &format!("s{n}"), if n % 2 == 0 { "a" } else { "b" });
        }
        for scope in [None, Some("a")] {
            let all = store.list(scope).unwrap();
            let mut paged = Vec::new();
            let mut after = None;
            loop {
                let page = store.list_page(scope, after.as_ref(), 3).unwrap();
                if page.is_empty() {
                    break;
                }
                after = page.last().map(ListCursor::after);
                paged.extend(page);
            }
            let ids = |rows: &[SessionRow]| rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
            assert_eq!(ids(&paged), ids(&all));
            assert!(
                all.windows(2)
                    .all(|w| (&w[0].created_at, &w[0].id) > (&w[1].created_at, &w[1].id))
            );
        }
    }

    /// When no page is left (`max_page_count` stands in for a full disk),
    /// writes fail as full, the readiness check too, and reads work.
    #[test]
    fn a_full_database_refuses_writes_and_readiness_but_reads() {
        let store = SqliteStore::in_memory().unwrap();
        new_session(&store, "s1", "a");
        store.ready().unwrap();
        {
            let conn = store.conn().unwrap();
            let pages: i64 = conn
                .query_row("PRAGMA page_count", [], |r| r.get(0))
                .unwrap();
            conn.execute_batch("DELETE FROM readiness").unwrap();
            conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
                .unwrap();
        }
        let mut full = None;
        for n in 0..1000 {
            if let Err(e) = store.append(Some("a"), "s1", n, &respond("x")) {
                full = Some(e);
                break;
            }
        }
        let full = full.expect("the database filled up");
        assert!(full.is_full(), "{full}");
        let not_ready = store.ready().unwrap_err();
        assert!(not_ready.is_full(), "{not_ready}");
        assert!(store.load(Some("a"), "s1").is_ok());
        assert!(!StoreError::NotFound.is_full());
    }
}
