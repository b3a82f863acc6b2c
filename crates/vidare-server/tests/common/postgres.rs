//! PostgreSQL for the tests: the database named by
//! `VIDARE_TEST_DATABASE_URL` (which `.ci/run` starts and sets), one fresh
//! schema per store so that tests running at once do not see each other.
//!
//! When the variable is unset, a PostgreSQL test fails in CI (`CI` set)
//! and when `VIDARE_TEST_BACKEND=postgres` asks for PostgreSQL; only on a
//! developer's machine with neither does it return, saying loudly that it
//! did not run. When it is set, an unreachable database fails the test.

use vidare_server::store::{PostgresOptions, PostgresStore};

/// The variable with the URL.
pub const URL_VAR: &str = "VIDARE_TEST_DATABASE_URL";

/// `postgres` runs the API test helpers (`TestServer`) on PostgreSQL.
pub const BACKEND_VAR: &str = "VIDARE_TEST_BACKEND";

/// The URL of the test database, or `None` (after saying so) when it is
/// not configured, on a machine that is not CI, and PostgreSQL was not
/// asked for.
///
/// # Panics
/// When it is not configured and `CI` is set or `VIDARE_TEST_BACKEND` is
/// `postgres`.
pub fn url() -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => panic!(
            "{URL_VAR} is not set: CI must run the PostgreSQL tests (.ci/run starts PostgreSQL and sets it)"
        ),
        _ if std::env::var(BACKEND_VAR).as_deref() == Ok("postgres") => panic!(
            "{BACKEND_VAR}=postgres but {URL_VAR} is not set: set it to the test database (see .ci/run)"
        ),
        _ => {
            say_not_run();
            None
        }
    }
}

/// Said where `cargo test` shows it, as nothing else would tell.
#[allow(clippy::print_stderr)]
fn say_not_run() {
    eprintln!(
        "NOT RUN: {URL_VAR} is not set, so this PostgreSQL test did nothing; \
                 start PostgreSQL and set it as .ci/run does"
    );
}

/// Whether the `TestServer` helpers run on PostgreSQL.
///
/// # Panics
/// When `VIDARE_TEST_BACKEND` names neither backend, or is `postgres`
/// without a URL.
pub fn selected() -> bool {
    match std::env::var(BACKEND_VAR).as_deref() {
        Err(_) | Ok("" | "sqlite") => false,
        Ok("postgres") => {
            assert!(
                std::env::var(URL_VAR).is_ok_and(|u| !u.is_empty()),
                "{BACKEND_VAR}=postgres needs {URL_VAR}"
            );
            true
        }
        Ok(other) => panic!("{BACKEND_VAR}={other}: expected sqlite or postgres"),
    }
}

/// A schema name no other test uses.
pub fn fresh_schema() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("random bytes");
    format!("test_{:016x}", u64::from_le_bytes(bytes))
}

/// A store on a fresh schema of the test database.
///
/// # Panics
/// When the database cannot be reached: a configured database must work.
pub fn store(url: &str, schema: &str) -> PostgresStore {
    let options = PostgresOptions {
        schema: Some(schema.to_owned()),
        pool_size: 8,
        ..PostgresOptions::default()
    };
    PostgresStore::open(url, &options)
        .unwrap_or_else(|e| panic!("{URL_VAR} is set but the test database does not open: {e}"))
}

/// Runs SQL on the test database in `schema`, bypassing the store.
pub fn sql(url: &str, schema: &str, statements: &str) -> Result<(), String> {
    let url = url.to_owned();
    let statements = format!("SET search_path TO {schema}; {statements}");
    // A thread of its own: the caller may be on an async runtime.
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async move {
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .map_err(|e| e.to_string())?;
            tokio::spawn(connection);
            client.batch_execute(&statements).await.map_err(|e| {
                e.as_db_error()
                    .map_or_else(|| e.to_string(), |d| d.message().to_owned())
            })
        })
    })
    .join()
    .expect("the SQL thread")
}
