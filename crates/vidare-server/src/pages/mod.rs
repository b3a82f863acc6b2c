//! The web page: server-rendered HTML that works without JavaScript
//! (forms and POST-redirect-GET), one item per page. A small script only
//! adds the quick exit's history handling and keeps the interview in one
//! browser history entry. Every text is escaped by `maud`.
//!
//! No address holds a session id: the open interview is named by a cookie
//! (and by a hidden field of each form, so that a form acts on the
//! interview it shows), and every page is titled "Vidare".

mod guard;
mod render;
mod tongue;
mod ui;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::AppState;
use crate::access::{Principal, authenticate_request, bearer};
use crate::problem::Problem;
use crate::service::{self, Action};

/// The login cookie: a random id of a login the server keeps (see
/// `access::Logins`), never the token.
const COOKIE: &str = "vidare_login";

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(start_page))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/exit", get(quick_exit))
        .route("/interview/new", post(create))
        .route("/interview/resume", post(resume))
        .route("/interview", get(interview_page).post(step))
        .route("/interview/result", get(result_page))
        .route("/interview/close", post(close))
        .route("/interview/delete", post(delete))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}

/// Headers of every page: no caching (the pages hold answers), no
/// referrer, no framing, and only our own script and style.
fn page(status: StatusCode, markup: maud::Markup) -> Response {
    let mut response = (status, markup).into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    response
}

fn see_other(location: &str) -> Response {
    // A location with a control character cannot be sent: the request
    // that led here held one (a new line in a path), and is refused.
    if HeaderValue::from_str(location).is_err() || location.chars().any(char::is_control) {
        return Problem::invalid_request(
            "the address holds a control character (such as a new line), which no link holds",
        )
        .into_response();
    }
    let mut response = Redirect::to(location).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The caller of a page: the bearer token, or the login cookie; without
/// one (in token mode) the browser is sent to the login form.
pub(crate) struct PageUser(Principal);

fn login_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, value)| {
            form_urlencoded::parse(format!("t={value}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
        })
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        if state.access().is_local()
            && let Ok(principal) = state.access().authenticate(None)
        {
            return Ok(PageUser(principal));
        }
        if let Some(token) = bearer(parts) {
            match authenticate_request(state, &parts.extensions, Some(token)) {
                Ok(principal) => return Ok(PageUser(principal)),
                Err(throttled) if throttled.status() == StatusCode::TOO_MANY_REQUESTS => {
                    return Err(throttled);
                }
                Err(_) => {}
            }
        } else if let Some(principal) =
            login_cookie(&parts.headers).and_then(|id| state.logins().get(&id))
        {
            return Ok(PageUser(principal));
        }
        let next = parts
            .uri
            .path_and_query()
            .map_or("/", axum::http::uri::PathAndQuery::as_str);
        Err(see_other(&format!("/login?next={}", encode(next))))
    }
}

fn forbidden(lang: &str) -> Response {
    let ui = ui::ui(lang);
    page(
        StatusCode::FORBIDDEN,
        render::message(ui, "/", ui.forbidden),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct PageQuery {
    lang: Option<String>,
    problem: Option<String>,
}

fn page_lang(q: &PageQuery) -> &'static str {
    ui::ui(q.lang.as_deref().unwrap_or("sv")).lang
}

/// Maps a problem from a step to the `?problem=` of the redirect, or to a
/// page of its own for problems no redirect can show.
fn problem_page(p: &Problem, lang: &str) -> Response {
    let ui = ui::ui(lang);
    match p.status {
        404 => page(
            StatusCode::NOT_FOUND,
            render::message(ui, "/", ui.not_found),
        ),
        _ => page(
            StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            render::message(ui, "/", &p.detail),
        ),
    }
}

async fn start_page(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    form: guard::FormToken,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = page_lang(&q);
    let ui = ui::ui(lang);
    let list = crate::api::questionnaire_list(state.registry());
    let markup = render::start(ui, &state, form.token(), &list, &who, q.problem.as_deref());
    form.finish(page(StatusCode::OK, markup))
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
    error: Option<String>,
    lang: Option<String>,
}

/// Where to go after the login: a path on this site, else `/`.
///
/// Only a path that starts with exactly one `/` and holds nothing but
/// visible ASCII other than `\` is taken: browsers read `/\host` and
/// `//host` as another site, and drop tabs and new lines first, so that
/// `/\t/host` is `//host`. A control character is refused outright (400),
/// since no link this site makes has one.
///
/// # Errors
/// A 400 problem when `next` holds a control character.
fn local_path(next: Option<&str>) -> Result<&str, Response> {
    let Some(next) = next else { return Ok("/") };
    if next.chars().any(char::is_control) {
        return Err(Problem::invalid_request(
            "`next` holds a control character (such as a new line or a tab), which no link holds",
        )
        .into_response());
    }
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && next.parse::<axum::http::uri::PathAndQuery>().is_ok();
    Ok(if local { next } else { "/" })
}

async fn login_page(
    State(state): State<AppState>,
    form: guard::FormToken,
    Query(q): Query<LoginQuery>,
) -> Response {
    let ui = ui::ui(q.lang.as_deref().unwrap_or("sv"));
    let next = match local_path(q.next.as_deref()) {
        Ok(next) => next,
        Err(refused) => return refused,
    };
    let markup = render::login(ui, &state, form.token(), next, q.error.is_some());
    form.finish(page(
        if q.error.is_some() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::OK
        },
        markup,
    ))
}

fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Checks the token (through the throttle) and starts a login: the
/// cookie holds a random id, which the server maps to the tenant until it
/// expires or the user logs out.
async fn login(
    State(state): State<AppState>,
    extensions: Extensions,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = form_fields(&body);
    let lang = ui::ui(field(&fields, "lang").unwrap_or("sv")).lang;
    if guard::refused(&headers, &fields) {
        return forbidden(lang);
    }
    let next = match local_path(field(&fields, "next")) {
        Ok(next) => next.to_owned(),
        Err(refused) => return refused,
    };
    if state.access().is_local() {
        return see_other(&next);
    }
    let token = field(&fields, "token").map(str::trim).unwrap_or_default();
    let principal = match authenticate_request(&state, &extensions, Some(token)) {
        Ok(principal) => principal,
        Err(throttled) if throttled.status() == StatusCode::TOO_MANY_REQUESTS => {
            let ui = ui::ui(lang);
            let mut response = page(
                StatusCode::TOO_MANY_REQUESTS,
                render::message(ui, &format!("/login?lang={lang}"), ui.too_many_attempts),
            );
            if let Some(wait) = throttled.headers().get(header::RETRY_AFTER) {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, wait.clone());
            }
            return response;
        }
        Err(_) => {
            return see_other(&format!(
                "/login?error=1&lang={lang}&next={}",
                encode(&next)
            ));
        }
    };
    let id = match state.logins().start(principal) {
        Ok(id) => id,
        Err(problem) => return problem.into_response(),
    };
    let secure = if state.options().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        state.logins().ttl().as_secs()
    );
    let mut response = see_other(&next);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Ends the login on the server (the id in the cookie no longer works,
/// wherever a copy of it is) and clears the cookie.
async fn logout(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if guard::refused(&headers, &form_fields(&body)) {
        return forbidden("sv");
    }
    if let Some(id) = login_cookie(&headers) {
        state.logins().end(&id);
    }
    let mut response = see_other("/login");
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("vidare_login=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    response
}

/// Leaves for the quick-exit site, forgetting the open interview on the
/// way, so that reopening an address of the page shows nothing of it.
async fn quick_exit(State(state): State<AppState>) -> Response {
    guard::forget_interview(see_other(&state.options().quick_exit_url))
}

/// A page that says no interview is open here (none, or one forgotten).
fn no_interview(lang: &str) -> Response {
    let ui = ui::ui(lang);
    page(
        StatusCode::NOT_FOUND,
        render::message(ui, &format!("/?lang={lang}"), ui.no_interview),
    )
}

/// Redirects to `to` with `id` as the browser's open interview.
fn to_interview(state: &AppState, id: &str, to: &str) -> Response {
    guard::open_interview(see_other(to), state, id)
}

/// Takes a pasted link or code of an interview and opens it.
async fn resume(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = form_fields(&body);
    let lang = ui::ui(field(&fields, "lang").unwrap_or("sv")).lang;
    if guard::refused(&headers, &fields) {
        return forbidden(lang);
    }
    let id = field(&fields, "link")
        .unwrap_or_default()
        .split(['/', '?', '#'])
        .map(str::trim)
        .find(|part| service::valid_id(part));
    match id {
        Some(id) if service::load(&state, &who, id).await.is_ok() => {
            guard::forget_person(to_interview(&state, id, &format!("/interview?lang={lang}")))
        }
        _ => see_other(&format!("/?lang={lang}&problem=unknown-session")),
    }
}

async fn create(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = form_fields(&body);
    let lang = ui::ui(field(&fields, "lang").unwrap_or("sv")).lang;
    if guard::refused(&headers, &fields) {
        return forbidden(lang);
    }
    let spec = field(&fields, "questionnaire").unwrap_or_default();
    // Interpreter mode: the person's language, if another than the
    // practitioner's and one the questionnaire has.
    let person = field(&fields, "person")
        .map(str::trim)
        .filter(|p| !p.is_empty() && *p != lang);
    if let (Some(p), Ok(q)) = (person, state.registry().resolve(spec))
        && !q.languages().iter().any(|l| l == p)
    {
        return see_other(&format!("/?lang={lang}&problem=unknown-person-language"));
    }
    match service::create(&state, &who, spec, Some(lang)).await {
        Ok(live) => {
            let to = to_interview(&state, &live.row.id, &format!("/interview?lang={lang}"));
            match person {
                Some(p) => guard::set_person(to, &state, p),
                None => guard::forget_person(to),
            }
        }
        Err(p) if p.status == 422 => see_other(&format!("/?lang={lang}&problem={}", p.kind())),
        Err(p) => problem_page(&p, lang),
    }
}

/// The answer given to `item` before the person went back to it, to show
/// it chosen again: the latest response in the log that answered it.
fn earlier_answer(session: &vidare::Session, item: &str) -> Option<vidare::Value> {
    session
        .events()
        .iter()
        .rev()
        .filter(|e| e.item() == item)
        .find_map(|e| match e {
            vidare::Event::Respond { response, .. } | vidare::Event::Change { response, .. } => {
                Some(response)
            }
            vidare::Event::Back { .. } => None,
        })
        .and_then(|r| match r {
            vidare::Response::Answer(value) => Some(value.clone()),
            _ => None,
        })
}

/// The interview the browser's cookie names, or the page to show instead:
/// none is open, it is gone (the cookie is then forgotten), or it could
/// not be read.
async fn open_interview(
    state: &AppState,
    who: &Principal,
    headers: &HeaderMap,
    q: &PageQuery,
) -> Result<service::Live, Response> {
    let Some(id) = guard::interview(headers) else {
        return Err(no_interview(page_lang(q)));
    };
    match service::load(state, who, &id).await {
        Ok(live) => Ok(live),
        Err(p) if p.status == 404 => Err(guard::forget_interview(no_interview(page_lang(q)))),
        Err(p) => Err(problem_page(&p, page_lang(q))),
    }
}

async fn interview_page(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    form: guard::FormToken,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let live = match open_interview(&state, &who, &headers, &q).await {
        Ok(live) => live,
        Err(page) => return page,
    };
    let lang = live.language(q.lang.as_deref());
    let Some(session) = &live.session else {
        return see_other(&format!("/interview/result?lang={lang}"));
    };
    let view = crate::api::state_view(&live, &lang);
    let earlier = view
        .next
        .as_ref()
        .and_then(|item| earlier_answer(session, &item.id));
    let outcome: Option<vidare::Outcome> = live.result(&lang);
    let ui = ui::ui(&lang);
    let person_lang = guard::person(&headers)
        .filter(|p| *p != lang && live.questionnaire.languages().iter().any(|l| l == p));
    let person_view = person_lang
        .as_deref()
        .map(|p| crate::api::state_view(&live, p));
    let person = person_lang
        .as_deref()
        .zip(person_view.as_ref())
        .map(|(p, view)| render::Person {
            tongue: tongue::Tongue::of(p),
            view,
            phrases: tongue::phrases(p, ui),
            checked: tongue::status(&live.questionnaire, p),
        });
    let markup = render::interview(
        ui,
        form.token(),
        &live.questionnaire,
        &view,
        outcome.as_ref(),
        earlier.as_ref(),
        q.problem.as_deref(),
        person.as_ref(),
    );
    form.finish(page(StatusCode::OK, markup))
}

/// Turns the form's `value` fields into an answer for an item of `kind`;
/// `Err` names the problem shown on the page.
fn form_answer(
    kind: vidare::format::ItemKind,
    fields: &[(String, String)],
) -> Result<vidare::Value, &'static str> {
    use vidare::format::ItemKind as K;
    let values: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "value")
        .map(|(_, v)| v.as_str())
        .collect();
    let first = values.first().map(|v| v.trim()).filter(|v| !v.is_empty());
    match kind {
        K::YesNo => match first {
            Some("yes") => Ok(vidare::Value::Bool(true)),
            Some("no") => Ok(vidare::Value::Bool(false)),
            Some(_) => Err("invalid-answer"),
            None => Err("missing-answer"),
        },
        K::SingleChoice | K::Date => first
            .map(|v| vidare::Value::Text((*v).into()))
            .ok_or("missing-answer"),
        K::Text => values
            .first()
            .filter(|v| !v.trim().is_empty())
            .map(|v| vidare::Value::Text((*v).into()))
            .ok_or("missing-answer"),
        K::MultipleChoice => {
            if values.is_empty() {
                Err("missing-answer")
            } else {
                Ok(vidare::Value::List(
                    values.iter().map(|v| (*v).into()).collect(),
                ))
            }
        }
        K::Scale | K::Number => {
            let text = first.ok_or("missing-answer")?;
            text.replace(',', ".")
                .parse::<f64>()
                .map(vidare::Value::Number)
                .map_err(|_| "invalid-answer")
        }
        K::Info => Err("invalid-answer"),
    }
}

