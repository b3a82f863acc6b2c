//! `vidare replay`: replay recordings on the versions they pin
//! (`vidare::analysis::replay`) and report every one whose result differs.

use std::io::{IsTerminal as _, Write};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use vidare::Recording;
use vidare::analysis::{DigestPolicy, replay};

use crate::ReplayArgs;

pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  every recording replayed to exactly its recorded result
  1  a recording replayed to another result, or an event in it was rejected
  2  a recording cannot be read, names a questionnaire or version that is
     not there, or was made on a definition whose digest differs (unless
     --allow-digest-mismatch); the questionnaires do not load; bad arguments";

/// How the recordings fared.
#[derive(Debug, Default)]
struct Tally {
    equal: usize,
    different: usize,
    rejected: usize,
    errors: usize,
    /// Replayed although the definition's digest differs (allowed).
    digest_differs: usize,
}

pub(crate) fn run(args: &ReplayArgs) -> anyhow::Result<ExitCode> {
    let registry = crate::files::registry(&args.questionnaires)?;
    let found = crate::files::recordings(&args.recordings)?;
    let policy = if args.allow_digest_mismatch {
        DigestPolicy::Allow
    } else {
        DigestPolicy::Require
    };

    let bar = progress(found.files.len());
    let mut out = std::io::stdout().lock();
    let mut tally = Tally::default();
    for file in &found.files {
        let shown = crate::files::shown(file);
        bar.set_message(shown.clone());
        let line = match Recording::load(file) {
            Err(error) => {
                tally.errors += 1;
                Some(format!("{shown}: error: {error}"))
            }
            Ok(recording) => match replay(&registry, &recording, policy) {
                Err(error @ vidare::Error::DigestMismatch { .. }) => {
                    tally.errors += 1;
                    Some(format!(
                        "{shown}: error: {error} (with --allow-digest-mismatch)"
                    ))
                }
                Err(error) => {
                    tally.errors += 1;
                    Some(format!("{shown}: error: {error}"))
                }
                Ok(report) => {
                    let pinned = &recording.questionnaire;
                    let same = registry
                        .get(&pinned.id, &pinned.version)
                        .is_ok_and(|q| q.is_pinned_by(&pinned.digest));
                    if !same {
                        tally.digest_differs += 1;
                    }
                    if report.is_equal() {
                        tally.equal += 1;
                        None
                    } else {
                        if report.rejected.is_some() {
                            tally.rejected += 1;
                        } else {
                            tally.different += 1;
                        }
                        Some(format!("{shown}: {report}"))
                    }
                }
            },
        };
        if let Some(line) = line {
            let line = crate::files::printable(&line);
            bar.suspend(|| writeln!(out, "{line}"))?;
        }
        bar.inc(1);
    }
    bar.finish_and_clear();

    for skipped in &found.skipped {
        writeln!(out, "{skipped}")?;
    }
    writeln!(
        out,
        "{} recording(s): {} equal, {} different, {} rejected, {} error(s)",
        found.files.len(),
        tally.equal,
        tally.different,
        tally.rejected,
        tally.errors
    )?;
    if tally.digest_differs > 0 {
        writeln!(
            out,
            "{} replayed on a definition whose digest differs from the recorded one (allowed)",
            tally.digest_differs
        )?;
    }
    Ok(if tally.errors > 0 {
        ExitCode::from(2)
    } else if tally.different + tally.rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A progress bar on standard error for more than one recording, drawn
/// only on a terminal.
fn progress(total: usize) -> ProgressBar {
    if total < 2 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}") {
        bar.set_style(style);
    }
    bar
}
