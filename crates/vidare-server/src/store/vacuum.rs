//! Rewriting the data file after answers were deleted, so that no older
//! copy of them survives in the unused space of a page.
//!
//! `secure_delete` zeroes a row where it is deleted and a page that becomes
//! free, but while sessions are open SQLite splits, merges and rebuilds the
//! pages their events share, and a rebuilt page can keep an older copy of a
//! row in its unused space, which no later delete reaches (about one
//! deleted answer in 660 stayed so in interleaved interviews). `VACUUM`
//! copies what is left into a new database and writes it back over the
//! whole file, so it holds no such copy; the TRUNCATE checkpoint after it
//! moves the rewritten pages from the WAL into the main file, shortens the
//! file to its new size and empties the WAL.
//!
//! `VACUUM` takes the write lock for as long as it runs, and its time grows
//! with the size of the file (docs/benchmarks.md, "Vacuum after deleting
//! answers"), so the writer runs it at most once per interval
//! (`--vacuum-interval`), and only when something was deleted since the
//! last one: the first deletion after a quiet interval is vacuumed right
//! after its batch, later ones once the interval since the last vacuum has
//! passed. It runs only right after a TRUNCATE checkpoint has succeeded:
//! while a reader holds an older snapshot the WAL cannot be emptied
//! anyway, and each `VACUUM` would add a copy of the whole file to it.
//! Like the checkpoint, it never waits for a lock (a zero busy timeout):
//! when another connection writes, it is tried again after [`GAP`].
//!
//! A previous run may have stopped (a crash, a kill) while it owed one, and
//! nothing on disk says so: the writer vacuums once when it starts.

use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode};

use super::checkpoint::GAP;

/// Refused attempts in a row (at least ten seconds) before the log warns.
const WARN_AFTER: u32 = 50;

/// Whether the writer owes a `VACUUM`, and when it may make it.
#[derive(Debug)]
pub(super) struct Vacuum {
    /// The least time between two vacuums.
    interval: Duration,
    owed: bool,
    /// When the last one was made.
    last: Option<Instant>,
    /// No attempt before this, after a refused or failed one.
    not_before: Option<Instant>,
    /// Attempts refused or failed in a row, for the log.
    refused: u32,
}

/// What one attempt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Attempt {
    /// Vacuumed: the WAL now holds the whole rewritten file, to be moved
    /// into the main file by a TRUNCATE checkpoint.
    Made,
    /// Not made (another connection holds the write lock, or it failed);
    /// still owed.
    NotMade,
}

impl Vacuum {
    /// Owes one at once: a previous run may have stopped owing one.
    pub(super) fn start(interval: Duration) -> Vacuum {
        Vacuum {
            interval,
            owed: true,
            last: None,
            not_before: None,
            refused: 0,
        }
    }

    /// Records that a committed batch deleted answers.
    pub(super) fn owe(&mut self) {
        self.owed = true;
    }

    /// How long until the owed vacuum is due; `None` when none is owed.
    pub(super) fn wait(&self) -> Option<Duration> {
        if !self.owed {
            return None;
        }
        let after_last = self.last.map(|at| at + self.interval);
        let due = after_last.max(self.not_before);
        Some(due.map_or(Duration::ZERO, |due| {
            due.saturating_duration_since(Instant::now())
        }))
    }

    /// Tries the owed vacuum if it is due; the caller has just emptied the
    /// WAL.
    pub(super) fn run_if_due(&mut self, conn: &Connection) -> Attempt {
        if self.wait() == Some(Duration::ZERO) {
            self.attempt(conn)
        } else {
            Attempt::NotMade
        }
    }

    /// Tries the owed vacuum now, whenever it is due (the writer is
    /// stopping).
    pub(super) fn run_if_owed(&mut self, conn: &Connection) -> Attempt {
        if self.owed {
            self.attempt(conn)
        } else {
            Attempt::NotMade
        }
    }

