//! Group commit: one thread owns the SQLite connection that writes, and
//! commits every write waiting for it in one transaction.
//!
//! A write is a closure run on the writer thread. The thread takes the
//! first write waiting, then every other write already queued (up to
//! [`MAX_BATCH`]), and runs them in order inside one `BEGIN IMMEDIATE`
//! transaction, each in its own savepoint: a write that fails (a stale
//! count, an unknown session) is rolled back to its savepoint and leaves the
//! others alone, and each write sees the writes before it in the batch, so
//! the checks of the expected event count hold as if they ran one by one.
//! One `COMMIT` (one fsync of the WAL with `synchronous = FULL`) then makes
//! the whole batch durable, and only after it has returned is each writer
//! told its result. If the commit fails, the batch is rolled back and every
//! write in it fails. A write is therefore acknowledged only after the
//! commit that contains it, exactly as with one transaction per write.
//!
//! Nothing waits to fill a batch: while one commit is being synced, the
//! writes that arrive queue up and form the next batch, so a lone write is
//! committed at once and many concurrent writes share one fsync.
//!
//! After a batch that deleted answers the thread owes a checkpoint that
//! truncates the WAL. It tries it before acknowledging the batch, never
//! waiting for a reader, and tries again after later batches and on a
//! timer until it succeeds (see `checkpoint.rs`). It also owes a `VACUUM`,
//! made between batches at most once per interval, once the WAL is empty,
//! and followed by another checkpoint (see `vacuum.rs`).

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use super::StoreError;
use super::checkpoint::Checkpoint;
use super::vacuum::{Attempt, Vacuum};

/// The most writes committed together.
pub(super) const MAX_BATCH: usize = 256;

/// What a write asks to happen after its batch has committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum After {
    /// Nothing.
    #[default]
    Nothing,
    /// Answers were deleted: move the WAL into the main file and truncate
    /// it, so they do not linger in the WAL, and vacuum the file within
    /// the interval, so that no older copy of them lingers in a page; each
    /// tried without waiting for a lock, and again until it succeeds.
    Deleted,
}

/// A write waiting for the writer thread.
trait Job: Send {
    /// Runs the write inside the batch's transaction; `true` if it
    /// succeeded (and its changes are to be kept), with what it asks for
    /// after the commit.
    fn run(&mut self, conn: &Connection) -> (bool, After);
    /// Tells the caller the result once the batch's fate is known.
    fn finish(self: Box<Self>, committed: Result<(), &str>);
}

type WriteResult<T> = Result<(T, After), StoreError>;

struct Pending<T, F> {
    work: Option<F>,
    result: Option<WriteResult<T>>,
    reply: SyncSender<Result<T, StoreError>>,
}

impl<T, F> Job for Pending<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> WriteResult<T> + Send,
{
    fn run(&mut self, conn: &Connection) -> (bool, After) {
        let Some(work) = self.work.take() else {
            return (false, After::Nothing);
        };
        let result = work(conn);
        let outcome = match &result {
            Ok((_, after)) => (true, *after),
            Err(_) => (false, After::Nothing),
        };
        self.result = Some(result);
        outcome
    }

    fn finish(self: Box<Self>, committed: Result<(), &str>) {
        let reply = match (committed, self.result) {
            (Ok(()), Some(result)) => result.map(|(value, _)| value),
            // A refused write (stale, not found, ...) reports why, whatever
            // happened to the rest of the batch: it changed nothing.
            (Err(_), Some(Err(e))) => Err(e),
            (Err(message), _) => Err(StoreError::Backend(message.to_owned())),
            (Ok(()), None) => Err(StoreError::Backend("a write was not run".to_owned())),
        };
        // The caller may have gone (a dropped request): nothing to tell.
        let _ = self.reply.send(reply);
    }
}

