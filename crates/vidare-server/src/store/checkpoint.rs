//! Emptying the WAL after answers were deleted, without waiting for
//! readers.
//!
//! In WAL mode a change writes a new copy of each page it touches to the
//! `-wal` file; the older copies stay there, still holding what was
//! deleted, until a checkpoint has copied the newest copies into the main
//! file and the WAL is truncated (`PRAGMA wal_checkpoint(TRUNCATE)`). A WAL
//! that is only reset is overwritten from its start and keeps its old
//! frames past the point reached. `secure_delete` makes the newest copy
//! hold zeros where the deleted rows were and zeroes the pages that become
//! free, so after the checkpoint neither file holds them (but for older
//! copies that pages rebuilt while the session was open may keep in their
//! unused space, which the `VACUUM` after it removes: see `vacuum.rs`).
//!
//! A TRUNCATE checkpoint needs every reader to be on the newest state.
//! Waiting for one (the busy timeout) would stall the writer thread, and
//! with it every tenant's writes, for as long as an outside reader keeps a
//! transaction open. So the writer tries without waiting: the frames a
//! reader still needs stay, the checkpoint stays owed, and the writer tries
//! again after later batches and on a timer until it succeeds. Attempts are
//! at least [`GAP`] apart, so closes in quick succession share one.

use std::time::{Duration, Instant};

use rusqlite::Connection;

/// The least time between two attempts, and how soon an owed checkpoint
/// is tried again.
pub(super) const GAP: Duration = Duration::from_millis(200);

/// Refused attempts in a row (at least ten seconds) before the log warns:
/// one of the server's own readers may hold the file for a moment.
const WARN_AFTER: u32 = 50;

/// Whether the writer owes a checkpoint, and when it last tried one.
#[derive(Debug, Default)]
pub(super) struct Checkpoint {
    owed: bool,
    last: Option<Instant>,
    /// Attempts refused in a row, for the log.
    refused: u32,
}

impl Checkpoint {
    /// Tries one checkpoint at once: a previous run may have stopped (a
    /// crash, an outside reader at shutdown) while it owed one.
    pub(super) fn start(conn: &Connection) -> Checkpoint {
        let mut checkpoint = Checkpoint {
            owed: true,
            ..Checkpoint::default()
        };
        checkpoint.attempt(conn);
        if !checkpoint.owed {
            // Done: the first close need not wait for the gap after it.
            checkpoint.last = None;
        }
        checkpoint
    }

    /// Records that a committed batch deleted answers.
    pub(super) fn owe(&mut self) {
        self.owed = true;
    }

    /// Whether one is owed (a reader may be holding it off).
    pub(super) fn owed(&self) -> bool {
        self.owed
    }

    /// How long the writer may wait for a write before it must try the
    /// owed checkpoint; `None` when none is owed.
    pub(super) fn wait(&self) -> Option<Duration> {
        self.owed.then(|| {
            self.last
                .map_or(Duration::ZERO, |at| GAP.saturating_sub(at.elapsed()))
        })
    }

    /// Tries the owed checkpoint if the last attempt is [`GAP`] old.
    pub(super) fn run_if_due(&mut self, conn: &Connection) {
        if self.wait() == Some(Duration::ZERO) {
            self.attempt(conn);
        }
    }

    /// Tries the owed checkpoint now, however recent the last attempt
    /// (the writer is stopping).
    pub(super) fn run_if_owed(&mut self, conn: &Connection) {
        if self.owed {
            self.attempt(conn);
        }
    }

