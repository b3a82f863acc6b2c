//! The YAML test-case files: their types, and reading them with errors that
//! name the file, the case, the step and what is wrong.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value as Json;

use crate::diagnostic::{Code, Diagnostic, Location, did_you_mean};
use crate::error::Error;
use crate::questionnaire::Questionnaire;
use crate::value::Value;
use crate::yaml::{Limits, Sp};

/// The words a step can start with instead of an item id.
pub const STEP_WORDS: &[&str] = &["decline", "dont_know", "skip", "change", "back"];

/// One file of test cases: `questionnaires/<id>/tests/<name>.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct TestFile {
    /// The file name as given to the loader.
    pub file: String,
    /// The version under test: the file `../<version>.yaml` next to the
    /// `tests` folder.
    pub questionnaire: String,
    /// The cases, in file order.
    pub cases: Vec<TestCase>,
}

/// One test case: steps through an interview, then what must hold at the end.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    /// What the case checks; unique within its file.
    pub name: String,
    /// The file it was read from.
    pub file: String,
    /// The line of its name.
    pub line: u32,
    /// The steps, in order.
    pub steps: Vec<CaseStep>,
    /// What must hold after the last step.
    pub expect: Expect,
}

/// One step of a case, with the line it is written on.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseStep {
    /// What the step does.
    pub action: Action,
    /// 1-based line in the file, 0 when unknown.
    pub line: u32,
}

/// What a step does to the session.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Action {
    /// `- item: value`: answer the current item.
    Answer {
        /// The item's id.
        item: String,
        /// The answer.
        value: Value,
    },
    /// `- decline: item`: "prefer not to answer".
    Decline {
        /// The item's id.
        item: String,
    },
    /// `- dont_know: item`: "don't know".
    DontKnow {
        /// The item's id.
        item: String,
    },
    /// `- skip: item`: pass over an optional item.
    Skip {
        /// The item's id.
        item: String,
    },
    /// `- change: { item: value }`: replace an earlier answer.
    Change {
        /// The item's id.
        item: String,
        /// The new answer.
        value: Value,
    },
    /// `- back`: go back one question.
    Back,
}

impl Action {
    /// The item the step names; `None` for `back`.
    #[must_use]
    pub fn item(&self) -> Option<&str> {
        match self {
            Action::Answer { item, .. }
            | Action::Decline { item }
            | Action::DontKnow { item }
            | Action::Skip { item }
            | Action::Change { item, .. } => Some(item),
            Action::Back => None,
        }
    }

    /// What the step is, in a word or two: `answer`, `decline`, ...
    #[must_use]
    pub fn word(&self) -> &'static str {
        match self {
            Action::Answer { .. } => "answer",
            Action::Decline { .. } => "decline",
            Action::DontKnow { .. } => "\"don't know\"",
            Action::Skip { .. } => "skip",
            Action::Change { .. } => "change",
            Action::Back => "going back",
        }
    }
}

/// What must hold at the end of a case. Every field is optional: a field
/// that is absent (or an empty list or map) is not checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expect {
    /// Exactly the questions (non-info items) shown at the end, in order.
    pub asked: Option<Vec<String>>,
    /// Whether nothing is left to ask.
    pub finished: Option<bool>,
    /// `Some(Some(id))`: the end condition that ended the interview;
    /// `Some(None)`: it did not end early (`ended_by: null`); `None`: not checked.
    #[allow(clippy::option_option)]
    // absent, `null` and an id are three different expectations
    pub ended_by: Option<Option<String>>,
    /// Score values; `None` means the score has no value.
    pub scores: Vec<(String, Option<f64>)>,
    /// Band ids; `None` means the score is in no band.
    pub bands: Vec<(String, Option<String>)>,
    /// Derived values; `None` means the value is not known.
    pub derived: Vec<(String, Option<Value>)>,
    /// Triggers that must have fired.
    pub triggers: Vec<String>,
    /// Triggers that must not have fired.
    pub not_triggers: Vec<String>,
    /// `Some(ids)`: exactly these triggers fired, no others (`[]`: none);
    /// `None`: not checked.
    pub fired: Option<Vec<String>>,
}

