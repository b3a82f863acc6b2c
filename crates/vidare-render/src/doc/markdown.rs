//! The review document as Markdown (GitHub flavour: tables).

use std::fmt::Write as _;

use super::{Block, Inline, Span};
use crate::escape;

pub(super) fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading(level, inline, _) => {
                let _ = writeln!(
                    out,
                    "{} {}\n",
                    "#".repeat(usize::from(*level)),
                    inline_md(inline, false)
                );
            }
            Block::Para(inline) => {
                let _ = writeln!(out, "{}\n", inline_md(inline, false));
            }
            Block::Table { head, rows } => {
                let cells = |row: &[Inline]| {
                    row.iter()
                        .map(|c| inline_md(c, true))
                        .collect::<Vec<_>>()
                        .join(" | ")
                };
                let _ = writeln!(out, "| {} |", cells(head));
                let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
                for row in rows {
                    let _ = writeln!(out, "| {} |", cells(row));
                }
                out.push('\n');
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn inline_md(inline: &Inline, in_table: bool) -> String {
    let mut out = String::new();
    for span in inline {
        match span {
            Span::Text(t) => out.push_str(&escape::markdown(t)),
            Span::Strong(t) | Span::Urgency(_, t) => {
                let _ = write!(out, "**{}**", escape::markdown(t));
            }
            Span::Code(t) => out.push_str(&escape::code_span(t, in_table)),
        }
    }
    out
}
