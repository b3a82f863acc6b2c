//! The aggregate statistics table: counts per questionnaire version,
//! month, question and kind of response, and nothing else.
//!
//! The table has no session id, no tenant and no time finer than the
//! month, and it is `WITHOUT ROWID`: rows live in the order of their key,
//! so not even a row id tells in which order they were first written. A
//! batch of closes is added in one transaction, as counts already summed
//! per cell (see `crate::statistics` for why batches).

use rusqlite::{Connection, params};

/// The table, added by schema version 2.
pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS statistics (
    questionnaire TEXT NOT NULL,
    version       TEXT NOT NULL,
    month         TEXT NOT NULL,
    item          TEXT NOT NULL,
    response      TEXT NOT NULL,
    count         INTEGER NOT NULL CHECK (count > 0),
    PRIMARY KEY (questionnaire, version, month, item, response)
) STRICT, WITHOUT ROWID;
";

/// One cell of a batch: how many closes gave `response` to `item`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StatisticsCell {
    /// The question (`aggregate: true`).
    pub item: String,
    /// `yes`, `no`, an option value, `declined` or `dont_know`.
    pub response: String,
    /// How many.
    pub count: u64,
}

/// One stored count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsRow {
    /// The month the batch holding these closes was added, `YYYY-MM` (UTC).
    pub month: String,
    /// The question.
    pub item: String,
    /// The kind of response.
    pub response: String,
    /// How many sessions gave it.
    pub count: u64,
}

/// Adds `cells` to the counts of the current month (UTC), inside the
/// caller's transaction.
pub(super) fn add(
    conn: &Connection,
    questionnaire: &str,
    version: &str,
    cells: &[StatisticsCell],
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO statistics (questionnaire, version, month, item, response, count) \
         VALUES (?1, ?2, strftime('%Y-%m', 'now'), ?3, ?4, ?5) \
         ON CONFLICT (questionnaire, version, month, item, response) \
         DO UPDATE SET count = count + excluded.count",
    )?;
    for cell in cells.iter().filter(|c| c.count > 0) {
        let count = i64::try_from(cell.count).unwrap_or(i64::MAX);
        stmt.execute(params![
            questionnaire,
            version,
            cell.item,
            cell.response,
            count
        ])?;
    }
    Ok(())
}

/// Every count of one questionnaire version, by month, item and response.
pub(super) fn read(
    conn: &Connection,
    questionnaire: &str,
    version: &str,
) -> rusqlite::Result<Vec<StatisticsRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT month, item, response, count FROM statistics \
         WHERE questionnaire = ?1 AND version = ?2 ORDER BY month, item, response",
    )?;
    let rows = stmt.query_map(params![questionnaire, version], |r| {
        Ok(StatisticsRow {
            month: r.get(0)?,
            item: r.get(1)?,
            response: r.get(2)?,
            count: r.get::<_, i64>(3)?.unsigned_abs(),
        })
    })?;
    rows.collect()
}
