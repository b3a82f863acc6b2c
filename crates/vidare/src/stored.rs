//! The stored record: what may be kept of a session after the
//! conversation, built from the session and the compiler's disclosure
//! analysis.
//!
//! It holds no trace of a conversation-only item: not its answer, not that
//! it was answered or declined, not a kept part that reveals it without the
//! questionnaire saying so (`reveals`). Trigger evidence lists every kept
//! answer and value the condition reads, not only those that decided it,
//! because which side of an `||` held can be the answer itself.
//! `tests/disclosure.rs` checks the promise as a property: sessions that
//! differ only in conversation-only answers, and agree on every part that
//! says it reveals them, give byte-identical records.

use serde::{Deserialize, Serialize};

use crate::expr::typed::{Symbol, Val};
use crate::format::ItemKind;
use crate::outcome::{
    AnswerRecord, DerivedRecord, EndRecord, Evidence, QuestionnaireRef, ScoreRecord, TriggerRecord,
    derived_value, item_evidence, retained_value,
};
use crate::questionnaire::Compiled;
use crate::session::Session;
use crate::value::{Response, SharedStr, Value};

/// The response of a stored question that is shown but not yet answered,
/// in a record of an interview closed before its end.
const UNANSWERED: &str = "unanswered";

/// What is kept of a session after the conversation; see the module docs
/// of `stored` in the source and "What is kept" in `docs/format.md`.
///
/// ```
/// # fn main() -> Result<(), vidare::Error> {
/// let q = vidare::load("../../questionnaires/violence-seven/1.0.0.yaml")?;
/// let mut session = vidare::Session::new(&q);
/// session.answer("alone", true)?;
/// session.answer("interpreter", "none")?;
/// session.answer("psychological", true)?;
/// let record = session.stored_record();
/// // The conversation-only question is not there, not even as "answered".
/// assert!(record.answers.iter().all(|a| a.item != "psychological"));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct StoredRecord {
    /// Which definition produced it.
    pub questionnaire: QuestionnaireRef,
    /// The language of the texts below.
    pub language: SharedStr,
    /// Whether every kept question that was shown has a response (or a
    /// kept end condition held).
    pub finished: bool,
    /// The first kept end condition that held, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ended_by: Option<EndRecord>,
    /// Every stored question that is shown, in document order, with its
    /// response: `answered` (with the value), `declined`, `dont_know`,
    /// `skipped`, or `unanswered` when the interview stopped before it.
    pub answers: Vec<AnswerRecord>,
    /// Kept derived values; `null` when not known.
    pub derived: Vec<DerivedRecord>,
    /// Kept scores with their bands.
    pub scores: Vec<ScoreRecord>,
    /// Kept triggers that fired, most urgent first, then in document order.
    pub triggers: Vec<TriggerRecord>,
}

impl Session {
    /// The stored record in the questionnaire's default language.
    #[must_use]
    pub fn stored_record(&self) -> StoredRecord {
        self.stored_record_in(self.questionnaire().default_language())
    }

    /// The stored record with texts in `lang` (the default language if not
    /// declared): what may be kept after the conversation.
    #[must_use]
    pub fn stored_record_in(&self, lang: &str) -> StoredRecord {
        let c: &Compiled = &self.questionnaire().inner;
        let lang = c
            .languages
            .iter()
            .find(|l| *l == lang)
            .unwrap_or(&c.default_language);
        let kept = &c.disclosure;
        let ended_by = self.stored_end(c, lang);
        StoredRecord {
            questionnaire: QuestionnaireRef {
                id: c.id.clone(),
                version: c.version.clone(),
                digest: c.digest.clone(),
            },
            language: lang.clone(),
            finished: ended_by.is_some() || self.kept_questions_done(c),
            ended_by,
            answers: self.stored_answers(c),
            derived: (0..c.derived.len() as u32)
                .filter(|&d| kept.derived[d as usize].stored)
                .map(|d| self.derived_record(d, lang))
                .collect(),
            scores: (0..c.scores.len() as u32)
                .filter(|&s| kept.scores[s as usize].stored)
                .map(|s| self.score_record(s, lang))
                .collect(),
            triggers: self.stored_triggers(c, lang),
        }
    }

    /// Every stored question that is shown, answered or not: a reader of
    /// the record may learn that a question was asked (its `reveals` says
    /// so), so the record must show it, or `finished` and what reads
    /// `shown(...)` would tell more than the record holds.
    fn stored_answers(&self, c: &Compiled) -> Vec<AnswerRecord> {
        (0..c.items.len() as u32)
            .filter(|&i| {
                c.disclosure.items[i as usize].stored
                    && c.items[i as usize].kind != ItemKind::Info
                    && self.visible_at(i)
            })
            .map(|i| {
                let response = self.response_ref_at(i);
                AnswerRecord {
                    item: c.items[i as usize].id.clone().into(),
                    response: SharedStr::from_static(response.map_or(UNANSWERED, Response::kind)),
                    value: response.and_then(|r| retained_value(c, i, r)),
                }
            })
            .collect()
    }

    fn kept_questions_done(&self, c: &Compiled) -> bool {
        (0..c.items.len() as u32).all(|i| {
            let def = &c.items[i as usize];
            !c.disclosure.items[i as usize].stored
                || def.kind == ItemKind::Info
                || !self.visible_at(i)
                || self.response_ref_at(i).is_some()
        })
    }

