//! The glue between requests and the core: load a session's log from the
//! store, rebuild the session with [`vidare::Session::resume`], apply one
//! step, and commit the new event before answering.

use std::time::Duration;

use vidare::{Questionnaire, Response, Session, questionnaire::PartKind};

use vidare::analysis::CheckedOutcome;

use crate::AppState;
use crate::access::Principal;
use crate::kept::{self, Kept};
use crate::problem::Problem;
use crate::store::{ListCursor, NewSession, SessionRow, Store, StoreError, StoredEvent};

/// A session as a request sees it: its metadata, its questionnaire, and
/// either the running session or, once closed, nothing but the stored result.
#[derive(Clone)]
pub(crate) struct Live {
    pub row: SessionRow,
    pub questionnaire: Questionnaire,
    /// `None` once closed: the log no longer replays.
    pub session: Option<Session>,
    pub events: Vec<StoredEvent>,
}

impl Live {
    /// The language to show: `requested` if the questionnaire has it,
    /// else the one chosen at the start.
    pub fn language(&self, requested: Option<&str>) -> String {
        requested
            .filter(|l| self.questionnaire.languages().iter().any(|x| x == l))
            .unwrap_or(&self.row.language)
            .to_owned()
    }

    /// The result in `lang`: computed while open, the stored one once
    /// closed (`None` when what is stored does not read).
    pub fn result(&self, lang: &str) -> Option<vidare::Outcome> {
        match &self.session {
            Some(session) => Some(session.result_in(lang).into_outcome()),
            None => self.kept(lang).map(|kept| kept.record.into()),
        }
    }

    /// What closing kept in `lang`: `None` while open, and, logged, when
    /// what is stored does not read.
    pub fn kept(&self, lang: &str) -> Option<Kept> {
        let closed = self.row.closed.as_ref()?;
        kept::read(closed, lang, &self.row.language)
            .map_err(|e| {
                // The error's text may quote the stored record: only its class.
                tracing::error!(session = %self.row.id, category = ?e.classify(), "a stored result does not parse");
            })
            .ok()
    }
}

/// One step of an interview.
#[derive(Debug, Clone)]
pub(crate) enum Action {
    /// Give the current item a response.
    Respond { item: String, response: Response },
    /// Replace an earlier response.
    Change { item: String, response: Response },
    /// Go back one question.
    Back,
}

/// A store error as the problem a client gets (logged when it is the
/// server's).
pub(crate) fn store_problem(e: StoreError) -> Problem {
    if e.is_full() {
        tracing::error!(error = %e, "storage is full");
        return Problem::new(
            axum::http::StatusCode::INSUFFICIENT_STORAGE,
            "storage-full",
            "The server's storage is full",
            "the server cannot store anything more: the disk that holds its data is full. \
             Nothing was changed and reading still works; try again once an administrator has freed space",
        );
    }
    match e {
        StoreError::NotFound => Problem::unknown_session(),
        StoreError::Stale { expected, actual } => Problem::stale(expected, actual),
        StoreError::Closed => Problem::closed(),
        StoreError::Backend(message) => {
            tracing::error!(error = %message, "storage failed");
            Problem::internal()
        }
        StoreError::Unavailable(message) => {
            tracing::warn!(error = %message, "storage unavailable");
            Problem::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "storage-unavailable",
                "The database cannot be reached",
                "the server cannot reach its database just now. Nothing was changed, unless the connection was lost \
                 while an answer was being committed: retry the same request, which is refused with 409 stale if it was",
            )
        }
    }
}

/// Runs a store call on a blocking thread.
async fn blocking<T, F>(state: &AppState, f: F) -> Result<T, Problem>
where
    T: Send + 'static,
    F: FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
{
    let store = state.store();
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "a storage task failed");
            Problem::internal()
        })?
        .map_err(store_problem)
}

