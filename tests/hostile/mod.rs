//! Hostile and oversized input: every case gets a located error (a
//! diagnostic with a code and, where a place exists, a line) or works, and
//! does so within a time bound. Big inputs are generated here, never
//! committed. docs/robustness.md describes the limits and each case; the
//! regression inputs found by fuzzing (fuzz/) are in `fuzzing`.
//!
//! One module per kind of input; the helpers they share are here.

mod alias_bombs;
mod answers;
mod bytes_and_lines;
mod fuzzing;
mod ids;
mod large_files;
mod limits;
mod nesting;
mod not_regular_files;
mod sizes;
mod templates_and_includes;
mod yaml_features;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use vidare::{Compiler, Diagnostic, Error, Questionnaire, diagnostic::Code, diagnostic::Severity};

const QUESTIONNAIRES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/questionnaires");

/// The header of a minimal questionnaire; the cases add sections after it.
const HEAD: &str = "format: 1
id: fixture
version: 1.0.0
title: { sv: Test, en: Test }
languages: [sv, en]
default_language: sv
";

/// One valid section with one yes/no item, `alone`.
const SECTION: &str = "sections:
  - id: main
    items:
      - id: alone
        kind: yes_no
        text: { sv: Bor du ensam?, en: Do you live alone? }
";

/// The bound each case must stay within in an optimised build, with a
/// generous margin: the slowest case takes about a twentieth of it.
const BOUND: Duration = Duration::from_secs(2);

/// Unoptimised builds (plain `cargo test`) run the YAML reader and the
/// compiler about twenty times slower; the bound scales with them.
fn bound(release: Duration) -> Duration {
    if cfg!(debug_assertions) {
        release * 30
    } else {
        release
    }
}

fn shipped_source(id: &str) -> String {
    std::fs::read_to_string(Path::new(QUESTIONNAIRES).join(id).join("1.0.0.yaml"))
        .expect("a shipped questionnaire")
}

fn shipped(id: &str) -> Questionnaire {
    vidare::load(Path::new(QUESTIONNAIRES).join(id).join("1.0.0.yaml"))
        .expect("a shipped questionnaire compiles")
}

/// Compiles with `compiler` and checks the time bound.
fn timed_check(
    compiler: &Compiler,
    source: &str,
    what: &str,
) -> (Option<Questionnaire>, Vec<Diagnostic>) {
    let start = Instant::now();
    let result = compiler.check(source, "hostile.yaml");
    let elapsed = start.elapsed();
    assert!(
        elapsed < bound(BOUND),
        "{what}: took {elapsed:?}, more than {:?}",
        bound(BOUND)
    );
    result
}

/// Compiles with the default limits; includes resolve among the shipped
/// questionnaires.
fn check(source: &str, what: &str) -> (Option<Questionnaire>, Vec<Diagnostic>) {
    timed_check(
        &Compiler::new().with_include_root(QUESTIONNAIRES),
        source,
        what,
    )
}

/// The input is refused with an error of one of `codes`, at a line > 0.
fn refused_with(
    result: &(Option<Questionnaire>, Vec<Diagnostic>),
    codes: &[Code],
    what: &str,
) -> Diagnostic {
    let (questionnaire, diagnostics) = result;
    assert!(questionnaire.is_none(), "{what}: compiled");
    let d = diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error && codes.contains(&d.code))
        .unwrap_or_else(|| {
            panic!(
                "{what}: no error with code {codes:?}: {:?}",
                diagnostics
                    .iter()
                    .map(|d| (d.code, d.location.line, &d.message))
                    .collect::<Vec<_>>()
            )
        });
    assert!(d.location.line > 0, "{what}: no line in {d:?}");
    assert!(d.location.column > 0, "{what}: no column in {d:?}");
    // Rendering with the source line and caret works for any position.
    let _ = vidare::diagnostic::render_all(diagnostics, "");
    d.clone()
}

fn refused(
    result: &(Option<Questionnaire>, Vec<Diagnostic>),
    code: Code,
    what: &str,
) -> Diagnostic {
    refused_with(result, &[code], what)
}

/// A file in a folder of its own in the system's temporary folder; both
/// are removed when it is dropped.
struct TempFile {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> TempFile {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("a temporary file");
        TempFile { _dir: dir, path }
    }
}

fn load_timed(path: &Path, what: &str) -> Result<Questionnaire, Error> {
    let start = Instant::now();
    let result = Compiler::new().with_include_root(QUESTIONNAIRES).load(path);
    let elapsed = start.elapsed();
    assert!(elapsed < bound(BOUND), "{what}: took {elapsed:?}");
    result
}

/// The line of `source` that contains `needle`, 1-based.
fn line_of(source: &str, needle: &str) -> u32 {
    let index = source
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle}"));
    u32::try_from(index + 1).expect("a line number")
}