    /// The first stored end that holds. Ends that are not stored are left
    /// out of the choice, so the record does not show that they did not hold.
    fn stored_end(&self, c: &Compiled, lang: &str) -> Option<EndRecord> {
        (0..c.ends.len())
            .filter(|&e| c.disclosure.ends[e].stored && self.end_holds(e as u32))
            .min_by_key(|&e| c.ends[e].position)
            .map(|e| EndRecord {
                id: c.ends[e].id.clone(),
                text: c.ends[e].text.get_shared(lang),
            })
    }

    fn stored_triggers(&self, c: &Compiled, lang: &str) -> Vec<TriggerRecord> {
        let mut triggers: Vec<TriggerRecord> = (0..c.triggers.len())
            .filter(|&t| c.disclosure.triggers[t].stored && self.is_fired(t as u32))
            .map(|t| {
                let def = &c.triggers[t];
                TriggerRecord {
                    id: def.id.clone(),
                    urgency: def.urgency,
                    refer_to: def.refer_to.clone(),
                    text: def.text.get_shared(lang),
                    evidence: self.stored_evidence(c, &def.when).into(),
                    conversation_evidence: !c.disclosure.triggers[t].reveals.is_empty(),
                }
            })
            .collect();
        triggers.sort_by_key(|t| t.urgency);
        triggers
    }

    /// Every stored part a condition reads, with its current value: the
    /// same list whichever way the condition came out.
    fn stored_evidence(&self, c: &Compiled, when: &crate::expr::Expr) -> Vec<Evidence> {
        let mut read = Vec::new();
        when.symbols(&mut read);
        read.sort_unstable();
        read.dedup();
        read.into_iter()
            .filter_map(|symbol| self.stored_evidence_of(c, symbol))
            .collect()
    }

    fn stored_evidence_of(&self, c: &Compiled, symbol: Symbol) -> Option<Evidence> {
        let kept = &c.disclosure;
        match symbol {
            Symbol::Item(i) if kept.items[i as usize].stored => {
                let response = self.response_ref_at(i).filter(|_| self.visible_at(i))?;
                Some(item_evidence(c, i, response))
            }
            Symbol::Derived(d) if kept.derived[d as usize].stored => Some(Evidence {
                kind: "derived".into(),
                id: c.derived[d as usize].id.clone(),
                response: None,
                value: derived_value(c, d, self.derived_value(d)),
            }),
            Symbol::Score(s) if kept.scores[s as usize].stored => Some(Evidence {
                kind: "score".into(),
                id: c.scores[s as usize].id.clone(),
                response: None,
                value: match self.score_value(s).value {
                    Val::Num(n) => Some(Value::Number(n)),
                    _ => None,
                },
            }),
            _ => None,
        }
    }
}

/// One count for the aggregate statistics: a question marked
/// `aggregate: true` and the kind of response it got.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Tally {
    /// The question.
    pub item: String,
    /// `yes` or `no` for a yes/no question, the option value for a single
    /// choice, or `declined` or `dont_know`.
    pub response: String,
}

impl Tally {
    /// A count of `response` to `item`, for a service that keeps or
    /// replays tallies of its own (a session makes its own with
    /// [`Session::tally`]).
    pub fn new(item: impl Into<String>, response: impl Into<String>) -> Self {
        Tally {
            item: item.into(),
            response: response.into(),
        }
    }
}

/// Names the question only: the response is the person's answer.
impl std::fmt::Debug for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tally")
            .field("item", &self.item)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// What this session adds to the aggregate statistics: one [`Tally`] per
    /// question marked `aggregate: true` that was shown and has a response
    /// other than "skipped", in document order. Counting them is the
    /// embedding service's job, without the session id and in batches (the
    /// server's statistics do this), so that no count tells one person.
    #[must_use]
    pub fn tally(&self) -> Vec<Tally> {
        let c: &Compiled = &self.questionnaire().inner;
        (0..c.items.len() as u32)
            .filter(|&i| c.items[i as usize].aggregate && self.visible_at(i))
            .filter_map(|i| {
                let response = match self.response_at(i)? {
                    crate::Response::Answer(Value::Bool(true)) => "yes".to_owned(),
                    crate::Response::Answer(Value::Bool(false)) => "no".to_owned(),
                    crate::Response::Answer(Value::Text(option)) => option.to_string(),
                    crate::Response::Declined => "declined".to_owned(),
                    crate::Response::DontKnow => "dont_know".to_owned(),
                    _ => return None,
                };
                Some(Tally {
                    item: c.items[i as usize].id.to_string(),
                    response,
                })
            })
            .collect()
    }
}

impl From<StoredRecord> for crate::Outcome {
    /// The stored record read as a result, for analyses that take results
    /// (such as the equality audit): it holds only what was kept.
    fn from(record: StoredRecord) -> Self {
        crate::Outcome {
            questionnaire: record.questionnaire,
            language: record.language,
            finished: record.finished,
            ended_by: record.ended_by,
            answers: record.answers,
            derived: record.derived,
            scores: record.scores,
            triggers: record.triggers,
        }
    }
}
