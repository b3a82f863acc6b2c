//! The views: a session's state, the questionnaire list and the session
//! list, built from the core's types, for the API and the web page alike.

use super::request::encode_cursor;
use axum::Json;

use super::response::{
    EndView, EvidenceView, InfoText, ItemView, OptionView, Progress, QuestionnaireInfo,
    QuestionnaireList, ResponseView, ScaleLabel, SessionList, SessionState, SessionSummary, Status,
    TriggerView, VersionInfo,
};
use crate::service::Live;
use crate::store::{ListCursor, SessionRow};

/// The responses that count now, as [`vidare::Session::responses`] gives them.
fn responses_of(session: &vidare::Session) -> Vec<ResponseView> {
    session
        .responses()
        .map(|(item, response)| ResponseView {
            item: item.to_owned(),
            response: response.kind().to_owned(),
        })
        .collect()
}

/// A fired trigger as the API and the pages show it.
pub(crate) fn trigger_view(t: &vidare::outcome::TriggerRecord) -> TriggerView {
    TriggerView {
        id: t.id.to_string(),
        urgency: t.urgency.into(),
        refer_to: t.refer_to.to_string(),
        text: t.text.to_string(),
        evidence: t
            .evidence
            .iter()
            .map(|e| EvidenceView {
                kind: e.kind.to_string(),
                id: e.id.to_string(),
                response: e.response.as_ref().map(ToString::to_string),
                value: e.value.clone().map(Into::into),
            })
            .collect(),
    }
}

fn info_text(item: vidare::questionnaire::ItemRef<'_>, lang: &str) -> InfoText {
    InfoText {
        id: item.id().to_owned(),
        text: item.text(lang).to_owned(),
        help: item.help(lang).map(str::to_owned),
    }
}

fn item_view(
    session: &vidare::Session,
    item: vidare::questionnaire::ItemRef<'_>,
    lang: &str,
) -> ItemView {
    let (min, max) = item.range();
    ItemView {
        id: item.id().to_owned(),
        kind: item.kind().into(),
        text: item.text(lang).to_owned(),
        help: item.help(lang).map(str::to_owned),
        section: item.section_id().to_owned(),
        section_title: item.section_title(lang).map(str::to_owned),
        answered_by: match item.answered_by() {
            vidare::format::AnsweredBy::Person => "person".to_owned(),
            vidare::format::AnsweredBy::Practitioner => "practitioner".to_owned(),
        },
        required: item.required(),
        allow_decline: item.allows_decline(),
        allow_dont_know: item.allows_dont_know(),
        options: item
            .options()
            .map(|o| OptionView {
                value: o.value.to_owned(),
                label: o.label(lang).to_owned(),
            })
            .collect(),
        min,
        max,
        unit: item.unit(lang).map(str::to_owned),
        scale_labels: item
            .scale_labels(lang)
            .map(|(value, label)| ScaleLabel {
                value,
                label: label.to_owned(),
            })
            .collect(),
        suggestion: session.suggestion(item.id()).map(Into::into),
    }
}

/// The state of `live` in the requested language, if it has it, else in
/// the session's.
pub(crate) fn shown(live: &Live, lang: Option<&str>) -> Json<SessionState> {
    let lang = live.language(lang);
    Json(state_view(live, &lang))
}

/// The state of a session in `lang`, for the API and the web page alike.
pub(crate) fn state_view(live: &Live, lang: &str) -> SessionState {
    let q = &live.questionnaire;
    // The whole result is built only when the state shows part of it that
    // the session cannot give directly: an immediate trigger with its
    // evidence, an end's text, or a closed session's stored responses.
    let outcome = live
        .session
        .as_ref()
        .is_none_or(|s| s.immediate().next().is_some() || s.ended_by().is_some())
        .then(|| live.result(lang))
        .flatten();
    let responses = match &live.session {
        Some(session) => responses_of(session),
        None => outcome.as_ref().map(stored_responses).unwrap_or_default(),
    };
    let now = match &live.session {
        Some(session) => Moment::of(session, lang),
        None => Moment::closed(responses.len()),
    };
    SessionState {
        id: live.row.id.clone(),
        questionnaire: live.row.questionnaire.clone(),
        version: live.row.version.clone(),
        digest: live.row.digest.clone(),
        title: q.title(lang).to_owned(),
        language: lang.to_owned(),
        languages: q.languages().iter().map(ToString::to_string).collect(),
        events: live.row.event_count,
        status: now.status,
        ended_by: outcome.as_ref().and_then(end_view),
        progress: now.progress,
        info: now.info,
        next: now.next,
        closing: now.closing,
        immediate_triggers: outcome.as_ref().map(immediate_triggers).unwrap_or_default(),
        responses,
        created_at: live.row.created_at.clone(),
        updated_at: live.row.updated_at.clone(),
        closed_at: live.row.closed.as_ref().map(|c| c.at.clone()),
    }
}

