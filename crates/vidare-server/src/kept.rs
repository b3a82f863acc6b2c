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
        (lang.as_str(), kept)
    });
    serde_json::to_value(InOrder(records.collect()))
}

/// Records by language, written as a JSON object in the questionnaire's
/// order of languages.
struct InOrder<'a>(Vec<(&'a str, Kept)>);

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

#[cfg(test)]
mod tests {
    use super::*;

    fn compass() -> vidare::Questionnaire {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../questionnaires/gender-equality-compass/1.0.0.yaml"
        );
        vidare::load(path).expect("a shipped questionnaire")
    }

    /// A session with a sample answer to every item it asks.
    fn answered(q: &vidare::Questionnaire) -> Session {
        let mut session = Session::new(q);
        while let vidare::Step::Ask(item) = session.next() {
            let id = item.id().to_owned();
            let value = vidare::testing::sample_answer(&item).expect("a sample answer");
            session.answer(&id, value).expect("the sample fits");
        }
        session
    }

    #[test]
    fn what_closing_keeps_reads_back_as_records_and_writes_the_same_json() {
        let q = compass();
        let session = answered(&q);
        let stored = at_close(&session).unwrap();
        let closed = ClosedRow {
            at: String::new(),
            results: stored.clone(),
            purged_events: 0,
        };
        let languages: Vec<&String> = stored.as_object().unwrap().keys().collect();
        assert_eq!(languages, q.languages().iter().collect::<Vec<_>>());
        for lang in q.languages() {
            let kept = read(&closed, lang, "en").unwrap();
            assert_eq!(kept.record, session.stored_record_in(lang));
            assert_eq!(
                kept.counterfactual,
                Some(vidare::analysis::check_result(&q, &session))
            );
            let again = serde_json::to_string(&kept).unwrap();
            assert_eq!(
                again,
                serde_json::to_string(&stored[lang.as_str()]).unwrap()
            );
        }
        // A language the record does not have: the session's.
        let kept = read(&closed, "xx", "sv").unwrap();
        assert_eq!(kept.record.language, "sv");
    }

    #[test]
    fn an_older_servers_whole_result_reads_and_writes_back_unchanged() {
        let q = compass();
        let session = answered(&q);
        let old = serde_json::to_string(&session.checked_result_in("en")).unwrap();
        let kept: Kept = serde_json::from_str(&old).unwrap();
        assert_eq!(serde_json::to_string(&kept).unwrap(), old);
        let plain = serde_json::to_string(&session.result_in("en")).unwrap();
        let kept: Kept = serde_json::from_str(&plain).unwrap();
        assert!(kept.counterfactual.is_none());
        assert_eq!(serde_json::to_string(&kept).unwrap(), plain);
        let nothing = ClosedRow {
            at: String::new(),
            results: serde_json::Value::Null,
            purged_events: 0,
        };
        assert!(read(&nothing, "en", "en").is_err());
    }
}
