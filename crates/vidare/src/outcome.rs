//! The result of a session: answers that count (within their retention),
//! derived values, scores with bands, and fired triggers with evidence.

use std::cell::Cell;

use serde::{Deserialize, Serialize};

pub use crate::evidence::EvidenceList;
use crate::expr::eval::{eval, explain};
use crate::expr::typed::{Symbol, Val};
use crate::format::{Retention, Urgency};
use crate::questionnaire::{Compiled, DerivedRule, Term, band_of};
use crate::session::{Session, contribution};
use crate::value::{Response, SharedStr, Value};

/// The result of a session, serialisable to JSON with a stable field order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Outcome {
    /// Which definition produced it.
    pub questionnaire: QuestionnaireRef,
    /// The language of the texts below.
    pub language: SharedStr,
    /// Whether every shown item has a response (or an end condition held).
    pub finished: bool,
    /// The end condition that ended the interview early, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ended_by: Option<EndRecord>,
    /// Responses to shown items, in document order. Answers kept only for
    /// the conversation are listed without their value.
    pub answers: Vec<AnswerRecord>,
    /// Derived values; `null` when not known.
    pub derived: Vec<DerivedRecord>,
    /// Scores with their bands.
    pub scores: Vec<ScoreRecord>,
    /// Fired triggers, most urgent first, then in document order.
    pub triggers: Vec<TriggerRecord>,
}

impl Outcome {
    /// An empty result of `questionnaire` in `language`: not finished,
    /// nothing answered, derived, scored or fired. A frontend needs one
    /// where a session's result cannot be worked out (the server's audit,
    /// for a session on an edited definition), and starts from it when it
    /// builds a result by hand.
    #[must_use]
    pub fn new(questionnaire: QuestionnaireRef, language: impl Into<SharedStr>) -> Self {
        Self {
            questionnaire,
            language: language.into(),
            finished: false,
            ended_by: None,
            answers: Vec::new(),
            derived: Vec::new(),
            scores: Vec::new(),
            triggers: Vec::new(),
        }
    }
}

/// Id, version and digest of a questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct QuestionnaireRef {
    /// Id.
    pub id: SharedStr,
    /// Semantic version.
    pub version: SharedStr,
    /// `sha256:` digest of the canonical definition.
    pub digest: SharedStr,
}

impl QuestionnaireRef {
    /// The pin of `id`@`version` with `digest` (`sha256:` and the hex
    /// digits). Nothing is checked here: a pin read from storage may name
    /// a version or a definition that is gone, and replay is what says so.
    #[must_use]
    pub fn new(
        id: impl Into<SharedStr>,
        version: impl Into<SharedStr>,
        digest: impl Into<SharedStr>,
    ) -> Self {
        Self {
            id: id.into(),
            version: version.into(),
            digest: digest.into(),
        }
    }
}

/// A response in the result.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct AnswerRecord {
    /// The item.
    pub item: SharedStr,
    /// `answered`, `declined`, `dont_know` or `skipped`.
    pub response: SharedStr,
    /// The answer, unless the item's retention keeps it out of the result.
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        serialize_with = "crate::value::whole::value"
    )]
    pub value: Option<Value>,
}

impl AnswerRecord {
    /// The record of a `response` (`answered`, `declined`, `dont_know` or
    /// `skipped`) to `item`, without a value: a result leaves the value out
    /// whenever the item's retention keeps it out, so a record starts
    /// without one; set [`AnswerRecord::value`] to keep one.
    #[must_use]
    pub fn new(item: impl Into<SharedStr>, response: impl Into<SharedStr>) -> Self {
        Self {
            item: item.into(),
            response: response.into(),
            value: None,
        }
    }
}

/// The end condition that ended an interview early.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct EndRecord {
    /// Its id.
    pub id: SharedStr,
    /// What the practitioner is told.
    pub text: SharedStr,
}

/// A derived value in the result.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct DerivedRecord {
    /// Its id.
    pub id: SharedStr,
    /// Its label, if it has one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub label: Option<SharedStr>,
    /// Its value: yes/no, number, category or list of categories.
    #[serde(serialize_with = "crate::value::whole::value")]
    pub value: Option<Value>,
    /// The label of a category value.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value_label: Option<SharedStr>,
}

/// A score in the result.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ScoreRecord {
    /// Its id.
    pub id: SharedStr,
    /// Its label, if it has one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub label: Option<SharedStr>,
    /// The value, or `null` when too few terms have one; a whole number
    /// is written as an integer (`12`), and `12.0` reads as well.
    #[serde(serialize_with = "crate::value::whole::option")]
    pub value: Option<f64>,
    /// Terms that had a value.
    pub answered: u32,
    /// Terms in all.
    pub terms: u32,
    /// The band the value falls in.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub band: Option<BandRecord>,
    /// Why there is no value.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub missing_reason: Option<String>,
}

