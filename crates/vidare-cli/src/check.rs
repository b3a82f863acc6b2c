//! `vidare check`: compile files and print their diagnostics.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use vidare::{Diagnostic, diagnostic, diagnostic::Severity};

use crate::{CheckArgs, Format};

pub(crate) fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    for path in &args.paths {
        files.extend(expand(path)?);
    }
    let mut out = std::io::stdout().lock();
    let mut all: Vec<Diagnostic> = Vec::new();
    let mut unreadable = false;
    for file in &files {
        let (diagnostics, source) = match vidare::load(file) {
            Ok(q) => {
                if args.format == Format::Human && q.warnings().is_empty() {
                    writeln!(out, "{}: ok ({} {})", file.display(), q.id(), q.version())?;
                    continue;
                }
                // The source is only needed to quote lines under warnings.
                let max = vidare::Limits::default().max_file_bytes;
                let source = vidare::files::read_text_file(file, max).unwrap_or_default();
                (q.warnings().to_vec(), source)
            }
            Err(error @ vidare::Error::Invalid { .. }) => {
                if args.format == Format::Human {
                    write!(out, "{}", error.render())?;
                }
                all.extend_from_slice(error.diagnostics());
                continue;
            }
            Err(error) => {
                eprintln!("error: {error}; check the path and that the file is readable");
                unreadable = true;
                continue;
            }
        };
        if args.format == Format::Human {
            write!(out, "{}", diagnostic::render_all(&diagnostics, &source))?;
        }
        all.extend(diagnostics);
    }
    if args.format == Format::Json {
        writeln!(out, "{}", diagnostic::to_json(&all))?;
    }
    let errors = all.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = all.len() - errors;
    if args.format == Format::Human && files.len() > 1 {
        writeln!(
            out,
            "checked {} files: {errors} error(s), {warnings} warning(s)",
            files.len()
        )?;
    }
    Ok(if errors > 0 || unreadable {
        ExitCode::from(2)
    } else if warnings > 0 && args.deny_warnings {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A file as given; the questionnaire files of a questionnaire's folder
/// (`<folder>/*.yaml`, as `vidare test <folder>` takes it); or, for a folder
/// of questionnaire folders, their `<folder>/<file>.yaml`. Sorted; folders
/// named `tests` are left out.
fn expand(path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let own = yaml_in(path)?;
    if !own.is_empty() {
        return Ok(own);
    }
    let mut files = Vec::new();
    let cannot = || format!("cannot list the directory {}", path.display());
    for folder in std::fs::read_dir(path).with_context(cannot)? {
        let folder = folder.with_context(cannot)?.path();
        if folder.is_dir() && folder.file_name().is_none_or(|n| n != "tests") {
            files.extend(yaml_in(&folder)?);
        }
    }
    if files.is_empty() {
        anyhow::bail!(
            "{} holds no questionnaire files; give a questionnaire file, a questionnaire's \
             folder (<folder>/<version>.yaml) or the folder that holds one folder per questionnaire",
            path.display()
        );
    }
    files.sort();
    Ok(files)
}

/// The `*.yaml` files directly in `dir`, sorted.
fn yaml_in(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let listing = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list the directory {}", dir.display()))?;
    let mut files: Vec<PathBuf> = listing
        .flatten()
        .map(|f| f.path())
        .filter(|f| f.is_file() && f.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    Ok(files)
}