    fn attempt(&mut self, conn: &Connection) {
        self.last = Some(Instant::now());
        match truncate_wal(conn) {
            Ok(true) => {
                if self.refused >= WARN_AFTER {
                    tracing::info!("the WAL is truncated: the reader has let go of the data file");
                }
                self.owed = false;
                self.refused = 0;
                return;
            }
            Ok(false) => {
                tracing::debug!("a reader holds the data file: the WAL is not truncated yet");
            }
            // Once per run of failures: it is tried every `GAP`.
            Err(e) if self.refused == 0 => {
                tracing::error!(error = %e, "a checkpoint failed; it is tried again");
            }
            Err(e) => tracing::debug!(error = %e, "a checkpoint failed again"),
        }
        self.refused = self.refused.saturating_add(1);
        if self.refused == WARN_AFTER {
            tracing::warn!(
                "the WAL has not been truncated for ten seconds: a reader holds the data file, \
                 and answers deleted since stay in the WAL until it lets go"
            );
        }
    }
}

/// One TRUNCATE checkpoint that waits for no lock: `true` once the WAL is
/// empty (or there is none, in memory). When a reader or another
/// checkpointer is in the way, SQLite still copies what it can into the
/// main file and reports the checkpoint as busy.
fn truncate_wal(conn: &Connection) -> rusqlite::Result<bool> {
    let timeout: i64 = conn.query_row("PRAGMA busy_timeout", [], |r| r.get(0))?;
    conn.busy_timeout(Duration::ZERO)?;
    let result = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    });
    conn.busy_timeout(Duration::from_millis(timeout.unsigned_abs()))?;
    // (busy, frames in the WAL, frames copied): a truncated WAL has no
    // frames left; an in-memory database reports -1.
    let (busy, log, _copied) = result?;
    Ok(busy == 0 && log <= 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(path: &std::path::Path) -> Connection {
        let conn = Connection::open(path).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .unwrap();
        conn
    }

    fn wal_len(path: &std::path::Path) -> u64 {
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        std::fs::metadata(wal).map_or(0, |m| m.len())
    }

    /// Checkpoints owed in quick succession are one attempt: the second
    /// waits for the gap, then happens without a further write.
    #[test]
    fn owed_checkpoints_are_at_least_the_gap_apart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite3");
        let conn = open(&path);
        let mut checkpoint = Checkpoint::start(&conn);
        assert_eq!(checkpoint.wait(), None);
        conn.execute_batch("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('a')")
            .unwrap();
        checkpoint.owe();
        checkpoint.run_if_due(&conn);
        assert_eq!(checkpoint.wait(), None);
        assert_eq!(wal_len(&path), 0);

        conn.execute_batch("INSERT INTO t VALUES ('b')").unwrap();
        checkpoint.owe();
        checkpoint.run_if_due(&conn);
        let wait = checkpoint.wait().expect("still owed");
        assert!(wait > Duration::ZERO && wait <= GAP, "{wait:?}");
        assert!(wal_len(&path) > 0);
        std::thread::sleep(wait);
        checkpoint.run_if_due(&conn);
        assert_eq!(checkpoint.wait(), None);
        assert_eq!(wal_len(&path), 0);
    }

    /// A reader's open transaction makes an attempt fail at once, not
    /// after the busy timeout; the checkpoint stays owed until it ends.
    #[test]
    fn a_reader_makes_the_attempt_fail_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite3");
        let conn = open(&path);
        conn.execute_batch("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('a')")
            .unwrap();
        let reader = open(&path);
        reader.execute_batch("BEGIN").unwrap();
        let rows: i64 = reader
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
        conn.execute_batch("DELETE FROM t").unwrap();

        let started = Instant::now();
        let mut checkpoint = Checkpoint::start(&conn);
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(checkpoint.wait().is_some(), "owed while the reader reads");
        assert!(wal_len(&path) > 0);
        let timeout: i64 = conn
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .unwrap();
        assert_eq!(timeout, 5000, "the busy timeout is restored");

        reader.execute_batch("COMMIT").unwrap();
        std::thread::sleep(GAP);
        checkpoint.run_if_due(&conn);
        assert_eq!(checkpoint.wait(), None);
        assert_eq!(wal_len(&path), 0);
    }
}
