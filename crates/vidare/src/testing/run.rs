//! Running a case against a questionnaire and reporting what differed.

use std::fmt;

use crate::diagnostic::did_you_mean;
use crate::format::ItemKind;
use crate::outcome::Outcome;
use crate::questionnaire::Questionnaire;
use crate::session::Session;
use crate::value::{Response, Value};

use super::cases::{Action, TestCase, TestFile};

/// One way a case failed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Failure {
    /// The engine did not accept a step; the case stopped there and its
    /// expectations were not checked.
    Rejected {
        /// The step, from 1.
        step: usize,
        /// Its line in the file.
        line: u32,
        /// The item the step names (`None` for `back`).
        item: Option<String>,
        /// What the step did: `answer`, `decline`, `change`, ...
        action: &'static str,
        /// The engine's error message.
        message: String,
    },
    /// An expected value differs from the actual one.
    Mismatch {
        /// What was compared, e.g. "score `total`".
        what: String,
        /// The expected value, rendered.
        expected: String,
        /// The actual value, rendered.
        actual: String,
        /// More detail, e.g. which questions are missing from a list.
        note: Option<String>,
    },
    /// A trigger fired that should not have, or did not fire that should have.
    Trigger {
        /// The trigger.
        id: String,
        /// Whether it was expected to fire.
        expected_fired: bool,
    },
    /// An expectation names something the questionnaire does not have.
    Unknown {
        /// `item`, `score`, `derived value`, `trigger` or `end condition`.
        what: &'static str,
        /// The name used.
        id: String,
        /// The closest name that exists.
        suggestion: Option<String>,
    },
}

impl Failure {
    fn step_label(step: usize, line: u32, item: Option<&String>) -> String {
        let item = item.map_or("back", String::as_str);
        if line > 0 {
            format!("step {step} (`{item}`, line {line})")
        } else {
            format!("step {step} (`{item}`)")
        }
    }

    fn unknown_text(what: &str, id: &str, suggestion: Option<&String>) -> String {
        match suggestion {
            Some(s) => {
                format!("there is no {what} `{id}` in the questionnaire; did you mean `{s}`?")
            }
            None => format!("there is no {what} `{id}` in the questionnaire"),
        }
    }
}

/// One line: "score `total`: expected 7, got 5".
impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Rejected {
                step,
                line,
                item,
                action,
                message,
            } => write!(
                f,
                "{}: the engine rejected the {action}: {message}",
                Failure::step_label(*step, *line, item.as_ref())
            ),
            Failure::Mismatch {
                what,
                expected,
                actual,
                note,
            } => {
                write!(f, "{what}: expected {expected}, got {actual}")?;
                if let Some(note) = note {
                    write!(f, " ({note})")?;
                }
                Ok(())
            }
            Failure::Trigger { id, expected_fired } => {
                if *expected_fired {
                    write!(f, "trigger `{id}`: expected fired, was not fired")
                } else {
                    write!(f, "trigger `{id}`: expected not fired, was fired")
                }
            }
            Failure::Unknown {
                what,
                id,
                suggestion,
            } => f.write_str(&Failure::unknown_text(what, id, suggestion.as_ref())),
        }
    }
}

/// The result of running one case.
#[derive(Debug, Clone)]
pub struct CaseReport {
    /// The case's name.
    pub name: String,
    /// The file it came from.
    pub file: String,
    /// The line of its name.
    pub line: u32,
    /// How many steps the engine accepted.
    pub steps_run: usize,
    /// Every failure; empty when the case passed.
    pub failures: Vec<Failure>,
    /// The session after the last step that was accepted.
    pub session: Session,
}