impl TestFile {
    /// Where the questionnaire under test is: `../<version>.yaml` relative
    /// to the folder that holds this file. `None` when the file name has no
    /// parent folder.
    #[must_use]
    pub fn questionnaire_path(&self) -> Option<PathBuf> {
        let tests = Path::new(&self.file).parent()?;
        let folder = tests.parent()?;
        Some(folder.join(format!("{}.yaml", self.questionnaire)))
    }

    /// Loads the questionnaire under test (see [`TestFile::questionnaire_path`])
    /// and checks that it declares the version the file names.
    ///
    /// # Errors
    /// As [`crate::load`]; and [`Error::Invalid`] when the loaded
    /// questionnaire has a different version, or the file has no folder.
    pub fn load_questionnaire(&self) -> Result<Questionnaire, Error> {
        let Some(path) = self.questionnaire_path() else {
            return Err(invalid(
                &self.file,
                "",
                Diagnostic::new(
                    Code::UnknownReference,
                    at(&self.file, 0, 0, "questionnaire"),
                    "the test file is not inside a questionnaire's `tests` folder",
                )
                .with_help("put it in `questionnaires/<id>/tests/`"),
            ));
        };
        let q = crate::load(&path)?;
        if q.version() != self.questionnaire {
            return Err(invalid(
                &self.file,
                "",
                Diagnostic::new(
                    Code::InvalidId,
                    at(&self.file, 0, 0, "questionnaire"),
                    format!(
                        "the tests name version {}, but {} declares version {}",
                        self.questionnaire,
                        path.display(),
                        q.version()
                    ),
                )
                .with_help("keep the file name and the `version` inside it in step"),
            ));
        }
        Ok(q)
    }
}

/// Reads a test file.
///
/// # Errors
/// [`Error::Io`] when it cannot be read, is not a regular file or is
/// larger than a questionnaire may be; [`Error::Invalid`] with one
/// diagnostic naming the line, the path in the document (e.g.
/// `cases[2].steps[3]`), the case and the step when it is not a valid test file.
pub fn load_test_file(path: &Path) -> Result<TestFile, Error> {
    let name = path.display().to_string();
    // Only a regular file, no larger than a questionnaire may be.
    let source = crate::files::read_text_file(path, Limits::default().max_file_bytes)?;
    parse_test_file(&source, &name)
}

