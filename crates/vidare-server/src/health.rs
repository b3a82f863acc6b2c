//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`:
//! the database answers a query and takes a write), for load balancers
//! and orchestrators. Both are public and say nothing about sessions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::problem::Problem;

/// `GET /healthz`: 200 `ok` whenever the process answers, whatever the
/// database's state (restarting would not mend a full disk).
pub(crate) async fn live() -> &'static str {
    "ok"
}

/// `GET /readyz`: 200 `ready` when the store answers a query and commits
/// a write ([`crate::store::Store::ready`]); else 503 `not-ready`, whose
/// detail says which failed.
pub(crate) async fn ready(State(state): State<AppState>) -> Response {
    let store = state.store();
    let checked = tokio::task::spawn_blocking(move || store.ready()).await;
    match checked {
        Ok(Ok(())) => "ready".into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready");
            let detail = if e.is_full() {
                "the database cannot take a write: the disk is full; reading still works; free space on the data file's disk".to_owned()
            } else {
                "the database does not answer a query or take a write (the log says why)".to_owned()
            };
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not-ready",
                "Not ready",
                detail,
            )
            .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "the readiness check failed");
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not-ready",
                "Not ready",
                "the readiness check failed",
            )
            .into_response()
        }
    }
}
