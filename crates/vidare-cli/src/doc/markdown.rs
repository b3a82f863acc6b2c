//! The review document as Markdown (GitHub flavour: tables).

use std::fmt::Write as _;

use super::{Block, Inline, Span};

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
            Span::Text(t) => out.push_str(&escape(t)),
            Span::Strong(t) | Span::Urgency(_, t) => {
                let _ = write!(out, "**{}**", escape(t));
            }
            Span::Code(t) => out.push_str(&code_span(t, in_table)),
        }
    }
    out
}

/// Text with Markdown's special characters escaped and line breaks as `<br>`.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// A code span long enough to hold the backticks inside it; in a table a
/// `|` is escaped (GitHub reads `\|` there as `|`, even in code).
pub(crate) fn code_span(text: &str, in_table: bool) -> String {
    let text = text.replace('\n', " ");
    let text = if in_table {
        text.replace('|', "\\|")
    } else {
        text
    };
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_code_are_escaped() {
        assert_eq!(escape("a*b_c | d\ne"), "a\\*b\\_c \\| d<br>e");
        assert_eq!(code_span("a || b", true), "`a \\|\\| b`");
        assert_eq!(code_span("a || b", false), "`a || b`");
        assert_eq!(code_span("x`y", false), "``x`y``");
    }
}
