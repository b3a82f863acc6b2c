//! "Would the result differ if the gender were different?" — the
//! counterfactual check of one session.
//!
//! The session's log is replayed once for every other response each
//! protected item could have had (every other option, the other yes/no
//! value, "prefer not to answer" where offered, ...), with the protected
//! item's `respond` and `change` events rewritten to that response. Each
//! replayed result is compared with the real one by
//! [`compare`]. For a questionnaire that loads,
//! the static rule (V024) already guarantees that nothing but declared
//! statistics-only outputs can differ; this check shows it for the result
//! at hand, and would catch an engine bug that broke the guarantee.
//!
//! ```
//! # fn main() -> Result<(), vidare::Error> {
//! let q = vidare::load("../../questionnaires/gender-equality-compass/1.0.0.yaml")?;
//! let mut session = vidare::Session::new(&q);
//! session.answer("gender", "woman")?;
//! session.answer("physical_health", "major")?;
//! let check = vidare::analysis::check_result(&q, &session);
//! assert!(check.is_clean());
//! assert_eq!(check.verdict, vidare::analysis::Verdict::NoDifference);
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::replay::{Difference, compare};
use crate::format::{ItemKind, Retention};
use crate::outcome::{Outcome, QuestionnaireRef};
use crate::questionnaire::{ItemRef, Questionnaire};
use crate::session::Session;
use crate::value::{Event, Response, SharedStr, Value};

/// The result of the counterfactual check of one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Counterfactual {
    /// What the check found, in one word.
    pub verdict: Verdict,
    /// The definition the session ran on.
    pub questionnaire: QuestionnaireRef,
    /// One entry per protected item of the questionnaire.
    pub protected: Vec<ProtectedCheck>,
    /// The outputs the questionnaire declares statistics only (they may
    /// read protected items, and nothing that steers a referral reads
    /// them), with their justification.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statistics_only: Vec<StatisticsOutput>,
    /// Why the check could not run: the session's own log does not resume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What the counterfactual check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The check ran and every other value of every protected item gives
    /// exactly the same result.
    NoDifference,
    /// Only outputs declared `statistics_only` differ; nothing that can
    /// steer a condition, score or referral does.
    StatisticsOnly,
    /// Something that can steer a referral differs, or the log with
    /// another value no longer resumes (the flow itself depends on it).
    Differs,
    /// Nothing to vary: the questionnaire has no protected item, or the
    /// session has no response to one.
    NothingToVary,
    /// The check could not run: the session's own log does not resume.
    NotRun,
}

/// The check of one protected item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ProtectedCheck {
    /// The protected item.
    pub item: String,
    /// Whether the log has a response to it that could be varied.
    pub varied: bool,
    /// How many other responses were tried.
    pub alternatives: usize,
    /// The alternatives that gave a different result (empty when none did).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differing: Vec<Variant>,
}

impl ProtectedCheck {
    /// The check of `item`, `varied` or not, with the number of
    /// `alternatives` tried and none differing yet: the check adds each
    /// alternative whose replay differs as it finds it.
    #[must_use]
    pub fn new(item: impl Into<String>, varied: bool, alternatives: usize) -> Self {
        Self {
            item: item.into(),
            varied,
            alternatives,
            differing: Vec::new(),
        }
    }
}

/// One other response to a protected item whose replay differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Variant {
    /// The kind of response tried: `answered`, `declined`, `dont_know` or `skipped`.
    pub response: String,
    /// The answer tried, unless the item's retention keeps answers out of results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Differences in what can steer a referral: triggers, scores, bands,
    /// derived values, the flow.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<Change>,
    /// Differences in outputs declared statistics only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statistics_only: Vec<Change>,
    /// The rewritten log no longer resumes: the first event it rejects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreplayable: Option<Unreplayable>,
}

impl Variant {
    /// The alternative `response` (`answered`, `declined`, `dont_know` or
    /// `skipped`) with no answer and no difference yet: the answer is
    /// shown only when the item's retention keeps answers in results, and
    /// the differences are added as the replay is compared.
    #[must_use]
    pub fn new(response: impl Into<String>) -> Self {
        Self {
            response: response.into(),
            value: None,
            differences: Vec::new(),
            statistics_only: Vec::new(),
            unreplayable: None,
        }
    }
}