/// A band in the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct BandRecord {
    /// Band id.
    pub id: SharedStr,
    /// Its label.
    pub label: SharedStr,
}

/// A fired trigger in the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct TriggerRecord {
    /// Trigger id.
    pub id: SharedStr,
    /// How soon to act.
    pub urgency: Urgency,
    /// Where the person is referred.
    pub refer_to: SharedStr,
    /// What to do.
    pub text: SharedStr,
    /// What made the condition true. In a [`StoredRecord`](crate::StoredRecord):
    /// every kept answer and value the condition reads, whether or not it
    /// decided the outcome, so the list itself reveals nothing.
    pub evidence: EvidenceList,
    /// In a stored record: the condition also read answers used only in
    /// the conversation, which are not named. Always `false` in a result.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub conversation_evidence: bool,
}

/// One piece of evidence: an item's response, or a derived value or score.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Evidence {
    /// `item`, `derived` or `score`.
    pub kind: SharedStr,
    /// Its id.
    pub id: SharedStr,
    /// For items: the kind of response.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub response: Option<SharedStr>,
    /// The value, unless retention keeps an item's answer out of the result.
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        serialize_with = "crate::value::whole::value"
    )]
    pub value: Option<Value>,
}

impl Session {
    /// The full record of the result with texts in `lang`, one of the
    /// questionnaire's languages (the snapshot of [`Session::result`] has
    /// chosen it, and builds the record).
    pub(crate) fn outcome_in(&self, lang: &SharedStr) -> Outcome {
        let c: &Compiled = &self.questionnaire().inner;
        let answers = self.counted_answers(c);
        let derived = (0..c.derived.len() as u32)
            .map(|d| self.derived_record(d, lang))
            .collect();
        let scores = (0..c.scores.len() as u32)
            .map(|s| self.score_record(s, lang))
            .collect();
        let triggers = with_scratch(|scratch| self.fired_records(c, lang, scratch));
        Outcome {
            questionnaire: QuestionnaireRef::new(c.id.clone(), c.version.clone(), c.digest.clone()),
            language: lang.clone(),
            finished: self.is_finished(),
            ended_by: self.ended_by().and_then(|id| {
                let end = c.ends.iter().find(|e| e.id == id)?;
                Some(EndRecord {
                    id: end.id.clone(),
                    text: end.text.get_shared(lang),
                })
            }),
            answers,
            derived,
            scores,
            triggers,
        }
    }

    /// A derived value with its label and value label in `lang`.
    pub(crate) fn derived_record(&self, d: u32, lang: &str) -> DerivedRecord {
        let c: &Compiled = &self.questionnaire().inner;
        let def = &c.derived[d as usize];
        let v = self.derived_value(d);
        DerivedRecord {
            id: def.id.clone(),
            label: def.label.as_ref().map(|l| l.get_shared(lang)),
            value: derived_value(c, d, v),
            value_label: match v {
                Val::Opt(o) => def
                    .categories
                    .get(o as usize)
                    .and_then(|cat| cat.label.as_ref())
                    .map(|l| l.get_shared(lang)),
                _ => None,
            },
        }
    }

    /// A score with its band in `lang`, or the reason it has no value.
    pub(crate) fn score_record(&self, s: u32, lang: &str) -> ScoreRecord {
        let def = &self.questionnaire().inner.scores[s as usize];
        let sv = self.score_value(s);
        let terms = def.terms.len() as u32;
        let value = match sv.value {
            Val::Num(n) => Some(n),
            _ => None,
        };
        let band = value.and_then(|v| band_of(def, v)).map(|b| BandRecord {
            id: b.id.clone(),
            label: b.label.get_shared(lang),
        });
        let default = &self.questionnaire().inner.default_language;
        let missing_reason = value.is_none().then(|| {
            crate::wording::missing_reason(lang, default, sv.known, def.min_answered, terms)
        });
        ScoreRecord {
            id: def.id.clone(),
            label: def.label.as_ref().map(|l| l.get_shared(lang)),
            value,
            answered: sv.known,
            terms,
            band,
            missing_reason,
        }
    }

