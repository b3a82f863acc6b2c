//! Serving connections within limits, so that slow or idle clients cannot
//! take the server away from the others (issue 14).
//!
//! - **Request heads** must arrive complete within
//!   [`Limits::header_timeout`] of the connection starting to wait for one
//!   (hyper's `header_read_timeout`); an idle keep-alive connection waits
//!   for its next head under the same deadline, then is closed.
//! - **Request bodies** may pause at most [`Limits::body_timeout`] between
//!   two pieces (tower-http's [`TimeoutBody`]), and a whole request must be
//!   answered within [`Limits::request_timeout`]; both answer **408** with
//!   a problem body.
//! - **Connections** are limited to [`Limits::max_connections`], below the
//!   process's file limit (see [`connections_allowed`]): a semaphore is
//!   taken on accept. When every permit is taken, the connection that has
//!   waited longest without a request in progress is closed to make room
//!   (one that never sent a complete request first, then the longest idle
//!   keep-alive one), so the slow clients that fill the limit make room for
//!   a new one instead of leaving it in the listen backlog until their
//!   timeouts. Only when every connection is in a request does the new one
//!   wait for a permit.
//! - **Shutdown** stops accepting, closes every connection without a
//!   request in progress (also ones part-way through a head), lets the
//!   requests in progress finish, and after [`Limits::shutdown_timeout`]
//!   drops whatever is still open.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};
use tower::ServiceExt;
use tower_http::timeout::{TimeoutBody, TimeoutError};

use crate::problem::Problem;

/// File descriptors kept for everything but client connections: standard
/// streams, the SQLite files of the five database connections, the
/// runtime's own, the listener, and one connection accepted beyond the
/// limit while another is closed to make room.
pub const RESERVED_FILES: u64 = 64;

/// The default connection limit when the file limit allows more.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;

/// The limits on connections and requests.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The most time for a complete request head (request line and
    /// headers), and for an idle keep-alive connection to send its next.
    pub header_timeout: Duration,
    /// The longest pause while a request body is read.
    pub body_timeout: Duration,
    /// The most time from a complete head to the response.
    pub request_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
    /// How long a shutdown waits for requests in progress before it drops
    /// the connections still open.
    pub shutdown_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

/// The process's soft limit on open files (`RLIMIT_NOFILE`), if it has one.
#[must_use]
pub fn file_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

/// The most connections a file limit allows: the limit less
/// [`RESERVED_FILES`] (0 when it is smaller), and at most
/// [`DEFAULT_MAX_CONNECTIONS`] for no limit.
#[must_use]
pub fn connections_allowed(file_limit: Option<u64>) -> usize {
    match file_limit {
        None => DEFAULT_MAX_CONNECTIONS,
        Some(n) => usize::try_from(n.saturating_sub(RESERVED_FILES)).unwrap_or(usize::MAX),
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes,
/// then shuts down as described in the [module documentation](self).
///
/// # Errors
/// None yet: accept errors are logged and accepting goes on; the result
/// leaves room for a listener that can fail for good.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let app = app.layer(axum::middleware::from_fn_with_state(
        (limits.body_timeout, limits.request_timeout),
        deadlines,
    ));
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let open = Arc::new(Open::default());
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let mut pressure = Pressure::default();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
        };
        let permit = if let Ok(permit) = Arc::clone(&permits).try_acquire_owned() {
            permit
        } else {
            let evicted = open.evict_one();
            pressure.note(limits.max_connections, evicted);
            tokio::select! {
                () = &mut shutdown => break,
                permit = Arc::clone(&permits).acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_) => break,
                },
            }
        };
        spawn_connection(stream, peer, permit, &app, &open, &http, &graceful);
    }
    drop(listener);
    shut_down(&open, graceful, limits.shutdown_timeout).await;
    Ok(())
}

