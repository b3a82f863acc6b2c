//! Problems found while loading a questionnaire: stable codes, locations,
//! and rendering for a terminal and as JSON.

use std::fmt;
use std::fmt::Write as _;

use serde::Serialize;

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $sev:ident, $summary:literal; )*) => {
        /// The stable code of a diagnostic. Codes are never reused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* #[serde(rename = $code)] $name, )*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The code as written, e.g. `V010`.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => $code,)* }
            }

            /// The severity this code always has.
            #[must_use]
            pub fn severity(self) -> Severity {
                match self { $(Code::$name => Severity::$sev,)* }
            }

            /// One line saying what the code is about.
            #[must_use]
            pub fn summary(self) -> &'static str {
                match self { $(Code::$name => $summary,)* }
            }
        }
    };
}

codes! {
    /// The file is not valid YAML.
    YamlSyntax = "V001", Error, "the file is not valid YAML";
    /// A field that the format does not have.
    UnknownField = "V002", Error, "unknown field";
    /// A field the format requires is absent.
    MissingField = "V003", Error, "missing field";
    /// A value of the wrong shape or type (e.g. a list where text belongs).
    WrongType = "V004", Error, "value has the wrong type";
    /// The `format` number is not one this engine reads.
    UnsupportedFormat = "V005", Error, "unsupported format version";
    /// An id or version that does not follow the rules.
    InvalidId = "V006", Error, "invalid id or version";
    /// Two things share an id.
    DuplicateId = "V010", Error, "duplicate id";
    /// A name in an expression or field that refers to nothing.
    UnknownReference = "V011", Error, "reference to something that does not exist";
    /// A condition reads an item that comes later (or itself).
    ForwardReference = "V012", Error, "reference to a later item";
    /// A string compared with a choice is not one of its option values.
    UnknownOption = "V013", Error, "value is not an option of the item";
    /// Operand or result types do not agree.
    TypeMismatch = "V014", Error, "types do not agree";
    /// The expression text cannot be parsed.
    ExpressionSyntax = "V015", Error, "expression syntax error";
    /// A text lacks a declared language.
    MissingTranslation = "V016", Error, "text is missing a language";
    /// A text or setting names a language that is not declared.
    UnknownLanguage = "V017", Error, "language is not declared";
    /// A choice item without options, a score without terms, a section without items.
    EmptyList = "V018", Error, "list must not be empty";
    /// Two options of one item share a value.
    DuplicateOption = "V019", Error, "duplicate option value";
    /// Two bands of a score overlap.
    BandOverlap = "V020", Error, "bands overlap";
    /// Values between two bands belong to no band.
    BandGap = "V021", Error, "gap between bands";
    /// A trigger, score term or condition reads no answer at all.
    ReferencesNothing = "V022", Error, "condition reads no answer";
    /// An item whose condition can never hold.
    Unreachable = "V023", Warning, "item can never be shown";
    /// A protected attribute feeds a score, derived value, condition or trigger.
    ProtectedDependency = "V024", Error, "protected attribute used as a rule input";
    /// A size, nesting or length limit was exceeded.
    LimitExceeded = "V025", Error, "limit exceeded";
    /// A field that does not belong to the item's kind, or a bad range.
    InvalidItem = "V026", Error, "field does not fit the item";
    /// A choice item is used in a score but an option has no score weight.
    MissingWeight = "V027", Error, "option has no score weight";
    /// A `suggested` value does not fit the item it suggests an answer for.
    BadSuggestion = "V028", Error, "suggestion does not fit the item";
    /// A kept output (stored after the conversation) reveals an answer kept
    /// only for the conversation, and does not say so with `reveals`.
    UndeclaredDisclosure = "V029", Error, "kept output reveals a conversation-only answer";
    /// V029 in a format 1 file, published before the check existed: the
    /// output is left out of the stored record instead.
    UndeclaredDisclosureLegacy = "V030", Warning, "kept output reveals a conversation-only answer (format 1)";
    /// `reveals` on an output that reveals no conversation-only answer.
    NeedlessReveals = "V031", Warning, "`reveals` on an output that reveals nothing";
    /// Scores the terms can reach that fall in no band, or a band no
    /// possible score reaches.
    BandRange = "V032", Warning, "bands do not match the score's possible range";
    /// A text holds a terminal control character (other than a tab or a
    /// line break), which would reach every terminal, page and drawing
    /// that shows it.
    ControlCharacter = "V033", Error, "text holds a control character";
    /// A well-formed language code whose language is not in the known list
    /// (ISO 639-1, and ISO 639-3 codes such as `prs` and `ckb`).
    UnknownLanguageCode = "V034", Error, "not a known language code";
    /// A language's translation status is incomplete or contradicts
    /// itself: `reviewed` without who and when, a reviewer on a draft, a
    /// review date that is not a date, or a default language for the
    /// person only.
    TranslationStatus = "V035", Error, "translation status incomplete";
    /// A picture's path is not a relative path to a picture inside the
    /// questionnaire's folder.
    ImagePath = "V036", Error, "picture path outside the questionnaire";
    /// An option value written in digits that is another option's number
    /// in the list (values "0" to "3"): typed answers take digits as the
    /// number, so such a value is easy to mistake.
    NumberedOptionValue = "V037", Warning, "option value reads as another option's number";
    /// A trigger's `refer_to` has no label in the questionnaire's
    /// `referrals`, so the practitioner would see the bare key.
    ReferralLabel = "V038", Error, "`refer_to` without a label in `referrals`";
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The questionnaire cannot be used.
    Error,
    /// The questionnaire works but something is likely wrong.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A place in a questionnaire file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Location {
    /// The file name given to the loader.
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// 1-based column, 0 when unknown.
    pub column: u32,
    /// Path inside the document, e.g. `sections[1].items[3].when`.
    pub path: String,
}