/// One difference between the real result and a counterfactual one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Change {
    /// `finished`, `ended_by`, `answer`, `score`, `band`, `derived`,
    /// `trigger_added`, `trigger_removed` or `trigger_urgency`.
    pub kind: String,
    /// The item, score, derived value, trigger or end condition concerned
    /// (empty for `finished`).
    pub id: String,
    /// What changed, in words; never an answer or a derived value itself.
    pub description: String,
}

impl Change {
    /// A difference of `kind` in `id`, said in `description`, which must
    /// not quote an answer or a derived value: the report is shown to
    /// people who may not see them.
    #[must_use]
    pub fn new(
        kind: impl Into<String>,
        id: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Self {
            kind: kind.into(),
            id: id.into(),
            description: description.into(),
        }
    }
}

/// An event the rewritten log no longer accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Unreplayable {
    /// Its position in the log, from 0.
    pub event: usize,
    /// The item it concerns.
    pub item: String,
    /// Why the engine rejected it (never quotes an answer).
    pub reason: String,
}

/// A derived value or score declared `statistics_only`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct StatisticsOutput {
    /// `derived` or `score`.
    pub kind: String,
    /// Its id.
    pub id: String,
    /// Why it is kept, as written in the questionnaire.
    pub justification: String,
}

impl Counterfactual {
    /// The report `verdict` on a session of `questionnaire` with nothing
    /// in it yet (no protected item, no statistics-only output, no error):
    /// the check fills these in as it runs, and a report built by hand
    /// does the same through the public fields.
    #[must_use]
    pub fn new(verdict: Verdict, questionnaire: QuestionnaireRef) -> Self {
        Self {
            verdict,
            questionnaire,
            protected: Vec::new(),
            statistics_only: Vec::new(),
            error: None,
        }
    }

    /// Whether nothing that can steer a condition, score or referral
    /// depends on a protected item in this session: no difference at all,
    /// differences only in declared statistics-only outputs, or nothing to
    /// vary. False when something differs or the check could not run.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        matches!(
            self.verdict,
            Verdict::NoDifference | Verdict::StatisticsOnly | Verdict::NothingToVary
        )
    }
}

/// Whether the counterfactual check may be kept beside the stored record
/// ([`crate::StoredRecord`]): when every protected item and every
/// statistics-only output is stored. The check names only protected items,
/// their alternatives and the outputs that differ, and the compiler (V024)
/// lets nothing but statistics-only outputs differ; so then it tells nothing
/// the stored record does not. Otherwise it could tell something about
/// answers that are not kept.
#[must_use]
pub fn may_be_stored(questionnaire: &Questionnaire) -> bool {
    use crate::questionnaire::PartKind;
    let statistics = statistics_outputs(questionnaire);
    questionnaire.kept_parts().all(|part| {
        let checked = match part.kind {
            PartKind::Question => questionnaire.item(part.id).is_some_and(|i| i.protected()),
            PartKind::Derived | PartKind::Score => statistics
                .iter()
                .any(|s| s.id == part.id && s.kind == part.kind.as_str()),
            PartKind::Trigger | PartKind::End => false,
        };
        part.stored || !checked
    })
}

/// The derived values and scores `questionnaire` declares statistics only.
#[must_use]
pub fn statistics_outputs(questionnaire: &Questionnaire) -> Vec<StatisticsOutput> {
    let doc = questionnaire.document();
    let derived = doc.derived.iter().filter_map(|d| {
        d.statistics_only.as_ref().map(|s| StatisticsOutput {
            kind: "derived".into(),
            id: d.id.value.clone(),
            justification: s.value.justification.value.clone(),
        })
    });
    let scores = doc.scores.iter().filter_map(|d| {
        d.statistics_only.as_ref().map(|s| StatisticsOutput {
            kind: "score".into(),
            id: d.id.value.clone(),
            justification: s.value.justification.value.clone(),
        })
    });
    derived.chain(scores).collect()
}

/// The counterfactual check of a running or finished session.
#[must_use]
pub fn check_result(questionnaire: &Questionnaire, session: &Session) -> Counterfactual {
    counterfactual(questionnaire, session.events())
}

