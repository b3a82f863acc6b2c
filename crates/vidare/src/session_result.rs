//! A session's result as a snapshot: taking it copies nothing, and the
//! records of an [`Outcome`] are built only for whoever reads them.

use std::fmt;
use std::sync::OnceLock;

use serde::{Serialize, Serializer};

use crate::format::Urgency;
use crate::outcome::Outcome;
use crate::session::Session;
use crate::summary::ScoreView;
use crate::value::SharedStr;
use crate::view::ResultView;

/// The result of a session at the moment it was taken, in one language.
///
/// Taking it ([`Session::result`]) copies nothing: it shares the
/// session's state, and the session copies that state only if it takes
/// another step while the result is alive. Scores, bands, fired triggers
/// and the JSON are read from the snapshot without building anything; the
/// records of the full [`Outcome`] are built once, on the first call of
/// [`SessionResult::outcome`].
///
/// It shows exactly what its [`Outcome`] shows: answers kept only for the
/// conversation are listed without their value. It does hold the session
/// they came from until it is dropped, so keep the [`Outcome`]
/// ([`SessionResult::into_outcome`]) or a
/// [`StoredRecord`](crate::StoredRecord), not the snapshot, when the
/// conversation is over.
///
/// ```
/// # fn main() -> Result<(), vidare::Error> {
/// let q = vidare::load("../../questionnaires/violence-seven/1.0.0.yaml")?;
/// let mut session = vidare::Session::new(&q);
/// session.answer("alone", true)?;
/// session.answer("interpreter", "none")?;
/// session.answer("psychological", true)?;
/// session.answer("psychological_when", "ongoing")?;
/// let result = session.result();
/// // Later steps do not change a result already taken.
/// session.change("psychological_when", vidare::Response::Answer("earlier".into()))?;
/// assert!(result.fired().any(|(id, _)| id == "ongoing_violence"));
/// assert!(!session.result().fired().any(|(id, _)| id == "ongoing_violence"));
/// // The full record, with each trigger's evidence, is built when asked for.
/// let trigger = &result.outcome().triggers[0];
/// assert!(trigger.evidence.iter().any(|e| e.id == "psychological_when"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct SessionResult {
    session: Session,
    /// Index into the questionnaire's languages; `None` for the default.
    language: Option<usize>,
    outcome: OnceLock<Outcome>,
}

impl Session {
    /// The result in the questionnaire's default language.
    #[must_use]
    pub fn result(&self) -> SessionResult {
        SessionResult {
            session: self.clone(),
            language: None,
            outcome: OnceLock::new(),
        }
    }

    /// The result with texts in `lang` (the default language if not declared).
    #[must_use]
    pub fn result_in(&self, lang: &str) -> SessionResult {
        let languages = &self.questionnaire().inner.languages;
        SessionResult {
            session: self.clone(),
            language: languages.iter().position(|l| **l == *lang),
            outcome: OnceLock::new(),
        }
    }
}

impl SessionResult {
    /// The language of the result's texts.
    #[must_use]
    pub fn language(&self) -> &str {
        language_of(&self.session, self.language)
    }

