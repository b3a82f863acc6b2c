//! `vidare impact`: replay recorded sessions on a new version
//! (`vidare::analysis::impact`) and report what would change.

use std::io::Write;
use std::process::ExitCode;

use vidare::Recording;
use vidare::analysis::impact;

use crate::{ImpactArgs, ReportFormat};

pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  the impact was measured, whatever it is
  2  the questionnaire cannot be read or does not compile, a recording
     cannot be read (the others are still measured), or none was found;
     bad arguments";

pub(crate) fn run(args: &ImpactArgs) -> anyhow::Result<ExitCode> {
    let new = crate::files::questionnaire(&args.questionnaire)?;
    let found = crate::files::recordings(&args.recordings)?;
    let mut recordings: Vec<(String, Recording)> = Vec::new();
    let mut unreadable = Vec::new();
    for file in &found.files {
        match Recording::load(file) {
            Ok(recording) => recordings.push((crate::files::shown(file), recording)),
            Err(error) => unreadable.push(error.to_string()),
        }
    }
    let report = impact(&new, recordings.iter().map(|(n, r)| (n.as_str(), r)));

    let mut out = std::io::stdout().lock();
    match args.format {
        ReportFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
        ReportFormat::Text => {
            write!(out, "{}", crate::files::printable(&report.to_string()))?;
            let changed: Vec<_> = report
                .recordings
                .iter()
                .filter(|r| r.rejected.is_none())
                .collect();
            if !changed.is_empty() {
                writeln!(out, "changed:")?;
                for r in changed {
                    writeln!(out, "  {}", r.name)?;
                    if !r.dropped.is_empty() {
                        let dropped = r.dropped.join(", ");
                        let line = format!("    - answers to items no longer there: {dropped}");
                        writeln!(out, "{}", crate::files::printable(&line))?;
                    }
                    for d in &r.differences {
                        writeln!(out, "{}", crate::files::printable(&format!("    - {d}")))?;
                    }
                }
            }
            for skipped in &found.skipped {
                writeln!(out, "{skipped}")?;
            }
        }
    }
    for error in &unreadable {
        eprintln!("error: {}", crate::files::printable(error));
    }
    Ok(if unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