/// Replays `events` on `questionnaire` with every other response to each
/// protected item and reports what differs from the real result.
///
/// A protected item's `respond` and `change` events are all rewritten to
/// the alternative response (its `back` events stay), so the log keeps its
/// shape. The alternatives are every response the item accepts other than
/// the one that counts (or, if none counts, the last one in the log): for
/// a single choice every other option, for yes/no the other value, for a
/// multiple choice the empty set, each option alone and (up to 4 options)
/// every other combination, for a scale every point (or 11 spread over a
/// long one), for a number its bounds and points between them, and
/// "prefer not to answer", "don't know" and "skipped" where offered.
/// Free text and dates can only be tested for being answered, so only
/// their non-answers are tried.
#[must_use]
pub fn counterfactual(questionnaire: &Questionnaire, events: &[Event]) -> Counterfactual {
    let mut report = Counterfactual::new(
        Verdict::NothingToVary,
        QuestionnaireRef::new(
            questionnaire.id(),
            questionnaire.version(),
            questionnaire.digest(),
        ),
    );
    report.statistics_only = statistics_outputs(questionnaire);
    let original = match Session::resume(questionnaire, events.iter().cloned()) {
        Ok(session) => session,
        Err(e) => {
            report.verdict = Verdict::NotRun;
            report.error = Some(e.to_string());
            return report;
        }
    };
    let before = original.result().into_outcome();
    let statistics: Vec<(&str, &str)> = report
        .statistics_only
        .iter()
        .map(|s| (s.kind.as_str(), s.id.as_str()))
        .collect();
    let mut any_varied = false;
    let mut differs = false;
    let mut statistics_differ = false;
    for item in questionnaire.items().filter(ItemRef::protected) {
        let id = item.id();
        let given = original.response(id).or_else(|| last_response(events, id));
        let Some(given) = given else {
            report.protected.push(ProtectedCheck::new(id, false, 0));
            continue;
        };
        any_varied = true;
        let alternatives: Vec<Response> = alternatives(&item)
            .into_iter()
            .filter(|r| *r != given)
            .collect();
        let mut check = ProtectedCheck::new(id, true, alternatives.len());
        for alternative in alternatives {
            let variant = try_alternative(
                questionnaire,
                events,
                &item,
                &alternative,
                &before,
                &statistics,
            );
            if let Some(variant) = variant {
                differs |= !variant.differences.is_empty() || variant.unreplayable.is_some();
                statistics_differ |= !variant.statistics_only.is_empty();
                check.differing.push(variant);
            }
        }
        report.protected.push(check);
    }
    report.verdict = if differs {
        Verdict::Differs
    } else if statistics_differ {
        Verdict::StatisticsOnly
    } else if any_varied {
        Verdict::NoDifference
    } else {
        Verdict::NothingToVary
    };
    report
}

/// Replays the log with `alternative` as the item's response; `None` when
/// the result is the same.
fn try_alternative(
    questionnaire: &Questionnaire,
    events: &[Event],
    item: &ItemRef<'_>,
    alternative: &Response,
    before: &Outcome,
    statistics: &[(&str, &str)],
) -> Option<Variant> {
    let id = item.id();
    let rewritten: Vec<Event> = events
        .iter()
        .map(|e| match e {
            Event::Respond { item: i, .. } if &**i == id => Event::Respond {
                item: Arc::clone(i),
                response: alternative.clone(),
            },
            Event::Change { item: i, .. } if &**i == id => Event::Change {
                item: Arc::clone(i),
                response: alternative.clone(),
            },
            other => other.clone(),
        })
        .collect();
    let value = match (item.retention(), alternative) {
        (Retention::Keep, Response::Answer(v)) => Some(v.clone()),
        _ => None,
    };
    let mut variant = Variant::new(alternative.kind());
    variant.value = value;
    match Session::resume(questionnaire, rewritten.iter().cloned()) {
        Err(e) => {
            let (event, reason) = match e {
                crate::Error::Replay { index, source } => (index, source.to_string()),
                other => (0, other.to_string()),
            };
            variant.unreplayable = Some(Unreplayable {
                event,
                item: rewritten
                    .get(event)
                    .map(|e| e.item().to_owned())
                    .unwrap_or_default(),
                reason,
            });
        }
        Ok(session) => {
            let after = session.result().into_outcome();
            for difference in compare(before, &after) {
                // The protected item's own response is what was varied.
                if matches!(&difference, Difference::Answer { item: i, .. } if i == id) {
                    continue;
                }
                let change = to_change(&difference);
                let is_statistics = match &difference {
                    Difference::Score { id, .. } | Difference::Band { id, .. } => {
                        statistics.contains(&("score", id.as_str()))
                    }
                    Difference::Derived { id, .. } => {
                        statistics.contains(&("derived", id.as_str()))
                    }
                    _ => false,
                };
                if is_statistics {
                    variant.statistics_only.push(change);
                } else {
                    variant.differences.push(change);
                }
            }
        }
    }
    let same = variant.differences.is_empty()
        && variant.statistics_only.is_empty()
        && variant.unreplayable.is_none();
    (!same).then_some(variant)
}

