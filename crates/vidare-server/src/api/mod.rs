//! The JSON API under `/api/v1`: questionnaires, sessions and their steps.
//!
//! Every write carries `expected_events`, the event count the client last
//! saw (`events` in [`SessionState`]); a stale count is refused with 409,
//! so two tabs never silently overwrite each other. Errors are
//! [`Problem`](crate::Problem)s.
//!
//! What clients send is in `request`, what they get in `response`; `view`
//! builds the responses from the core's types, and the handlers are in
//! `sessions` (reading, starting, deleting) and `steps` (the writes of an
//! interview, which share one path).

mod request;
mod response;
pub(crate) mod sessions;
pub(crate) mod steps;
mod view;

use axum::Router;
use axum::routing::{get, post};

pub use request::{
    AnswerBody, AnswerValue, ChangeBody, CreateSession, DEFAULT_PAGE, ExpectedBody, ItemBody,
    LangQuery, ListQuery, MAX_PAGE, ResponseBody, ResultQuery,
};
pub use response::{
    EndView, EvidenceView, InfoText, ItemKindName, ItemView, OptionView, OutcomeDoc, Progress,
    QuestionnaireInfo, QuestionnaireList, RecordingDoc, ResponseView, ScaleLabel, SessionList,
    SessionState, SessionSummary, Status, TriggerUrgency, TriggerView, VersionInfo,
};
pub(crate) use view::{questionnaire_list, state_view, trigger_view};

use crate::AppState;

pub(crate) fn router() -> Router<AppState> {
    use sessions::{
        create_session, delete_session, get_recording, get_result, get_session,
        list_questionnaires, list_sessions,
    };
    use steps::{answer, back, change, close, decline, dont_know, skip};
    Router::new()
        .route("/api/v1/questionnaires", get(list_questionnaires))
        .route("/api/v1/sessions", post(create_session).get(list_sessions))
        .route(
            "/api/v1/sessions/{id}",
            get(get_session).delete(delete_session),
        )
        .route("/api/v1/sessions/{id}/answer", post(answer))
        .route("/api/v1/sessions/{id}/decline", post(decline))
        .route("/api/v1/sessions/{id}/dont-know", post(dont_know))
        .route("/api/v1/sessions/{id}/skip", post(skip))
        .route("/api/v1/sessions/{id}/change", post(change))
        .route("/api/v1/sessions/{id}/back", post(back))
        .route("/api/v1/sessions/{id}/close", post(close))
        .route("/api/v1/sessions/{id}/result", get(get_result))
        .route("/api/v1/sessions/{id}/recording", get(get_recording))
}
