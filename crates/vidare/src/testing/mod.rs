//! Questionnaire test cases written in YAML, and coverage over them.
//!
//! Methodologists write cases next to each questionnaire, in
//! `questionnaires/<id>/tests/*.yaml`; `docs/testing.md` describes the
//! format. Each case answers questions step by step and says what must hold
//! at the end: the questions shown, whether the interview ended early,
//! scores, bands, derived values and triggers.
//!
//! ```
//! use vidare::testing::{coverage, load_test_file, run_case};
//!
//! # fn main() -> Result<(), vidare::Error> {
//! let file = load_test_file("../../questionnaires/violence-seven/tests/framing.yaml".as_ref())?;
//! let q = file.load_questionnaire()?;
//! let reports: Vec<_> = file.cases.iter().map(|case| run_case(&q, case)).collect();
//! for report in &reports {
//!     assert!(report.passed(), "{report}");
//! }
//! let sessions: Vec<_> = reports.iter().map(|r| &r.session).collect();
//! let cov = coverage(&q, &sessions);
//! assert!(cov.items_shown().0 > 0);
//! # Ok(())
//! # }
//! ```
//!
//! A case that fails says what differed:
//!
//! ```
//! # fn main() -> Result<(), vidare::Error> {
//! let q = vidare::load("../../questionnaires/violence-seven/1.0.0.yaml")?;
//! let file = vidare::testing::parse_test_file(
//!     "questionnaire: 1.0.0
//! cases:
//!   - name: not alone ends the interview
//!     steps:
//!       - alone: false
//!     expect:
//!       ended_by: null
//! ",
//!     "violence-seven/tests/example.yaml",
//! )?;
//! let report = vidare::testing::run_case(&q, &file.cases[0]);
//! assert!(!report.passed());
//! assert_eq!(
//!     report.failures[0].to_string(),
//!     "ended_by: expected null (not ended early), got not_alone"
//! );
//! # Ok(())
//! # }
//! ```

mod cases;
mod coverage;
mod fired;
mod reading;
mod run;
mod sample;

pub use cases::{
    Action, CaseStep, Expect, STEP_WORDS, TestCase, TestFile, load_test_file, parse_test_file,
};
pub use coverage::{
    BandCoverage, ConditionCoverage, Coverage, ItemCoverage, TriggerCoverage, coverage,
};
pub use run::{CaseReport, Failure, run_case, run_file};
pub use sample::sample_answer;