/// The handle to the writer thread.
pub(super) struct Writer {
    jobs: Option<Sender<Box<dyn Job>>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer thread on `conn`, vacuuming at most once per
    /// `vacuum_interval`. The connection is locked for each batch, so
    /// others may use it between batches (an in-memory database has only
    /// the one connection).
    pub(super) fn start(
        conn: Arc<Mutex<Connection>>,
        vacuum_interval: Duration,
    ) -> Result<Writer, StoreError> {
        let (jobs, queue) = mpsc::channel::<Box<dyn Job>>();
        let thread = std::thread::Builder::new()
            .name("vidare-sqlite-writer".to_owned())
            .spawn(move || run(&conn, &queue, vacuum_interval))
            .map_err(|e| StoreError::Backend(format!("cannot start the writer thread: {e}")))?;
        Ok(Writer {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Runs `work` in the next batch and blocks until that batch has
    /// committed (or failed).
    pub(super) fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> WriteResult<T> + Send + 'static,
    {
        let (reply, answer) = mpsc::sync_channel(1);
        let job: Box<dyn Job> = Box::new(Pending {
            work: Some(work),
            result: None,
            reply,
        });
        let stopped = || StoreError::Backend("the database writer has stopped".to_owned());
        self.jobs
            .as_ref()
            .ok_or_else(stopped)?
            .send(job)
            .map_err(|_| stopped())?;
        answer.recv().map_err(|_| stopped())?
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the queue ends the thread once the queued writes are done.
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What the writer owes the files after deleting answers.
struct Upkeep {
    checkpoint: Checkpoint,
    vacuum: Vacuum,
}

impl Upkeep {
    /// A checkpoint and a vacuum at once: a previous run may have stopped
    /// while it owed them.
    fn start(conn: &Mutex<Connection>, vacuum_interval: Duration) -> Upkeep {
        let mut vacuum = Vacuum::start(vacuum_interval);
        let checkpoint = match conn.lock() {
            Ok(conn) => {
                let checkpoint = Checkpoint::start(&conn);
                if !checkpoint.owed() && vacuum.run_if_due(&conn) == Attempt::Made {
                    Checkpoint::start(&conn)
                } else {
                    checkpoint
                }
            }
            Err(_) => Checkpoint::default(),
        };
        Upkeep { checkpoint, vacuum }
    }

    fn deleted(&mut self) {
        self.checkpoint.owe();
        self.vacuum.owe();
    }

    /// How long the writer may wait for a write before something is due;
    /// `None` when nothing is owed. An owed vacuum waits for the owed
    /// checkpoint.
    fn wait(&self) -> Option<Duration> {
        if self.checkpoint.owed() {
            self.checkpoint.wait()
        } else {
            self.vacuum.wait()
        }
    }

    /// Makes what is due: the checkpoint, then the vacuum once the WAL is
    /// empty, then the checkpoint that moves the vacuumed file out of the
    /// WAL (at once, however recent the last attempt).
    fn run_if_due(&mut self, conn: &Connection) {
        self.checkpoint.run_if_due(conn);
        if !self.checkpoint.owed() && self.vacuum.run_if_due(conn) == Attempt::Made {
            self.checkpoint.owe();
            self.checkpoint.run_if_owed(conn);
        }
    }

    /// Makes what is owed, whenever it is due (the writer is stopping).
    fn run_if_owed(&mut self, conn: &Connection) {
        self.checkpoint.run_if_owed(conn);
        if !self.checkpoint.owed() && self.vacuum.run_if_owed(conn) == Attempt::Made {
            self.checkpoint.owe();
            self.checkpoint.run_if_owed(conn);
        }
    }
}

/// The writer thread: batches until the queue is closed, making the owed
/// checkpoint and vacuum between them and when no write comes (see
/// `checkpoint.rs` and `vacuum.rs`).
fn run(conn: &Mutex<Connection>, queue: &Receiver<Box<dyn Job>>, vacuum_interval: Duration) {
    let mut upkeep = Upkeep::start(conn, vacuum_interval);
    loop {
        // Before the next write, so that writes coming all the time do
        // not put off what is due.
        if upkeep.wait() == Some(Duration::ZERO)
            && let Ok(conn) = conn.lock()
        {
            upkeep.run_if_due(&conn);
        }
        let first = match next_job(queue, upkeep.wait()) {
            Ok(job) => job,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_batch(conn, &mut upkeep, batch);
    }
    // Stopping: one last try, so that a clean stop leaves nothing owed.
    if let Ok(conn) = conn.lock() {
        upkeep.run_if_owed(&conn);
    }
}

/// The next write, waiting for it at most `wait` (forever when `None`).
fn next_job(
    queue: &Receiver<Box<dyn Job>>,
    wait: Option<Duration>,
) -> Result<Box<dyn Job>, RecvTimeoutError> {
    match wait {
        None => queue.recv().map_err(|_| RecvTimeoutError::Disconnected),
        Some(wait) => queue.recv_timeout(wait),
    }
}

/// Commits a batch, tries the checkpoint if one is due, then tells every
/// writer its result. A vacuum comes after the acknowledgements.
fn run_batch(conn: &Mutex<Connection>, upkeep: &mut Upkeep, mut batch: Vec<Box<dyn Job>>) {
    let Ok(conn) = conn.lock() else {
        for job in batch {
            job.finish(Err("a previous database call panicked"));
        }
        return;
    };
    let (committed, after) = commit_batch(&conn, &mut batch);
    if committed.is_ok() && after == After::Deleted {
        upkeep.deleted();
    }
    // Before the acknowledgements: a close is answered once the answers
    // it deleted have left the WAL, unless a reader holds the file or an
    // attempt was made less than `GAP` ago (then a moment later).
    upkeep.checkpoint.run_if_due(&conn);
    drop(conn);
    let committed = committed.as_ref().copied().map_err(String::as_str);
    for job in batch {
        job.finish(committed);
    }
}

/// Runs a batch in one transaction; `Ok` once it has committed.
fn commit_batch(conn: &Connection, batch: &mut [Box<dyn Job>]) -> (Result<(), String>, After) {
    let storage = |e: rusqlite::Error| format!("storage failed: {e}");
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        return (Err(storage(e)), After::Nothing);
    }
    let mut after = After::Nothing;
    for job in batch.iter_mut() {
        let step = (|| -> Result<(), rusqlite::Error> {
            conn.execute_batch("SAVEPOINT write")?;
            let (ok, wants) = job.run(conn);
            if ok {
                if wants == After::Deleted {
                    after = wants;
                }
                conn.execute_batch("RELEASE write")
            } else {
                conn.execute_batch("ROLLBACK TO write; RELEASE write")
            }
        })();
        if let Err(e) = step {
            let _ = conn.execute_batch("ROLLBACK");
            return (Err(storage(e)), After::Nothing);
        }
    }
    match conn.execute_batch("COMMIT") {
        Ok(()) => (Ok(()), after),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            (Err(storage(e)), After::Nothing)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::checkpoint::GAP;

    fn open(path: &std::path::Path) -> Connection {
        let conn = Connection::open(path).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .unwrap();
        conn.execute_batch("PRAGMA secure_delete = ON").unwrap();
        conn
    }

    fn free_pages(conn: &Mutex<Connection>) -> i64 {
        conn.lock()
            .unwrap()
            .query_row("PRAGMA freelist_count", [], |r| r.get(0))
            .unwrap()
    }

    fn wal_len(path: &std::path::Path) -> u64 {
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        std::fs::metadata(wal).map_or(0, |m| m.len())
    }

    /// While a reader holds the file the WAL cannot be emptied, and the
    /// vacuum waits for that rather than add a copy of the whole file to
    /// the WAL each time it is due; once the reader lets go, the
    /// checkpoint, the vacuum and the checkpoint after it are made.
    #[test]
    fn the_vacuum_waits_until_the_wal_can_be_emptied() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite3");
        let conn = Mutex::new(open(&path));
        let mut upkeep = Upkeep::start(&conn, Duration::ZERO);
        assert_eq!(upkeep.wait(), None, "the start made both");
        conn.lock()
            .unwrap()
            .execute_batch(
                "CREATE TABLE t (x TEXT);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
                 INSERT INTO t SELECT printf('%.300c', 'a') FROM n;",
            )
            .unwrap();
        upkeep.checkpoint.owe();
        upkeep.checkpoint.run_if_owed(&conn.lock().unwrap());
        let reader = open(&path);
        reader.execute_batch("BEGIN").unwrap();
        let _: i64 = reader
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        conn.lock().unwrap().execute_batch("DELETE FROM t").unwrap();
        upkeep.deleted();
        let before = wal_len(&path);

        for _ in 0..3 {
            std::thread::sleep(upkeep.wait().expect("owed"));
            upkeep.run_if_due(&conn.lock().unwrap());
        }
        assert!(upkeep.checkpoint.owed(), "the reader holds the WAL");
        assert!(free_pages(&conn) > 0, "not vacuumed");
        assert_eq!(wal_len(&path), before, "no copy of the file in the WAL");

        reader.execute_batch("COMMIT").unwrap();
        std::thread::sleep(GAP);
        upkeep.run_if_due(&conn.lock().unwrap());
        assert_eq!(upkeep.wait(), None);
        assert_eq!(free_pages(&conn), 0, "vacuumed");
        assert_eq!(wal_len(&path), 0, "and the WAL emptied after it");
    }
}
