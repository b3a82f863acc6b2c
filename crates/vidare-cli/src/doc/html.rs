//! The review document as a complete standalone HTML page.

use std::fmt::Write as _;

use super::{Block, Inline, Span};
use crate::markup::escape;

const STYLE: &str = "\
body { font-family: system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; \
line-height: 1.45; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1f; }
h1 { border-bottom: 2px solid #ccd; padding-bottom: .3rem; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccd; }
h3 { margin-top: 2rem; }
h4 { margin-top: 1.5rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; }
th, td { border: 1px solid #ccd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f1f1f6; }
td:first-child { white-space: nowrap; color: #3a3a48; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9em; \
background: #f3f3f7; padding: 0 .2em; border-radius: 3px; overflow-wrap: anywhere; }
@media print { body { max-width: none; } h2, h3 { break-after: avoid; } }
";

/// A complete standalone page: `body` is HTML already, `lang` and `title`
/// are text (escaped here), `style` is the stylesheet. A right-to-left
/// language gets `dir="rtl"`.
pub(super) fn page(lang: &str, title: &str, style: &str, body: &str) -> String {
    let dir = match vidare::language::direction(lang) {
        vidare::language::Direction::Rtl => " dir=\"rtl\"",
        vidare::language::Direction::Ltr => "",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"{dir}>\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{style}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(lang),
        escape(title)
    )
}

/// The page; its own words are English, the questionnaire's texts are in
/// the tables, one row per language.
pub(super) fn render(title: &str, blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading(level, inline, anchor) => {
                let _ = writeln!(
                    out,
                    "<h{level} id=\"{}\">{}</h{level}>",
                    escape(anchor),
                    inline_html(inline)
                );
            }
            Block::Para(inline) => {
                let _ = writeln!(out, "<p>{}</p>", inline_html(inline));
            }
            Block::Table { head, rows } => {
                out.push_str("<table>\n");
                if head.iter().any(|h| !h.iter().all(is_empty)) {
                    out.push_str("<thead><tr>");
                    for cell in head {
                        let _ = write!(out, "<th>{}</th>", inline_html(cell));
                    }
                    out.push_str("</tr></thead>\n");
                }
                out.push_str("<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let _ = write!(out, "<td>{}</td>", inline_html(cell));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
        }
    }
    page("en", title, STYLE, &out)
}

fn is_empty(span: &Span) -> bool {
    matches!(span, Span::Text(t) if t.is_empty())
}

/// Text with its line breaks kept.
pub(super) fn lines(text: &str) -> String {
    escape(text).replace('\n', "<br>")
}

fn inline_html(inline: &Inline) -> String {
    let mut out = String::new();
    for span in inline {
        match span {
            Span::Text(t) => out.push_str(&lines(t)),
            Span::Strong(t) => {
                let _ = write!(out, "<strong>{}</strong>", escape(t));
            }
            Span::Code(t) => {
                let _ = write!(out, "<code>{}</code>", escape(t));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_texts_is_escaped() {
        assert_eq!(
            inline_html(&vec![
                Span::Text("<b>\"x\" & 'y'</b>".into()),
                Span::Code("a && b".into())
            ]),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;<code>a &amp;&amp; b</code>"
        );
    }
}
