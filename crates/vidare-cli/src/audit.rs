//! `vidare audit`: the equality audit of recorded sessions
//! (`vidare::analysis::audit`), one per questionnaire version found among
//! the recordings, as Markdown, JSON or an SVG chart (drawn by
//! `vidare_render::audit`).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use vidare::Recording;
use vidare::analysis::{Audit, audit};
use vidare::diagnostic::escape_controls;

use crate::{AuditArgs, AuditFormat};

pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  audited: no difference that the need level does not explain
  1  audited: at least one difference between groups at the same need level
     is flagged (its 95% interval excludes 0)
  2  a recording cannot be read (the others are still audited), none was
     found, its questionnaire version is not in --questionnaires, --by names
     no item of it or one without a fixed list of answers, --format svg with
     recordings of more than one questionnaire version, the output cannot be
     written; bad arguments";

pub(crate) fn run(args: &AuditArgs) -> anyhow::Result<ExitCode> {
    let found = crate::files::recordings(&args.recordings)?;
    for skipped in &found.skipped {
        eprintln!("{skipped}");
    }
    let mut errors = 0;
    // (questionnaire id, version) → recordings, each named by its file.
    let mut groups: BTreeMap<(String, String), Vec<(String, Recording)>> = BTreeMap::new();
    for file in &found.files {
        match Recording::load(file) {
            Ok(recording) => {
                let pinned = &recording.questionnaire;
                groups
                    .entry((pinned.id.to_string(), pinned.version.to_string()))
                    .or_default()
                    .push((crate::files::shown(file), recording));
            }
            Err(error) => {
                errors += 1;
                eprintln!("error: {}", crate::files::printable(&error.to_string()));
            }
        }
    }
    if args.format == AuditFormat::Svg && groups.len() > 1 {
        let names: Vec<String> = groups.keys().map(|(id, v)| format!("{id}@{v}")).collect();
        bail!(
            "--format svg draws the audit of one questionnaire version, but the recordings are of {}: {}; \
             give the recordings of one of them, or use --format markdown or json",
            names.len(),
            names.join(", ")
        );
    }
    let registry = crate::files::registry(&args.questionnaires)?;

    let mut audits: Vec<Audit> = Vec::new();
    for ((id, version), recordings) in &groups {
        let questionnaire = match registry.get(id, version) {
            Ok(q) => q,
            Err(error) => {
                errors += 1;
                eprintln!(
                    "error: {} recording(s) of {id}@{version} were not audited: {error}; \
                     give the folder of <id>/<version>.yaml files with --questionnaires",
                    recordings.len()
                );
                continue;
            }
        };
        if let Some(by) = &args.by
            && let Err((what, help)) = groups_by(questionnaire, by)
        {
            errors += 1;
            eprintln!(
                "error: {id}@{version} {what}, so its {} recording(s) were not audited; {help}",
                recordings.len()
            );
            continue;
        }
        let report = audit(questionnaire, recordings, args.by.as_deref());
        if args.format != AuditFormat::Markdown {
            // The Markdown shows them as notes; elsewhere they would be missed.
            for problem in &report.problems {
                eprintln!("note: {id}@{version}: {problem}");
            }
        }
        audits.push(report);
    }

    let text = match args.format {
        AuditFormat::Json => Some(serde_json::to_string_pretty(&audits)? + "\n"),
        // Each audit is a section of its own, headed `# Equality audit: …`.
        // Group names are recorded answers: a forged one could hold
        // terminal control characters.
        AuditFormat::Markdown if !audits.is_empty() => {
            let all: String = audits.iter().map(vidare_render::audit::markdown).collect();
            Some(escape_controls(all.trim_end()).into_owned() + "\n")
        }
        AuditFormat::Svg => audits
            .first()
            .map(|a| escape_controls(&vidare_render::audit::svg(a)).into_owned() + "\n"),
        AuditFormat::Markdown => None,
    };
    if let Some(text) = text {
        match &args.output {
            Some(path) => {
                std::fs::write(path, text).with_context(|| {
                    format!(
                        "cannot write the audit to {}; choose a writable path with --output",
                        path.display()
                    )
                })?;
                for a in &audits {
                    eprintln!("{}", summary(a));
                }
                eprintln!("the audit was written to {}", path.display());
            }
            None => std::io::stdout().lock().write_all(text.as_bytes())?,
        }
    }

    Ok(if errors > 0 {
        ExitCode::from(2)
    } else if audits.iter().any(|a| !a.is_clean()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Whether `--by` names an item whose answers can name groups: one with a
/// fixed list of answers. The answers to any other item (a number of care
/// hours, a free text) would be printed one person at a time.
fn groups_by(questionnaire: &vidare::Questionnaire, by: &str) -> Result<(), (String, String)> {
    let shown = vidare::diagnostic::escape_controls(by);
    let Some(item) = questionnaire.item(by) else {
        return Err((
            format!("has no item `{shown}`"),
            "give --by an item of every questionnaire audited, or audit the recordings of one"
                .to_owned(),
        ));
    };
    match item.kind() {
        vidare::format::ItemKind::YesNo
        | vidare::format::ItemKind::SingleChoice
        | vidare::format::ItemKind::MultipleChoice => Ok(()),
        kind => Err((
            format!("has `{shown}` as a {} item", kind.as_str()),
            "--by takes only a yes_no, single_choice or multiple_choice item, \
             whose answers name groups without showing what one person said"
                .to_owned(),
        )),
    }
}

/// One line per audit for standard error, when the report goes to a file.
fn summary(a: &Audit) -> String {
    let q = &a.questionnaire;
    let flags = match a.flags.len() {
        0 => "no difference that the need level does not explain".to_owned(),
        n => format!("{n} difference(s) that the need level does not explain"),
    };
    format!("{} {}: {flags}", q.id, q.version)
}
