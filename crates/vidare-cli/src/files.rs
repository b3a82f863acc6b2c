//! Finding and reading the files the commands work on: questionnaires
//! (compiled by the core) and recordings (found in folders).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use vidare::{Questionnaire, Registry};

/// Compiles a questionnaire file; its diagnostics go to standard error,
/// and the error says what to do.
pub(crate) fn questionnaire(path: &Path) -> anyhow::Result<Questionnaire> {
    match vidare::load(path) {
        Ok(q) => Ok(q),
        Err(error @ vidare::Error::Invalid { .. }) => {
            eprint!("{}", error.render());
            bail!(
                "{} does not compile; fix the errors above (`vidare check` shows them again)",
                path.display()
            )
        }
        Err(error) => bail!("{error}; check the path to the questionnaire"),
    }
}

/// Every questionnaire version under `dir`; a file that does not compile
/// has its diagnostics printed.
pub(crate) fn registry(dir: &Path) -> anyhow::Result<Registry> {
    match Registry::load_dir(dir) {
        Ok(registry) => Ok(registry),
        Err(error @ vidare::Error::Invalid { .. }) => {
            eprint!("{}", error.render());
            anyhow::bail!(
                "a questionnaire in {} does not compile; fix the errors above",
                dir.display()
            )
        }
        Err(error) => Err(error).with_context(|| {
            format!(
                "cannot load the questionnaires in {}; give the folder of <id>/<version>.yaml files with --questionnaires",
                dir.display()
            )
        }),
    }
}

/// Recording files: each path as given, and from each directory, searched
/// recursively, every `*.json`, `*.yaml` and `*.yml` file that is a
/// recording.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// The recordings, in the order given, each directory's sorted.
    pub(crate) files: Vec<PathBuf>,
    /// YAML files found in a directory that are not recordings (such as
    /// the generator's list of scenarios), left out.
    pub(crate) skipped: Vec<PathBuf>,
}

/// Finds the recordings under `paths`.
///
/// A YAML file found in a directory counts only when it is a mapping with
/// `format` and `events` at the top, as every recording is; other YAML
/// files there are listed in [`Found::skipped`]. Files named explicitly,
/// and every JSON file, are always taken as recordings, so a broken one is
/// reported rather than passed over.
pub(crate) fn recordings(paths: &[PathBuf]) -> anyhow::Result<Found> {
    let mut found = Found::default();
    for path in paths {
        if path.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files)?;
            files.sort();
            for file in files {
                if is_json(&file) || looks_like_recording(&file) {
                    found.files.push(file);
                } else {
                    found.skipped.push(file);
                }
            }
        } else {
            found.files.push(path.clone());
        }
    }
    if found.files.is_empty() {
        bail!(
            "no recordings found in {}; give recording files (.json, .yaml) or folders that hold them",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(found)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let listing = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list the directory {}", dir.display()))?;
    for entry in listing {
        let path = entry
            .with_context(|| format!("cannot list the directory {}", dir.display()))?
            .path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if is_json(&path) || is_yaml(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json")
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

/// Whether a YAML file has the top-level shape of a recording. A file
/// that cannot be read or parsed counts as one, so that loading it
/// reports the problem.
fn looks_like_recording(path: &Path) -> bool {
    // The loader's reading: a named pipe or device is refused, not waited on.
    let Ok(text) = vidare::read_text_file(path, usize::MAX) else {
        return true;
    };
    match serde_saphyr::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(map)) => {
            map.contains_key("format") && map.contains_key("events")
        }
        Ok(_) => false,
        Err(_) => true,
    }
}
