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
//! timer until it succeeds (see `checkpoint.rs`).

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use super::StoreError;
use super::checkpoint::Checkpoint;

/// The most writes committed together.
pub(super) const MAX_BATCH: usize = 256;

/// What a write asks to happen after its batch has committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum After {
    /// Nothing.
    #[default]
    Nothing,
    /// Move the WAL into the main file and truncate it (after deleting
    /// answers, so they do not linger in the WAL); tried without waiting
    /// for readers, and again until it succeeds.
    TruncateWal,
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
    /// Starts the writer thread on `conn`. The connection is locked for
    /// each batch, so others may use it between batches (an in-memory
    /// database has only the one connection).
    pub(super) fn start(conn: Arc<Mutex<Connection>>) -> Result<Writer, StoreError> {
        let (jobs, queue) = mpsc::channel::<Box<dyn Job>>();
        let thread = std::thread::Builder::new()
            .name("vidare-sqlite-writer".to_owned())
            .spawn(move || run(&conn, &queue))
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

/// The writer thread: batches until the queue is closed, trying an owed
/// checkpoint between them and when no write comes (see `checkpoint.rs`).
fn run(conn: &Mutex<Connection>, queue: &Receiver<Box<dyn Job>>) {
    let mut checkpoint = match conn.lock() {
        Ok(conn) => Checkpoint::start(&conn),
        Err(_) => Checkpoint::default(),
    };
    loop {
        let first = match next_job(queue, checkpoint.wait()) {
            Ok(job) => job,
            Err(RecvTimeoutError::Timeout) => {
                if let Ok(conn) = conn.lock() {
                    checkpoint.run_if_due(&conn);
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_batch(conn, &mut checkpoint, batch);
    }
    // Stopping: one last try, so that a clean stop leaves nothing owed.
    if let Ok(conn) = conn.lock() {
        checkpoint.run_if_owed(&conn);
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
/// writer its result.
fn run_batch(conn: &Mutex<Connection>, checkpoint: &mut Checkpoint, mut batch: Vec<Box<dyn Job>>) {
    let Ok(conn) = conn.lock() else {
        for job in batch {
            job.finish(Err("a previous database call panicked"));
        }
        return;
    };
    let (committed, after) = commit_batch(&conn, &mut batch);
    if committed.is_ok() && after == After::TruncateWal {
        checkpoint.owe();
    }
    // Before the acknowledgements: a close is answered once the answers
    // it deleted have left the WAL, unless a reader holds the file or an
    // attempt was made less than `GAP` ago (then a moment later).
    checkpoint.run_if_due(&conn);
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
                if wants == After::TruncateWal {
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
