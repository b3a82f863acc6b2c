//! `vidare test`: run the YAML test cases of questionnaires
//! (`vidare::testing`) and report, per questionnaire version, the coverage
//! of all its cases together.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use vidare::Questionnaire;
use vidare::testing::{self, CaseReport, TestFile};

use crate::TestArgs;

pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  every case passed, and the cases of each questionnaire version cover it
     completely (every item shown, every condition true and false, every
     trigger fired)
  1  every case passed, but the coverage of some version is incomplete
  2  a case failed, or a test file or its questionnaire cannot be read or
     does not compile; bad arguments";

/// The test files of one questionnaire version, in the order found.
struct Group {
    path: PathBuf,
    questionnaire: Option<Questionnaire>,
    files: Vec<TestFile>,
}

pub(crate) fn run(args: &TestArgs) -> anyhow::Result<ExitCode> {
    let mut paths = Vec::new();
    for path in &args.paths {
        let only = questionnaire_file(path);
        let files = match &only {
            Some(_) => yaml_files(&path.with_file_name("tests"))?,
            None => expand(path)?,
        };
        paths.extend(files.into_iter().map(|f| (f, only.clone())));
    }
    let mut out = std::io::stdout().lock();
    let mut errors = 0usize;
    let mut groups: Vec<Group> = Vec::new();
    for (path, only) in &paths {
        let file = match testing::load_test_file(path) {
            Ok(file) => file,
            Err(error) => {
                report_error(&mut out, &error)?;
                errors += 1;
                continue;
            }
        };
        // For a questionnaire file, only the tests of that version.
        if only
            .as_ref()
            .is_some_and(|q| Some(q) != file.questionnaire_path().as_ref())
        {
            continue;
        }
        let Some(target) = file.questionnaire_path() else {
            // Not inside a questionnaire's folder: the core says so.
            if let Err(error) = file.load_questionnaire() {
                report_error(&mut out, &error)?;
            }
            errors += 1;
            continue;
        };
        match groups.iter_mut().find(|g| g.path == target) {
            Some(group) => group.files.push(file),
            None => groups.push(Group {
                path: target,
                questionnaire: None,
                files: vec![file],
            }),
        }
    }

    let (mut passed, mut failed, mut complete) = (0usize, 0usize, 0usize);
    let mut versions = 0usize;
    for group in &mut groups {
        match group.files[0].load_questionnaire() {
            Ok(q) => group.questionnaire = Some(q),
            Err(error) => {
                writeln!(
                    out,
                    "cannot run the cases of {} (named by {}):",
                    group.path.display(),
                    group.files[0].file
                )?;
                report_error(&mut out, &error)?;
                errors += 1;
                continue;
            }
        }
        let Some(q) = &group.questionnaire else {
            continue;
        };
        versions += 1;
        let mut reports: Vec<CaseReport> = Vec::new();
        for file in &group.files {
            writeln!(out, "{} ({} {})", file.file, q.id(), q.version())?;
            for report in testing::run_file(q, file) {
                if report.passed() {
                    passed += 1;
                } else {
                    failed += 1;
                }
                write!(out, "  {}", indent(&report.to_string()))?;
                reports.push(report);
            }
        }
        let sessions: Vec<_> = reports.iter().map(|r| &r.session).collect();
        let coverage = testing::coverage(q, &sessions);
        if coverage.is_complete() {
            complete += 1;
        }
        writeln!(out)?;
        write!(out, "{coverage}")?;
        writeln!(out)?;
    }

    writeln!(
        out,
        "{} case(s): {passed} passed, {failed} failed",
        passed + failed
    )?;
    writeln!(
        out,
        "coverage complete for {complete} of {versions} questionnaire version(s)"
    )?;
    if errors > 0 {
        writeln!(out, "{errors} file(s) could not be run; see above")?;
    }
    Ok(if failed > 0 || errors > 0 {
        ExitCode::from(2)
    } else if complete < versions {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Lines after the first indented by two spaces, to sit under a heading.
fn indent(text: &str) -> String {
    text.replace('\n', "\n  ").trim_end_matches(' ').to_owned()
}

/// A test file or questionnaire that cannot be used: its diagnostics (they
/// are part of the report), or why it cannot be read.
fn report_error(out: &mut dyn Write, error: &vidare::Error) -> anyhow::Result<()> {
    match error {
        vidare::Error::Invalid { .. } => write!(out, "{}", error.render())?,
        other => writeln!(out, "error: {other}")?,
    }
    Ok(())
}

/// A questionnaire file with a `tests` folder beside it (`<folder>/<version>.yaml`):
/// its tests are those of that folder that name its version.
fn questionnaire_file(path: &Path) -> Option<PathBuf> {
    let in_tests = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n == "tests");
    (path.is_file() && !in_tests && path.with_file_name("tests").is_dir())
        .then(|| path.to_path_buf())
}

/// The test files a path names: a file as given; the `*.yaml` of a `tests`
/// folder; a questionnaire folder's `tests/*.yaml`; or, for a folder of
/// questionnaire folders, each one's.
fn expand(path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        if !path.exists() {
            bail!(
                "{} does not exist; give test files or questionnaire folders",
                path.display()
            );
        }
        return Ok(vec![path.to_path_buf()]);
    }
    let files = if path.file_name().is_some_and(|n| n == "tests") {
        yaml_files(path)?
    } else if path.join("tests").is_dir() {
        yaml_files(&path.join("tests"))?
    } else {
        let mut files = Vec::new();
        for folder in sorted(path)? {
            if folder.join("tests").is_dir() {
                files.extend(yaml_files(&folder.join("tests"))?);
            }
        }
        files
    };
    if files.is_empty() {
        bail!(
            "{} holds no test files; give a test file, a questionnaire's folder \
             (with tests/*.yaml) or the folder that holds the questionnaire folders",
            path.display()
        );
    }
    Ok(files)
}

fn yaml_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    Ok(sorted(dir)?
        .into_iter()
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect())
}

fn sorted(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let cannot = || format!("cannot list the directory {}", dir.display());
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(cannot)? {
        paths.push(entry.with_context(cannot)?.path());
    }
    paths.sort();
    Ok(paths)
}