/// Session ids are 32 lowercase hex digits; anything else is not found.
pub(crate) fn valid_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn questionnaire_for(state: &AppState, row: &SessionRow) -> Result<Questionnaire, Problem> {
    let q = state
        .registry()
        .get(&row.questionnaire, &row.version)
        .map_err(|e| {
            tracing::error!(session = %row.id, error = %e, "the session's questionnaire is not loaded");
            Problem::internal()
        })?;
    if !q.is_pinned_by(&row.digest) {
        tracing::error!(
            session = %row.id,
            questionnaire = %row.questionnaire,
            version = %row.version,
            "the questionnaire's digest differs from the one the session started on"
        );
        return Err(Problem::from(&vidare::Error::DigestMismatch {
            id: row.questionnaire.clone(),
            version: row.version.clone(),
            recorded: row.digest.clone(),
            actual: q.digest().to_owned(),
        }));
    }
    Ok(q.clone())
}

/// Loads a session in the caller's scope and rebuilds it from its log.
pub(crate) async fn load(state: &AppState, who: &Principal, id: &str) -> Result<Live, Problem> {
    if !valid_id(id) {
        return Err(Problem::unknown_session());
    }
    let (scope, id_owned) = (who.scope().map(str::to_owned), id.to_owned());
    let stored = blocking(state, move |s| s.load(scope.as_deref(), &id_owned)).await?;
    live_from(state, stored)
}

/// Rebuilds a loaded session from its log (nothing once closed).
fn live_from(state: &AppState, stored: crate::store::Stored) -> Result<Live, Problem> {
    let row = stored.session;
    let questionnaire = questionnaire_for(state, &row)?;
    let session = if row.closed.is_some() {
        None
    } else {
        let events = stored.events.iter().map(|e| e.event.clone());
        Some(Session::resume(&questionnaire, events).map_err(|e| {
            tracing::error!(session = %row.id, error = %e, "the stored log does not replay");
            Problem::internal()
        })?)
    };
    Ok(Live {
        row,
        questionnaire,
        session,
        events: stored.events,
    })
}

/// Starts a session on `spec` (`id@version`, or `id` for the latest).
pub(crate) async fn create(
    state: &AppState,
    who: &Principal,
    spec: &str,
    language: Option<&str>,
) -> Result<Live, Problem> {
    let q = state
        .registry()
        .resolve(spec)
        .map_err(|e| Problem::from(&e))?
        .clone();
    let language = language_of(&q, language)?;
    let new = NewSession {
        id: crate::access::random_hex(16)?,
        tenant: who.tenant.clone(),
        questionnaire: q.id().to_owned(),
        version: q.version().to_owned(),
        digest: q.digest().to_owned(),
        language,
    };
    let row = blocking(state, move |s| s.create(&new)).await?;
    tracing::info!(session = %row.id, tenant = %row.tenant, questionnaire = %row.questionnaire, version = %row.version, "session created");
    let live = Live {
        row,
        session: Some(Session::new(&q)),
        questionnaire: q,
        events: Vec::new(),
    };
    state.live_cache().keep(&live);
    Ok(live)
}

/// The language a session starts in: `requested` if the questionnaire
/// has it, its default if none is.
fn language_of(q: &Questionnaire, requested: Option<&str>) -> Result<String, Problem> {
    match requested {
        None => Ok(q.default_language().to_owned()),
        Some(l) if q.languages().iter().any(|x| x == l) => Ok(l.to_owned()),
        Some(_) => {
            let mut p = Problem::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "unknown-language",
                "Unknown language",
                format!(
                    "{}@{} has the languages {}",
                    q.id(),
                    q.version(),
                    q.languages().join(", ")
                ),
            );
            p.known = Some(q.languages().iter().map(ToString::to_string).collect());
            Err(p)
        }
    }
}

/// Applies one step if the session still has `expected` events, and
/// returns the session once the event is committed.
pub(crate) async fn act(
    state: &AppState,
    who: &Principal,
    id: &str,
    expected: u64,
    action: Action,
) -> Result<Live, Problem> {
    act_with(state, who, id, expected, |_| Ok(action)).await
}

