//! `vidare graph`: the flow of a questionnaire, drawn by
//! `vidare_render::graph` as Mermaid, DOT or SVG.

use std::io::Write as _;
use std::process::ExitCode;

use crate::{GraphArgs, GraphFormat};

pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  printed
  2  the questionnaire cannot be read or does not compile; bad arguments";

pub(crate) fn run(args: &GraphArgs) -> anyhow::Result<ExitCode> {
    let q = crate::files::questionnaire(&args.questionnaire)?;
    let lang = crate::doc::language(&q, &args.questionnaire, args.lang.as_deref())?;
    let text = match args.format {
        GraphFormat::Mermaid => vidare_render::graph::mermaid(&q, &lang),
        GraphFormat::Dot => vidare_render::graph::dot(&q, &lang),
        GraphFormat::Svg => vidare_render::graph::svg(&q, &lang),
    };
    write!(std::io::stdout().lock(), "{text}")?;
    Ok(ExitCode::SUCCESS)
}
