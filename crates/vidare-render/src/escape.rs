//! Escaping text for each kind of output, one function per kind: HTML and
//! SVG (one escaper, since SVG is XML and HTML accepts the same entities),
//! Markdown text and code spans, and quoted DOT and Mermaid labels.
//!
//! ```
//! use vidare_render::escape;
//!
//! assert_eq!(escape::html(r#"<b title="x">it's & more</b>"#),
//!            "&lt;b title=&quot;x&quot;&gt;it&#39;s &amp; more&lt;/b&gt;");
//! assert_eq!(escape::markdown("a*b | c"), r"a\*b \| c");
//! assert_eq!(escape::code_span("a || b", true), r"`a \|\| b`");
//! assert_eq!(escape::dot(r#"say "hi""#), r#"say \"hi\""#);
//! assert_eq!(escape::mermaid("a <= b"), "a #lt;= b");
//! ```

/// Text for HTML and SVG (XML) content and attribute values: `&`, `<`,
/// `>`, `"` and `'` as entities (`'` as `&#39;`, which HTML and XML both
/// read).
#[must_use]
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// HTML text with its line breaks kept (as `<br>`).
#[must_use]
pub fn html_lines(text: &str) -> String {
    html(text).replace('\n', "<br>")
}

/// Markdown text: its special characters escaped with `\`, line breaks as
/// `<br>` (so that a text stays in its table cell or paragraph).
#[must_use]
pub fn markdown(text: &str) -> String {
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

/// A Markdown code span long enough to hold the backticks inside it, on
/// one line; in a table (`in_table`) a `|` is escaped (GitHub reads `\|`
/// there as `|`, even in code).
#[must_use]
pub fn code_span(text: &str, in_table: bool) -> String {
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

/// Text inside a quoted DOT string.
#[must_use]
pub fn dot(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Text inside a quoted Mermaid label: quotes, pipes, angle brackets, `&`
/// and `#` as Mermaid's entity codes (so no text is read as markup or as
/// an entity).
#[must_use]
pub fn mermaid(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#38;"),
            '"' => out.push_str("#quot;"),
            '|' => out.push_str("#124;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_for_html_and_svg() {
        assert_eq!(
            html("<b>\"x\" & 'y'</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
        );
        assert_eq!(html_lines("a\n<b>"), "a<br>&lt;b&gt;");
    }

    #[test]
    fn text_and_code_are_escaped_for_markdown() {
        assert_eq!(markdown("a*b_c | d\ne"), "a\\*b\\_c \\| d<br>e");
        assert_eq!(code_span("a || b", true), "`a \\|\\| b`");
        assert_eq!(code_span("a || b", false), "`a || b`");
        assert_eq!(code_span("x`y", false), "``x`y``");
        assert_eq!(code_span("`x", false), "`` `x ``");
    }

    #[test]
    fn dot_strings_are_escaped() {
        assert_eq!(dot(r#"a == "b\c""#), r#"a == \"b\\c\""#);
        assert_eq!(dot("a\nb"), r"a\nb");
    }

    #[test]
    fn mermaid_labels_are_escaped() {
        assert_eq!(
            mermaid(r#"a == "b" || c <= 2"#),
            "a == #quot;b#quot; #124;#124; c #lt;= 2"
        );
        assert_eq!(mermaid("#1 & 2"), "#35;1 #38; 2");
    }
}