/// Parses the text of a test file; `file` is the name used in messages and
/// to find the questionnaire (see [`TestFile::questionnaire_path`]).
///
/// # Errors
/// As [`load_test_file`].
pub fn parse_test_file(source: &str, file: &str) -> Result<TestFile, Error> {
    let fail = |d: Diagnostic| invalid(file, source, d);
    if source.len() > Limits::default().max_file_bytes {
        return Err(fail(Diagnostic::new(
            Code::LimitExceeded,
            at(file, 1, 1, ""),
            "the test file is larger than a questionnaire may be",
        )));
    }
    let raw = read_raw(source, file).map_err(|d| fail(*d))?;
    let mut cases = Vec::with_capacity(raw.cases.len());
    if raw.cases.is_empty() {
        return Err(fail(
            Diagnostic::new(
                Code::EmptyList,
                at(file, 0, 0, "cases"),
                "the file has no cases",
            )
            .with_help("add at least one case under `cases:`, see docs/testing.md"),
        ));
    }
    for (c, rc) in raw.cases.into_iter().enumerate() {
        let name = rc.name.value.trim().to_owned();
        let case_path = format!("cases[{c}]");
        let line = rc.name.line;
        if name.is_empty() {
            return Err(fail(
                Diagnostic::new(
                    Code::MissingField,
                    at(file, line, rc.name.column, &format!("{case_path}.name")),
                    format!("case {} has an empty name", c + 1),
                )
                .with_help("say in the name what the case checks"),
            ));
        }
        if let Some(first) = cases.iter().find(|x: &&TestCase| x.name == name) {
            return Err(fail(
                Diagnostic::new(
                    Code::DuplicateId,
                    at(file, line, rc.name.column, &format!("{case_path}.name")),
                    format!("two cases are named `{name}`"),
                )
                .with_related(at(file, first.line, 0, ""), "the first one")
                .with_help("give each case a name that says what it checks"),
            ));
        }
        let mut steps = Vec::with_capacity(rc.steps.len());
        for (s, step) in rc.steps.iter().enumerate() {
            let action = step_action(&step.value).map_err(|(message, help)| {
                fail(
                    Diagnostic::new(
                        Code::WrongType,
                        at(
                            file,
                            step.line,
                            step.column,
                            &format!("{case_path}.steps[{s}]"),
                        ),
                        format!("case `{name}`, step {}: {message}", s + 1),
                    )
                    .with_help(help),
                )
            })?;
            steps.push(CaseStep {
                action,
                line: step.line,
            });
        }
        let expect = expect(rc.expect.unwrap_or_default()).map_err(|(field, message)| {
            fail(
                Diagnostic::new(
                    Code::WrongType,
                    at(file, line, 0, &format!("{case_path}.expect.{field}")),
                    format!("case `{name}`, expect `{field}`: {message}"),
                )
                .with_help("see docs/testing.md for what each expectation takes"),
            )
        })?;
        cases.push(TestCase {
            name,
            file: file.to_owned(),
            line,
            steps,
            expect,
        });
    }
    let version = raw.questionnaire.value.trim().to_owned();
    if version.is_empty()
        || !version
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-' | '+'))
    {
        return Err(fail(
            Diagnostic::new(
                Code::InvalidId,
                at(
                    file,
                    raw.questionnaire.line,
                    raw.questionnaire.column,
                    "questionnaire",
                ),
                "`questionnaire` must be a version such as 1.0.0",
            )
            .with_help("name the version under test; its file is `../<version>.yaml`"),
        ));
    }
    Ok(TestFile {
        file: file.to_owned(),
        questionnaire: version,
        cases,
    })
}

// ---------------------------------------------------------------------------
// The file as written.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    questionnaire: Sp<String>,
    cases: Vec<RawCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: Sp<String>,
    #[serde(default)]
    steps: Vec<Sp<Json>>,
    #[serde(default)]
    expect: Option<RawExpect>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    #[serde(default)]
    asked: Option<Vec<String>>,
    #[serde(default)]
    finished: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[allow(clippy::option_option)] // absent, `null` and an id differ
    ended_by: Option<Option<String>>,
    #[serde(default)]
    scores: serde_json::Map<String, Json>,
    #[serde(default)]
    bands: serde_json::Map<String, Json>,
    #[serde(default)]
    derived: serde_json::Map<String, Json>,
    #[serde(default)]
    triggers: Vec<String>,
    #[serde(default)]
    not_triggers: Vec<String>,
    #[serde(default)]
    fired: Option<Vec<String>>,
}

/// Tells a field written as `null` (`Some(None)`) from an absent one (`None`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

fn read_raw(source: &str, file: &str) -> Result<RawFile, Box<Diagnostic>> {
    let mut options = serde_saphyr::Options::default();
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    // Plain scalars that YAML 1.1 would turn into numbers or booleans
    // (`3_4`, `007`, `no`) stay text: a step's answer is read by the item's
    // kind when the case runs, so `no` can name an option and `3_4` be one.
    options.strict_booleans = true;
    options.underscored_numbers_as_strings = true;
    options.leading_zero_numbers_as_strings = true;
    let mut path = String::new();
    let result = serde_saphyr::with_deserializer_from_str_with_options(source, options, |de| {
        serde_path_to_error::deserialize::<_, RawFile>(de).map_err(|e| {
            path = e.path().to_string();
            e.into_inner()
        })
    });
    result.map_err(|e| {
        let (line, column) = e
            .location()
            .map_or((0, 0), |l| (l.line() as u32, l.column() as u32));
        let text = e.to_string();
        let text = text
            .find(" at line ")
            .map_or(text.as_str(), |i| &text[..i])
            .trim()
            .to_owned();
        let (code, message, help) = match &e {
            serde_saphyr::Error::SerdeUnknownField {
                field, expected, ..
            } => unknown_field(field, expected),
            serde_saphyr::Error::SerdeMissingField { field, .. } => (
                Code::MissingField,
                format!("missing field `{field}`"),
                "a test file needs `questionnaire:` and `cases:`, and each case a `name:`; see docs/testing.md".into(),
            ),
            _ => classify(&text),
        };
        Box::new(
            Diagnostic::new(code, at(file, line, column, &clean_path(&path)), message)
                .with_help(help),
        )
    })
}

