//! The Vidare HTTP service: a JSON API and a server-rendered web page over
//! the core engine, with sessions kept durably (in SQLite, or in PostgreSQL
//! shared by several nodes: `store::open`) and scoped to the
//! tenant of a bearer token.
//!
//! This crate is glue. Every rule about questionnaires, answers, scores,
//! triggers and retention lives in [`vidare`]; here requests are parsed,
//! sessions are rebuilt from their stored event log with
//! [`vidare::Session::resume`], the core is called, and the new event is
//! committed before the answer is acknowledged.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use vidare_server::{Access, AppState, Options, store::SqliteStore};
//!
//! let registry = vidare::Registry::load_dir("questionnaires")?;
//! let store = SqliteStore::open("data/vidare.sqlite3")?;
//! let state = AppState::new(registry, store, Access::Local, Options::default());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! // The client's address is what failed logins are throttled by.
//! let app = vidare_server::app(state);
//! axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Learn more
//! - `docs/server.md`: endpoints with examples, configuration, tokens and
//!   the retention policy.
//! - [`api`]: the JSON endpoints, [`admin`]: the equality audit and the
//!   aggregate [`statistics`] for the admin token; [`openapi_json`]
//!   describes them.
//! - [`store::Store`]: what a persistence backend provides.

// A problem becomes an HTTP response once per request; its size does not
// matter, and boxing it would only add noise to every handler.
#![allow(clippy::result_large_err)]

pub mod access;
pub mod admin;
pub mod api;
mod form_key;
mod health;
mod kept;
mod live_cache;
mod logging;
mod openapi;
mod pages;
pub mod problem;
pub mod serve;
mod service;
pub mod statistics;
pub mod store;

use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;

pub use access::{Access, AllowedHosts, Principal, TokenEntry};
pub use openapi::openapi_json;
pub use problem::Problem;
pub use service::{close_idle, expire_logins};

/// Settings of the service that are not about access or storage.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the web page's quick-exit button leads.
    pub quick_exit_url: String,
    /// Whether the login cookie is marked `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// How many closes of a questionnaire version are counted together in
    /// the aggregate statistics (see [`statistics`]); 1 counts each close
    /// on its own, which hides nothing.
    pub statistics_batch: NonZeroUsize,
    /// The most events a session may hold; a step beyond is refused
    /// (409 `event-limit`).
    pub max_events: u64,
    /// Which `Host` headers the service answers; others get 421 (see
    /// [`AllowedHosts`]: by default, in local-only mode, this machine's
    /// loopback names only).
    pub allowed_hosts: AllowedHosts,
    /// How long a login on the web page lasts at most (the cookie's id
    /// expires on the server then, whatever the browser keeps, or at the
    /// end of its token's last day if that comes first).
    pub login_ttl: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            quick_exit_url: "https://www.google.com/".to_owned(),
            secure_cookies: false,
            statistics_batch: NonZeroUsize::new(10).unwrap_or(NonZeroUsize::MIN),
            max_events: 10_000,
            allowed_hosts: AllowedHosts::Default,
            login_ttl: Duration::from_hours(8),
        }
    }
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    registry: vidare::Registry,
    store: Arc<dyn store::Store>,
    access: Access,
    options: Options,
    statistics: statistics::Pending,
    logins: access::Logins,
    throttle: access::Throttle,
    live_cache: live_cache::LiveCache,
}

impl AppState {
    /// Builds the state from a registry of questionnaires, a store, the
    /// access configuration and options, and loads the web page's
    /// form-token key from the store (see [`AppState::load_form_key`]; if
    /// the store cannot give it now, it is logged and tried again on the
    /// first page). The key is held once per process: a process that
    /// builds states on several stores uses the first store's key for all
    /// of them, so its forms are not taken by another process on a later
    /// store.
    pub fn new(
        registry: vidare::Registry,
        store: impl store::Store,
        access: Access,
        options: Options,
    ) -> Self {
        let store: Arc<dyn store::Store> = Arc::new(store);
        if let Err(e) = form_key::load(store.as_ref()) {
            tracing::warn!(error = %e, "the form-token key could not be loaded yet");
        }
        AppState {
            inner: Arc::new(Inner {
                registry,
                logins: access::Logins::new(Arc::clone(&store), access.clone(), options.login_ttl),
                store,
                access,
                statistics: statistics::Pending::new(options.statistics_batch),
                throttle: access::Throttle::default(),
                live_cache: live_cache::LiveCache::new(LIVE_CACHE_SESSIONS),
                options,
            }),
        }
    }

    /// Loads the key of the web page's form tokens from the store, where
    /// the first node to start stored it, so that a page served by one
    /// node posts to any other; a no-op once loaded. The binary calls it
    /// at start and stops when it fails.
    ///
    /// # Errors
    /// When the store cannot give the key.
    pub fn load_form_key(&self) -> Result<(), store::StoreError> {
        form_key::load(self.inner.store.as_ref()).map(drop)
    }

    /// The questionnaires the service runs.
    #[must_use]
    pub fn registry(&self) -> &vidare::Registry {
        &self.inner.registry
    }

    /// The access configuration.
    #[must_use]
    pub fn access(&self) -> &Access {
        &self.inner.access
    }

    pub(crate) fn store(&self) -> Arc<dyn store::Store> {
        Arc::clone(&self.inner.store)
    }

    pub(crate) fn options(&self) -> &Options {
        &self.inner.options
    }

    pub(crate) fn statistics(&self) -> &statistics::Pending {
        &self.inner.statistics
    }

    pub(crate) fn logins(&self) -> &access::Logins {
        &self.inner.logins
    }

    pub(crate) fn throttle(&self) -> &access::Throttle {
        &self.inner.throttle
    }

    pub(crate) fn live_cache(&self) -> &live_cache::LiveCache {
        &self.inner.live_cache
    }
}

/// How many open sessions stay warm between steps (see `live_cache.rs`):
/// enough for the interviews one node has in progress at once.
const LIVE_CACHE_SESSIONS: usize = 4096;

/// The whole service: the JSON API under `/api/v1`, `/openapi.json`, the
/// web page, and request logging; only for allowed `Host`s, errors always
/// as problems or pages, and `Cache-Control: no-store` unless a response
/// says otherwise. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()`: failed logins
/// are throttled per client address, and without it all clients share one
/// allowance.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(admin::router())
        .merge(pages::router())
        .route("/openapi.json", axum::routing::get(openapi::serve))
        .route("/healthz", axum::routing::get(health::live))
        .route("/readyz", axum::routing::get(health::ready))
        .layer(axum::middleware::from_fn(problem::plain_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::check_host,
        ))
        .layer(axum::middleware::from_fn(no_store_by_default))
        .layer(axum::middleware::from_fn(logging::log_requests))
        .with_state(state)
}

/// Responses carry answers, or tell whether a session exists: none may be
/// kept by a browser or a proxy unless its handler says it is public.
async fn no_store_by_default(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut response = next.run(req).await;
    response
        .headers_mut()
        .entry(axum::http::header::CACHE_CONTROL)
        .or_insert(axum::http::HeaderValue::from_static("no-store"));
    response
}