    /// The fired triggers, most urgent first, with their evidence in one
    /// buffer that all of them share.
    fn fired_records(&self, c: &Compiled, lang: &str, scratch: &mut Scratch) -> Vec<TriggerRecord> {
        let fired = (0..c.triggers.len() as u32).filter(|&t| self.is_fired(t));
        for t in fired.clone() {
            let when = &c.triggers[t as usize].when;
            self.evidence(c, when, scratch);
            scratch.ends.push(scratch.evidence.len() as u32);
        }
        let lists = EvidenceList::split(&mut scratch.evidence, &scratch.ends);
        let mut triggers: Vec<TriggerRecord> = Vec::with_capacity(scratch.ends.len());
        triggers.extend(fired.zip(lists).map(|(t, evidence)| {
            let def = &c.triggers[t as usize];
            TriggerRecord {
                id: def.id.clone(),
                urgency: def.urgency,
                refer_to: def.refer_to.clone(),
                text: def.text.get_shared(lang),
                evidence,
                conversation_evidence: false,
            }
        }));
        triggers.sort_by_key(|t| t.urgency);
        triggers
    }

    /// Responses to shown items in document order, in a list sized once.
    fn counted_answers(&self, c: &Compiled) -> Vec<AnswerRecord> {
        let counted = (0..c.items.len() as u32)
            .filter(|&i| self.visible_at(i))
            .filter_map(|i| Some((i, self.response_ref_at(i)?)));
        let mut answers = Vec::with_capacity(self.shown_with_response());
        answers.extend(counted.map(|(i, response)| AnswerRecord {
            item: c.items[i as usize].id.clone().into(),
            response: SharedStr::from_static(response.kind()),
            value: retained_value(c, i, response),
        }));
        answers
    }

    /// The items, derived values and scores that decided a condition, with
    /// derived values and scores followed down to the items they read,
    /// added to `scratch.evidence`.
    fn evidence(&self, c: &Compiled, when: &crate::expr::Expr, scratch: &mut Scratch) {
        let mut evidence = std::mem::take(&mut scratch.evidence);
        let symbols = self.evidence_symbols(c, when, scratch);
        evidence.extend(symbols.iter().filter_map(|&symbol| match symbol {
            Symbol::Item(i) => {
                let response = self.response_ref_at(i).filter(|_| self.visible_at(i))?;
                Some(item_evidence(c, i, response))
            }
            Symbol::Derived(d) => Some(Evidence {
                kind: SharedStr::from_static("derived"),
                id: c.derived[d as usize].id.clone(),
                response: None,
                value: derived_value(c, d, self.derived_value(d)),
            }),
            Symbol::Score(s) => Some(Evidence {
                kind: SharedStr::from_static("score"),
                id: c.scores[s as usize].id.clone(),
                response: None,
                value: match self.score_value(s).value {
                    Val::Num(n) => Some(Value::Number(n)),
                    _ => None,
                },
            }),
        }));
        scratch.evidence = evidence;
    }

    /// The symbols of a condition's evidence: items in document order
    /// first, then derived values and scores.
    pub(crate) fn evidence_symbols<'a>(
        &self,
        c: &Compiled,
        when: &crate::expr::Expr,
        scratch: &'a mut Scratch,
    ) -> &'a [Symbol] {
        let Scratch {
            pending,
            tested,
            seen,
            ..
        } = scratch;
        pending.clear();
        tested.clear();
        seen.clear();
        explain(when, self, pending);
        when.set_tests(tested);
        while let Some(symbol) = pending.pop() {
            if seen.contains(&symbol) {
                continue;
            }
            seen.push(symbol);
            match symbol {
                Symbol::Item(_) => {}
                Symbol::Derived(d) => match &c.derived[d as usize].rule {
                    DerivedRule::Value(e) => {
                        explain(e, self, pending);
                    }
                    // A category is decided by its first case that holds.
                    DerivedRule::Cases(cases) => {
                        if let Some((w, _)) = cases.iter().find(|(w, _)| eval(w, self).is_true()) {
                            explain(w, self, pending);
                        }
                    }
                    // For `"x" in flags`, only the case for `x` is evidence.
                    DerivedRule::Flags(flags) => {
                        let focus: Vec<u32> = tested
                            .iter()
                            .filter(|(s, _)| *s == symbol)
                            .map(|(_, i)| *i)
                            .collect();
                        for (w, value) in flags {
                            if (focus.is_empty() || focus.contains(value))
                                && eval(w, self).is_true()
                            {
                                explain(w, self, pending);
                            }
                        }
                    }
                },
                Symbol::Score(s) => {
                    let def = &c.scores[s as usize];
                    let counted = def
                        .terms
                        .iter()
                        .filter(|t| contribution(def, t, &c.items, self.state()).is_some());
                    for term in counted {
                        match term {
                            Term::Item(i) => pending.push(Symbol::Item(*i)),
                            Term::Expr(e) => e.symbols(pending),
                        }
                    }
                }
            }
        }
        seen.sort_unstable();
        seen
    }
}

