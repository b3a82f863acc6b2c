//! Request logging: method, path (which holds ids only), status and
//! latency. Never a query string, a header, a body or an answer.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

pub(crate) async fn log_requests(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let method = req.method().clone();
    // Only the path: a query string can hold anything a client typed.
    let mut path: String = req.uri().path().chars().take(200).collect();
    path.retain(|c| !c.is_control());
    let span = tracing::info_span!("request", id);
    let response = next.run(req).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let latency_ms = format!("{:.3}", started.elapsed().as_secs_f64() * 1000.0);
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(%method, path = %path, status, latency_ms = %latency_ms, "request");
        } else {
            tracing::info!(%method, path = %path, status, latency_ms = %latency_ms, "request");
        }
    });
    response
}
