//! Persistence: a session's metadata and its append-only event log.
//!
//! The [`Store`] trait is what a backend provides: [`SqliteStore`], the
//! embedded default, or [`PostgresStore`], which several server nodes can
//! share; [`open`] picks one from a [`DatabaseUrl`]. Methods block: the
//! service calls them on Tokio's blocking threads. A write is acknowledged only after the transaction that holds
//! it committed (the SQLite backend commits concurrent writes together:
//! group commit).

mod checkpoint;
mod integrity;
mod logins;
mod migrate;
mod open;
mod postgres;
mod sqlite;
mod statistics;
mod vacuum;
mod writer;

use std::time::Duration;

pub use integrity::{StartupCheck, check_data_file};
pub use migrate::{Copied, copy_sqlite_to_postgres};
pub use open::{DatabaseUrl, open};
pub use postgres::{PostgresOptions, PostgresStore};
pub use sqlite::{SqliteOptions, SqliteStore};
pub use statistics::{StatisticsCell, StatisticsRow};

/// A session to create.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Random, unguessable id.
    pub id: String,
    /// Owner.
    pub tenant: String,
    /// Questionnaire id.
    pub questionnaire: String,
    /// Its version.
    pub version: String,
    /// The digest of the definition the session runs on.
    pub digest: String,
    /// The language chosen at the start.
    pub language: String,
}

/// A stored session's metadata.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// Id.
    pub id: String,
    /// Owner.
    pub tenant: String,
    /// Questionnaire id.
    pub questionnaire: String,
    /// Its version.
    pub version: String,
    /// The digest recorded at the start.
    pub digest: String,
    /// The language chosen at the start.
    pub language: String,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// Events written so far; the count a write must expect. Once closed
    /// with its log deleted, 0 (the number of events would tell how many
    /// answers there were that are not kept).
    pub event_count: u64,
    /// Set once the session is closed.
    pub closed: Option<ClosedRow>,
}

/// What is kept of a closed session.
#[derive(Debug, Clone)]
pub struct ClosedRow {
    /// When it was closed.
    pub at: String,
    /// What is kept per language: a JSON object from language to
    /// [`vidare::StoredRecord`], possibly with the `counterfactual` check
    /// (servers before the stored record kept a [`vidare::Outcome`]).
    pub results: serde_json::Value,
    /// Non-zero when closing deleted events, so the log left no longer
    /// replays: 1 when it deleted the whole log (older servers wrote how
    /// many events of conversation-only items they deleted).
    pub purged_events: u64,
}

/// One stored event.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// Its position in the log, from 0 (gaps where events were deleted at closing).
    pub seq: u64,
    /// The event.
    pub event: vidare::Event,
    /// When it was committed (RFC 3339, UTC).
    pub at: String,
}

/// A session with its log.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Metadata.
    pub session: SessionRow,
    /// The log, in order.
    pub events: Vec<StoredEvent>,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such session within the scope.
    #[error("no such session")]
    NotFound,
    /// The session has a different number of events than expected.
    #[error("the session has {actual} events, not {expected}")]
    Stale {
        /// What the writer expected.
        expected: u64,
        /// What the session has.
        actual: u64,
    },
    /// The session is closed and read-only.
    #[error("the session is closed")]
    Closed,
    /// The backend failed; the message is for the log.
    #[error("storage failed: {0}")]
    Backend(String),
    /// The database cannot be reached now (a lost or refused connection,
    /// a server restarting); the write was not applied, or, if the
    /// connection was lost while it committed, may have been: a retry
    /// with the same expected count tells (409 when it was).
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}

/// SQLite's message for `SQLITE_FULL`, which the writer passes on as text.
const FULL: &str = "database or disk is full";

impl StoreError {
    /// Whether the backend could not write because the disk that holds
    /// its data is full.
    #[must_use]
    pub fn is_full(&self) -> bool {
        matches!(self, StoreError::Backend(message) if message.contains(FULL))
    }
}

/// Where a page of the session list starts: after this session, in the
/// list's order (newest first: creation time, then id, both descending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCursor {
    /// The session's creation time (RFC 3339, UTC, as stored).
    pub created_at: String,
    /// Its id.
    pub id: String,
}

impl ListCursor {
    /// The cursor after `row`.
    #[must_use]
    pub fn after(row: &SessionRow) -> Self {
        ListCursor {
            created_at: row.created_at.clone(),
            id: row.id.clone(),
        }
    }

    /// Whether `row` comes after the cursor in the list's order.
    #[must_use]
    pub fn precedes(&self, row: &SessionRow) -> bool {
        (row.created_at.as_str(), row.id.as_str()) < (self.created_at.as_str(), self.id.as_str())
    }
}