/// A second place that belongs to a diagnostic, e.g. the first definition of a duplicate id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Related {
    /// Where.
    pub location: Location,
    /// What is there.
    pub message: String,
}

/// One problem found while loading a questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// Where the problem is.
    pub location: Location,
    /// What is wrong, one sentence.
    pub message: String,
    /// What to do about it, including "did you mean ...".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Other places that belong to the problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic with the code's own severity.
    #[must_use]
    pub fn new(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            location,
            message: message.into(),
            help: None,
            related: Vec::new(),
        }
    }

    /// Adds a help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a help text when there is one.
    #[must_use]
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Adds a related location.
    #[must_use]
    pub fn with_related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    /// Adds a related location in place.
    pub fn with_related_mut(
        &mut self,
        location: Location,
        message: impl Into<String>,
    ) -> &mut Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    /// Renders the diagnostic for a terminal, quoting the source line with a
    /// caret under the column. `source` is the text of the file.
    #[must_use]
    pub fn render(&self, source: &str) -> String {
        let mut out = String::new();
        self.render_into(&mut out, &Lines::new(source));
        out
    }

    fn render_into(&self, out: &mut String, lines: &Lines<'_>) {
        let loc = &self.location;
        let _ = write!(
            out,
            "{}[{}]: {}\n  --> {}:{}:{}",
            self.severity,
            self.code.as_str(),
            shown(&self.message),
            shown(&loc.file),
            loc.line,
            loc.column
        );
        if !loc.path.is_empty() {
            let _ = write!(out, " (at {})", shown(&loc.path));
        }
        out.push('\n');
        quote_line(out, lines, loc.line, loc.column);
        for related in &self.related {
            let _ = writeln!(
                out,
                "  note: {} at {}:{}:{}",
                shown(&related.message),
                shown(&related.location.file),
                related.location.line,
                related.location.column
            );
            quote_line(out, lines, related.location.line, related.location.column);
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {}", shown(help));
        }
    }

    /// Cuts the message, help and notes to [`MAX_MESSAGE_CHARS`]: a message
    /// that quotes a value of the file (a key, a name) could otherwise be
    /// megabytes long.
    pub(crate) fn cut_long_texts(&mut self) {
        cut(&mut self.message);
        if let Some(help) = &mut self.help {
            cut(help);
        }
        for related in &mut self.related {
            cut(&mut related.message);
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            shown(&self.location.file),
            self.location.line,
            self.location.column,
            self.severity,
            self.code.as_str(),
            shown(&self.message)
        )
    }
}