/// The interview a form acts on: its hidden `session` field.
fn form_session(fields: &[(String, String)]) -> Option<String> {
    field(fields, "session")
        .filter(|id| service::valid_id(id))
        .map(str::to_owned)
}

async fn step(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = form_fields(&body);
    let lang = ui::ui(field(&fields, "lang").unwrap_or("sv")).lang;
    if guard::refused(&headers, &fields) {
        return forbidden(lang);
    }
    let Some(id) = form_session(&fields) else {
        return no_interview(lang);
    };
    let here = format!("/interview?lang={lang}");
    let again = |kind: &str| to_interview(&state, &id, &format!("{here}&problem={kind}"));
    let Some(expected) = field(&fields, "expected_events").and_then(|e| e.parse::<u64>().ok())
    else {
        return again("stale");
    };
    let item = field(&fields, "item").unwrap_or_default().to_owned();
    let choice = field(&fields, "action").unwrap_or("answer").to_owned();
    let build = move |q: &vidare::Questionnaire| -> Result<Action, Problem> {
        let respond = |response| Action::Respond {
            item: item.clone(),
            response,
        };
        Ok(match choice.as_str() {
            "back" => Action::Back,
            "decline" => respond(vidare::Response::Declined),
            "dont_know" => respond(vidare::Response::DontKnow),
            "skip" => respond(vidare::Response::Skipped),
            _ => {
                // An unknown item is left for the core to refuse.
                let kind = q
                    .item(&item)
                    .map_or(vidare::format::ItemKind::Text, |i| i.kind());
                let value = form_answer(kind, &fields).map_err(|kind| {
                    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, kind, "No answer", "")
                })?;
                respond(vidare::Response::Answer(value))
            }
        })
    };
    match service::act_with(&state, &who, &id, expected, build).await {
        Ok(_) => to_interview(&state, &id, &here),
        Err(p) if p.status == 404 => guard::forget_interview(no_interview(lang)),
        Err(p) if p.status >= 500 => problem_page(&p, lang),
        Err(p) => again(p.kind()),
    }
}

