//! The PostgreSQL backend: the same tables as the SQLite store, shared by
//! any number of server nodes.
//!
//! Every write is one statement, so it commits whole or not at all: an
//! append updates the session's count only where it still is the count
//! the writer expected, and inserts the event in the same statement (the
//! row lock makes a second node racing on the same version find the new
//! count, and the `(session_id, seq)` key would refuse a duplicate). The
//! driver is async (`tokio-postgres`, pooled by `deadpool-postgres`); the
//! store keeps a small runtime of its own for it, and its synchronous
//! [`Store`] methods wait there for their query, as the service calls
//! them on blocking threads.

mod queries;
mod schema;

use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use super::StoreError;

pub(crate) use schema::SCHEMA_VERSION;

/// How the PostgreSQL store connects.
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// Connections this node keeps open at most (see docs/deployment.md
    /// for sizing).
    pub pool_size: usize,
    /// The schema that holds the tables, created when missing; `None`
    /// uses the role's `search_path` (normally `public`). Letters, digits
    /// and `_` only.
    pub schema: Option<String>,
    /// The longest a store call may take, waiting for a connection
    /// included, before it fails as unavailable (503).
    pub call_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            pool_size: 16,
            schema: None,
            call_timeout: Duration::from_secs(10),
        }
    }
}

