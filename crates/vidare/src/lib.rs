//! Vidare runs structured screening interviews: it loads versioned YAML
//! questionnaires, runs their branching logic one answer at a time, and
//! gives a scored result with referral triggers that explain themselves.
//!
//! ```
//! use vidare::{Session, Step};
//!
//! # fn main() -> Result<(), vidare::Error> {
//! let questionnaire = vidare::load("../../questionnaires/violence-seven/1.0.0.yaml")?;
//! let mut session = Session::new(&questionnaire);
//!
//! session.answer("alone", true)?;
//! session.answer("interpreter", "none")?;
//! session.answer("psychological", true)?;
//! session.answer("psychological_when", "ongoing")?;
//!
//! // An immediate trigger is visible the moment its condition holds.
//! assert!(session.immediate().any(|id| id == "ongoing_violence"));
//!
//! while let Step::Ask(item) = session.next() {
//!     let id = item.id().to_owned();
//!     session.answer(&id, false)?;
//! }
//! // Taking the result copies nothing; its full record is built when read.
//! let result = session.result();
//! assert!(result.is_finished());
//! let trigger = &result.outcome().triggers[0];
//! assert_eq!(trigger.id, "ongoing_violence");
//! assert!(trigger.evidence.iter().any(|e| e.id == "psychological_when"));
//! # Ok(())
//! # }
//! ```
//!
//! # More examples
//!
//! Resume a saved interview from its recording, on the version it pins:
//!
//! ```
//! use vidare::{Recording, Registry, analysis::DigestPolicy};
//!
//! # fn main() -> Result<(), vidare::Error> {
//! let registry = Registry::load_dir("../../questionnaires")?;
//! let q = registry.get("violence-seven", "2.0.0")?;
//! let mut session = vidare::Session::new(q);
//! session.answer("alone", true)?;
//! let saved = session.record().to_json();
//!
//! let recording = Recording::from_json(&saved, "saved.json")?;
//! let resumed = recording.resume(&registry, DigestPolicy::Require)?;
//! assert_eq!(resumed.events(), session.events());
//! # Ok(())
//! # }
//! ```
//!
//! Replay a folder of recorded sessions and count what no longer matches:
//!
//! ```
//! use vidare::{Recording, Registry, analysis::{DigestPolicy, replay}};
//!
//! # fn main() -> Result<(), vidare::Error> {
//! let registry = Registry::load_dir("../../questionnaires")?;
//! let mut differing = 0;
//! for entry in std::fs::read_dir("../../tests/recordings/hand").map_err(|e| vidare::Error::Io {
//!     path: "tests/recordings/hand".into(),
//!     source: e,
//! })? {
//!     let Ok(entry) = entry else { continue };
//!     if entry.path().extension().is_none_or(|e| e != "json") {
//!         continue;
//!     }
//!     let recording = Recording::load(entry.path())?;
//!     let report = replay(&registry, &recording, DigestPolicy::Require)?;
//!     differing += usize::from(!report.is_equal());
//! }
//! assert_eq!(differing, 0);
//! # Ok(())
//! # }
//! ```
//!
//! Check a questionnaire and show every problem as a terminal would:
//!
//! ```
//! let source = "format: 2\nid: t\nversion: 1.0.0\ntitle: { en: T }\n\
//!               languages: [en]\ndefault_language: en\nsections: []\n";
//! let (questionnaire, diagnostics) = vidare::Compiler::new().check(source, "t.yaml");
//! assert!(questionnaire.is_none());
//! let text = vidare::diagnostic::render_all(&diagnostics, source);
//! assert!(text.contains("error[V018]"), "{text}");
//! let json = vidare::diagnostic::to_json(&diagnostics);
//! assert!(json.contains("V018"), "{json}");
//! ```
//!
//! Run a questionnaire's YAML test cases:
//!
//! ```
//! use vidare::testing::{load_test_file, run_file};
//!
//! # fn main() -> Result<(), vidare::Error> {
//! let file = load_test_file("../../questionnaires/violence-seven/tests/2.0.0-paths.yaml".as_ref())?;
//! let questionnaire = file.load_questionnaire()?;
//! let reports = run_file(&questionnaire, &file);
//! assert!(!reports.is_empty());
//! assert!(reports.iter().all(|r| r.passed()), "{:?}", reports.iter().map(|r| &r.name).collect::<Vec<_>>());
//! # Ok(())
//! # }
//! ```
//!
//! docs/library.md walks through the same tasks.
//!
//! # Learn more
//! - `docs/format.md`: the questionnaire format, every field, and the expression language.
//! - [`Compiler`]: limits, and all diagnostics at once with [`Compiler::check`].
//! - [`Session`]: answering, declining, changing, going back, resuming from a log.
//! - [`SessionResult`]: the result for the conversation, a snapshot that
//!   reads scores and triggers and writes JSON without building the full
//!   [`Outcome`].
//! - [`StoredRecord`]: what may be kept afterwards; [`Questionnaire::kept_parts`]
//!   says what each kept part may reveal.
//!
//! # Errors
//! Loading reports every problem as a [`Diagnostic`] with a stable code,
//! a location (file, line, column, path in the document) and help; render
//! them with [`Error::render`] or as JSON with [`diagnostic::to_json`].
//! A bad answer is an [`Error`] naming the item and what it accepts, and
//! leaves the session unchanged. No error ever contains an answer value.
//!
//! # Features
//! - `schema` (default): JSON Schema of the questionnaire format via [`schema`].

#![deny(missing_docs)]

pub mod analysis;
mod compile;
pub mod diagnostic;
mod digest;
mod error;
mod evidence;
pub mod expr;
pub mod files;
pub mod format;
mod kept;
pub mod language;
mod limits;
pub mod outcome;
pub mod phrases;
pub mod questionnaire;
pub mod recording;
mod referral;
mod refusal;
pub mod registry;
mod session;
mod session_result;
mod shared;
pub mod stored;
mod suggest;
pub mod summary;
pub mod testing;
mod value;
mod version;
pub mod view;
pub mod wording;
mod yaml;

pub use compile::{Compiler, compile, load};
pub use diagnostic::Diagnostic;
pub use error::{Error, ErrorKind};
pub use limits::Limits;
pub use outcome::Outcome;
pub use questionnaire::Questionnaire;
pub use recording::Recording;
pub use registry::Registry;
pub use session::{Session, Step};
pub use session_result::SessionResult;
pub use stored::StoredRecord;
pub use value::{Event, Response, SharedStr, Value};

/// The JSON Schema of the recording format.
#[cfg(feature = "schema")]
#[must_use]
pub fn recording_schema() -> serde_json::Value {
    recording::schema()
}

/// The JSON Schema of a result with its counterfactual check
/// ([`analysis::CheckedOutcome`]), for API documents.
#[cfg(feature = "schema")]
#[must_use]
pub fn checked_outcome_schema() -> serde_json::Value {
    schemars::schema_for!(analysis::CheckedOutcome).to_value()
}

/// The JSON Schema of the questionnaire format, for editors.
#[cfg(feature = "schema")]
#[must_use]
pub fn schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(format::Document);
    schema.insert("title".into(), "Vidare questionnaire (format 1)".into());
    schema.to_value()
}
