//! `vidare diff`: the semantic diff between two versions of a
//! questionnaire (`vidare::analysis::diff`) and the verdict on the new
//! version number.

use std::io::Write;
use std::process::ExitCode;

use vidare::analysis::diff::diff;

use crate::{DiffArgs, ReportFormat};

pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  the new version number is raised at least as much as the changes need
     (or nothing changed)
  1  it is not: the version is the same, lower, or raised too little, or the
     files are different questionnaires
  2  a file cannot be read or does not compile; bad arguments";

pub(crate) fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let old = crate::files::questionnaire(&args.old)?;
    let new = crate::files::questionnaire(&args.new)?;
    let d = diff(&old, &new);
    let verdict = d.check_version();
    let mut out = std::io::stdout().lock();
    match args.format {
        ReportFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&d)?)?,
        ReportFormat::Text => {
            writeln!(out, "{d}")?;
            if let Err(error) = &verdict {
                writeln!(out, "the version number does not fit: {error}")?;
            }
        }
    }
    Ok(if verdict.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