/// Sessions in a PostgreSQL database, for several stateless nodes.
pub struct PostgresStore {
    pool: Pool,
    /// Runs the driver's connections; `None` only while dropping.
    runtime: Option<tokio::runtime::Runtime>,
    call_timeout: Duration,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        // Without waiting: the store may be dropped on an async thread,
        // where a blocking shutdown would panic.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// SQLSTATEs that say the database cannot serve now but may soon: lost or
/// refused connections (class 08), a server shutting down or starting
/// (57P01-57P03), too many connections (53300), a standby that refuses
/// writes until a failover points the address at the new primary (25006).
fn is_transient(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300" | "25006")
}

/// A driver error as a store error: lost connections are
/// [`StoreError::Unavailable`], a full disk is [`StoreError::is_full`].
/// Only the code and the message of a database error are kept: its
/// detail may quote the values of a row.
// By value, to be passed to `map_err` as it is.
#[allow(clippy::needless_pass_by_value)]
pub(crate) fn error(e: tokio_postgres::Error) -> StoreError {
    unavailable_or(&e, "the database failed")
}

/// As [`error`], saying `what` failed.
pub(crate) fn unavailable_or(e: &tokio_postgres::Error, what: &str) -> StoreError {
    let Some(db) = e.as_db_error() else {
        // No answer from the server: the connection is gone or refused.
        let cause = std::error::Error::source(e).map(|s| format!(": {s}"));
        return StoreError::Unavailable(format!("{what}: {e}{}", cause.unwrap_or_default()));
    };
    let code = db.code().code();
    let message = format!("{what}: {code} {}", db.message());
    if is_transient(code) {
        StoreError::Unavailable(message)
    } else if code == "53100" {
        StoreError::Backend(format!("{}: {message}", super::FULL))
    } else {
        StoreError::Backend(message)
    }
}

fn pool_error(e: deadpool_postgres::PoolError) -> StoreError {
    match e {
        deadpool_postgres::PoolError::Backend(e) => unavailable_or(&e, "cannot connect"),
        other => StoreError::Unavailable(format!("no database connection: {other}")),
    }
}

/// Where a configuration points, without its password.
fn describe(config: &tokio_postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    format!(
        "host {} port {}, database {}, user {}",
        if hosts.is_empty() {
            "(default)".to_owned()
        } else {
            hosts.join(",")
        },
        if ports.is_empty() {
            "5432".to_owned()
        } else {
            ports.join(",")
        },
        config.get_dbname().unwrap_or("(the user's)"),
        config.get_user().unwrap_or("(none)"),
    )
}

/// Whether a schema name is a plain lowercase identifier, safe to quote
/// into `CREATE SCHEMA` and `search_path`.
fn plain_identifier(name: &str) -> bool {
    name.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`),
    /// creates or migrates the tables, and refuses a database whose schema
    /// is newer than this server's.
    ///
    /// # Errors
    /// [`StoreError::Backend`] naming what is wrong (the address, the
    /// database, the user, the permission), never the password.
    pub fn open(url: &str, options: &PostgresOptions) -> Result<Self, StoreError> {
        let mut config = tokio_postgres::Config::from_str(url).map_err(|_| {
            StoreError::Backend(
                "the PostgreSQL URL is not valid: expected postgres://user:password@host:port/database"
                    .to_owned(),
            )
        })?;
        if let Some(schema) = &options.schema {
            if !plain_identifier(schema) {
                return Err(StoreError::Backend(format!(
                    "the schema name {schema:?} is not a plain identifier (a-z, 0-9, _)"
                )));
            }
            // Beside any options the URL gives (`?options=...`).
            let given = config.get_options().unwrap_or_default().to_owned();
            config.options(format!("{given} -c search_path={schema}").trim_start());
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        config.application_name("vidare-server");
        let place = describe(&config);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("vidare-postgres")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Backend(format!("cannot start the database runtime: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let timeout = Some(options.call_timeout);
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(1))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(timeout)
            .create_timeout(timeout)
            .recycle_timeout(timeout)
            .build()
            .map_err(|e| StoreError::Backend(format!("cannot set up the connection pool: {e}")))?;
        let store = PostgresStore {
            pool,
            runtime: Some(runtime),
            call_timeout: options.call_timeout,
        };
        let schema = options.schema.clone();
        store
            .run(|pool| async move {
                let mut client = pool.get().await.map_err(pool_error)?;
                schema::migrate(&mut client, schema.as_deref()).await
            })
            .map_err(|e| {
                let (StoreError::Backend(m) | StoreError::Unavailable(m)) = &e else {
                    return e;
                };
                StoreError::Backend(format!("PostgreSQL at {place}: {m}"))
            })?;
        Ok(store)
    }

    /// Runs `f` on the store's runtime with a pool handle and waits for
    /// its result, at most the call timeout.
    fn run<T, F>(&self, f: impl FnOnce(Pool) -> F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        let runtime = self
            .runtime
            .as_ref()
            .ok_or_else(|| StoreError::Backend("the store is shut down".to_owned()))?;
        let future = f(self.pool.clone());
        let limit = self.call_timeout;
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        runtime.spawn(async move {
            let result = tokio::time::timeout(limit, future)
                .await
                .unwrap_or_else(|_| {
                    Err(StoreError::Unavailable(format!(
                        "the database did not answer within {} s",
                        limit.as_secs_f64()
                    )))
                });
            let _ = tx.send(result);
        });
        rx.recv()
            .map_err(|_| StoreError::Backend("a database call was cancelled".to_owned()))?
    }

    /// A connection of the pool, for queries the store does not offer
    /// (the migration from SQLite).
    pub(crate) fn with_client<T, F, Fut>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(deadpool_postgres::Object) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        self.run(|pool| async move {
            let client = pool.get().await.map_err(pool_error)?;
            f(client).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a client may retry (503) and what it may not (500, 409, 507).
    #[test]
    fn lost_connections_restarts_and_a_standby_are_transient() {
        for code in ["08006", "08001", "57P01", "57P03", "53300", "25006"] {
            assert!(is_transient(code), "{code}");
        }
        for code in ["23505", "42P01", "28P01", "53100", "40P01"] {
            assert!(!is_transient(code), "{code}");
        }
    }

    #[test]
    fn schema_names_are_plain() {
        assert!(plain_identifier("vidare_test_0a"));
        for bad in ["", "0a", "A", "a;drop", "a b", "a\"", &"a".repeat(64)] {
            assert!(!plain_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn a_bad_url_is_refused_without_repeating_it() {
        let e = PostgresStore::open(
            "postgres://u:s3cret@host:notaport/db",
            &PostgresOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("not valid"), "{e}");
        assert!(!e.contains("s3cret"), "{e}");
    }

    /// Nothing listens on port 1: the error names the place, not the password.
    #[test]
    fn an_unreachable_database_is_named_without_the_password() {
        let options = PostgresOptions {
            call_timeout: Duration::from_secs(3),
            ..PostgresOptions::default()
        };
        let e = PostgresStore::open("postgres://vidare:s3cret@127.0.0.1:1/vidare", &options)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("host 127.0.0.1 port 1, database vidare, user vidare"),
            "{e}"
        );
        assert!(!e.contains("s3cret"), "{e}");
    }
}