/// Serves one accepted connection on a task of its own, which gives its
/// permit back when the connection ends or is closed to make room.
fn spawn_connection(
    stream: tokio::net::TcpStream,
    peer: std::net::SocketAddr,
    permit: tokio::sync::OwnedSemaphorePermit,
    app: &Router,
    open: &Arc<Open>,
    http: &hyper::server::conn::http1::Builder,
    graceful: &GracefulShutdown,
) {
    let _ = stream.set_nodelay(true);
    let (id, slot, evicted) = open.add();
    let app = app.clone();
    let busy = Arc::clone(&slot);
    let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
        let guard = Busy::enter(&busy);
        let app = app.clone();
        let mut request = request.map(Body::new);
        // As `into_make_service_with_connect_info` would: failed
        // logins are throttled by the client's address.
        request.extensions_mut().insert(ConnectInfo(peer));
        async move {
            let response = app.oneshot(request).await;
            drop(guard);
            response
        }
    });
    let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
    let open = Arc::clone(open);
    tokio::spawn(async move {
        tokio::select! {
            result = connection => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "a connection ended with an error");
                }
            }
            _ = evicted => tracing::debug!("a connection was closed to make room"),
        }
        open.remove(id);
        drop(permit);
    });
}

/// After accepting has stopped: closes every connection without a request
/// in progress, and waits for the others up to `deadline`.
async fn shut_down(open: &Open, graceful: GracefulShutdown, deadline: Duration) {
    // hyper's graceful shutdown lets a connection that has not finished
    // its first head go on reading it until the head deadline: close
    // every connection without a request in progress now.
    let closed = open.close_idle();
    tracing::info!(
        closed,
        in_progress = open.len(),
        "stopped accepting; waiting for requests in progress"
    );
    if tokio::time::timeout(deadline, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            seconds = deadline.as_secs_f64(),
            "the shutdown deadline passed: the connections still open are dropped"
        );
    }
}

/// Logs a failed accept and pauses a moment when it is one that repeats
/// at once (out of file descriptors or memory).
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind as K;
    if matches!(
        e.kind(),
        K::ConnectionAborted | K::ConnectionReset | K::ConnectionRefused | K::Interrupted
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// The body and whole-request deadlines: the body is read through
/// tower-http's [`TimeoutBody`]; a body that pauses too long, or a request
/// not answered in time, is answered with a 408 problem.
async fn deadlines(
    State((body, whole)): State<(Duration, Duration)>,
    request: Request,
    next: Next,
) -> Response {
    let stalled = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stalled);
    let request = request.map(|b| {
        Body::new(TimeoutBody::new(body, b).map_err(move |e| {
            if e.is::<TimeoutError>() {
                flag.store(true, Ordering::Relaxed);
            }
            e
        }))
    });
    match tokio::time::timeout(whole, next.run(request)).await {
        Ok(_) if stalled.load(Ordering::Relaxed) => Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "body-timeout",
            "The request body stopped",
            format!(
                "no part of the request body arrived for {} s; send the whole body without pausing",
                body.as_secs()
            ),
        )
        .into_response(),
        Ok(response) => response,
        Err(_) => Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "request-timeout",
            "The request took too long",
            format!(
                "the request was not answered within {} s of its head (a body sent too slowly, or a busy server); send it again",
                whole.as_secs()
            ),
        )
        .into_response(),
    }
}

/// A connection as the limit sees it.
#[derive(Debug)]
struct Slot {
    /// Requests in progress.
    busy: AtomicUsize,
    /// Whether it has sent a complete request head.
    served: AtomicBool,
    /// When it last finished a request (or was accepted), in milliseconds
    /// since the server started.
    idle_since: AtomicU64,
}

/// Marks a connection busy for the life of one request.
struct Busy(Arc<Slot>);

impl Busy {
    fn enter(slot: &Arc<Slot>) -> Busy {
        slot.busy.fetch_add(1, Ordering::AcqRel);
        slot.served.store(true, Ordering::Release);
        Busy(Arc::clone(slot))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.idle_since.store(millis(), Ordering::Release);
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

fn millis() -> u64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(Instant::now)
        .elapsed()
        .as_millis()
        .try_into()
        .unwrap_or(u64::MAX)
}

/// The open connections, for choosing one to close when the limit is
/// reached.
#[derive(Default)]
struct Open {
    inner: Mutex<OpenInner>,
}

#[derive(Default)]
struct OpenInner {
    next: u64,
    slots: HashMap<u64, (Arc<Slot>, oneshot::Sender<()>)>,
}

impl Open {
    fn add(&self) -> (u64, Arc<Slot>, oneshot::Receiver<()>) {
        let slot = Arc::new(Slot {
            busy: AtomicUsize::new(0),
            served: AtomicBool::new(false),
            idle_since: AtomicU64::new(millis()),
        });
        let (evict, evicted) = oneshot::channel();
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let id = inner.next;
        inner.next += 1;
        inner.slots.insert(id, (Arc::clone(&slot), evict));
        (id, slot, evicted)
    }

    fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .slots
            .len()
    }

    fn remove(&self, id: u64) {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        inner.slots.remove(&id);
    }

    /// Closes every connection without a request in progress; returns how
    /// many.
    fn close_idle(&self) -> usize {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let idle: Vec<u64> = inner
            .slots
            .iter()
            .filter(|(_, (slot, _))| slot.busy.load(Ordering::Acquire) == 0)
            .map(|(id, _)| *id)
            .collect();
        for id in &idle {
            if let Some((_, evict)) = inner.slots.remove(id) {
                let _ = evict.send(());
            }
        }
        idle.len()
    }

    /// Closes the connection that has waited longest without a request in
    /// progress: first those that never sent a complete head, oldest first,
    /// then idle keep-alive ones, longest idle first. `false` when every
    /// connection is in a request.
    fn evict_one(&self) -> bool {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let victim = inner
            .slots
            .iter()
            .filter(|(_, (slot, _))| slot.busy.load(Ordering::Acquire) == 0)
            .min_by_key(|(id, (slot, _))| {
                let served = slot.served.load(Ordering::Acquire);
                // Never served: by accept order; served: by idle time.
                (
                    served,
                    if served {
                        slot.idle_since.load(Ordering::Acquire)
                    } else {
                        **id
                    },
                )
            })
            .map(|(id, _)| *id);
        match victim.and_then(|id| inner.slots.remove(&id)) {
            Some((_, evict)) => {
                let _ = evict.send(());
                true
            }
            None => false,
        }
    }
}

/// Counts connections closed to make room, for a log line at most every
/// ten seconds.
#[derive(Default)]
struct Pressure {
    evicted: u64,
    waited: u64,
    last: Option<Instant>,
}

impl Pressure {
    fn note(&mut self, limit: usize, evicted: bool) {
        if evicted {
            self.evicted += 1;
        } else {
            self.waited += 1;
        }
        if self
            .last
            .is_some_and(|at| at.elapsed() < Duration::from_secs(10))
        {
            return;
        }
        tracing::warn!(
            limit,
            closed = self.evicted,
            waited = self.waited,
            "the connection limit is reached: connections without a request in progress are closed to make room for new ones"
        );
        self.last = Some(Instant::now());
        self.evicted = 0;
        self.waited = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_limit_keeps_a_margin_below_the_file_limit() {
        assert_eq!(connections_allowed(Some(256)), 192);
        assert_eq!(connections_allowed(Some(1024)), 960);
        assert_eq!(connections_allowed(Some(10)), 0);
        assert_eq!(connections_allowed(None), DEFAULT_MAX_CONNECTIONS);
    }

    #[test]
    fn the_connection_to_close_is_the_longest_waiting_without_a_request() {
        let open = Open::default();
        let (a, slot_a, mut gone_a) = open.add();
        let (_, slot_b, mut gone_b) = open.add();
        let (_, _slot_c, mut gone_c) = open.add();
        // `a` is in a request, `b` has finished one: `c` never sent a head
        // and goes first, then `b`; `a` is never closed.
        let guard = Busy::enter(&slot_a);
        drop(Busy::enter(&slot_b));
        assert!(open.evict_one());
        assert!(gone_c.try_recv().is_ok());
        assert!(open.evict_one());
        assert!(gone_b.try_recv().is_ok());
        assert!(!open.evict_one());
        assert!(gone_a.try_recv().is_err());
        drop(guard);
        assert!(open.evict_one());
        assert!(gone_a.try_recv().is_ok());
        open.remove(a);
    }

    #[test]
    fn shutting_down_closes_every_connection_without_a_request() {
        let open = Open::default();
        let (_, busy, mut gone_busy) = open.add();
        let (_, _idle, mut gone_idle) = open.add();
        let _guard = Busy::enter(&busy);
        assert_eq!(open.close_idle(), 1);
        assert!(gone_idle.try_recv().is_ok());
        assert!(gone_busy.try_recv().is_err());
        assert_eq!(open.len(), 1);
    }
}