/// Drops the `value` step that the position wrapper adds to serde's path.
fn clean_path(raw: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for segment in raw.split('.') {
        if segment.is_empty() || segment == "?" {
            continue;
        }
        let wrapped = out.last().is_some_and(|last| {
            *last == "questionnaire" || last.starts_with("name") || last.starts_with("steps[")
        });
        if wrapped && segment == "value" {
            continue;
        }
        out.push(segment);
    }
    out.join(".")
}

fn unknown_field(name: &str, choices: &[&str]) -> (Code, String, String) {
    let list = choices
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let help = match did_you_mean(name, choices.iter().copied()) {
        Some(m) => format!("did you mean `{m}`? the fields allowed here are {list}"),
        None => format!("the fields allowed here are {list}"),
    };
    (Code::UnknownField, format!("unknown field `{name}`"), help)
}

fn classify(text: &str) -> (Code, String, String) {
    if text.contains("missing field") {
        return (
            Code::MissingField,
            text.to_owned(),
            "a test file needs `questionnaire:` and `cases:`, and each case a `name:`; see docs/testing.md".into(),
        );
    }
    if text.contains("invalid type") || text.contains("expected") || text.contains("invalid") {
        return (
            Code::WrongType,
            text.to_owned(),
            "see docs/testing.md for the shape of a test file".into(),
        );
    }
    if text.contains("duplicate") {
        return (
            Code::YamlSyntax,
            text.to_owned(),
            "each key may appear once in a mapping; put each answer in its own step starting with `- `".into(),
        );
    }
    (
        Code::YamlSyntax,
        text.to_owned(),
        "check the indentation and the `- ` before each list entry".into(),
    )
}

// ---------------------------------------------------------------------------
// Interpreting steps and expectations.