impl CaseReport {
    /// Whether every step was accepted and every expectation held.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// `PASS <name>`, or `FAIL <name> (<file>:<line>)` followed by each
/// failure with its expected and actual values on lines of their own.
impl fmt::Display for CaseReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.passed() {
            return writeln!(f, "PASS {}", self.name);
        }
        writeln!(f, "FAIL {} ({}:{})", self.name, self.file, self.line)?;
        for failure in &self.failures {
            match failure {
                Failure::Rejected {
                    step,
                    line,
                    item,
                    action,
                    message,
                } => {
                    writeln!(
                        f,
                        "  - {}: the engine rejected the {action}",
                        Failure::step_label(*step, *line, item.as_ref())
                    )?;
                    writeln!(f, "      {message}")?;
                    writeln!(
                        f,
                        "      (the case stopped here; its expectations were not checked)"
                    )?;
                }
                Failure::Mismatch {
                    what,
                    expected,
                    actual,
                    note,
                } => {
                    writeln!(f, "  - {what}")?;
                    writeln!(f, "      expected: {expected}")?;
                    writeln!(f, "      actual:   {actual}")?;
                    if let Some(note) = note {
                        writeln!(f, "      {note}")?;
                    }
                }
                Failure::Trigger { id, expected_fired } => {
                    let word = |fired: bool| if fired { "fired" } else { "not fired" };
                    writeln!(f, "  - trigger `{id}`")?;
                    writeln!(f, "      expected: {}", word(*expected_fired))?;
                    writeln!(f, "      actual:   {}", word(!*expected_fired))?;
                }
                Failure::Unknown {
                    what,
                    id,
                    suggestion,
                } => writeln!(
                    f,
                    "  - {}",
                    Failure::unknown_text(what, id, suggestion.as_ref())
                )?,
            }
        }
        Ok(())
    }
}

/// Runs every case of a file against `q`, in file order.
#[must_use]
pub fn run_file(q: &Questionnaire, file: &TestFile) -> Vec<CaseReport> {
    // "Did you mean" for unknown ids in the cases shares one budget, as in
    // a compile, however many cases name unknown ids.
    let _budget = crate::suggest::CompileBudget::start();
    file.cases.iter().map(|case| run_case(q, case)).collect()
}

/// Runs one case: applies its steps to a new session, then compares the
/// expectations with the session's result. A step the engine rejects is a
/// failure of the case (reported, and the case stops there), never a panic.
#[must_use]
pub fn run_case(q: &Questionnaire, case: &TestCase) -> CaseReport {
    let mut session = Session::new(q);
    let mut failures = Vec::new();
    let mut steps_run = case.steps.len();
    for (n, step) in case.steps.iter().enumerate() {
        if let Err(message) = apply(q, &mut session, &step.action) {
            failures.push(Failure::Rejected {
                step: n + 1,
                line: step.line,
                item: step.action.item().map(str::to_owned),
                action: step.action.word(),
                message,
            });
            steps_run = n;
            break;
        }
    }
    if failures.is_empty() {
        failures = check(q, &session, case);
    }
    CaseReport {
        name: case.name.clone(),
        file: case.file.clone(),
        line: case.line,
        steps_run,
        failures,
        session,
    }
}

/// Applies one step, reading its answer by the item's kind. A rejected
/// answer's message says what the step gave: the engine's own errors never
/// repeat an answer, but a test file's answers are the author's, not a
/// person's.
fn apply(q: &Questionnaire, session: &mut Session, action: &Action) -> Result<(), String> {
    let answer = |item: &str, value: &Value| {
        super::reading::by_kind(q, item, value).map(|v| {
            let given = super::reading::describe(&v);
            (v, given)
        })
    };
    match action {
        Action::Answer { item, value } => {
            let (value, given) = answer(item, value)?;
            session.answer(item, value).map_err(|e| gave(&e, &given))
        }
        Action::Change { item, value } => {
            let (value, given) = answer(item, value)?;
            session
                .change(item, Response::Answer(value))
                .map_err(|e| gave(&e, &given))
        }
        Action::Decline { item } => session.decline(item).map_err(|e| e.to_string()),
        Action::DontKnow { item } => session.dont_know(item).map_err(|e| e.to_string()),
        Action::Skip { item } => session.skip(item).map_err(|e| e.to_string()),
        Action::Back => session.back().map_err(|e| e.to_string()),
    }
}

/// The engine's error, with what the step gave when the answer itself was
/// refused.
fn gave(error: &crate::Error, given: &str) -> String {
    match error {
        crate::Error::InvalidAnswer { .. } => format!("{error} (the step gives {given})"),
        _ => error.to_string(),
    }
}

