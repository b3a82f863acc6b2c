//! The [`Store`] methods of [`PostgresStore`]: one statement per write,
//! so that a lost connection leaves a write either committed or not at all.

use std::collections::BTreeMap;
use std::time::Duration;

use deadpool_postgres::Pool;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::{PostgresStore, error, pool_error};
use crate::store::{
    ClosedRow, FORM_KEY, ListCursor, LoginDigest, NewSession, SessionRow, StatisticsCell,
    StatisticsRow, Store, StoreError, Stored, StoredEvent, key_bytes,
};

/// The time now, as the SQLite store writes it (RFC 3339, UTC, ms).
const NOW: &str = r#"to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#;

const SESSION_COLUMNS: &str = "id, tenant, questionnaire, version, digest, language, created_at, \
     updated_at, event_count, closed_at, result, purged_events";

/// Within the caller's scope: `$2` is the tenant, or NULL for the admin.
const IN_SCOPE: &str = "id = $1 AND ($2::text IS NULL OR tenant = $2)";

fn session_row(r: &Row) -> SessionRow {
    let closed = r.get::<_, Option<String>>(9).map(|at| ClosedRow {
        at,
        results: r
            .get::<_, Option<String>>(10)
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(serde_json::Value::Null),
        purged_events: r.get::<_, i64>(11).unsigned_abs(),
    });
    SessionRow {
        id: r.get(0),
        tenant: r.get(1),
        questionnaire: r.get(2),
        version: r.get(3),
        digest: r.get(4),
        language: r.get(5),
        created_at: r.get(6),
        updated_at: r.get(7),
        event_count: r.get::<_, i64>(8).unsigned_abs(),
        closed,
    }
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Runs one statement with a cached prepared statement and returns its rows.
async fn query(
    pool: &Pool,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Row>, StoreError> {
    let client = pool.get().await.map_err(pool_error)?;
    let statement = client.prepare_cached(sql).await.map_err(error)?;
    client.query(&statement, params).await.map_err(error)
}

/// Why a conditional write touched no row: the session is gone, closed,
/// or has another count than `expected`.
async fn refusal(pool: &Pool, scope: Option<&str>, id: &str, expected: u64) -> StoreError {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE {IN_SCOPE}");
    match query(pool, &sql, &[&id, &scope]).await {
        Err(e) => e,
        Ok(rows) => match rows.first().map(session_row) {
            None => StoreError::NotFound,
            Some(row) if row.closed.is_some() => StoreError::Closed,
            Some(row) => StoreError::Stale {
                expected,
                actual: row.event_count,
            },
        },
    }
}

/// The session's count if it has `expected` events and is open: the
/// condition of every write.
const WRITABLE: &str = "id = $1 AND ($2::text IS NULL OR tenant = $2) AND closed_at IS NULL \
     AND event_count = $3::bigint";

impl Store for PostgresStore {
    fn create(&self, new: &NewSession) -> Result<SessionRow, StoreError> {
        let new = new.clone();
        self.run(|pool| async move {
            let sql = format!(
                "INSERT INTO sessions (id, tenant, questionnaire, version, digest, language, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, {NOW}, {NOW}) RETURNING {SESSION_COLUMNS}"
            );
            let rows = query(
                &pool,
                &sql,
                &[
                    &new.id,
                    &new.tenant,
                    &new.questionnaire,
                    &new.version,
                    &new.digest,
                    &new.language,
                ],
            )
            .await?;
            rows.first()
                .map(session_row)
                .ok_or_else(|| StoreError::Backend("the insert returned no row".to_owned()))
        })
    }

    fn load(&self, scope: Option<&str>, id: &str) -> Result<Stored, StoreError> {
        let (scope, id) = (scope.map(str::to_owned), id.to_owned());
        self.run(|pool| async move {
            // One statement: the metadata and the log are one snapshot.
            let sql = "SELECT s.id, s.tenant, s.questionnaire, s.version, s.digest, s.language, s.created_at, \
                 s.updated_at, s.event_count, s.closed_at, s.result, s.purged_events, e.seq, e.event, e.created_at \
                 FROM sessions s LEFT JOIN events e ON e.session_id = s.id \
                 WHERE s.id = $1 AND ($2::text IS NULL OR s.tenant = $2) ORDER BY e.seq";
            let rows = query(&pool, sql, &[&id, &scope]).await?;
            let session = rows.first().map(session_row).ok_or(StoreError::NotFound)?;
            let mut events = Vec::with_capacity(rows.len());
            for row in &rows {
                let Some(seq) = row.get::<_, Option<i64>>(12) else {
                    continue;
                };
                let text: String = row.get(13);
                let event = serde_json::from_str(&text).map_err(|e| {
                    StoreError::Backend(format!("event {seq} of a session is unreadable: {e}"))
                })?;
                events.push(StoredEvent {
                    seq: seq.unsigned_abs(),
                    event,
                    at: row.get(14),
                });
            }
            Ok(Stored { session, events })
        })
    }

    fn append(
        &self,
        scope: Option<&str>,
        id: &str,
        expected: u64,
        event: &vidare::Event,
    ) -> Result<u64, StoreError> {
        let text = serde_json::to_string(event).map_err(|e| StoreError::Backend(e.to_string()))?;
        let (scope, id) = (scope.map(str::to_owned), id.to_owned());
        self.run(move |pool| async move {
            let sql = format!(
                "WITH s AS (UPDATE sessions SET event_count = $3::bigint + 1, updated_at = {NOW} \
                 WHERE {WRITABLE} RETURNING id) \
                 INSERT INTO events (session_id, seq, event, created_at) SELECT id, $3::bigint, $4, {NOW} FROM s"
            );
            let client = pool.get().await.map_err(pool_error)?;
            let statement = client.prepare_cached(&sql).await.map_err(error)?;
            let written = client
                .execute(&statement, &[&id, &scope, &count(expected), &text])
                .await;
            match written {
                Ok(1) => Ok(expected + 1),
                Ok(_) => Err(refusal(&pool, scope.as_deref(), &id, expected).await),
                // The key refuses a second event at this position.
                Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) => {
                    Err(refusal(&pool, scope.as_deref(), &id, expected).await)
                }
                Err(e) => Err(error(e)),
            }
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
        let text =
            serde_json::to_string(results).map_err(|e| StoreError::Backend(e.to_string()))?;
        let (scope, id) = (scope.map(str::to_owned), id.to_owned());
        self.run(move |pool| async move {
            // With the log gone, neither the event count nor the number
            // deleted is kept: both would tell how many answers there were.
            let sql = format!(
                "WITH s AS (UPDATE sessions SET closed_at = {NOW}, updated_at = {NOW}, result = $4, \
                 purged_events = CASE WHEN $5 THEN 1 ELSE 0 END, \
                 event_count = CASE WHEN $5 THEN 0 ELSE event_count END \
                 WHERE {WRITABLE} RETURNING {SESSION_COLUMNS}), \
                 d AS (DELETE FROM events WHERE $5 AND session_id IN (SELECT id FROM s)) \
                 SELECT {SESSION_COLUMNS} FROM s"
            );
            let rows = query(
                &pool,
                &sql,
                &[&id, &scope, &count(expected), &text, &forget_log],
            )
            .await?;
            match rows.first() {
                Some(row) => Ok(session_row(row)),
                None => Err(refusal(&pool, scope.as_deref(), &id, expected).await),
            }
        })
    }

    fn add_statistics(
        &self,
        questionnaire: &str,
        version: &str,
        cells: &[StatisticsCell],
    ) -> Result<(), StoreError> {
        // Summed per cell and in key order: one statement may not touch a
        // row twice, and nodes adding at once lock rows in the same order.
        let mut summed: BTreeMap<(String, String), i64> = BTreeMap::new();
        for cell in cells.iter().filter(|c| c.count > 0) {
            let n = summed
                .entry((cell.item.clone(), cell.response.clone()))
                .or_default();
            *n = n.saturating_add(count(cell.count));
        }
        let (items, responses): (Vec<String>, Vec<String>) = summed.keys().cloned().unzip();
        let counts: Vec<i64> = summed.into_values().collect();
        let (questionnaire, version) = (questionnaire.to_owned(), version.to_owned());
        self.run(move |pool| async move {
            let sql = r"INSERT INTO statistics (questionnaire, version, month, item, response, count)
                 SELECT $1, $2, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM'), c.item, c.response, c.count
                 FROM unnest($3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS c (item, response, count, n)
                 ORDER BY c.n
                 ON CONFLICT (questionnaire, version, month, item, response)
                 DO UPDATE SET count = statistics.count + excluded.count";
            query(
                &pool,
                sql,
                &[&questionnaire, &version, &items, &responses, &counts],
            )
            .await
            .map(drop)
        })
    }

    fn statistics(
        &self,
        questionnaire: &str,
        version: &str,
    ) -> Result<Vec<StatisticsRow>, StoreError> {
        let (questionnaire, version) = (questionnaire.to_owned(), version.to_owned());
        self.run(|pool| async move {
            let rows = query(
                &pool,
                r#"SELECT month, item, response, count FROM statistics
                   WHERE questionnaire = $1 AND version = $2
                   ORDER BY month COLLATE "C", item COLLATE "C", response COLLATE "C""#,
                &[&questionnaire, &version],
            )
            .await?;
            Ok(rows
                .iter()
                .map(|r| StatisticsRow {
                    month: r.get(0),
                    item: r.get(1),
                    response: r.get(2),
                    count: r.get::<_, i64>(3).unsigned_abs(),
                })
                .collect())
        })
    }

    fn delete(&self, scope: Option<&str>, id: &str) -> Result<(), StoreError> {
        let (scope, id) = (scope.map(str::to_owned), id.to_owned());
        self.run(|pool| async move {
            let client = pool.get().await.map_err(pool_error)?;
            let sql = format!("DELETE FROM sessions WHERE {IN_SCOPE}");
            let statement = client.prepare_cached(&sql).await.map_err(error)?;
            match client
                .execute(&statement, &[&id, &scope])
                .await
                .map_err(error)?
            {
                0 => Err(StoreError::NotFound),
                _ => Ok(()),
            }
        })
    }

    fn list(&self, scope: Option<&str>) -> Result<Vec<SessionRow>, StoreError> {
        self.list_page(scope, None, usize::MAX)
    }

    fn list_page(
        &self,
        scope: Option<&str>,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> Result<Vec<SessionRow>, StoreError> {
        let scope = scope.map(str::to_owned);
        let after = after.cloned();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run(move |pool| async move {
            let sql = format!(
                "SELECT {SESSION_COLUMNS} FROM sessions WHERE ($1::text IS NULL OR tenant = $1) \
                 AND ($2::text IS NULL OR (created_at, id) < ($2::text COLLATE \"C\", $3::text COLLATE \"C\")) \
                 ORDER BY created_at DESC, id DESC LIMIT $4"
            );
            let created = after.as_ref().map(|c| c.created_at.clone());
            let id = after.as_ref().map(|c| c.id.clone());
            let rows = query(&pool, &sql, &[&scope, &created, &id, &limit]).await?;
            Ok(rows.iter().map(session_row).collect())
        })
    }

    fn ready(&self) -> Result<(), StoreError> {
        self.run(|pool| async move {
            query(&pool, "SELECT 1 FROM sessions LIMIT 1", &[]).await?;
            let sql = format!(
                "INSERT INTO readiness (id, at) VALUES (1, {NOW}) ON CONFLICT (id) DO UPDATE SET at = excluded.at"
            );
            query(&pool, &sql, &[]).await.map(drop)
        })
    }

    /// Claims the idle sessions it returns: their `updated_at` is set to
    /// now, in the statement that finds them, skipping rows another node
    /// is claiming (`SKIP LOCKED`); so nodes running the retention job at
    /// once each get other sessions, and a session claimed by a node that
    /// stopped before closing it is idle again after `idle`.
    fn idle(&self, idle: Duration) -> Result<Vec<(String, String)>, StoreError> {
        let seconds = idle.as_secs_f64();
        self.run(move |pool| async move {
            let sql = format!(
                r#"UPDATE sessions SET updated_at = {NOW} WHERE id IN (
                     SELECT id FROM sessions WHERE closed_at IS NULL
                     AND updated_at < to_char((now() - make_interval(secs => $1)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                     ORDER BY updated_at FOR UPDATE SKIP LOCKED)
                   RETURNING tenant, id"#
            );
            let rows = query(&pool, &sql, &[&seconds]).await?;
            Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
        })
    }

    fn start_login(&self, login: &LoginDigest, tenant: &str, ends: &str) -> Result<(), StoreError> {
        let (login, tenant, ends) = (login.to_vec(), tenant.to_owned(), ends.to_owned());
        self.run(move |pool| async move {
            let sql = "INSERT INTO logins (id_digest, tenant, ends_at) VALUES ($1, $2, $3)";
            query(&pool, sql, &[&login, &tenant, &ends]).await.map(drop)
        })
    }

    fn login(&self, login: &LoginDigest) -> Result<Option<String>, StoreError> {
        let login = login.to_vec();
        self.run(move |pool| async move {
            let sql = format!("SELECT tenant FROM logins WHERE id_digest = $1 AND ends_at > {NOW}");
            let rows = query(&pool, &sql, &[&login]).await?;
            Ok(rows.first().map(|r| r.get(0)))
        })
    }

    fn end_login(&self, login: &LoginDigest) -> Result<(), StoreError> {
        let login = login.to_vec();
        self.run(move |pool| async move {
            let sql = "DELETE FROM logins WHERE id_digest = $1";
            query(&pool, sql, &[&login]).await.map(drop)
        })
    }

    /// One statement: nodes running it at once each delete what another
    /// has not (a row being deleted by one is skipped by the other once
    /// its lock is released).
    fn expire_logins(&self) -> Result<u64, StoreError> {
        self.run(move |pool| async move {
            let client = pool.get().await.map_err(pool_error)?;
            let sql = format!("DELETE FROM logins WHERE ends_at <= {NOW}");
            let statement = client.prepare_cached(&sql).await.map_err(error)?;
            client.execute(&statement, &[]).await.map_err(error)
        })
    }

    /// An insert that does nothing when a key is stored, then a read: two
    /// nodes starting at once both read the key of the one that inserted.
    fn form_key(&self, candidate: &[u8; 32]) -> Result<[u8; 32], StoreError> {
        let candidate = candidate.to_vec();
        self.run(move |pool| async move {
            let insert =
                "INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
            query(&pool, insert, &[&FORM_KEY, &candidate]).await?;
            let rows = query(
                &pool,
                "SELECT value FROM secrets WHERE name = $1",
                &[&FORM_KEY],
            )
            .await?;
            let stored: Vec<u8> = rows.first().map(|r| r.get(0)).ok_or_else(|| {
                StoreError::Backend("the form-token key was not stored".to_owned())
            })?;
            key_bytes(&stored)
        })
    }
}