/// A step as written, turned into an action; on error (what is wrong, what to do).
pub(crate) fn step_action(step: &Json) -> Result<Action, (String, String)> {
    const SHAPE: &str = "a step is `back`, `<item id>: <answer>`, `decline: <item id>`, `dont_know: <item id>`, `skip: <item id>` or `change: { <item id>: <answer> }`";
    match step {
        Json::String(word) if word == "back" => Ok(Action::Back),
        Json::String(word) if STEP_WORDS.contains(&word.as_str()) => Err((
            format!("`{word}` needs an item"),
            if word == "change" {
                "write `change: { <item id>: <new answer> }`".to_owned()
            } else {
                format!("write `{word}: <item id>`")
            },
        )),
        Json::String(word) => Err((
            format!("`{word}` on its own is not a step"),
            format!("to answer `{word}`, write `{word}: <answer>`; {SHAPE}"),
        )),
        Json::Object(map) if map.len() == 1 => {
            let (key, value) = map.iter().next().unwrap_or_else(|| unreachable!());
            let item_of = |value: &Json| match value {
                Json::String(item) if !item.trim().is_empty() => Ok(item.trim().to_owned()),
                _ => Err((
                    format!("`{key}` takes the id of an item"),
                    format!("write `{key}: <item id>`, e.g. `{key}: physical`"),
                )),
            };
            match key.as_str() {
                "back" => Err((
                    "`back` takes nothing".to_owned(),
                    "write `- back` on its own, without a colon".to_owned(),
                )),
                "decline" => Ok(Action::Decline {
                    item: item_of(value)?,
                }),
                "dont_know" => Ok(Action::DontKnow {
                    item: item_of(value)?,
                }),
                "skip" => Ok(Action::Skip {
                    item: item_of(value)?,
                }),
                "change" => match value {
                    Json::Object(inner) if inner.len() == 1 => {
                        let (item, value) = inner.iter().next().unwrap_or_else(|| unreachable!());
                        Ok(Action::Change {
                            item: item.clone(),
                            value: answer(item, value)?,
                        })
                    }
                    _ => Err((
                        "`change` takes one item and its new answer".to_owned(),
                        "write `change: { <item id>: <new answer> }`, e.g. `change: { physical: false }`; declining or \"don't know\" cannot be given as a change".to_owned(),
                    )),
                },
                item => {
                    if matches!(value, Json::Object(_))
                        && let Some(word) = did_you_mean(item, STEP_WORDS.iter().copied()) {
                            return Err((
                                format!("`{item}` is not a step word"),
                                format!("did you mean `{word}`?"),
                            ));
                        }
                    Ok(Action::Answer {
                        item: item.to_owned(),
                        value: answer(item, value)?,
                    })
                }
            }
        }
        Json::Object(map) if map.is_empty() => {
            Err(("the step is empty".to_owned(), SHAPE.to_owned()))
        }
        Json::Object(map) => Err((
            format!(
                "the step has {} keys ({}); a step does one thing",
                map.len(),
                map.keys()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "put each answer in its own step, each line starting with `- `".to_owned(),
        )),
        Json::Null => Err(("the step is empty".to_owned(), SHAPE.to_owned())),
        _ => Err(("this is not a step".to_owned(), SHAPE.to_owned())),
    }
}

/// An answer as written, turned into a [`Value`].
fn answer(item: &str, value: &Json) -> Result<Value, (String, String)> {
    match value {
        Json::Null => Err((
            format!("`{item}` has no answer"),
            format!("write `{item}: <answer>`; to not answer, use `decline: {item}`, `dont_know: {item}` or `skip: {item}`"),
        )),
        other => to_value(other).ok_or_else(|| {
            (
                format!("the answer to `{item}` is not a valid answer"),
                "an answer is true or false, a number, a text, or a list of option values like `[a, b]`".to_owned(),
            )
        }),
    }
}

/// A JSON value as an answer value; `None` for null, mappings and lists
/// that hold anything but texts.
fn to_value(value: &Json) -> Option<Value> {
    match value {
        Json::Bool(b) => Some(Value::Bool(*b)),
        Json::Number(n) => n.as_f64().map(Value::Number),
        Json::String(s) => Some(Value::Text(s.as_str().into())),
        // A list answers a multiple choice, whose values are texts: `[1, 2]`
        // names the options "1" and "2".
        Json::Array(list) => list
            .iter()
            .map(|v| match v {
                Json::String(s) => Some(s.as_str().into()),
                Json::Number(n) => n.as_f64().map(|x| x.to_string().into()),
                Json::Bool(b) => Some(b.to_string().into()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(Value::List),
        Json::Null | Json::Object(_) => None,
    }
}

/// The expectations as written; on error (the field, what is wrong).
fn expect(raw: RawExpect) -> Result<Expect, (String, String)> {
    let mut scores = Vec::new();
    for (id, v) in raw.scores {
        let value = match &v {
            Json::Null => None,
            Json::Number(n) => n.as_f64(),
            _ => {
                return Err((
                    format!("scores.{id}"),
                    "a score is expected as a number, or `null` for no value".to_owned(),
                ));
            }
        };
        scores.push((id, value));
    }
    let mut bands = Vec::new();
    for (id, v) in raw.bands {
        let band = match v {
            Json::Null => None,
            Json::String(s) => Some(s),
            _ => {
                return Err((
                    format!("bands.{id}"),
                    "a band is expected as its id, or `null` for no band".to_owned(),
                ));
            }
        };
        bands.push((id, band));
    }
    let mut derived = Vec::new();
    for (id, v) in raw.derived {
        let value = match &v {
            Json::Null => None,
            other => Some(to_value(other).ok_or_else(|| {
                (
                    format!("derived.{id}"),
                    "a derived value is true or false, a number, a category, a list of categories, or `null` for not known".to_owned(),
                )
            })?),
        };
        derived.push((id, value));
    }
    if let Some(both) = raw.triggers.iter().find(|t| raw.not_triggers.contains(t)) {
        return Err((
            "not_triggers".to_owned(),
            format!("trigger `{both}` is listed both in `triggers` and in `not_triggers`"),
        ));
    }
    Ok(Expect {
        asked: raw.asked,
        finished: raw.finished,
        ended_by: raw.ended_by,
        scores,
        bands,
        derived,
        triggers: raw.triggers,
        not_triggers: raw.not_triggers,
        fired: raw.fired,
    })
}

fn at(file: &str, line: u32, column: u32, path: &str) -> Location {
    Location {
        file: file.to_owned(),
        line,
        column,
        path: path.to_owned(),
    }
}

fn invalid(file: &str, source: &str, diagnostic: Diagnostic) -> Error {
    Error::Invalid {
        file: file.to_owned(),
        source_text: source.to_owned(),
        diagnostics: vec![diagnostic],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(yaml: &str) -> Result<Action, (String, String)> {
        let json: Json = serde_saphyr::from_str(yaml).unwrap();
        step_action(&json)
    }

    fn parse_err(source: &str) -> Diagnostic {
        let err = parse_test_file(source, "q/tests/t.yaml").unwrap_err();
        err.diagnostics()[0].clone()
    }

    #[test]
    fn each_step_form() {
        assert_eq!(
            step("alone: true").unwrap(),
            Action::Answer {
                item: "alone".into(),
                value: Value::Bool(true)
            }
        );
        assert_eq!(
            step("interpreter: none").unwrap(),
            Action::Answer {
                item: "interpreter".into(),
                value: Value::Text("none".into())
            }
        );
        assert_eq!(
            step("age: 42").unwrap(),
            Action::Answer {
                item: "age".into(),
                value: Value::Number(42.0)
            }
        );
        assert_eq!(
            step("areas: [work, health]").unwrap(),
            Action::Answer {
                item: "areas".into(),
                value: Value::List(vec!["work".into(), "health".into()])
            }
        );
        assert_eq!(
            step("decline: sexual").unwrap(),
            Action::Decline {
                item: "sexual".into()
            }
        );
        assert_eq!(
            step("dont_know: x").unwrap(),
            Action::DontKnow { item: "x".into() }
        );
        assert_eq!(step("skip: x").unwrap(), Action::Skip { item: "x".into() });
        assert_eq!(
            step("change: { physical: false }").unwrap(),
            Action::Change {
                item: "physical".into(),
                value: Value::Bool(false)
            }
        );
        assert_eq!(step("back").unwrap(), Action::Back);
    }

    #[test]
    fn bad_steps_say_what_is_wrong() {
        let (message, help) = step("alone").unwrap_err();
        assert_eq!(message, "`alone` on its own is not a step");
        assert!(help.contains("write `alone: <answer>`"), "{help}");

        let (message, _) = step("{ alone: true, interpreter: none }").unwrap_err();
        assert!(
            message.contains("2 keys (`alone`, `interpreter`)"),
            "{message}"
        );

        let (message, help) = step("decline").unwrap_err();
        assert_eq!(message, "`decline` needs an item");
        assert_eq!(help, "write `decline: <item id>`");

        let (message, _) = step("decline: [a, b]").unwrap_err();
        assert_eq!(message, "`decline` takes the id of an item");

        let (message, help) = step("change: { a: true, b: false }").unwrap_err();
        assert_eq!(message, "`change` takes one item and its new answer");
        assert!(help.contains("cannot be given as a change"), "{help}");

        let (message, help) = step("alone:").unwrap_err();
        assert_eq!(message, "`alone` has no answer");
        assert!(help.contains("decline: alone"), "{help}");

        let (message, _) = step("alone: { yes: 1 }").unwrap_err();
        assert_eq!(message, "the answer to `alone` is not a valid answer");

        let (message, help) = step("chnage: { physical: false }").unwrap_err();
        assert_eq!(message, "`chnage` is not a step word");
        assert_eq!(help, "did you mean `change`?");

        let (message, help) = step("back: true").unwrap_err();
        assert_eq!(message, "`back` takes nothing");
        assert!(help.contains("`- back`"), "{help}");

        assert!(step("42").is_err());
        assert!(step("{}").is_err());
    }

    #[test]
    fn a_bad_step_names_file_case_step_and_line() {
        let d = parse_err(
            "questionnaire: 1.0.0\ncases:\n  - name: first\n    steps:\n      - alone: true\n      - interpreter\n",
        );
        assert_eq!(d.code, Code::WrongType);
        assert_eq!(d.location.file, "q/tests/t.yaml");
        assert_eq!(d.location.line, 6);
        assert_eq!(d.location.path, "cases[0].steps[1]");
        assert_eq!(
            d.message,
            "case `first`, step 2: `interpreter` on its own is not a step"
        );
    }

    #[test]
    fn a_whole_file() {
        let file = parse_test_file(
            r"
questionnaire: 1.0.0
cases:
  - name: one
    steps:
      - alone: false
    expect:
      asked: [alone]
      finished: true
      ended_by: not_alone
      scores: { total: 7, readiness: null }
      bands: { total: high, readiness: null }
      derived: { category: [earlier, has_used], ongoing_violence: true, x: null }
      triggers: [ask_again_alone]
      not_triggers: [children_exposed]
  - name: two
    expect:
      ended_by: null
",
            "questionnaires/v/tests/t.yaml",
        )
        .unwrap();
        assert_eq!(file.questionnaire, "1.0.0");
        assert_eq!(
            file.questionnaire_path().unwrap(),
            Path::new("questionnaires/v/1.0.0.yaml")
        );
        let one = &file.cases[0];
        assert_eq!(one.line, 4);
        assert_eq!(one.steps[0].line, 6);
        let e = &one.expect;
        assert_eq!(e.asked.as_deref(), Some(&["alone".to_owned()][..]));
        assert_eq!(e.finished, Some(true));
        assert_eq!(e.ended_by, Some(Some("not_alone".to_owned())));
        assert_eq!(
            e.scores,
            [
                ("total".to_owned(), Some(7.0)),
                ("readiness".to_owned(), None)
            ]
        );
        assert_eq!(e.bands[0], ("total".to_owned(), Some("high".to_owned())));
        assert_eq!(
            e.derived[0].1,
            Some(Value::List(vec!["earlier".into(), "has_used".into()]))
        );
        assert_eq!(e.derived[2], ("x".to_owned(), None));
        assert_eq!(file.cases[1].expect.ended_by, Some(None));
        assert_eq!(file.cases[1].expect.finished, None);
        assert!(file.cases[1].steps.is_empty());
    }

    #[test]
    fn structural_errors() {
        let d = parse_err(
            "questionnaire: 1.0.0\ncases:\n  - name: a\n    expect:\n      trigers: [x]\n",
        );
        assert_eq!(d.code, Code::UnknownField);
        assert_eq!(d.message, "unknown field `trigers`");
        let help = d.help.unwrap();
        assert!(help.contains("did you mean `triggers`?"), "{help}");
        assert_eq!(d.location.line, 5);

        let d = parse_err("cases:\n  - name: a\n");
        assert_eq!(d.code, Code::MissingField);

        let d = parse_err("questionnaire: 1.0.0\ncases:\n  - name: a\n  - name: a\n");
        assert_eq!(d.code, Code::DuplicateId);
        assert_eq!(d.location.line, 4);

        let d = parse_err("questionnaire: ../../x\ncases:\n  - name: a\n");
        assert_eq!(d.code, Code::InvalidId);

        let d = parse_err("questionnaire: 1.0.0\ncases: []\n");
        assert_eq!(d.code, Code::EmptyList);

        let d = parse_err(
            "questionnaire: 1.0.0\ncases:\n  - name: a\n    expect:\n      scores: { total: high }\n",
        );
        assert_eq!(d.location.path, "cases[0].expect.scores.total");
        assert!(
            d.message.starts_with("case `a`, expect `scores.total`"),
            "{}",
            d.message
        );

        let d = parse_err(
            "questionnaire: 1.0.0\ncases:\n  - name: a\n    expect:\n      triggers: [x]\n      not_triggers: [x]\n",
        );
        assert!(d.message.contains("both"), "{}", d.message);
    }
}
