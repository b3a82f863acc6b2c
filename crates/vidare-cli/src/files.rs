//! Finding and reading the files the commands work on: questionnaires
//! (compiled by the core) and recordings (found in folders).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use vidare::{Questionnaire, Registry};
use walkdir::WalkDir;

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
/// recording; each recording once, however many ways it is reached.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// The recordings, in the order given, each directory's sorted.
    pub(crate) files: Vec<PathBuf>,
    /// Files left out, each with the reason: YAML files in a directory that
    /// are not recordings (such as the generator's list of scenarios),
    /// files already found another way, and links back to a folder
    /// already searched.
    pub(crate) skipped: Vec<Skipped>,
}

/// A file or folder left out, and why.
#[derive(Debug)]
pub(crate) struct Skipped {
    pub(crate) path: PathBuf,
    pub(crate) why: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "skipped {}: {}", shown(self.path.as_path()), self.why)
    }
}

/// The longest line of a report printed about recordings, in characters:
/// a recording can name an item with an id of megabytes.
const MAX_LINE_CHARS: usize = 2_000;

/// A report's text as it may be printed: control characters escaped, and
/// each line cut to [`MAX_LINE_CHARS`] characters.
pub(crate) fn printable(text: &str) -> String {
    let escaped = vidare::diagnostic::escape_controls(text);
    let mut out = String::with_capacity(escaped.len());
    for (i, line) in escaped.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match line.char_indices().nth(MAX_LINE_CHARS) {
            Some((at, _)) => {
                out.push_str(&line[..at]);
                let rest = line[at..].chars().count();
                let _ = write!(out, "… ({rest} more characters)");
            }
            None => out.push_str(line),
        }
    }
    out
}

/// A path as it may be printed: control characters in a file name cannot
/// move the cursor or retitle the terminal.
pub(crate) fn shown(path: &Path) -> String {
    vidare::diagnostic::escape_controls(&path.display().to_string()).into_owned()
}

/// Finds the recordings under `paths`.
///
/// A YAML file found in a directory counts only when it is a mapping with
/// `format` and `events` at the top, as every recording is; other YAML
/// files there are skipped. Files named explicitly, and every JSON file,
/// are always taken as recordings, so a broken one is reported rather than
/// passed over. Links are followed, but a link back to a folder already
/// being searched is not, and a file already found (through a link, a
/// hard link, or named twice) is skipped, so that no recording counts
/// twice.
pub(crate) fn recordings(paths: &[PathBuf]) -> anyhow::Result<Found> {
    let mut found = Found::default();
    let mut seen: HashMap<_, PathBuf> = HashMap::new();
    for path in paths {
        for file in candidates(path, &mut found.skipped)? {
            match identity(&file) {
                Some(d) => match seen.entry(d) {
                    Entry::Occupied(first) => found.skipped.push(Skipped {
                        why: format!("the same file as {}", shown(first.get())),
                        path: file,
                    }),
                    Entry::Vacant(slot) => {
                        slot.insert(file.clone());
                        found.files.push(file);
                    }
                },
                // Unreadable: loading it reports why.
                None => found.files.push(file),
            }
        }
    }
    if found.files.is_empty() {
        bail!(
            "no recordings found in {}; give recording files (.json, .yaml) or folders that hold them",
            paths
                .iter()
                .map(|p| shown(p))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(found)
}

/// The recordings a path names: itself, or the recordings in the folder.
fn candidates(path: &Path, skipped: &mut Vec<Skipped>) -> anyhow::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    for file in walk(path, skipped)? {
        if is_json(&file) || looks_like_recording(&file) {
            out.push(file);
        } else {
            skipped.push(Skipped {
                path: file,
                why: "not a recording (no `format` and `events` at the top)".into(),
            });
        }
    }
    Ok(out)
}

/// The JSON and YAML files under `dir`, sorted, following links but not
/// loops (walkdir keeps the folders it is in and refuses to enter one of
/// them again).
fn walk(dir: &Path, skipped: &mut Vec<Skipped>) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) if error.loop_ancestor().is_some() => {
                skipped.push(Skipped {
                    path: error.path().map(Path::to_path_buf).unwrap_or_default(),
                    why: "a link back to a folder it is in".into(),
                });
                continue;
            }
            Err(error) => {
                let at = error.path().unwrap_or(dir).to_path_buf();
                return Err(error)
                    .with_context(|| format!("cannot list the directory {}", shown(&at)));
            }
        };
        let path = entry.into_path();
        if !path.is_dir() && (is_json(&path) || is_yaml(&path)) {
            out.push(path);
        }
    }
    Ok(out)
}

/// What makes a file the same file however it is reached: its device and
/// inode (a link, a hard link, or the path named twice). Content is not
/// enough: two people who gave the same answers leave byte-identical
/// recordings. `None` when it cannot be read; loading it reports why.
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.dev(), metadata.ino()))
}

/// Elsewhere the canonical path stands for the file (hard links aside).
#[cfg(not(unix))]
fn identity(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
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
    // The loader's reading: a named pipe or device is refused, not waited
    // on, and a file over the size limit is left for the loader to refuse.
    let Ok(text) = vidare::files::read_text_file(path, vidare::Recording::MAX_BYTES) else {
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