/// Lists reused for the evidence of every trigger of one result, and
/// from one result to the next on the same thread.
#[derive(Default)]
pub(crate) struct Scratch {
    pending: Vec<Symbol>,
    tested: Vec<(Symbol, u32)>,
    seen: Vec<Symbol>,
    /// The evidence of all fired triggers, one after the other.
    evidence: Vec<Evidence>,
    /// Where each trigger's evidence ends in `evidence`.
    ends: Vec<u32>,
}

thread_local! {
    /// Kept between results so that a result allocates none of its work
    /// lists once the thread has made one.
    static SCRATCH: Cell<Scratch> = Cell::new(Scratch::default());
}

/// Runs `f` with this thread's work lists (empty ones if a result is being
/// built further up the stack), and empties them afterwards: the evidence
/// holds answers, which must not outlive the result.
fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    let mut scratch = SCRATCH.try_with(Cell::take).unwrap_or_default();
    let out = f(&mut scratch);
    scratch.evidence.clear();
    scratch.ends.clear();
    // Fails only while the thread is shutting down; the lists are dropped.
    let _ = SCRATCH.try_with(|cell| cell.set(scratch));
    out
}

/// An item's response as evidence; the id is copied from the compiled
/// form (not formatted), the response borrowed from the log.
pub(crate) fn item_evidence(c: &Compiled, i: u32, response: &Response) -> Evidence {
    Evidence {
        kind: SharedStr::from_static("item"),
        id: c.items[i as usize].id.clone().into(),
        response: Some(SharedStr::from_static(response.kind())),
        value: retained_value(c, i, response),
    }
}

pub(crate) fn retained_value(c: &Compiled, i: u32, response: &Response) -> Option<Value> {
    match (c.items[i as usize].retention, response) {
        (Retention::Keep, Response::Answer(v)) => Some(v.clone()),
        _ => None,
    }
}

pub(crate) fn derived_value(c: &Compiled, d: u32, v: Val) -> Option<Value> {
    let categories = &c.derived[d as usize].categories;
    match v {
        Val::Bool(b) => Some(Value::Bool(b)),
        Val::Num(n) => Some(Value::Number(n)),
        Val::Opt(o) => categories
            .get(o as usize)
            .map(|c| Value::Text(c.value.clone())),
        Val::Set(mask) => {
            // Sized once: collecting from a filter would grow the list.
            let mut list = Vec::with_capacity(mask.count_ones() as usize);
            list.extend(
                categories
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, c)| c.value.clone()),
            );
            Some(Value::List(list))
        }
        Val::Unknown | Val::Opaque => None,
    }
}

// Debug output ends up in logs and panic messages, so it names the parts of
// a result but never shows what an answer made of them: a value, a band, or
// a label chosen by the value (a category's label is the answer in words).
impl std::fmt::Debug for AnswerRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Whether a follow-up was answered or a question declined can be
        // the answer itself, so not even the kind of response is shown.
        f.debug_struct("AnswerRecord")
            .field("item", &self.item)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for DerivedRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DerivedRecord")
            .field("id", &self.id)
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ScoreRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScoreRecord")
            .field("id", &self.id)
            .field("answered", &self.answered)
            .field("terms", &self.terms)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evidence")
            .field("kind", &self.kind)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::{Outcome, QuestionnaireRef, SCRATCH};
    use crate::{Session, load};

    /// The work lists outlive the result on purpose, but the evidence in
    /// them holds answers, which must go with the result.
    #[test]
    fn no_evidence_stays_behind_on_the_thread_after_a_result() {
        let q = load(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../questionnaires/violence-seven/1.0.0.yaml"
        ))
        .unwrap();
        let mut session = Session::new(&q);
        session.answer("alone", true).unwrap();
        session.answer("interpreter", "none").unwrap();
        session.answer("psychological", true).unwrap();
        session.answer("psychological_when", "ongoing").unwrap();
        let result = session.result().into_outcome();
        assert!(result.triggers.iter().any(|t| !t.evidence.is_empty()));
        let left = SCRATCH.take();
        assert!(left.evidence.is_empty() && left.ends.is_empty());
        assert!(
            left.evidence.capacity() > 0,
            "the buffer is kept for the next result"
        );
    }

    /// The server's audit reads this for an open session on an edited
    /// definition, so its JSON is pinned.
    #[test]
    fn an_empty_result_is_unfinished_with_empty_lists_and_no_end() {
        let empty = Outcome::new(QuestionnaireRef::new("q", "1.0.0", "sha256:0"), "sv");
        assert_eq!(
            serde_json::to_string(&empty).unwrap(),
            r#"{"questionnaire":{"id":"q","version":"1.0.0","digest":"sha256:0"},"language":"sv","finished":false,"answers":[],"derived":[],"scores":[],"triggers":[]}"#
        );
    }
}
