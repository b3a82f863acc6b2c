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
//!   kept the server waiting on its client longest is closed to make room:
//!   one that has not sent a complete head (since it was accepted), an
//!   idle keep-alive one (since its last request), or one whose request
//!   body is still arriving (since the body started). So the slow clients
//!   that fill the limit make room for a new one instead of leaving it in
//!   the listen backlog until their timeouts, and a new connection is the
//!   last one chosen. A request whose body has not fully arrived has not
//!   been acted on, so closing it loses nothing that was accepted. Only
//!   when every connection is in a request whose body has arrived does the
//!   new one wait for a permit.
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
    let body_limit = usize::try_from(MAX_BODY_BYTES).unwrap_or(usize::MAX);
    let app = app
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn_with_state(
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
        let mut request = if http_body::Body::is_end_stream(request.body()) {
            request.map(Body::new)
        } else {
            let arriving = Arriving::enter(&busy);
            request.map(|body| Body::new(UntilEnd::new(body, arriving)))
        };
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

/// The most a request body may hold: the extractors stop reading beyond
/// it (set as axum's body limit in [`serve`]), and a larger
/// `Content-Length` is refused before reading.
pub const MAX_BODY_BYTES: u64 = 2 * 1024 * 1024;

/// The body and whole-request deadlines: the body is read through
/// tower-http's [`TimeoutBody`]; a body that pauses too long, or a request
/// not answered in time, is answered with a 408 problem. A body announced
/// larger than [`MAX_BODY_BYTES`] is refused with 413 at once, before any
/// of it is read: the extractors would only find out after reading 2 MB,
/// or after the body deadline if the client never sends that much.
async fn deadlines(
    State((body, whole)): State<(Duration, Duration)>,
    request: Request,
    next: Next,
) -> Response {
    let announced = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if announced.is_some_and(|length| length > MAX_BODY_BYTES) {
        return Problem::body_too_large().into_response();
    }
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
    /// Of those, requests whose body has not arrived to its end.
    arriving: AtomicUsize,
    /// When the oldest of those started, as `idle_since`.
    arriving_since: AtomicU64,
    /// When it last finished a request (or was accepted), in milliseconds
    /// since the server started.
    idle_since: AtomicU64,
}

/// Marks a connection busy for the life of one request.
struct Busy(Arc<Slot>);

impl Busy {
    fn enter(slot: &Arc<Slot>) -> Busy {
        slot.busy.fetch_add(1, Ordering::AcqRel);
        Busy(Arc::clone(slot))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.idle_since.store(millis(), Ordering::Release);
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Marks a request's body as still arriving, until its end or until it
/// is dropped unread.
struct Arriving(Arc<Slot>);

impl Arriving {
    fn enter(slot: &Arc<Slot>) -> Arriving {
        if slot.arriving.fetch_add(1, Ordering::AcqRel) == 0 {
            slot.arriving_since.store(millis(), Ordering::Release);
        }
        Arriving(Arc::clone(slot))
    }
}

impl Drop for Arriving {
    fn drop(&mut self) {
        self.0.arriving.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A request body that holds an [`Arriving`] mark until its last frame
/// (or an error) has been read.
struct UntilEnd<B> {
    body: B,
    arriving: Option<Arriving>,
}

impl<B> UntilEnd<B> {
    fn new(body: B, arriving: Arriving) -> Self {
        Self {
            body,
            arriving: Some(arriving),
        }
    }
}

impl<B: http_body::Body + Unpin> http_body::Body for UntilEnd<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let polled = std::pin::Pin::new(&mut self.body).poll_frame(cx);
        if matches!(polled, std::task::Poll::Ready(None | Some(Err(_))))
            || self.body.is_end_stream()
        {
            self.arriving = None;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
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
            arriving: AtomicUsize::new(0),
            arriving_since: AtomicU64::new(0),
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

    /// Closes the connection that has kept the server waiting on its
    /// client longest (see [`waiting_since`]; the one accepted first on a
    /// tie). A new connection, whose head the server has not read yet, is
    /// thus the last one chosen. `false` when every connection is in a
    /// request whose body has arrived.
    fn evict_one(&self) -> bool {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let victim = inner
            .slots
            .iter()
            .filter_map(|(id, (slot, _))| Some((waiting_since(slot)?, *id)))
            .min()
            .map(|(_, id)| id);
        match victim.and_then(|id| inner.slots.remove(&id)) {
            Some((_, evict)) => {
                let _ = evict.send(());
                true
            }
            None => false,
        }
    }
}

/// Since when a connection has kept the server waiting on its client, in
/// milliseconds since the server started, or `None` while it is in a
/// request whose body has arrived (the server is working for it): since
/// it was accepted, while it has not sent a complete head; since its last
/// request, while it is an idle keep-alive one; since its body started,
/// while that body is still arriving.
fn waiting_since(slot: &Slot) -> Option<u64> {
    let busy = slot.busy.load(Ordering::Acquire);
    if busy == 0 {
        return Some(slot.idle_since.load(Ordering::Acquire));
    }
    (slot.arriving.load(Ordering::Acquire) >= busy)
        .then(|| slot.arriving_since.load(Ordering::Acquire))
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
            "the connection limit is reached: the connections that have kept it waiting on their clients longest are closed to make room for new ones"
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
    fn the_connection_to_close_is_the_one_waiting_longest_on_its_client() {
        let open = Open::default();
        let (a, slot_a, mut gone_a) = open.add();
        let (_, slot_b, mut gone_b) = open.add();
        let (_, slot_c, mut gone_c) = open.add();
        let (_, slot_d, mut gone_d) = open.add();
        let (_, slot_e, mut gone_e) = open.add();
        // `a` is in a request whose body has arrived, and is never closed.
        // `b` has sent no head since 5 ms, `c` has been idle since 3 ms,
        // `d`'s body has been arriving since 4 ms, and `e` has just been
        // accepted (at 9 ms): `c`, `d`, `b`, then `e`.
        let guard = Busy::enter(&slot_a);
        drop(Arriving::enter(&slot_a));
        slot_b.idle_since.store(5, Ordering::Release);
        drop(Busy::enter(&slot_c));
        slot_c.idle_since.store(3, Ordering::Release);
        let _d = (Busy::enter(&slot_d), Arriving::enter(&slot_d));
        slot_d.arriving_since.store(4, Ordering::Release);
        slot_e.idle_since.store(9, Ordering::Release);
        for gone in [&mut gone_c, &mut gone_d, &mut gone_b, &mut gone_e] {
            assert!(open.evict_one());
            assert!(gone.try_recv().is_ok());
        }
        assert!(!open.evict_one());
        assert!(gone_a.try_recv().is_err());
        drop(guard);
        assert!(open.evict_one());
        assert!(gone_a.try_recv().is_ok());
        open.remove(a);
    }

    /// A body of `n` one-byte parts.
    struct Parts(u8);

    impl http_body::Body for Parts {
        type Data = axum::body::Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
            let left = self.0.checked_sub(1);
            self.0 = left.unwrap_or(0);
            let part = || Ok(http_body::Frame::data(axum::body::Bytes::from_static(b"x")));
            std::task::Poll::Ready(left.map(|_| part()))
        }
    }

    #[tokio::test]
    async fn a_body_read_to_its_end_is_no_longer_arriving() {
        let open = Open::default();
        let (_, slot, _gone) = open.add();
        let _busy = Busy::enter(&slot);
        let mut body = UntilEnd::new(Parts(2), Arriving::enter(&slot));
        let first = body.frame().await;
        assert!(first.is_some());
        assert_eq!(slot.arriving.load(Ordering::Acquire), 1);
        assert!(waiting_since(&slot).is_some());
        while body.frame().await.is_some() {}
        assert_eq!(slot.arriving.load(Ordering::Acquire), 0);
        assert_eq!(waiting_since(&slot), None);
        // Dropped unread, a body stops arriving too.
        drop(UntilEnd::new(
            http_body_util::Empty::<axum::body::Bytes>::new(),
            Arriving::enter(&slot),
        ));
        assert_eq!(slot.arriving.load(Ordering::Acquire), 0);
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