/// As [`act`], with the step built from the session's questionnaire (the
/// web page needs an item's kind to read its form).
///
/// Loading, the step and the write run in one task on a blocking thread:
/// one hand-over between threads each way instead of two (see the load
/// benchmark in `docs/benchmarks.md`).
pub(crate) async fn act_with(
    state: &AppState,
    who: &Principal,
    id: &str,
    expected: u64,
    build: impl FnOnce(&Questionnaire) -> Result<Action, Problem> + Send + 'static,
) -> Result<Live, Problem> {
    if !valid_id(id) {
        return Err(Problem::unknown_session());
    }
    let (state, scope, id) = (state.clone(), who.scope().map(str::to_owned), id.to_owned());
    // The request's span, so that what the step logs names the request.
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        span.in_scope(|| act_blocking(&state, scope.as_deref(), &id, expected, build))
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "a storage task failed");
        Problem::internal()
    })?
}

/// The body of [`act_with`], on a blocking thread.
fn act_blocking(
    state: &AppState,
    scope: Option<&str>,
    id: &str,
    expected: u64,
    build: impl FnOnce(&Questionnaire) -> Result<Action, Problem>,
) -> Result<Live, Problem> {
    let store = state.store();
    let mut live = match state.live_cache().take(id, scope, expected) {
        Some(live) => live,
        None => live_from(state, store.load(scope, id).map_err(store_problem)?)?,
    };
    writable(&live, expected, state.options().max_events)?;
    let action = build(&live.questionnaire)?;
    let event = apply(&mut live, &action)?;
    let count = store
        .append(scope, &live.row.id, expected, &event)
        .map_err(store_problem)?;
    live.row.event_count = count;
    // The store sets its own time; a warm session would otherwise show
    // the time it was last read.
    live.row.updated_at = utc_now();
    live.events.push(StoredEvent {
        seq: expected,
        event,
        at: String::new(),
    });
    state.live_cache().keep(&live);
    Ok(live)
}

/// Refuses a step on a closed session, on a stale count, or beyond the
/// event limit.
fn writable(live: &Live, expected: u64, max: u64) -> Result<(), Problem> {
    if live.session.is_none() {
        return Err(Problem::closed());
    }
    if live.row.event_count != expected {
        return Err(Problem::stale(expected, live.row.event_count));
    }
    if expected >= max {
        return Err(Problem::new(
            axum::http::StatusCode::CONFLICT,
            "event-limit",
            "The session has reached its event limit",
            format!(
                "the session holds {max} events, the most this server keeps for one session, \
                 so it takes no more steps; close it to keep its result, or start a new session"
            ),
        ));
    }
    Ok(())
}

/// Makes the step on the session, and returns the event it logged.
fn apply(live: &mut Live, action: &Action) -> Result<vidare::Event, Problem> {
    let session = live.session.as_mut().ok_or_else(Problem::closed)?;
    let step = match action {
        Action::Respond { item, response } => session.respond(item, response.clone()),
        Action::Change { item, response } => session.change(item, response.clone()),
        Action::Back => session.back(),
    };
    step.map_err(|e| {
        tracing::debug!(session = %live.row.id, kind = ?e.kind(), "step refused");
        Problem::from(&e)
    })?;
    session
        .events()
        .last()
        .cloned()
        .ok_or_else(Problem::internal)
}

/// Now in UTC, as the store writes times (RFC 3339 with milliseconds).
pub(crate) fn utc_now() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339_millis(since.as_millis())
}

