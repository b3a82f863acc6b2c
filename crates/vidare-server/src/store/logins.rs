//! The web page's logins and the form-token key in the SQLite file, so
//! that every server process on the file (and a restarted one) knows them.
//!
//! A login row holds the SHA-256 digest of the login's id (the cookie
//! holds the id), its tenant and when it ends: never the id, never the
//! token. The `secrets` table holds the key of the form tokens.

use rusqlite::{Connection, OptionalExtension, params};

use super::{FORM_KEY, LoginDigest, StoreError, key_bytes};

/// The tables, added by schema version 3.
pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS logins (
    id_digest BLOB PRIMARY KEY,
    tenant    TEXT NOT NULL,
    ends_at   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS logins_by_end ON logins (ends_at);
CREATE TABLE IF NOT EXISTS secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT, WITHOUT ROWID;
";

/// Now as the store writes times (RFC 3339, UTC, milliseconds).
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

fn backend(e: &rusqlite::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// Inserts a login, inside the writer's transaction.
pub(super) fn start(
    conn: &Connection,
    login: &LoginDigest,
    tenant: &str,
    ends: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT INTO logins (id_digest, tenant, ends_at) VALUES (?1, ?2, ?3)")
        .and_then(|mut stmt| stmt.execute(params![&login[..], tenant, ends]))
        .map(drop)
        .map_err(|e| backend(&e))
}

/// The tenant of a login that has not ended.
pub(super) fn find(conn: &Connection, login: &LoginDigest) -> Result<Option<String>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT tenant FROM logins WHERE id_digest = ?1 AND ends_at > {NOW}"
    ))
    .and_then(|mut stmt| stmt.query_row(params![&login[..]], |r| r.get(0)).optional())
    .map_err(|e| backend(&e))
}

/// Deletes one login (logout).
pub(super) fn end(conn: &Connection, login: &LoginDigest) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM logins WHERE id_digest = ?1")
        .and_then(|mut stmt| stmt.execute(params![&login[..]]))
        .map(drop)
        .map_err(|e| backend(&e))
}

/// Deletes the logins past their end; how many.
pub(super) fn expire(conn: &Connection) -> Result<u64, StoreError> {
    conn.prepare_cached(&format!("DELETE FROM logins WHERE ends_at <= {NOW}"))
        .and_then(|mut stmt| stmt.execute([]))
        .map(|n| u64::try_from(n).unwrap_or(u64::MAX))
        .map_err(|e| backend(&e))
}

/// The stored form-token key, `candidate` stored first when there is none,
/// inside the writer's transaction (which holds the file's write lock, so
/// a second process waits and then reads the first one's key).
pub(super) fn form_key(conn: &Connection, candidate: &[u8; 32]) -> Result<[u8; 32], StoreError> {
    conn.execute(
        "INSERT INTO secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
        params![FORM_KEY, &candidate[..]],
    )
    .map_err(|e| backend(&e))?;
    let stored: Vec<u8> = conn
        .query_row(
            "SELECT value FROM secrets WHERE name = ?1",
            params![FORM_KEY],
            |r| r.get(0),
        )
        .map_err(|e| backend(&e))?;
    key_bytes(&stored)
}