/// Compares every expectation of `case` with the session's state.
fn check(q: &Questionnaire, session: &Session, case: &TestCase) -> Vec<Failure> {
    let expect = &case.expect;
    let result: Outcome = session.result().into_outcome();
    let c = &q.inner;
    let mut failures = Vec::new();
    let unknown =
        |what: &'static str, id: &str, names: &mut dyn Iterator<Item = &str>| Failure::Unknown {
            what,
            id: id.to_owned(),
            suggestion: did_you_mean(id, names).map(str::to_owned),
        };

    if let Some(asked) = &expect.asked {
        for id in asked {
            if !c.item_index.contains_key(id.as_str()) {
                failures.push(unknown("item", id, &mut c.items.iter().map(|i| &*i.id)));
            }
        }
        let actual: Vec<String> = (0..c.items.len() as u32)
            .filter(|&i| session.visible_at(i) && c.items[i as usize].kind != ItemKind::Info)
            .map(|i| c.items[i as usize].id.to_string())
            .collect();
        if &actual != asked {
            failures.push(Failure::Mismatch {
                what: "asked".into(),
                expected: list(asked),
                actual: list(&actual),
                note: Some(list_note(asked, &actual)),
            });
        }
    }

    if let Some(finished) = expect.finished
        && result.finished != finished
    {
        failures.push(Failure::Mismatch {
            what: "finished".into(),
            expected: finished.to_string(),
            actual: result.finished.to_string(),
            note: match session.next() {
                crate::session::Step::Ask(item) => {
                    Some(format!("the next question is `{}`", item.id()))
                }
                _ => None,
            },
        });
    }

    if let Some(ended_by) = &expect.ended_by {
        if let Some(id) = ended_by
            && !c.ends.iter().any(|e| &e.id == id)
        {
            failures.push(unknown(
                "end condition",
                id,
                &mut c.ends.iter().map(|e| e.id.as_str()),
            ));
        }
        let actual = result.ended_by.as_ref().map(|e| e.id.to_string());
        if &actual != ended_by {
            let show =
                |e: &Option<String>| e.clone().unwrap_or_else(|| "null (not ended early)".into());
            failures.push(Failure::Mismatch {
                what: "ended_by".into(),
                expected: show(ended_by),
                actual: show(&actual),
                note: None,
            });
        }
    }

    for (id, expected) in &expect.scores {
        let Some(score) = result.scores.iter().find(|s| &s.id == id) else {
            failures.push(unknown("score", id, &mut q.score_ids()));
            continue;
        };
        let same = match (expected, score.value) {
            (Some(e), Some(a)) => close(*e, a),
            (None, None) => true,
            _ => false,
        };
        if !same {
            failures.push(Failure::Mismatch {
                what: format!("score `{id}`"),
                expected: render(expected.map(Value::Number).as_ref()),
                actual: render(score.value.map(Value::Number).as_ref()),
                note: score.missing_reason.clone(),
            });
        }
    }

    for (id, expected) in &expect.bands {
        let Some(score) = result.scores.iter().find(|s| &s.id == id) else {
            failures.push(unknown("score", id, &mut q.score_ids()));
            continue;
        };
        let actual = score.band.as_ref().map(|b| b.id.to_string());
        if &actual != expected {
            let def = c.scores.iter().find(|s| &s.id == id);
            let note = match (expected, def) {
                (Some(band), Some(def)) if !def.bands.iter().any(|b| &b.id == band) => {
                    let names = def
                        .bands
                        .iter()
                        .map(|b| format!("`{}`", b.id))
                        .collect::<Vec<_>>();
                    Some(if names.is_empty() {
                        format!("score `{id}` has no bands")
                    } else {
                        format!(
                            "score `{id}` has no band `{band}`; its bands are {}",
                            names.join(", ")
                        )
                    })
                }
                _ => score
                    .value
                    .map(|v| format!("the score is {}", render(Some(&Value::Number(v))))),
            };
            failures.push(Failure::Mismatch {
                what: format!("band of score `{id}`"),
                expected: expected.clone().unwrap_or_else(|| "null (no band)".into()),
                actual: actual.unwrap_or_else(|| "null (no band)".into()),
                note,
            });
        }
    }

    for (id, expected) in &expect.derived {
        let Some(record) = result.derived.iter().find(|d| &d.id == id) else {
            failures.push(unknown("derived value", id, &mut q.derived_ids()));
            continue;
        };
        if !same_value(expected.as_ref(), record.value.as_ref()) {
            failures.push(Failure::Mismatch {
                what: format!("derived `{id}`"),
                expected: render(expected.as_ref()),
                actual: render(record.value.as_ref()),
                note: None,
            });
        }
    }

    for (ids, expected_fired) in [(&expect.triggers, true), (&expect.not_triggers, false)] {
        for id in ids {
            if !q.trigger_ids().any(|t| t == id) {
                failures.push(unknown("trigger", id, &mut q.trigger_ids()));
                continue;
            }
            let fired = result.triggers.iter().any(|t| &t.id == id);
            if fired != expected_fired {
                failures.push(Failure::Trigger {
                    id: id.clone(),
                    expected_fired,
                });
            }
        }
    }
    if let Some(expected) = &expect.fired {
        let actual: Vec<String> = result.triggers.iter().map(|t| t.id.to_string()).collect();
        failures.extend(super::fired::check(q, expected, &actual));
    }
    failures
}