    /// Whether every shown item had a response (or an end condition held).
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.session.is_finished()
    }

    /// The id of the end condition that ended the interview early, if any.
    #[must_use]
    pub fn ended_by(&self) -> Option<&str> {
        self.session.ended_by()
    }

    /// Every score with its band, in document order, building nothing
    /// (see [`Session::scores`]).
    pub fn scores(&self) -> impl ExactSizeIterator<Item = ScoreView<'_>> {
        self.session.scores()
    }

    /// The score with this id, if the questionnaire has one.
    #[must_use]
    pub fn score(&self, id: &str) -> Option<ScoreView<'_>> {
        self.session.score(id)
    }

    /// The fired triggers with their urgency, in document order, building
    /// nothing (the [`Outcome`] lists them most urgent first).
    pub fn fired(&self) -> impl Iterator<Item = (&str, Urgency)> {
        self.session.fired()
    }

    /// The full record: answers, derived values, scores and triggers with
    /// their evidence and texts. Built on the first call and kept.
    #[must_use]
    pub fn outcome(&self) -> &Outcome {
        self.outcome.get_or_init(|| {
            let language = language_of(&self.session, self.language);
            self.session.outcome_in(language)
        })
    }

    /// The full record, built now unless [`SessionResult::outcome`] was
    /// already called.
    #[must_use]
    pub fn into_outcome(self) -> Outcome {
        let SessionResult {
            session,
            language,
            outcome,
        } = self;
        outcome
            .into_inner()
            .unwrap_or_else(|| session.outcome_in(language_of(&session, language)))
    }

    /// The result as a view that writes the JSON of its [`Outcome`]
    /// without building it (what serialising the result itself does).
    #[must_use]
    pub fn view(&self) -> ResultView<'_> {
        self.session.result_view_in(self.language())
    }
}

/// The language at `index` among the session's questionnaire's
/// languages; the default language for `None`.
fn language_of(session: &Session, index: Option<usize>) -> &SharedStr {
    let c = &session.questionnaire().inner;
    index.map_or(&c.default_language, |l| &c.languages[l])
}

impl From<SessionResult> for Outcome {
    fn from(result: SessionResult) -> Outcome {
        result.into_outcome()
    }
}

/// The JSON of the [`Outcome`], written from the snapshot.
impl Serialize for SessionResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.view().serialize(serializer)
    }
}

/// Two results are equal when their outcomes are: both are built.
impl PartialEq for SessionResult {
    fn eq(&self, other: &Self) -> bool {
        self.outcome() == other.outcome()
    }
}

impl PartialEq<Outcome> for SessionResult {
    fn eq(&self, other: &Outcome) -> bool {
        self.outcome() == other
    }
}

/// Names the questionnaire and the shape of the result, never an answer.
impl fmt::Debug for SessionResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = self.session.questionnaire();
        f.debug_struct("SessionResult")
            .field("questionnaire", &q.id())
            .field("version", &q.version())
            .field("language", &self.language())
            .field("finished", &self.is_finished())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use crate::{Session, load};

    fn violence_seven() -> crate::Questionnaire {
        load(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../questionnaires/violence-seven/2.0.0.yaml"
        ))
        .unwrap()
    }

    #[test]
    fn a_result_is_in_the_language_asked_for_if_declared() {
        let q = violence_seven();
        let session = Session::new(&q);
        assert_eq!(q.default_language(), "sv");
        assert_eq!(session.result().language(), "sv");
        assert_eq!(session.result_in("en").language(), "en");
        assert_eq!(session.result_in("xx").language(), "sv");
        assert_eq!(session.result_in("xx").into_outcome().language, "sv");
        assert_eq!(session.result_in("en").outcome().language, "en");
    }

    /// A service hands results to other threads and keeps them in
    /// caches: a result must not borrow from the session or tie it to a
    /// thread.
    #[test]
    fn a_result_can_leave_its_thread_and_outlive_its_session() {
        fn owned_and_shareable<T: Send + Sync + 'static>(_: &T) {}
        let q = violence_seven();
        let mut session = Session::new(&q);
        session.answer("alone", true).unwrap();
        let result = session.result();
        owned_and_shareable(&result);
        drop(session);
        let finished = std::thread::spawn(move || result.is_finished())
            .join()
            .unwrap();
        assert!(!finished);
    }

    #[test]
    fn debug_names_the_result_without_its_answers() {
        let q = violence_seven();
        let mut session = Session::new(&q);
        session.answer("alone", true).unwrap();
        session.answer("interpreter", "agency").unwrap();
        let result = session.result();
        let _ = result.outcome();
        let shown = format!("{result:?}");
        assert!(
            shown.contains("violence-seven") && shown.contains("finished"),
            "{shown}"
        );
        assert!(
            !shown.contains("agency") && !shown.contains("true"),
            "{shown}"
        );
    }
}
