//! The writes of an interview: answer, decline, "don't know", skip,
//! change, back and close. Each reads the same request (the caller, the
//! session, the language, a body with `expected_events`), applies one
//! step and answers with the session's state; they differ only in the
//! step their body makes.

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::request::{AnswerBody, ChangeBody, ExpectedBody, ItemBody, LangQuery};
use super::response::SessionState;
use super::view::shown;
use crate::AppState;
use crate::access::Principal;
use crate::problem::{ApiJson, Problem};
use crate::service::{self, Action};

/// What every step reads, in the order of the handlers' extractors
/// before: the caller (401 first), the session id, the language, and
/// then the JSON body, so that a refused request is refused as before.
pub(crate) struct StepRequest<B> {
    state: AppState,
    who: Principal,
    id: String,
    lang: Option<String>,
    body: B,
}

impl<B: DeserializeOwned> FromRequest<AppState> for StepRequest<B> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let who = Principal::from_request_parts(&mut parts, state).await?;
        let Path(id) = Path::<String>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(LangQuery { lang }) = Query::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let ApiJson(body) = ApiJson::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(StepRequest {
            state: state.clone(),
            who,
            id,
            lang,
            body,
        })
    }
}

impl<B> StepRequest<B> {
    /// Applies the step the body makes (with the event count it expects),
    /// and shows the session once the step is committed.
    async fn take(
        self,
        step: impl FnOnce(B) -> (u64, Action),
    ) -> Result<Json<SessionState>, Problem> {
        let (expected, action) = step(self.body);
        let live = service::act(&self.state, &self.who, &self.id, expected, action).await?;
        Ok(shown(&live, self.lang.as_deref()))
    }
}

/// Declares a step endpoint: its handler, which reads the request with
/// [`StepRequest`] and makes the step the closure builds from the body,
/// and its operation in the OpenAPI document, whose statuses differ only
/// in what they say (409 and 422 are left out where they cannot happen).
macro_rules! step_endpoint {
    (
        $(#[$doc:meta])*
        $name:ident: $path:tt, $body:ty,
        ok: $ok:tt,
        conflict: $conflict:tt,
        $(unfit: $unfit:tt,)?
        step: $step:expr $(,)?
    ) => {
        $(#[$doc])*
        #[utoipa::path(
            post, path = $path, tag = "steps",
            params(("id" = String, Path, description = "Session id"), LangQuery),
            request_body = $body,
            responses(
                (status = 200, description = $ok, body = SessionState),
                (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = $conflict, body = Problem, content_type = "application/problem+json"),
                $((status = 422, description = $unfit, body = Problem, content_type = "application/problem+json"),)?
            ),
            security(("bearer" = []))
        )]
        pub(crate) async fn $name(step: StepRequest<$body>) -> Result<Json<SessionState>, Problem> {
            step.take($step).await
        }
    };
}

step_endpoint! {
    /// Answers the current item.
    answer: "/api/v1/sessions/{id}/answer", AnswerBody,
    ok: "The session after the answer, committed",
    conflict: "Stale `expected_events`, the interview is finished, the item already has a response, or the session is closed",
    unfit: "Unknown, hidden or not current item, or an answer that does not fit",
    step: |body: AnswerBody| {
        let (item, response) = (body.item, vidare::Response::Answer(body.value.into()));
        (body.expected_events, Action::Respond { item, response })
    }
}

step_endpoint! {
    /// Records "prefer not to answer" for the current item.
    decline: "/api/v1/sessions/{id}/decline", ItemBody,
    ok: "The session after the step, committed",
    conflict: "Stale `expected_events`, finished, or closed",
    unfit: "Unknown, hidden or not current item, or declining is not offered",
    step: |body: ItemBody| body.respond(vidare::Response::Declined)
}

step_endpoint! {
    /// Records "don't know" for the current item.
    dont_know: "/api/v1/sessions/{id}/dont-know", ItemBody,
    ok: "The session after the step, committed",
    conflict: "Stale `expected_events`, finished, or closed",
    unfit: "Unknown, hidden or not current item, or \"don't know\" is not offered",
    step: |body: ItemBody| body.respond(vidare::Response::DontKnow)
}

step_endpoint! {
    /// Passes over the current item if it is optional.
    skip: "/api/v1/sessions/{id}/skip", ItemBody,
    ok: "The session after the step, committed",
    conflict: "Stale `expected_events`, finished, or closed",
    unfit: "Unknown, hidden or not current item, or the item is required",
    step: |body: ItemBody| body.respond(vidare::Response::Skipped)
}

step_endpoint! {
    /// Replaces the response to an earlier item; everything after it is
    /// re-evaluated, and items shown again are asked again.
    change: "/api/v1/sessions/{id}/change", ChangeBody,
    ok: "The session after the change, committed",
    conflict: "Stale `expected_events`, or closed",
    unfit: "Unknown or hidden item, no response to change, or a response that does not fit",
    step: |body: ChangeBody| {
        let (item, response) = (body.item, body.response.into());
        (body.expected_events, Action::Change { item, response })
    }
}

step_endpoint! {
    /// Goes back one question: withdraws the last response before the
    /// current item, which is then asked again.
    back: "/api/v1/sessions/{id}/back", ExpectedBody,
    ok: "The session after going back, committed",
    conflict: "Stale `expected_events`, nothing to go back to, or closed",
    step: |body: ExpectedBody| (body.expected_events, Action::Back)
}

/// Closes the session: only its stored record is kept, in every language
/// (`vidare::StoredRecord`: no trace of an answer kept only for the
/// conversation, nor of a part that could reveal one without the
/// questionnaire saying so). When the questionnaire has parts that are not
/// kept, the whole event log is deleted. The session becomes read-only,
/// and its counts go to the aggregate statistics in batches.
#[utoipa::path(
    post, path = "/api/v1/sessions/{id}/close", tag = "steps",
    params(("id" = String, Path, description = "Session id"), LangQuery),
    request_body = ExpectedBody,
    responses(
        (status = 200, description = "The closed session", body = SessionState),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `expected_events`, or already closed", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn close(step: StepRequest<ExpectedBody>) -> Result<Json<SessionState>, Problem> {
    let StepRequest {
        state,
        who,
        id,
        lang,
        body,
    } = step;
    let live = service::close(&state, &who, &id, body.expected_events).await?;
    Ok(shown(&live, lang.as_deref()))
}
