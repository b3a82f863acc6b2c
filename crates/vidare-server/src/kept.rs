//! What closing keeps of a session, as typed records: per language of the
//! questionnaire, the stored record ([`vidare::StoredRecord`]) with the
//! counterfactual check when it may be stored. The store holds them as
//! one JSON object from language to record, which this module writes and
//! reads; nothing else looks inside it.

use serde::{Deserialize, Serialize, Serializer};
use vidare::analysis::{Counterfactual, counterfactual};
use vidare::{Session, StoredRecord};

use crate::store::ClosedRow;

/// What closing keeps in one language: the JSON of the stored record,
/// with `counterfactual` last when the check was stored. Servers before
/// the stored record kept the whole result ([`vidare::Outcome`]), whose JSON has
/// the same fields, so it reads as a record too and is written back
/// unchanged.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Kept {
    /// The record.
    #[serde(flatten)]
    pub record: StoredRecord,
    /// The check computed at closing, when it may be stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterfactual: Option<Counterfactual>,
}

/// What closing keeps of `session`, in every language of its
/// questionnaire, each with the check when
/// [`counterfactual::may_be_stored`]. Closing is the last moment the
/// whole log exists, so the check is computed now for
/// `result?check=true`.
pub(crate) fn at_close(session: &Session) -> Result<serde_json::Value, serde_json::Error> {
    let q = session.questionnaire();
    let check =
        counterfactual::may_be_stored(q).then(|| vidare::analysis::check_result(q, session));
    let records = q.languages().iter().map(|lang| {
        let kept = Kept {
            record: session.stored_record_in(lang),
            counterfactual: check.clone(),
        };
        (lang, kept)
    });
    serde_json::to_value(InOrder(records.collect()))
}

/// Records by language, written as a JSON object in the questionnaire's
/// order of languages.
struct InOrder<'a>(Vec<(&'a String, Kept)>);

impl Serialize for InOrder<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(lang, kept)| (lang, kept)))
    }
}

/// What closing kept in `lang`; else in `fallback` (the session's
/// language), else in any language.
///
/// # Errors
/// When nothing is stored, or what is stored is not a record. Its text
/// may quote the stored JSON: never log it.
pub(crate) fn read(
    closed: &ClosedRow,
    lang: &str,
    fallback: &str,
) -> Result<Kept, serde_json::Error> {
    let stored = closed
        .results
        .get(lang)
        .or_else(|| closed.results.get(fallback))
        .or_else(|| closed.results.as_object().and_then(|m| m.values().next()))
        .unwrap_or(&serde_json::Value::Null);
    Kept::deserialize(stored)
}
