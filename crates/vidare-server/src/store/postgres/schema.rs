//! The PostgreSQL schema and its versioned migrations.
//!
//! The versions follow the SQLite store's (`user_version` there, the
//! one-row table `vidare_schema` here): 1 sessions and events, 2 the
//! aggregate statistics, 3 the web page's logins and the form-token key. A database of a newer version is refused, and
//! nodes starting at once migrate one after the other (an advisory lock).

use deadpool_postgres::Client;

use super::{error, unavailable_or};
use crate::store::StoreError;

/// The version this server writes.
pub(crate) const SCHEMA_VERSION: i32 = 3;

/// The key of the advisory lock held while migrating ("vidare" in ASCII).
const MIGRATION_LOCK: i64 = 0x7669_6461_7265;

/// Version 1: sessions and their append-only logs, as in SQLite. Times are
/// text in the SQLite store's format, compared in the "C" collation (byte
/// order), so that lists and their cursors order alike on both backends.
const V1: &str = r#"
CREATE TABLE sessions (
    id            text COLLATE "C" PRIMARY KEY,
    tenant        text NOT NULL,
    questionnaire text NOT NULL,
    version       text NOT NULL,
    digest        text NOT NULL,
    language      text NOT NULL,
    created_at    text COLLATE "C" NOT NULL,
    updated_at    text COLLATE "C" NOT NULL,
    event_count   bigint NOT NULL DEFAULT 0,
    closed_at     text,
    result        text,
    purged_events bigint NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_tenant ON sessions (tenant, created_at, id);
CREATE INDEX sessions_open ON sessions (updated_at) WHERE closed_at IS NULL;
CREATE INDEX sessions_by_created ON sessions (created_at, id);
CREATE TABLE events (
    session_id text COLLATE "C" NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq        bigint NOT NULL,
    event      text NOT NULL,
    created_at text NOT NULL,
    PRIMARY KEY (session_id, seq)
);
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TABLE readiness (id integer PRIMARY KEY, at text NOT NULL);
"#;

/// Version 2: the aggregate statistics (see `store/statistics.rs`).
const V2: &str = "
CREATE TABLE statistics (
    questionnaire text NOT NULL,
    version       text NOT NULL,
    month         text NOT NULL,
    item          text NOT NULL,
    response      text NOT NULL,
    count         bigint NOT NULL CHECK (count > 0),
    PRIMARY KEY (questionnaire, version, month, item, response)
);
";

/// Version 3: the web page's logins (the digest of the cookie's id, never
/// the id or the token) and the key of the form tokens, so that every
/// node knows them.
const V3: &str = r#"
CREATE TABLE logins (
    id_digest bytea PRIMARY KEY,
    tenant    text NOT NULL,
    ends_at   text COLLATE "C" NOT NULL
);
CREATE INDEX logins_by_end ON logins (ends_at);
CREATE TABLE secrets (
    name  text PRIMARY KEY,
    value bytea NOT NULL
);
"#;

/// The steps from version `i` to `i + 1`.
const MIGRATIONS: [&str; 3] = [V1, V2, V3];

/// Creates `schema` when given, then brings the tables to
/// [`SCHEMA_VERSION`] in one transaction, or refuses a newer database.
pub(super) async fn migrate(client: &mut Client, schema: Option<&str>) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(error)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(error)?;
    if let Some(schema) = schema {
        // The name was checked to be a plain identifier.
        tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .await
            .map_err(|e| unavailable_or(&e, &format!("cannot create the schema {schema}")))?;
    }
    tx.batch_execute("CREATE TABLE IF NOT EXISTS vidare_schema (version integer NOT NULL)")
        .await
        .map_err(|e| unavailable_or(&e, "cannot create the table vidare_schema"))?;
    let version: i32 = tx
        .query_opt("SELECT version FROM vidare_schema", &[])
        .await
        .map_err(error)?
        .map_or(0, |row| row.get(0));
    if version > SCHEMA_VERSION {
        return Err(StoreError::Backend(format!(
            "the database has schema version {version}; this server knows {SCHEMA_VERSION}: use a newer server"
        )));
    }
    let from = usize::try_from(version).unwrap_or(0);
    for step in MIGRATIONS.iter().skip(from) {
        tx.batch_execute(step)
            .await
            .map_err(|e| unavailable_or(&e, "cannot create the tables"))?;
    }
    if version != SCHEMA_VERSION {
        tx.execute("DELETE FROM vidare_schema", &[])
            .await
            .map_err(error)?;
        tx.execute(
            "INSERT INTO vidare_schema (version) VALUES ($1)",
            &[&SCHEMA_VERSION],
        )
        .await
        .map_err(error)?;
    }
    tx.commit().await.map_err(error)
}