/// The immediate triggers of a result, with their evidence.
fn immediate_triggers(outcome: &vidare::Outcome) -> Vec<TriggerView> {
    outcome
        .triggers
        .iter()
        .filter(|t| t.urgency == vidare::format::Urgency::Immediate)
        .map(trigger_view)
        .collect()
}

/// The kind of each response a (stored) result lists.
fn stored_responses(outcome: &vidare::Outcome) -> Vec<ResponseView> {
    outcome
        .answers
        .iter()
        .map(|a| ResponseView {
            item: a.item.to_string(),
            response: a.response.to_string(),
        })
        .collect()
}

fn end_view(outcome: &vidare::Outcome) -> Option<EndView> {
    outcome.ended_by.as_ref().map(|e| EndView {
        id: e.id.to_string(),
        text: e.text.to_string(),
    })
}

/// Where an interview stands: what the state says about now.
struct Moment {
    status: Status,
    progress: Progress,
    info: Vec<InfoText>,
    next: Option<ItemView>,
    closing: Vec<InfoText>,
}

impl Moment {
    /// A running session: the item to ask with the texts before it, or,
    /// once nothing is left, the closing texts.
    fn of(session: &vidare::Session, lang: &str) -> Moment {
        let (answered, shown) = session.progress();
        let texts = |items: Vec<vidare::questionnaire::ItemRef<'_>>| -> Vec<InfoText> {
            items.into_iter().map(|i| info_text(i, lang)).collect()
        };
        let (status, info, next) = match session.next() {
            vidare::Step::Ask(item) => (
                Status::Asking,
                texts(session.info_before(item.id())),
                Some(item_view(session, item, lang)),
            ),
            vidare::Step::Complete => (Status::Complete, Vec::new(), None),
            vidare::Step::Ended(_) => (Status::Ended, Vec::new(), None),
        };
        let closing = if next.is_none() {
            texts(session.closing_info())
        } else {
            Vec::new()
        };
        Moment {
            status,
            progress: Progress { answered, shown },
            info,
            next,
            closing,
        }
    }

    /// A closed session: every stored response counts as shown.
    fn closed(responses: usize) -> Moment {
        Moment {
            status: Status::Closed,
            progress: Progress {
                answered: responses,
                shown: responses,
            },
            info: Vec::new(),
            next: None,
            closing: Vec::new(),
        }
    }
}

/// The questionnaires of `registry` with their versions.
pub(crate) fn questionnaire_list(registry: &vidare::Registry) -> QuestionnaireList {
    let questionnaires = registry
        .ids()
        .map(|id| {
            let versions: Vec<VersionInfo> = registry.versions(id).map(version_info).collect();
            QuestionnaireInfo {
                id: id.to_owned(),
                latest: versions
                    .last()
                    .map(|v| v.version.clone())
                    .unwrap_or_default(),
                versions,
            }
        })
        .collect();
    QuestionnaireList { questionnaires }
}

fn version_info(q: &vidare::Questionnaire) -> VersionInfo {
    VersionInfo {
        version: q.version().to_owned(),
        spec: format!("{}@{}", q.id(), q.version()),
        title: q
            .languages()
            .iter()
            .map(|l| (l.to_string(), q.title(l).to_owned()))
            .collect(),
        languages: q.languages().iter().map(ToString::to_string).collect(),
        default_language: q.default_language().to_owned(),
        digest: q.digest().to_owned(),
    }
}

/// A page of the session list: `rows` holds one more than `limit` when
/// there is a next page.
pub(crate) fn session_list(mut rows: Vec<SessionRow>, limit: usize) -> SessionList {
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|row| encode_cursor(&ListCursor::after(row)));
    let next = next_cursor
        .as_ref()
        .map(|c| format!("/api/v1/sessions?limit={limit}&cursor={c}"));
    SessionList {
        next_cursor,
        next,
        sessions: rows.into_iter().map(session_summary).collect(),
    }
}

fn session_summary(row: crate::store::SessionRow) -> SessionSummary {
    SessionSummary {
        id: row.id,
        questionnaire: row.questionnaire,
        version: row.version,
        language: row.language,
        events: row.event_count,
        closed: row.closed.is_some(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}