fn to_change(difference: &Difference) -> Change {
    let (kind, id) = match difference {
        Difference::Finished { .. } => ("finished", SharedStr::default()),
        Difference::EndedBy { before, after } => (
            "ended_by",
            after.clone().or_else(|| before.clone()).unwrap_or_default(),
        ),
        Difference::Answer { item, .. } => ("answer", item.clone()),
        Difference::AnswerValue { item } => ("answer_value", item.clone()),
        Difference::Score { id, .. } => ("score", id.clone()),
        Difference::Band { id, .. } => ("band", id.clone()),
        Difference::Derived { id, .. } => ("derived", id.clone()),
        Difference::TriggerAdded { id, .. } => ("trigger_added", id.clone()),
        Difference::TriggerRemoved { id, .. } => ("trigger_removed", id.clone()),
        Difference::TriggerUrgency { id, .. } => ("trigger_urgency", id.clone()),
    };
    let description = match difference {
        // How far the varied answer moves a score is what this check
        // shows; replay and impact print only that a score changed.
        Difference::Score { id, before, after } => {
            let shown = |v: &Option<f64>| v.map_or_else(|| "none".to_owned(), |v| v.to_string());
            format!("score `{id}`: {} → {}", shown(before), shown(after))
        }
        other => other.to_string(),
    };
    Change::new(kind, id, description)
}

/// The response of the last `respond` or `change` event for `item` that
/// no later `back` withdrew.
fn last_response(events: &[Event], item: &str) -> Option<Response> {
    let mut last = None;
    for e in events.iter().filter(|e| e.item() == item) {
        last = match e {
            Event::Respond { response, .. } | Event::Change { response, .. } => {
                Some(response.clone())
            }
            Event::Back { .. } => None,
        };
    }
    last
}

/// Every response `item` accepts, as far as it can be listed.
fn alternatives(item: &ItemRef<'_>) -> Vec<Response> {
    let mut out: Vec<Response> = Vec::new();
    let mut answer = |v: Value| out.push(Response::Answer(v));
    match item.kind() {
        ItemKind::YesNo => {
            answer(Value::Bool(true));
            answer(Value::Bool(false));
        }
        ItemKind::SingleChoice => {
            for o in item.options() {
                answer(Value::Text(o.value.into()));
            }
        }
        ItemKind::MultipleChoice => {
            let values: Vec<&str> = item.options().map(|o| o.value).collect();
            if values.len() <= 4 {
                for mask in 0u32..(1 << values.len()) {
                    answer(Value::List(
                        values
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| mask & (1 << i) != 0)
                            .map(|(_, v)| (*v).into())
                            .collect(),
                    ));
                }
            } else {
                answer(Value::List(Vec::new()));
                for v in &values {
                    answer(Value::List(vec![(*v).into()]));
                }
                answer(Value::List(values.iter().map(|v| (*v).into()).collect()));
            }
        }
        ItemKind::Scale | ItemKind::Number => {
            let (lo, hi) = item.range();
            // A scale is listed in full (up to 21 points); a number only
            // sampled.
            let points = if item.kind() == ItemKind::Scale {
                lo.zip(hi)
                    .map_or_else(Vec::new, |(lo, hi)| spread(lo, hi, item.integer(), 21))
            } else {
                numbers(lo, hi, item.integer())
            };
            for n in points {
                answer(Value::Number(n));
            }
        }
        ItemKind::Text | ItemKind::Date | ItemKind::Info => {}
    }
    if item.allows_decline() {
        out.push(Response::Declined);
    }
    if item.allows_dont_know() {
        out.push(Response::DontKnow);
    }
    if !item.required() {
        out.push(Response::Skipped);
    }
    out
}