/// `millis` after the Unix epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ` (the
/// civil-from-days conversion of the proleptic Gregorian calendar).
pub(crate) fn rfc3339_millis(millis: u128) -> String {
    let (secs, ms) = (millis / 1000, millis % 1000);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u128::from(month <= 2);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

/// The result in `lang` with the counterfactual check ("would it differ
/// with another gender?"): computed while open; once closed, the check
/// stored at closing, or, for a session closed without one, computed from
/// its log if closing deleted nothing from it.
///
/// # Errors
/// 410 `check-gone` for a closed session without a stored check whose
/// conversation-only answers were deleted.
pub(crate) fn checked_result(live: &Live, lang: &str) -> Result<Option<CheckedOutcome>, Problem> {
    let (session, closed) = (&live.session, &live.row.closed);
    if let Some(session) = session {
        return Ok(Some(session.checked_result_in(lang)));
    }
    let Some(closed) = closed else {
        return Err(Problem::internal());
    };
    let (outcome, stored) = match live.kept(lang) {
        Some(kept) => (Some(kept.record.into()), kept.counterfactual),
        None => (None, None),
    };
    if let Some(counterfactual) = stored {
        return Ok(outcome.map(|outcome| CheckedOutcome::new(outcome, counterfactual)));
    }
    if closed.purged_events > 0 {
        return Err(Problem::new(
            axum::http::StatusCode::GONE,
            "check-gone",
            "The counterfactual check can no longer run",
            "the session was closed without a stored check (it could reveal answers that are not kept, or the server was older than the check), and its log was deleted, so it no longer replays; the stored record is at /result",
        ));
    }
    let events: Vec<vidare::Event> = live.events.iter().map(|e| e.event.clone()).collect();
    let counterfactual = vidare::analysis::counterfactual(&live.questionnaire, &events);
    Ok(outcome.map(|outcome| CheckedOutcome::new(outcome, counterfactual)))
}

/// The equality audit of every session of `questionnaire` in the caller's
/// scope (every tenant's for the admin), grouped by `by` (default: the
/// first protected item). See [`recording_of`] for what each session gives.
pub(crate) async fn audit(
    state: &AppState,
    who: &Principal,
    questionnaire: Questionnaire,
    by: Option<String>,
) -> Result<vidare::analysis::Audit, Problem> {
    let scope = who.scope().map(str::to_owned);
    let (id, version) = (
        questionnaire.id().to_owned(),
        questionnaire.version().to_owned(),
    );
    let stored = blocking(state, move |s| {
        s.load_version(scope.as_deref(), &id, &version)
    })
    .await?;
    // Resuming open sessions and the audit itself are CPU work; what they
    // log names the request.
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _request = span.enter();
        let recordings: Vec<(String, vidare::Recording)> = stored
            .into_iter()
            .filter_map(|s| recording_of(&questionnaire, s))
            .collect();
        let mut audit = vidare::analysis::audit(&questionnaire, &recordings, by.as_deref());
        leave_out_unstored(&questionnaire, &mut audit);
        tracing::info!(
            questionnaire = %questionnaire.id(),
            version = %questionnaire.version(),
            sessions = recordings.len(),
            flags = audit.flags.len(),
            "equality audit"
        );
        audit
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "the audit task failed");
        Problem::internal()
    })
}

/// Leaves out of the audit the referrals whose triggers are not stored
/// (they could reveal answers kept only for the conversation): no stored
/// record says whether they were made, so their rates would read as 0.
/// A note in `problems` names them.
fn leave_out_unstored(q: &Questionnaire, audit: &mut vidare::analysis::Audit) {
    let unstored: Vec<&str> = q
        .kept_parts()
        .filter(|p| p.kind == PartKind::Trigger && !p.stored)
        .map(|p| p.id)
        .collect();
    if unstored.is_empty() {
        return;
    }
    audit
        .referrals
        .retain(|r| !unstored.contains(&r.trigger.as_str()));
    audit
        .flags
        .retain(|f| !unstored.contains(&f.trigger.as_str()));
    let names: Vec<String> = unstored.iter().map(|t| format!("`{t}`")).collect();
    audit.problems.push(format!(
        "left out: {}; these referrals are not kept after the conversation (they could reveal answers kept only for it)",
        names.join(", ")
    ));
}

/// A stored session as a recording for the audit, named by its id (the
/// audit never shows names). The audit reads what is kept, open or
/// closed alike, so a session counts the same before and after closing:
/// an open session's stored record is computed from its log; a closed
/// session's is the one stored at closing (its log is gone when the
/// questionnaire has parts that are not kept; the audit does not need
/// it). An open session on an edited definition (digest differs) gets an
/// empty result and is counted by the audit as made on another
/// definition. `None`, logged, when a stored record does not parse or an
/// open log does not resume.
fn recording_of(
    q: &Questionnaire,
    stored: crate::store::Stored,
) -> Option<(String, vidare::Recording)> {
    let row = stored.session;
    let pinned = vidare::outcome::QuestionnaireRef::new(
        row.questionnaire.as_str(),
        row.version.as_str(),
        row.digest.as_str(),
    );
    let events: Vec<vidare::recording::RecordedEvent> = stored
        .events
        .into_iter()
        .map(|e| vidare::recording::RecordedEvent::new(e.event))
        .collect();
    let result = kept_result(q, &row, &pinned, &events)?;
    Some((row.id, vidare::Recording::new(pinned, events, result)))
}