/// The longest message, help or note a diagnostic keeps, in characters.
pub const MAX_MESSAGE_CHARS: usize = 1_000;

fn cut(text: &mut String) {
    if let Some((at, _)) = text.char_indices().nth(MAX_MESSAGE_CHARS) {
        let rest = text[at..].chars().count();
        text.truncate(at);
        let _ = write!(text, "… ({rest} more characters)");
    }
}

/// `text` with terminal control characters written as escapes (`\u{1b}`),
/// so that a crafted file cannot move the cursor, clear the screen or
/// retitle the terminal of whoever reads its diagnostics. Tabs stay.
#[must_use]
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_escaped(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `c` is written as an escape by [`escape_controls`]: a control
/// character other than a tab or a line break, or a Unicode line or
/// paragraph separator.
#[must_use]
pub(crate) fn is_escaped(c: char) -> bool {
    c != '\t' && c != '\n' && (c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
}

fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    escape_controls(text)
}

/// Where each line of a source text starts, found once, so that quoting
/// the lines of many diagnostics does not scan the text for each.
struct Lines<'s> {
    source: &'s str,
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'s> Lines<'s> {
    fn new(source: &'s str) -> Self {
        Lines {
            source,
            starts: std::cell::OnceCell::new(),
        }
    }

    /// The text of 1-based line `line`, without its line break.
    fn get(&self, line: u32) -> Option<&'s str> {
        let starts = self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.source.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let start = *starts.get(line.checked_sub(1)? as usize)?;
        let end = starts
            .get(line as usize)
            .map_or(self.source.len(), |e| e - 1);
        // A text ending in a line break has no line after it, as `str::lines` says.
        if start == self.source.len() {
            return None;
        }
        Some(&self.source[start..end])
    }
}

fn quote_line(out: &mut String, lines: &Lines<'_>, line: u32, column: u32) {
    if line == 0 {
        return;
    }
    let Some(text) = lines.get(line) else {
        return;
    };
    let text = text.trim_end_matches('\r');
    // Very long lines (minified or hostile files) are cut so a diagnostic stays readable.
    let shown_part: String = text.chars().take(200).collect();
    let number = line.to_string();
    let pad = " ".repeat(number.len());
    let _ = write!(out, "{pad} |\n{number} | {}\n", shown(&shown_part));
    let caret_at = (column.max(1) as usize - 1).min(shown_part.chars().count());
    let mut indent = String::new();
    for c in shown_part.chars().take(caret_at) {
        match c {
            '\t' => indent.push('\t'),
            // An escaped character takes as many columns as its escape.
            c if is_escaped(c) => {
                let width = escape_controls(c.encode_utf8(&mut [0; 4])).chars().count();
                indent.extend(std::iter::repeat_n(' ', width));
            }
            _ => indent.push(' '),
        }
    }
    let _ = writeln!(out, "{pad} | {indent}^");
}