/// A few numbers a number item accepts: within `lo` and `hi` (where given)
/// and whole when `integer`; none if there is no such number.
fn numbers(lo: Option<f64>, hi: Option<f64>, integer: bool) -> Vec<f64> {
    if let (Some(lo), Some(hi)) = (lo, hi) {
        return spread(lo, hi, integer, 5);
    }
    // The whole numbers within a bound lie within these.
    let (lo, hi) = if integer {
        (lo.map(f64::ceil), hi.map(f64::floor))
    } else {
        (lo, hi)
    };
    let mut out = match (lo, hi) {
        (Some(lo), _) => vec![lo, lo + 1.0, lo + 10.0, lo + 100.0],
        (None, Some(hi)) => vec![hi, hi - 1.0, hi - 10.0, hi - 100.0],
        (None, None) => vec![-1.0, 0.0, 1.0, 10.0, 100.0],
    };
    // Beyond 2^53, `lo + 1.0` may be `lo` again.
    out.dedup();
    out
}

/// Up to `max` points from `lo` to `hi`, both included; whole numbers
/// (rounded inwards at the ends) when `integer`; none if there is no such
/// number.
fn spread(lo: f64, hi: f64, integer: bool, max: usize) -> Vec<f64> {
    let (lo, hi) = if integer {
        (lo.ceil(), hi.floor())
    } else {
        (lo, hi)
    };
    if !(lo.is_finite() && hi.is_finite()) || hi < lo {
        return Vec::new();
    }
    if integer && hi - lo < max as f64 {
        // Beyond 2^53, `n + 1.0` may be `n` again.
        let mut out: Vec<f64> = (0..max)
            .map(|k| lo + k as f64)
            .take_while(|n| *n <= hi)
            .collect();
        out.dedup();
        return out;
    }
    let mut out: Vec<f64> = Vec::with_capacity(max);
    let span = hi - lo;
    for k in 0..max {
        let t = k as f64 / (max - 1) as f64;
        // Weighted where `hi - lo` overflows; clamped against rounding.
        // Rounding a number between whole bounds keeps it between them.
        let mut n = if span.is_finite() {
            lo + span * k as f64 / (max - 1) as f64
        } else {
            lo * (1.0 - t) + hi * t
        }
        .clamp(lo, hi);
        if integer {
            n = n.round();
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

impl fmt::Display for Counterfactual {
    /// A summary that names items, scores and triggers, never an answer.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = &self.questionnaire;
        match self.verdict {
            Verdict::NotRun => {
                return write!(
                    f,
                    "counterfactual check on {}@{}: not run: {}",
                    q.id,
                    q.version,
                    self.error.as_deref().unwrap_or("the log does not resume")
                );
            }
            Verdict::NothingToVary if self.protected.is_empty() => {
                return write!(
                    f,
                    "counterfactual check on {}@{}: nothing to vary (no protected item)",
                    q.id, q.version
                );
            }
            _ => {}
        }
        let headline = match self.verdict {
            Verdict::NoDifference => "no difference",
            Verdict::StatisticsOnly => "only statistics-only outputs differ",
            Verdict::Differs => "THE RESULT DIFFERS",
            Verdict::NothingToVary => "nothing to vary",
            Verdict::NotRun => "not run",
        };
        write!(
            f,
            "counterfactual check on {}@{}: {headline}",
            q.id, q.version
        )?;
        for check in &self.protected {
            if !check.varied {
                write!(f, "\n  `{}`: no response to vary", check.item)?;
                continue;
            }
            write!(
                f,
                "\n  `{}`: {} other response(s) tried, {} gave another result",
                check.item,
                check.alternatives,
                check.differing.len()
            )?;
            for (n, variant) in check.differing.iter().enumerate() {
                write!(f, "\n    alternative {} ({}):", n + 1, variant.response)?;
                if let Some(u) = &variant.unreplayable {
                    write!(
                        f,
                        "\n      the log no longer resumes: event {} (`{}`): {}",
                        u.event, u.item, u.reason
                    )?;
                }
                for c in &variant.differences {
                    write!(f, "\n      - {}", c.description)?;
                }
                for c in &variant.statistics_only {
                    write!(f, "\n      - {} (statistics only)", c.description)?;
                }
            }
        }
        for s in &self.statistics_only {
            write!(
                f,
                "\n  statistics only: {} `{}`: {}",
                s.kind, s.id, s.justification
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{Verdict, alternatives, counterfactual};
    use crate::{Questionnaire, Response, Session, Value};

    /// A questionnaire whose trigger and flow read `gender`, which the
    /// loader would reject: it is compiled with `gender` unprotected and
    /// marked protected afterwards, as an engine bug might leave it.
    fn biased() -> Questionnaire {
        let source = r#"
format: 1
id: biased
version: 1.0.0
title: { en: Biased }
languages: [en]
default_language: en
sections:
  - id: main
    items:
      - id: gender
        kind: single_choice
        allow_decline: true
        text: { en: Gender }
        options:
          - { value: woman, label: { en: Woman } }
          - { value: man, label: { en: Man } }
      - id: children
        kind: yes_no
        text: { en: Children at home? }
      - id: childcare
        kind: yes_no
        when: gender == "woman" && children == true
        text: { en: Is childcare arranged? }
triggers:
  - id: work_training
    when: gender == "man"
    urgency: routine
    refer_to: work-training
    text: { en: Work training. }
"#;
        let mut q = crate::compile(source, "biased.yaml").unwrap();
        let inner = Arc::get_mut(&mut q.inner).unwrap();
        inner.items[0].protected = true;
        q
    }

    #[test]
    fn a_referral_that_follows_gender_is_reported() {
        let q = biased();
        let mut s = Session::new(&q);
        s.answer("gender", "man").unwrap();
        s.answer("children", false).unwrap();
        let check = counterfactual(&q, s.events());
        assert_eq!(check.verdict, Verdict::Differs, "{check}");
        assert!(!check.is_clean());
        let gender = &check.protected[0];
        // woman, declined.
        assert_eq!(gender.alternatives, 2);
        assert_eq!(gender.differing.len(), 2);
        for v in &gender.differing {
            assert!(
                v.differences
                    .iter()
                    .any(|c| c.kind == "trigger_removed" && c.id == "work_training"),
                "{check}"
            );
        }
        let text = check.to_string();
        assert!(text.contains("THE RESULT DIFFERS"), "{text}");
        assert!(
            text.contains("trigger `work_training` no longer fires"),
            "{text}"
        );
        // Display never shows the answers tried.
        assert!(!text.contains("woman"), "{text}");
    }

    #[test]
    fn a_log_that_no_longer_resumes_with_another_gender_is_reported() {
        let q = biased();
        let mut s = Session::new(&q);
        s.answer("gender", "woman").unwrap();
        s.answer("children", true).unwrap();
        s.answer("childcare", false).unwrap();
        let check = counterfactual(&q, s.events());
        assert_eq!(check.verdict, Verdict::Differs, "{check}");
        let man = check.protected[0]
            .differing
            .iter()
            .find(|v| v.value == Some(crate::Value::Text("man".into())))
            .unwrap();
        let unreplayable = man.unreplayable.as_ref().unwrap();
        assert_eq!(unreplayable.event, 2);
        assert_eq!(unreplayable.item, "childcare");
        // Without `childcare`, the interview is over before its answer.
        assert!(
            unreplayable.reason.contains("finished"),
            "{}",
            unreplayable.reason
        );
        assert!(check.to_string().contains("the log no longer resumes"));
    }

    /// The numbers tried for the one item `item` (YAML flow mapping,
    /// without `id` and `text`), after checking that the item accepts each.
    fn numbers_tried(item: &str) -> Vec<f64> {
        let source = format!(
            "format: 1\nid: shapes\nversion: 1.0.0\ntitle: {{ en: Shapes }}\n\
             languages: [en]\ndefault_language: en\nsections:\n  - id: main\n    items:\n\
             \x20     - {{ id: x, text: {{ en: X }}, {item} }}\n"
        );
        let q = crate::compile(&source, "shapes.yaml").unwrap();
        let tried = alternatives(&q.item("x").unwrap());
        for response in &tried {
            let accepted = Session::new(&q).respond("x", response.clone());
            assert!(accepted.is_ok(), "{item}: {response:?}: {accepted:?}");
        }
        tried
            .into_iter()
            .filter_map(|r| match r {
                Response::Answer(Value::Number(n)) => Some(n),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn only_numbers_the_item_accepts_are_tried() {
        // Whole numbers, rounded inwards from fractional bounds.
        let shapes: &[(&str, &[f64])] = &[
            (
                "kind: number, integer: true, min: 0.5",
                &[1.0, 2.0, 11.0, 101.0],
            ),
            (
                "kind: number, integer: true, max: -0.5",
                &[-1.0, -2.0, -11.0, -101.0],
            ),
            (
                "kind: number, integer: true, min: 0.5, max: 2.5",
                &[1.0, 2.0],
            ),
            (
                "kind: number, integer: true, min: 0.5, max: 8.5",
                &[1.0, 3.0, 5.0, 6.0, 8.0],
            ),
            (
                "kind: number, integer: true, min: -7.25, max: 9.75",
                &[-7.0, -3.0, 1.0, 5.0, 9.0],
            ),
            (
                "kind: number, min: 0.5, max: 8.5",
                &[0.5, 2.5, 4.5, 6.5, 8.5],
            ),
            ("kind: number, min: 0.5", &[0.5, 1.5, 10.5, 100.5]),
            ("kind: number, max: 3", &[3.0, 2.0, -7.0, -97.0]),
            (
                "kind: number, integer: true",
                &[-1.0, 0.0, 1.0, 10.0, 100.0],
            ),
            ("kind: scale, min: 1, max: 5", &[1.0, 2.0, 3.0, 4.0, 5.0]),
            // Beyond 2^53 neighbouring whole numbers are one f64.
            (
                "kind: number, integer: true, min: 1.0e17",
                &[1.0e17, 1.0e17 + 16.0, 1.0e17 + 96.0],
            ),
            (
                "kind: number, integer: true, min: 9007199254740992, max: 9007199254740996",
                &[
                    9_007_199_254_740_992.0,
                    9_007_199_254_740_994.0,
                    9_007_199_254_740_996.0,
                ],
            ),
        ];
        for (item, expected) in shapes {
            assert_eq!(numbers_tried(item), *expected, "{item}");
        }
        // A whole-number range without a whole number (`min: 0.25, max:
        // 0.75`) never gets here: the compiler refuses it (V026).
        // Nearly the whole range of f64: `max - min` overflows.
        let wide = numbers_tried("kind: number, min: -1.7e308, max: 1.7e308");
        assert_eq!(wide.len(), 5, "{wide:?}");
        assert_eq!((wide[0], wide[2], wide[4]), (-1.7e308, 0.0, 1.7e308));
        assert!(wide.is_sorted(), "{wide:?}");
        // No whole number between the bounds: nothing to try.
        assert_eq!(super::spread(0.25, 0.75, true, 5), Vec::<f64>::new());
        assert_eq!(
            super::numbers(Some(0.25), Some(0.75), true),
            Vec::<f64>::new()
        );
    }
}

/// A result together with its counterfactual check: the JSON of the
/// [`Outcome`] with one more field, `counterfactual`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CheckedOutcome {
    /// The result.
    #[serde(flatten)]
    pub outcome: crate::Outcome,
    /// "Would the result differ if a protected attribute were different?"
    pub counterfactual: Counterfactual,
}

impl CheckedOutcome {
    /// `outcome` with its `counterfactual` check. The two are passed in,
    /// not worked out, because a frontend may hold both already: the
    /// server keeps the check made when a session closed beside its stored
    /// record, and the log that would remake it may be gone.
    #[must_use]
    pub fn new(outcome: Outcome, counterfactual: Counterfactual) -> Self {
        Self {
            outcome,
            counterfactual,
        }
    }
}

impl crate::Session {
    /// The result together with the counterfactual check: the session is
    /// replayed with every other value of each protected item (such as
    /// gender), and any difference in scores, bands, derived values or
    /// triggers is reported. For a questionnaire that passes the compiler's
    /// protected-attribute rule it finds none.
    #[must_use]
    pub fn checked_result_in(&self, lang: &str) -> CheckedOutcome {
        CheckedOutcome::new(
            self.result_in(lang).into_outcome(),
            check_result(self.questionnaire(), self),
        )
    }
}