/// What [`recording_of`] reads of a session as its result: what closing
/// kept, or an open session's stored record now, or an empty result for
/// one on an edited definition. `None`, logged, when neither reads.
fn kept_result(
    q: &Questionnaire,
    row: &SessionRow,
    pinned: &vidare::outcome::QuestionnaireRef,
    events: &[vidare::recording::RecordedEvent],
) -> Option<vidare::Outcome> {
    if let Some(closed) = &row.closed {
        return match kept::read(closed, q.default_language(), &row.language) {
            Ok(kept) => Some(kept.record.into()),
            Err(e) => {
                // The error's text may quote the stored record: only its class.
                tracing::error!(session = %row.id, category = ?e.classify(), "a stored result does not parse; left out of the audit");
                None
            }
        };
    }
    if !q.is_pinned_by(&row.digest) {
        return Some(vidare::Outcome::new(pinned.clone(), row.language.as_str()));
    }
    match Session::resume(q, events.iter().map(|e| e.event.clone())) {
        Ok(session) => Some(session.stored_record().into()),
        Err(e) => {
            tracing::error!(session = %row.id, error = %e, "the stored log does not replay; left out of the audit");
            None
        }
    }
}

/// Closes a session: keeps its stored record (see [`kept::at_close`]),
/// deletes its log when the questionnaire has parts that are not kept
/// (see [`Questionnaire::stores_every_part`]), and adds what it counts to the pending
/// statistics. The session is read-only afterwards.
pub(crate) async fn close(
    state: &AppState,
    who: &Principal,
    id: &str,
    expected: u64,
) -> Result<Live, Problem> {
    let cached = valid_id(id)
        .then(|| state.live_cache().take(id, who.scope(), expected))
        .flatten();
    let mut live = match cached {
        Some(live) => live,
        None => load(state, who, id).await?,
    };
    // Whatever happens next, the session is closed or changed elsewhere.
    state.live_cache().forget(id);
    let Some(session) = live.session.take() else {
        return Err(Problem::closed());
    };
    if live.row.event_count != expected {
        return Err(Problem::stale(expected, live.row.event_count));
    }
    let results = kept::at_close(&session).map_err(|e| {
        tracing::error!(session = %live.row.id, category = ?e.classify(), "the stored record does not serialise");
        Problem::internal()
    })?;
    let forget = !live.questionnaire.stores_every_part();
    let (scope, id_owned) = (who.scope().map(str::to_owned), live.row.id.clone());
    let row = blocking(state, move |s| {
        s.close(scope.as_deref(), &id_owned, expected, &results, forget)
    })
    .await?;
    // The log line says whether the log was deleted (the same for every
    // session of the questionnaire), never how many events it had.
    tracing::info!(session = %row.id, log_deleted = forget, "session closed");
    count_close(state, &row, session.tally()).await;
    live.row = row;
    Ok(live)
}

/// Adds a closed session's tally to the pending statistics, and writes
/// the batch if that filled it. Only questionnaires with counted
/// questions take part. A batch that cannot be written is logged and
/// lost, as pending tallies are on a crash.
async fn count_close(state: &AppState, row: &SessionRow, tally: Vec<vidare::stored::Tally>) {
    let q = state.registry().get(&row.questionnaire, &row.version);
    if !q.is_ok_and(|q| q.kept_parts().any(|p| p.aggregate)) {
        return;
    }
    let Some(batch) = state
        .statistics()
        .add(&row.questionnaire, &row.version, tally)
    else {
        return;
    };
    let closes = batch.closes;
    let written = blocking(state, move |s| {
        s.add_statistics(&batch.questionnaire, &batch.version, &batch.cells)
    })
    .await;
    match written {
        Ok(()) => tracing::info!(closes, "statistics batch added"),
        Err(p) => tracing::error!(closes, problem = %p.kind(), "a statistics batch was lost"),
    }
}