/// Numbers agree to within rounding.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Values agree; lists regardless of order, numbers to within rounding.
fn same_value(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(Value::Number(x)), Some(Value::Number(y))) => close(*x, *y),
        (Some(Value::List(x)), Some(Value::List(y))) => {
            let mut x = x.clone();
            let mut y = y.clone();
            x.sort();
            y.sort();
            x == y
        }
        (Some(x), Some(y)) => x == y || super::reading::same_yes_no(x, y),
        _ => false,
    }
}

/// A value as it would be written in the test file; `null` for none.
pub(crate) fn render(value: Option<&Value>) -> String {
    match value {
        None => "null".to_owned(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Text(s)) => word(s),
        Some(Value::List(items)) => format!(
            "[{}]",
            items.iter().map(|s| word(s)).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// A text plain when it reads as a word, quoted when it could be mistaken
/// for something else.
fn word(s: &str) -> String {
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off"
        );
    if plain {
        s.to_owned()
    } else {
        format!("{s:?}")
    }
}

fn list(ids: &[String]) -> String {
    format!("[{}]", ids.join(", "))
}

/// The ids `expected` has and `actual` lacks, and those `actual` has and
/// `expected` lacks, each in its list's order.
pub(super) fn missing_and_extra<'a>(
    expected: &'a [String],
    actual: &'a [String],
) -> (Vec<&'a str>, Vec<&'a str>) {
    let only = |of: &'a [String], not_in: &'a [String]| {
        of.iter()
            .filter(|x| !not_in.contains(x))
            .map(String::as_str)
            .collect::<Vec<_>>()
    };
    (only(expected, actual), only(actual, expected))
}

/// What differs between two lists of ids.
fn list_note(expected: &[String], actual: &[String]) -> String {
    let (missing, extra) = missing_and_extra(expected, actual);
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("not shown: {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        parts.push(format!("shown but not expected: {}", extra.join(", ")));
    }
    if parts.is_empty() {
        parts.push("the same questions in a different order, or one listed twice".to_owned());
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering() {
        assert_eq!(render(None), "null");
        assert_eq!(render(Some(&Value::Number(7.0))), "7");
        assert_eq!(render(Some(&Value::Number(2.5))), "2.5");
        assert_eq!(render(Some(&Value::Text("ongoing".into()))), "ongoing");
        assert_eq!(render(Some(&Value::Text("7".into()))), "\"7\"");
        assert_eq!(render(Some(&Value::Text("true".into()))), "\"true\"");
        assert_eq!(
            render(Some(&Value::List(vec!["a".into(), "b c".into()]))),
            "[a, \"b c\"]"
        );
    }

    #[test]
    fn lists_compare_without_order() {
        let a = Value::List(vec!["x".into(), "y".into()]);
        let b = Value::List(vec!["y".into(), "x".into()]);
        assert!(same_value(Some(&a), Some(&b)));
        assert!(!same_value(Some(&a), None));
        assert!(same_value(
            Some(&Value::Number(0.1 + 0.2)),
            Some(&Value::Number(0.3))
        ));
    }

    #[test]
    fn failures_read_as_sentences() {
        let t = Failure::Trigger {
            id: "x".into(),
            expected_fired: true,
        };
        assert_eq!(t.to_string(), "trigger `x`: expected fired, was not fired");
        let m = Failure::Mismatch {
            what: "score `total`".into(),
            expected: "7".into(),
            actual: "5".into(),
            note: None,
        };
        assert_eq!(m.to_string(), "score `total`: expected 7, got 5");
        let r = Failure::Rejected {
            step: 4,
            line: 0,
            item: Some("physical_when".into()),
            action: "answer",
            message: "boom".into(),
        };
        assert_eq!(
            r.to_string(),
            "step 4 (`physical_when`): the engine rejected the answer: boom"
        );
    }
}