/// A persistence backend. `scope` is the caller's tenant, or `None` for
/// the admin, who sees every tenant; a session outside the scope is
/// [`StoreError::NotFound`].
pub trait Store: Send + Sync + 'static {
    /// Creates a session with an empty log.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn create(&self, new: &NewSession) -> Result<SessionRow, StoreError>;

    /// Loads a session and its log.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] or [`StoreError::Backend`].
    fn load(&self, scope: Option<&str>, id: &str) -> Result<Stored, StoreError>;

    /// Appends one event if the session has exactly `expected` events and
    /// is open; returns the new count once committed.
    ///
    /// # Errors
    /// [`StoreError::Stale`], [`StoreError::Closed`], [`StoreError::NotFound`]
    /// or [`StoreError::Backend`].
    fn append(
        &self,
        scope: Option<&str>,
        id: &str,
        expected: u64,
        event: &vidare::Event,
    ) -> Result<u64, StoreError>;

    /// Closes a session that has exactly `expected` events: stores its
    /// results and, when `forget_log`, deletes its whole log and sets its
    /// event count to 0 and `purged_events` to 1, in one transaction.
    ///
    /// # Errors
    /// As [`Store::append`].
    fn close(
        &self,
        scope: Option<&str>,
        id: &str,
        expected: u64,
        results: &serde_json::Value,
        forget_log: bool,
    ) -> Result<SessionRow, StoreError>;

    /// Adds a batch of counts to the aggregate statistics of a
    /// questionnaire version, under the current month, in one transaction.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn add_statistics(
        &self,
        questionnaire: &str,
        version: &str,
        cells: &[StatisticsCell],
    ) -> Result<(), StoreError>;

    /// The aggregate statistics of a questionnaire version, by month, item
    /// and response.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn statistics(
        &self,
        questionnaire: &str,
        version: &str,
    ) -> Result<Vec<StatisticsRow>, StoreError>;

    /// Deletes a session and its log.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] or [`StoreError::Backend`].
    fn delete(&self, scope: Option<&str>, id: &str) -> Result<(), StoreError>;

    /// The sessions in scope, newest first (creation time, then id, both
    /// descending).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn list(&self, scope: Option<&str>) -> Result<Vec<SessionRow>, StoreError>;

    /// At most `limit` sessions in scope in the order of [`Store::list`],
    /// starting after `after`. Sessions created since the cursor was made
    /// come before it, so paging on sees each older session once. The
    /// provided method lists them all; a backend may read only the page.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn list_page(
        &self,
        scope: Option<&str>,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> Result<Vec<SessionRow>, StoreError> {
        Ok(self
            .list(scope)?
            .into_iter()
            .filter(|row| after.is_none_or(|c| c.precedes(row)))
            .take(limit)
            .collect())
    }

    /// Whether the store can serve: it answers a query and commits a
    /// write that needs new space.
    ///
    /// # Errors
    /// Why not ([`StoreError::is_full`] when the disk is full).
    fn ready(&self) -> Result<(), StoreError>;

    /// Every session in scope on one questionnaire version, with its log
    /// (what is left of it once closed), for the equality audit. The
    /// provided method lists and loads them one by one; a backend may do
    /// it in one query.
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn load_version(
        &self,
        scope: Option<&str>,
        questionnaire: &str,
        version: &str,
    ) -> Result<Vec<Stored>, StoreError> {
        let mut out = Vec::new();
        for row in self.list(scope)? {
            if row.questionnaire != questionnaire || row.version != version {
                continue;
            }
            match self.load(scope, &row.id) {
                Ok(stored) => out.push(stored),
                // Deleted since it was listed.
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Open sessions unchanged for longer than `idle`, as `(tenant, id)`.
    /// A backend shared by several nodes may claim them, so that another
    /// node's call does not return them too (see [`PostgresStore`]).
    ///
    /// # Errors
    /// [`StoreError::Backend`].
    fn idle(&self, idle: Duration) -> Result<Vec<(String, String)>, StoreError>;

    /// Records a web-page login: the SHA-256 digest of its id (the cookie
    /// holds the id; the store never sees it, nor the token), its tenant,
    /// and when it ends (RFC 3339, UTC, as the store writes times).
    ///
    /// # Errors
    /// [`StoreError::Backend`] or [`StoreError::Unavailable`].
    fn start_login(&self, login: &LoginDigest, tenant: &str, ends: &str) -> Result<(), StoreError>;

    /// The tenant of a login that has not ended: neither logged out nor
    /// past its end by the database's clock.
    ///
    /// # Errors
    /// [`StoreError::Backend`] or [`StoreError::Unavailable`].
    fn login(&self, login: &LoginDigest) -> Result<Option<String>, StoreError>;

    /// Ends a login (logout); ending one that is gone is no error.
    ///
    /// # Errors
    /// [`StoreError::Backend`] or [`StoreError::Unavailable`].
    fn end_login(&self, login: &LoginDigest) -> Result<(), StoreError>;

    /// Deletes the logins past their end; returns how many. Safe to run on
    /// several nodes at once (each deletes what is still there).
    ///
    /// # Errors
    /// [`StoreError::Backend`] or [`StoreError::Unavailable`].
    fn expire_logins(&self) -> Result<u64, StoreError>;

    /// The key of the web page's form tokens, shared by every node on this
    /// store: the one stored, or `candidate` once stored when there was
    /// none. Nodes starting at once all get the key the first of them
    /// stored (an insert that does nothing when one exists, then a read).
    ///
    /// # Errors
    /// [`StoreError::Backend`] or [`StoreError::Unavailable`].
    fn form_key(&self, candidate: &[u8; 32]) -> Result<[u8; 32], StoreError>;
}

/// The SHA-256 digest of a login's id: what the store keeps of it.
pub type LoginDigest = [u8; 32];

/// The name of the form-token key in the `secrets` table.
pub(crate) const FORM_KEY: &str = "form-token-key";

/// A stored key as 32 bytes.
pub(crate) fn key_bytes(stored: &[u8]) -> Result<[u8; 32], StoreError> {
    <[u8; 32]>::try_from(stored).map_err(|_| {
        StoreError::Backend(format!(
            "the stored form-token key has {} bytes, not 32",
            stored.len()
        ))
    })
}