/// Deletes a session and its log.
pub(crate) async fn delete(state: &AppState, who: &Principal, id: &str) -> Result<(), Problem> {
    if !valid_id(id) {
        return Err(Problem::unknown_session());
    }
    let (scope, id_owned) = (who.scope().map(str::to_owned), id.to_owned());
    state.live_cache().forget(id);
    blocking(state, move |s| s.delete(scope.as_deref(), &id_owned)).await?;
    tracing::info!(session = %id, "session deleted");
    Ok(())
}

/// At most `limit` of the sessions the caller may see, newest first,
/// after `after`.
pub(crate) async fn list(
    state: &AppState,
    who: &Principal,
    after: Option<ListCursor>,
    limit: usize,
) -> Result<Vec<SessionRow>, Problem> {
    let scope = who.scope().map(str::to_owned);
    blocking(state, move |s| {
        s.list_page(scope.as_deref(), after.as_ref(), limit)
    })
    .await
}

/// Closes every open session unchanged for longer than `idle` (see the
/// close endpoint); returns how many were closed. Sessions whose questionnaire
/// is no longer loaded are left alone and logged.
///
/// # Errors
/// A problem when the store cannot list the idle sessions.
pub async fn close_idle(state: &AppState, idle: Duration) -> Result<usize, Problem> {
    let ids = blocking(state, move |s| s.idle(idle)).await?;
    let admin = Principal::of(crate::access::ADMIN_TENANT, true);
    let mut closed = 0;
    for (_, id) in ids {
        let expected = match load(state, &admin, &id).await {
            Ok(live) => live.row.event_count,
            Err(_) => continue,
        };
        match close(state, &admin, &id, expected).await {
            Ok(_) => closed += 1,
            Err(p) => {
                tracing::warn!(session = %id, problem = %p.kind(), "an idle session could not be closed");
            }
        }
    }
    Ok(closed)
}

/// Deletes the web page's logins past their end (they are refused from
/// then on anyway); returns how many. Safe on several nodes at once.
///
/// # Errors
/// A problem when the store cannot delete them.
pub async fn expire_logins(state: &AppState) -> Result<u64, Problem> {
    blocking(state, Store::expire_logins).await
}

/// The recording of a closed session: only when closing kept its whole
/// log, which then holds nothing that is not kept; its result is the log
/// replayed.
///
/// # Errors
/// 410 `recording-gone` when closing deleted the log (the questionnaire
/// has parts that are not kept), or deleted events of it (older servers).
pub(crate) fn closed_recording(live: &Live) -> Result<vidare::Recording, Problem> {
    let whole = live
        .row
        .closed
        .as_ref()
        .is_some_and(|c| c.purged_events == 0);
    if !whole || !live.questionnaire.stores_every_part() {
        return Err(Problem::new(
            axum::http::StatusCode::GONE,
            "recording-gone",
            "The recording is gone",
            "the session is closed and its questionnaire has parts that are not kept after the conversation, so closing deleted its log; the stored record is at /result",
        ));
    }
    let events = live.events.iter().map(|e| e.event.clone());
    let session = Session::resume(&live.questionnaire, events).map_err(|e| {
        tracing::error!(session = %live.row.id, error = %e, "the stored log does not replay");
        Problem::internal()
    })?;
    Ok(session.record())
}

/// The stored statistics of a questionnaire version.
pub(crate) async fn statistics(
    state: &AppState,
    questionnaire: &str,
    version: &str,
) -> Result<Vec<crate::store::StatisticsRow>, Problem> {
    let (q, v) = (questionnaire.to_owned(), version.to_owned());
    blocking(state, move |s| s.statistics(&q, &v)).await
}

#[cfg(test)]
mod tests {
    use super::rfc3339_millis;

    #[test]
    fn times_are_written_as_the_store_writes_them() {
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        // 2000-02-29 (a leap day of a century divisible by 400).
        assert_eq!(rfc3339_millis(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(
            rfc3339_millis(1_796_170_330_388),
            "2026-12-02T00:12:10.388Z"
        );
        assert_eq!(
            rfc3339_millis(4_107_542_399_999),
            "2100-02-28T23:59:59.999Z"
        );
    }
}
