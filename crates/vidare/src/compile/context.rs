//! Shared state of one compilation: where we are, and what has been found.

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::format::{Sp, Text};
use crate::questionnaire::Texts;
use crate::yaml::Limits;

/// Who reads a text, which decides the languages it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reader {
    /// The person: every declared language.
    Person,
    /// The practitioner: the languages whose audience is `all`.
    Practitioner,
}

pub(crate) struct Ctx<'a> {
    pub(crate) file: &'a str,
    pub(crate) source: &'a str,
    pub(crate) limits: &'a Limits,
    pub(crate) languages: Vec<String>,
    /// The declared languages whose audience is the person only: the
    /// practitioner's texts need not exist in them.
    pub(crate) person_languages: Vec<String>,
    /// The declared languages with their status, default first.
    pub(crate) language_info: Vec<crate::language::Language>,
    /// The languages the document declares, known before expansion.
    pub(crate) languages_declared: Vec<String>,
    /// Items in the document so far while expanding, kept as a running count
    /// so checking the item limit per template key stays cheap.
    pub(crate) expanded_items: usize,
    /// Bytes of text that template instances and includes have produced
    /// so far, against `Limits::max_expanded_bytes`; above the limit once
    /// it has been crossed and reported.
    pub(crate) expanded_bytes: usize,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The prefix of each `include:`. The ids of included parts point at
    /// their entry; their other spans point into the included file.
    pub(crate) includes: Vec<String>,
    /// Byte offset where each line starts, for turning positions around.
    line_starts: Vec<usize>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(file: &'a str, source: &'a str, limits: &'a Limits) -> Self {
        Ctx {
            file,
            source,
            limits,
            languages: Vec::new(),
            person_languages: Vec::new(),
            language_info: Vec::new(),
            languages_declared: Vec::new(),
            expanded_items: 0,
            expanded_bytes: 0,
            diagnostics: Vec::new(),
            includes: Vec::new(),
            line_starts: std::iter::once(0)
                .chain(source.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        }
    }

    /// Byte offset of a 1-based line and (character) column.
    pub(crate) fn offset_of(&self, line: u32, column: u32) -> Option<usize> {
        let start = *self.line_starts.get(line.checked_sub(1)? as usize)?;
        let rest = &self.source[start..];
        let skip = column.saturating_sub(1) as usize;
        Some(start + rest.char_indices().nth(skip).map_or(rest.len(), |(i, _)| i))
    }

    /// 1-based line and column of a byte offset.
    pub(crate) fn line_col(&self, offset: usize) -> (u32, u32) {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = self.source[start..offset.min(self.source.len())]
            .chars()
            .count()
            + 1;
        (line as u32, column as u32)
    }

    pub(crate) fn loc<T>(&self, at: &Sp<T>, path: &str) -> Location {
        self.loc_at(at.line, at.column, path)
    }

    pub(crate) fn loc_at(&self, line: u32, column: u32, path: &str) -> Location {
        Location {
            file: self.file.to_owned(),
            line,
            column,
            path: path.to_owned(),
        }
    }

    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub(crate) fn error<T>(
        &mut self,
        code: Code,
        at: &Sp<T>,
        path: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::new(code, self.loc(at, path), message);
        self.diagnostics.push(d);
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error)
    }

    /// A text the person sees (title, headings, questions, help, units,
    /// labels of answers, alt texts): checked against every declared
    /// language, including those for the person only.
    pub(crate) fn person_texts(&mut self, text: &Sp<Text>, path: &str) -> Texts {
        self.texts(text, path, Reader::Person)
    }

    /// A text only the practitioner reads (descriptions, referrals, end
    /// texts, labels of scores and derived values, questions the
    /// practitioner answers): not required in languages for the person only.
    pub(crate) fn practitioner_texts(&mut self, text: &Sp<Text>, path: &str) -> Texts {
        self.texts(text, path, Reader::Practitioner)
    }

    /// Checks that a text exists in every language its reader needs and in
    /// no undeclared one, and converts it to declared-language order.
    pub(crate) fn texts(&mut self, text: &Sp<Text>, path: &str, reader: Reader) -> Texts {
        self.refuse_control_characters(text, path);
        let mut out = Vec::with_capacity(self.languages.len());
        let mut missing = Vec::new();
        for lang in &self.languages {
            let needed = reader == Reader::Person || !self.person_languages.contains(lang);
            match text.value.get(lang) {
                Some(t) if !t.trim().is_empty() => out.push((lang.clone(), t.as_str().into())),
                _ if needed => missing.push(lang.clone()),
                _ => {}
            }
        }
        if !missing.is_empty() {
            let help = self.missing_help(&missing);
            self.error(
                Code::MissingTranslation,
                text,
                path,
                format!("the text has no {} version", missing.join(", ")),
            )
            .help = Some(help);
        }
        for lang in text.value.keys() {
            // A declared code that is not valid was reported where it is
            // declared; its texts are not reported once more each.
            if !self.languages.contains(lang) && !self.languages_declared.contains(lang) {
                let declared = self.languages.join(", ");
                let help = crate::diagnostic::did_you_mean(lang, self.languages.iter().map(String::as_str))
                    .map_or_else(
                        || format!("declared languages are {declared}; add `{lang}` to `languages` or remove this text"),
                        |m| format!("did you mean `{m}`? declared languages are {declared}"),
                    );
                let (line, column) = self.find_key(text.line, text.column, lang);
                let location = self.loc_at(line, column, &format!("{path}.{lang}"));
                self.report(
                    Diagnostic::new(
                        Code::UnknownLanguage,
                        location,
                        format!("`{lang}` is not one of the declared languages"),
                    )
                    .with_help(help),
                );
            }
        }
        Texts(out)
    }

    /// V033 for each language of `text` that holds a control character:
    /// a text reaches terminals, pages and drawings, and escaping it in
    /// every one of them would be one place too many to forget.
    fn refuse_control_characters(&mut self, text: &Sp<Text>, path: &str) {
        for (lang, t) in &text.value {
            let Some(c) = t.chars().find(|&c| crate::diagnostic::is_escaped(c)) else {
                continue;
            };
            let (line, column) = self.find_key(text.line, text.column, lang);
            let location = self.loc_at(line, column, &format!("{path}.{lang}"));
            self.report(
                Diagnostic::new(
                    Code::ControlCharacter,
                    location,
                    format!(
                        "the {lang} text holds the control character U+{:04X}",
                        u32::from(c)
                    ),
                )
                .with_help(
                    "remove it; a line break or a tab is allowed, other control characters are not",
                ),
            );
        }
    }

    /// What to do about a text missing in `missing`: a person-only
    /// language is named as such, so the translator knows why.
    fn missing_help(&self, missing: &[String]) -> String {
        let person: Vec<&str> = missing
            .iter()
            .filter(|l| self.person_languages.contains(l))
            .map(String::as_str)
            .collect();
        if person.is_empty() {
            format!(
                "every text needs all declared languages; add `{}: ...`",
                missing[0]
            )
        } else {
            format!(
                "the person reads this text, so it needs their language ({}) too; add `{}: ...`",
                person.join(", "),
                missing[0]
            )
        }
    }

    /// Where `key:` is written in the mapping that starts at (line, column):
    /// the mapping's own start if the key cannot be found nearby.
    fn find_key(&self, line: u32, column: u32, key: &str) -> (u32, u32) {
        let Some(start) = self.offset_of(line, column) else {
            return (line, column);
        };
        // A text mapping is a few lines long; look no further than that.
        let window: String = self.source[start..].chars().take(4000).collect();
        let needle = format!("{key}:");
        let found = window.match_indices(&needle).find(|(i, _)| {
            window[..*i]
                .chars()
                .next_back()
                .is_none_or(|c| c.is_whitespace() || c == '{' || c == ',')
        });
        found.map_or((line, column), |(i, _)| self.line_col(start + i))
    }

    pub(crate) fn opt_texts(
        &mut self,
        text: Option<&Sp<Text>>,
        path: &str,
        reader: Reader,
    ) -> Option<Texts> {
        text.map(|t| self.texts(t, path, reader))
    }
}
