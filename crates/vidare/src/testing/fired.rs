//! The `fired` expectation: exactly these triggers fired, no others. Unlike
//! `triggers` and `not_triggers`, it also catches a trigger the author did
//! not think of.

use crate::diagnostic::did_you_mean;
use crate::questionnaire::Questionnaire;

use super::run::Failure;

/// Failures of `fired: expected` when `actual` fired, in document order: an
/// unknown id, then one mismatch listing both sets and what differs.
pub(super) fn check(q: &Questionnaire, expected: &[String], actual: &[String]) -> Vec<Failure> {
    let mut failures: Vec<Failure> = expected
        .iter()
        .filter(|id| !q.trigger_ids().any(|t| t == id.as_str()))
        .map(|id| Failure::Unknown {
            what: "trigger",
            id: id.clone(),
            suggestion: did_you_mean(id, q.trigger_ids()).map(str::to_owned),
        })
        .collect();
    let (missing, extra) = super::run::missing_and_extra(expected, actual);
    if missing.is_empty() && extra.is_empty() {
        return failures;
    }
    let mut note = Vec::new();
    if !missing.is_empty() {
        note.push(format!("not fired: {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        note.push(format!("fired but not expected: {}", extra.join(", ")));
    }
    failures.push(Failure::Mismatch {
        what: "fired".into(),
        expected: format!("[{}]", expected.join(", ")),
        actual: format!("[{}]", actual.join(", ")),
        note: Some(note.join("; ")),
    });
    failures
}
