//! `vidare doc`: the review document of a questionnaire in one language
//! (`--lang`), written by `vidare_render::doc` as Markdown or as a
//! standalone HTML page.

use std::io::Write as _;
use std::process::ExitCode;

use vidare::Questionnaire;

use crate::{DocArgs, DocFormat};

pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  printed
  2  the questionnaire cannot be read or does not compile; bad arguments";

pub(crate) fn run(args: &DocArgs) -> anyhow::Result<ExitCode> {
    let q = crate::files::questionnaire(&args.questionnaire)?;
    let lang = language(&q, &args.questionnaire, args.lang.as_deref())?;
    let text = match args.format {
        DocFormat::Markdown => vidare_render::doc::markdown(&q, &lang),
        DocFormat::Html => vidare_render::doc::html(&q, &lang),
    };
    write!(std::io::stdout().lock(), "{text}")?;
    Ok(ExitCode::SUCCESS)
}

/// The language of `--lang`, one the questionnaire declares; its default
/// language without it.
pub(crate) fn language(
    q: &Questionnaire,
    path: &std::path::Path,
    lang: Option<&str>,
) -> anyhow::Result<String> {
    let Some(lang) = lang else {
        return Ok(q.default_language().to_owned());
    };
    match q.language(lang) {
        Some(l) => Ok(l.code().to_owned()),
        None => anyhow::bail!(
            "{} has no texts in `{lang}`; use --lang with one of: {}",
            path.display(),
            q.languages().join(", ")
        ),
    }
}