async fn result_page(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    form: guard::FormToken,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let live = match open_interview(&state, &who, &headers, &q).await {
        Ok(live) => live,
        Err(page) => return page,
    };
    let lang = live.language(q.lang.as_deref());
    let view = crate::api::state_view(&live, &lang);
    let outcome: Option<vidare::Outcome> = live.result(&lang);
    let markup = render::result(
        ui::ui(&lang),
        form.token(),
        &live.questionnaire,
        &view,
        outcome.as_ref(),
        q.problem.as_deref(),
    );
    form.finish(page(StatusCode::OK, markup))
}

async fn close(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = form_fields(&body);
    let lang = ui::ui(field(&fields, "lang").unwrap_or("sv")).lang;
    if guard::refused(&headers, &fields) {
        return forbidden(lang);
    }
    let Some(id) = form_session(&fields) else {
        return no_interview(lang);
    };
    let expected = field(&fields, "expected_events")
        .and_then(|e| e.parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    let result = format!("/interview/result?lang={lang}");
    match service::close(&state, &who, &id, expected).await {
        Ok(_) => to_interview(&state, &id, &result),
        Err(p) if p.status == 409 => {
            to_interview(&state, &id, &format!("{result}&problem={}", p.kind()))
        }
        Err(p) => problem_page(&p, lang),
    }
}

/// Deletes a session once the form says it is confirmed; without that, it
/// answers with the question whether to delete (a form that confirms).
async fn delete(
    State(state): State<AppState>,
    PageUser(who): PageUser,
    form: guard::FormToken,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = form_fields(&body);
    let lang = ui::ui(field(&fields, "lang").unwrap_or("sv")).lang;
    if guard::refused(&headers, &fields) {
        return forbidden(lang);
    }
    let Some(id) = form_session(&fields) else {
        return no_interview(lang);
    };
    if field(&fields, "confirm") != Some("yes") {
        // The session must be there (and the caller's) to be asked about.
        if let Err(p) = service::load(&state, &who, &id).await {
            return problem_page(&p, lang);
        }
        let markup = render::confirm_delete(ui::ui(lang), form.token(), &id);
        return guard::open_interview(form.finish(page(StatusCode::OK, markup)), &state, &id);
    }
    match service::delete(&state, &who, &id).await {
        Ok(()) => guard::forget_interview(see_other(&format!("/?lang={lang}"))),
        Err(p) => problem_page(&p, lang),
    }
}

async fn css() -> Response {
    static_file("text/css; charset=utf-8", include_str!("app.css"))
}

async fn js() -> Response {
    static_file("text/javascript; charset=utf-8", include_str!("app.js"))
}

fn static_file(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=300"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
