//! The handlers that read, start and delete sessions, and list what can
//! be run.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::request::{CreateSession, LangQuery, ListQuery, ResultQuery};
use super::response::{OutcomeDoc, QuestionnaireList, RecordingDoc, SessionList, SessionState};
use super::view::{questionnaire_list, session_list, shown};
use crate::AppState;
use crate::access::Principal;
use crate::problem::{ApiJson, Problem};
use crate::service;

/// Lists the questionnaires and their versions.
#[utoipa::path(
    get, path = "/api/v1/questionnaires", tag = "questionnaires",
    responses(
        (status = 200, description = "Every questionnaire and version", body = QuestionnaireList),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn list_questionnaires(
    State(state): State<AppState>,
    _who: Principal,
) -> Json<QuestionnaireList> {
    Json(questionnaire_list(state.registry()))
}

/// Starts a session.
#[utoipa::path(
    post, path = "/api/v1/sessions", tag = "sessions",
    request_body = CreateSession,
    responses(
        (status = 201, description = "The new session; `Location` names it", body = SessionState),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown questionnaire, version or language", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn create_session(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<CreateSession>,
) -> Result<impl IntoResponse, Problem> {
    let live = service::create(&state, &who, &body.questionnaire, body.language.as_deref()).await?;
    let mut headers = HeaderMap::new();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/sessions/{}", live.row.id)) {
        headers.insert(header::LOCATION, location);
    }
    Ok((StatusCode::CREATED, headers, shown(&live, None)))
}

/// Lists the caller's sessions (every tenant's for the admin token), a
/// page at a time: follow `next` until it is `null`. Sessions created
/// meanwhile come before the first page, so paging on sees every older
/// session once.
#[utoipa::path(
    get, path = "/api/v1/sessions", tag = "sessions",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of sessions, newest first", body = SessionList),
        (status = 400, description = "`limit` out of range, or a `cursor` this server did not give", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn list_sessions(
    State(state): State<AppState>,
    who: Principal,
    Query(q): Query<ListQuery>,
) -> Result<Json<SessionList>, Problem> {
    let (limit, after) = (q.limit()?, q.cursor()?);
    // One more than the page, to know whether there is a next one.
    let rows = service::list(&state, &who, after, limit + 1).await?;
    Ok(Json(session_list(rows, limit)))
}

/// Gets a session: the next item with its texts, progress, information
/// texts before it, and the immediate triggers that hold.
#[utoipa::path(
    get, path = "/api/v1/sessions/{id}", tag = "sessions",
    params(("id" = String, Path, description = "Session id"), LangQuery),
    responses(
        (status = 200, description = "The session", body = SessionState),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn get_session(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Json<SessionState>, Problem> {
    let live = service::load(&state, &who, &id).await?;
    Ok(shown(&live, q.lang.as_deref()))
}

/// Gets the result: answers that count (without the values of answers
/// kept only for the conversation), derived values, scores with bands,
/// and fired triggers, most urgent first, with their evidence. Once
/// closed, the stored record: the same shape, with only what is kept
/// (no conversation-only question at all, not even as answered). With
/// `check=true` it also has `counterfactual`: the session replayed with
/// every other response to each protected item (gender), and what that
/// changes (`verdict` `no_difference` for every questionnaire that loads).
#[utoipa::path(
    get, path = "/api/v1/sessions/{id}/result", tag = "sessions",
    params(("id" = String, Path, description = "Session id"), ResultQuery),
    responses(
        (status = 200, description = "The result (once closed, the stored record); with `check=true`, a `CheckedOutcome`: the same with `counterfactual` (once closed, the check stored at closing)", body = OutcomeDoc),
        (status = 400, description = "`check` is not `true` or `false`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`check=true` on a closed session without a stored check (it could reveal answers that are not kept, or an older server closed it) whose log was deleted", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn get_result(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<ResultQuery>,
) -> Result<Response, Problem> {
    let check = match q.check.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(Problem::invalid_query("`check` is `true` or `false`")),
    };
    let live = service::load(&state, &who, &id).await?;
    let lang = live.language(q.lang.as_deref());
    // A closed session's stored result has the check; asked without it,
    // the result is the same as while the session was open.
    Ok(if check {
        Json(service::checked_result(&live, &lang)?).into_response()
    } else {
        Json(live.result(&lang)).into_response()
    })
}

/// Gets the recording: the log pinned to the definition, with event
/// times and the result, replayable with the core (`vidare::Recording`).
/// While open, it holds every answer, including those kept only for the
/// conversation. Once closed it is gone (410) when the questionnaire has
/// parts that are not kept, whose log closing deleted; otherwise the log
/// is whole and holds nothing that is not kept, and it is sent.
#[utoipa::path(
    get, path = "/api/v1/sessions/{id}/recording", tag = "sessions",
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "The recording", body = RecordingDoc),
        (status = 410, description = "Closed, and the questionnaire has parts that are not kept after the conversation: closing deleted the log", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn get_recording(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<vidare::Recording>, Problem> {
    let live = service::load(&state, &who, &id).await?;
    let times = live.events.iter().map(|e| e.at.clone());
    let mut recording = match &live.session {
        Some(session) => session.record(),
        None => service::closed_recording(&live)?,
    };
    for (event, at) in recording.events.iter_mut().zip(times) {
        event.at = Some(at).filter(|a| !a.is_empty());
    }
    Ok(Json(recording))
}

/// Deletes a session and its log.
#[utoipa::path(
    delete, path = "/api/v1/sessions/{id}", tag = "sessions",
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 204, description = "Deleted"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn delete_session(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    service::delete(&state, &who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