    fn attempt(&mut self, conn: &Connection) -> Attempt {
        let started = Instant::now();
        match vacuum(conn) {
            Ok(()) => {
                let took = started.elapsed();
                let pages: i64 = conn
                    .query_row("PRAGMA page_count", [], |r| r.get(0))
                    .unwrap_or(-1);
                tracing::info!(
                    took_ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
                    pages,
                    "vacuumed the data file: no copy of a deleted answer is left in its pages"
                );
                if self.refused >= WARN_AFTER {
                    tracing::info!("the data file is vacuumed again");
                }
                self.owed = false;
                self.last = Some(Instant::now());
                self.not_before = None;
                self.refused = 0;
                return Attempt::Made;
            }
            Err(e) if busy(&e) => {
                tracing::debug!("another connection writes: the data file is vacuumed later");
                self.not_before = Some(Instant::now() + GAP);
            }
            // Once per run of failures; a failing vacuum (a full disk: it
            // needs room for a copy of the file in the WAL) is tried again
            // after the interval, not every `GAP`.
            Err(e) => {
                if self.refused == 0 {
                    tracing::error!(error = %e, "vacuuming the data file failed; it is tried again");
                } else {
                    tracing::debug!(error = %e, "vacuuming the data file failed again");
                }
                self.not_before = Some(Instant::now() + self.interval.max(GAP));
            }
        }
        self.refused = self.refused.saturating_add(1);
        if self.refused == WARN_AFTER {
            tracing::warn!(
                "the data file has not been vacuumed for many attempts: copies of deleted \
                 answers may stay in its pages until it is"
            );
        }
        Attempt::NotMade
    }
}

/// Whether an error means that another connection holds a lock.
fn busy(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code()
        .is_some_and(|code| matches!(code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

/// One `VACUUM` that waits for no lock.
fn vacuum(conn: &Connection) -> rusqlite::Result<()> {
    let timeout: i64 = conn.query_row("PRAGMA busy_timeout", [], |r| r.get(0))?;
    conn.busy_timeout(Duration::ZERO)?;
    let result = conn.execute_batch("VACUUM");
    conn.busy_timeout(Duration::from_millis(timeout.unsigned_abs()))?;
    result
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

    fn free_pages(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))
            .unwrap()
    }

    /// A table with free pages after a delete; a vacuum leaves none.
    fn with_free_pages(conn: &Connection) {
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS t (x TEXT);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
             INSERT INTO t SELECT printf('%.300c', 'a') FROM n;
             DELETE FROM t;",
        )
        .unwrap();
        assert!(free_pages(conn) > 0);
    }

    /// The first vacuum is due at once; the next only once the interval
    /// has passed and something was deleted.
    #[test]
    fn vacuums_are_at_least_the_interval_apart() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("d.sqlite3"));
        with_free_pages(&conn);
        let interval = Duration::from_millis(300);
        let mut vacuum = Vacuum::start(interval);
        assert_eq!(vacuum.wait(), Some(Duration::ZERO));
        assert_eq!(vacuum.run_if_due(&conn), Attempt::Made);
        assert_eq!(free_pages(&conn), 0);
        assert_eq!(vacuum.wait(), None, "nothing deleted since");

        with_free_pages(&conn);
        vacuum.owe();
        let wait = vacuum.wait().expect("owed");
        assert!(wait > Duration::ZERO && wait <= interval, "{wait:?}");
        assert_eq!(vacuum.run_if_due(&conn), Attempt::NotMade);
        assert!(free_pages(&conn) > 0);
        std::thread::sleep(wait);
        assert_eq!(vacuum.run_if_due(&conn), Attempt::Made);
        assert_eq!(free_pages(&conn), 0);
        assert_eq!(vacuum.wait(), None);
    }

    /// Another connection's write lock makes an attempt fail at once, not
    /// after the busy timeout; it is tried again after the gap.
    #[test]
    fn a_writer_makes_the_attempt_fail_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite3");
        let conn = open(&path);
        with_free_pages(&conn);
        let other = open(&path);
        other.execute_batch("BEGIN IMMEDIATE").unwrap();

        let mut vacuum = Vacuum::start(Duration::from_mins(1));
        let started = Instant::now();
        assert_eq!(vacuum.run_if_due(&conn), Attempt::NotMade);
        assert!(started.elapsed() < Duration::from_secs(1));
        let wait = vacuum.wait().expect("still owed");
        assert!(wait > Duration::ZERO && wait <= GAP, "{wait:?}");
        let timeout: i64 = conn
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .unwrap();
        assert_eq!(timeout, 5000, "the busy timeout is restored");

        other.execute_batch("COMMIT").unwrap();
        std::thread::sleep(wait);
        assert_eq!(vacuum.run_if_due(&conn), Attempt::Made);
        assert_eq!(free_pages(&conn), 0);
    }
}