/// Renders every diagnostic for a terminal, followed by a one-line summary.
#[must_use]
pub fn render_all(diagnostics: &[Diagnostic], source: &str) -> String {
    let mut out = String::new();
    let lines = Lines::new(source);
    for d in diagnostics {
        d.render_into(&mut out, &lines);
        out.push('\n');
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
    out
}

/// Renders diagnostics as a JSON array.
#[must_use]
pub fn to_json(diagnostics: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(diagnostics).unwrap_or_else(|_| "[]".to_owned())
}

pub(crate) use crate::suggest::did_you_mean;

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(line: u32, column: u32) -> Location {
        Location {
            file: "q.yaml".into(),
            line,
            column,
            path: "sections[0].id".into(),
        }
    }

    #[test]
    fn codes_are_unique_and_ordered() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
        }
        let sorted: Vec<_> = seen.into_iter().collect();
        let listed: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(sorted, listed);
    }

    #[test]
    fn render_quotes_line_with_caret_and_related() {
        let source = "a: 1\nid: framing\nother: 2\n";
        let d = Diagnostic::new(Code::DuplicateId, loc(3, 8), "id `x` is used twice")
            .with_related(loc(2, 5), "first defined here")
            .with_help("rename one of them");
        let text = d.render(source);
        assert!(text.contains("error[V010]: id `x` is used twice"), "{text}");
        assert!(text.contains("3 | other: 2\n  |        ^"), "{text}");
        assert!(
            text.contains("note: first defined here at q.yaml:2:5"),
            "{text}"
        );
        assert!(text.contains("= help: rename one of them"), "{text}");
    }

    #[test]
    fn json_has_code_and_location() {
        let d = Diagnostic::new(Code::MissingField, loc(1, 1), "missing `id`");
        let json: serde_json::Value = serde_json::from_str(&to_json(&[d])).unwrap();
        assert_eq!(json[0]["code"], "V003");
        assert_eq!(json[0]["severity"], "error");
        assert_eq!(json[0]["location"]["line"], 1);
    }

    #[test]
    fn render_quotes_the_right_line_of_many() {
        let mut source = String::new();
        for i in 1..=500 {
            let _ = writeln!(source, "line{i}: x");
        }
        let ds: Vec<Diagnostic> = [1, 250, 500, 501, 0]
            .iter()
            .map(|&l| Diagnostic::new(Code::DuplicateId, loc(l, 1), "m"))
            .collect();
        let text = render_all(&ds, &source);
        assert!(text.contains("1 | line1: x"), "{text}");
        assert!(text.contains("250 | line250: x"), "{text}");
        assert!(text.contains("500 | line500: x"), "{text}");
        assert!(!text.contains("501 |"), "{text}");
        assert_eq!(ds[1].render(&source), {
            let all = render_all(&ds[1..2], &source);
            all[..all.len() - "1 error(s), 0 warning(s)\n".len() - 1].to_owned()
        });
    }

    #[test]
    fn control_characters_are_escaped_when_rendered() {
        let source = "id: a\u{1b}[2Jb\n";
        let d = Diagnostic::new(Code::InvalidId, loc(1, 9), "id `a\u{1b}[2Jb` is invalid")
            .with_help("no \u{7} bells");
        let text = d.render(source);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(text.contains("id `a\\u{1b}[2Jb` is invalid"), "{text}");
        assert!(
            text.contains("1 | id: a\\u{1b}[2Jb\n  |              ^"),
            "{text}"
        );
        assert!(!d.to_string().contains('\u{1b}'));
    }

    #[test]
    fn long_messages_are_cut() {
        let mut d = Diagnostic::new(Code::UnknownField, loc(1, 1), "k".repeat(3_000_000))
            .with_help("h".repeat(MAX_MESSAGE_CHARS));
        d.cut_long_texts();
        assert_eq!(
            d.message.chars().count(),
            MAX_MESSAGE_CHARS + "… (2999000 more characters)".chars().count()
        );
        assert!(
            d.message.ends_with("… (2999000 more characters)"),
            "{}",
            &d.message[990..]
        );
        assert_eq!(
            d.help.as_deref(),
            Some("h".repeat(MAX_MESSAGE_CHARS).as_str())
        );
    }
}
