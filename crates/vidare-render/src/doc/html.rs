//! The review document as a complete standalone HTML page.

use std::fmt::Write as _;

use super::{Block, Inline, Span};
use crate::escape;

const STYLE: &str = "\
body { font-family: system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; \
font-size: 14px; line-height: 1.4; max-width: 72rem; margin: 1.5rem auto; padding: 0 1rem; \
color: #1b1b1f; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #ccd; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ccd; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
p { margin: .4rem 0; }
h1, h2, h3, h4, p { unicode-bidi: plaintext; text-align: start; }
table { border-collapse: collapse; margin: .4rem 0 .8rem; width: 100%; }
th, td { border: 1px solid #ccd; padding: .2rem .45rem; text-align: start; vertical-align: top; \
unicode-bidi: plaintext; }
th { background: #f1f1f6; font-weight: 600; }
td:first-child { color: #3a3a48; }
table.facts td:first-child { width: 16rem; }
table.items td:first-child { width: 1.6rem; text-align: right; }
table.items td:nth-child(2) { width: 36%; }
table.items td:nth-child(3) { width: 24%; }
table.items td:nth-child(4) { width: 17%; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .78em; color: #555; \
background: #f3f3f7; padding: 0 .2em; border-radius: 3px; overflow-wrap: anywhere; }
.urgency { font-weight: 600; padding: 0 .35em; border-radius: 3px; border: 1px solid; \
white-space: nowrap; }
.urgency-immediate { background: #fde2e1; border-color: #c62828; color: #8e1c1c; }
.urgency-soon { background: #fff1dc; border-color: #d9730d; color: #7a3f06; }
.urgency-routine { background: #e6eefb; border-color: #2f5fae; color: #1f3f75; }
@page { margin: 12mm; }
@media print { body { max-width: none; margin: 0; padding: 0; font-size: 8pt; line-height: 1.3; } \
th, td { padding: .1rem .35rem; } \
h1 { font-size: 1.4rem; margin: 0 0 .4rem; } h2 { margin-top: 1rem; } h3 { margin: .7rem 0 .25rem; } \
table { margin: .25rem 0 .5rem; } h2, h3, h4 { break-after: avoid; } \
#details { break-before: page; } tr { break-inside: avoid; } }
";

/// A complete standalone page: `body` is HTML already, `lang` and `title`
/// are text (escaped here), `style` is the stylesheet. A right-to-left
/// language gets `dir="rtl"`.
pub(crate) fn page(lang: &str, title: &str, style: &str, body: &str) -> String {
    let dir = match vidare::language::direction(lang) {
        vidare::language::Direction::Rtl => " dir=\"rtl\"",
        vidare::language::Direction::Ltr => "",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"{dir}>\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{style}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape::html(lang),
        escape::html(title)
    )
}

/// The page of a document in `lang`. The page is in the language of its
/// framing words (`lang` when they are in it, else English); each heading,
/// paragraph and cell takes the direction of its own text
/// (`unicode-bidi: plaintext`), so texts in a right-to-left language read
/// right to left beside them.
pub(super) fn render(lang: &str, title: &str, blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading(level, inline, anchor) => {
                let _ = writeln!(
                    out,
                    "<h{level} id=\"{}\">{}</h{level}>",
                    escape::html(anchor),
                    inline_html(inline)
                );
            }
            Block::Para(inline) => {
                let _ = writeln!(out, "<p>{}</p>", inline_html(inline));
            }
            Block::Table { head, rows } => {
                let _ = writeln!(out, "<table class=\"{}\">", table_class(head));
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
    page(super::terms::framing_code(lang), title, STYLE, &out)
}

/// A two-column table of facts has no head; the items' table starts
/// with "#". They get their column widths from the stylesheet.
fn table_class(head: &[Inline]) -> &'static str {
    if head.iter().all(|h| h.iter().all(is_empty)) {
        "facts"
    } else if matches!(head.first().map(Vec::as_slice), Some([Span::Text(t)]) if t == "#") {
        "items"
    } else {
        "list"
    }
}

fn is_empty(span: &Span) -> bool {
    matches!(span, Span::Text(t) if t.is_empty())
}

fn inline_html(inline: &Inline) -> String {
    let mut out = String::new();
    for span in inline {
        match span {
            Span::Text(t) => out.push_str(&escape::html_lines(t)),
            Span::Strong(t) => {
                let _ = write!(out, "<strong>{}</strong>", escape::html(t));
            }
            Span::Code(t) => {
                let _ = write!(out, "<code>{}</code>", escape::html(t));
            }
            Span::Urgency(u, t) => {
                let _ = write!(
                    out,
                    "<span class=\"urgency urgency-{}\">{}</span>",
                    u.as_str(),
                    escape::html(t)
                );
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
