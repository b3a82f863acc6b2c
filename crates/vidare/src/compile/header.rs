//! The header: format version, id, version and languages.

use super::context::Ctx;
use crate::diagnostic::{Code, did_you_mean};
use crate::format::{Document, FORMAT_VERSION, OLDEST_FORMAT_VERSION};
use crate::questionnaire::Texts;

pub(super) struct Header {
    pub(super) title: Texts,
}

/// Words of the expression language, which an id would shadow.
pub(crate) const RESERVED: &[&str] = &["true", "false", "in", "null"];

/// Ids are written by hand in conditions and stored in recordings, so they
/// are kept to a small, unambiguous alphabet.
pub(crate) fn valid_id(id: &str) -> bool {
    if RESERVED.contains(&id) {
        return false;
    }
    let mut chars = id.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_' | '.'))
        && !id.ends_with('.')
        && !id.contains("..")
}

pub(crate) fn valid_questionnaire_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_' | '-'))
}

/// `MAJOR.MINOR.PATCH` with no leading zeros, as semantic versioning
/// requires ([`crate::SemVer::parse`]).
pub(crate) fn valid_version(v: &str) -> bool {
    crate::SemVer::parse(v).is_some()
}

pub(super) fn check(doc: &Document, ctx: &mut Ctx<'_>) -> Header {
    if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&doc.format.value) {
        ctx.error(
            Code::UnsupportedFormat,
            &doc.format,
            "format",
            format!(
                "format {} is not supported; this engine reads formats {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION}",
                doc.format.value
            ),
        )
        .help = Some(format!("write `format: {FORMAT_VERSION}`"));
    }
    if !super::ids::within_length(&doc.id, "id", "questionnaire id", ctx) {
        // Reported; the id is not repeated in another message.
    } else if !valid_questionnaire_id(&doc.id.value) {
        ctx.error(
            Code::InvalidId,
            &doc.id,
            "id",
            format!("`{}` is not a valid questionnaire id", doc.id.value),
        )
        .help = Some("use lower-case letters, digits, `-` and `_`, starting with a letter".into());
    }
    if !valid_version(&doc.version.value) {
        ctx.error(
            Code::InvalidId,
            &doc.version,
            "version",
            format!("`{}` is not a semantic version", doc.version.value),
        )
        .help = Some("write MAJOR.MINOR.PATCH, e.g. `1.0.0`".into());
    }
    let mut languages: Vec<String> = Vec::new();
    for (i, lang) in doc.languages.value.iter().enumerate() {
        let path = format!("languages[{i}]");
        let ok = (2..=8).contains(&lang.value.len())
            && lang
                .value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-');
        if !ok {
            ctx.error(
                Code::InvalidId,
                lang,
                &path,
                format!("`{}` is not a language code", lang.value),
            )
            .help = Some("use a code such as `sv` or `en`".into());
        } else if languages.contains(&lang.value) {
            ctx.error(
                Code::DuplicateId,
                lang,
                &path,
                format!("language `{}` is declared twice", lang.value),
            )
            .help = Some("remove the second one".into());
        } else {
            languages.push(lang.value.clone());
        }
    }
    if doc.languages.value.is_empty() {
        ctx.error(
            Code::EmptyList,
            &doc.languages,
            "languages",
            "no languages are declared",
        )
        .help = Some("declare at least one, e.g. `languages: [sv, en]`".into());
    }
    if !languages.contains(&doc.default_language.value) && !languages.is_empty() {
        let help = did_you_mean(
            &doc.default_language.value,
            languages.iter().map(String::as_str),
        )
        .map_or_else(
            || format!("choose one of {}", languages.join(", ")),
            |m| format!("did you mean `{m}`?"),
        );
        ctx.error(
            Code::UnknownLanguage,
            &doc.default_language,
            "default_language",
            format!(
                "default language `{}` is not declared in `languages`",
                doc.default_language.value
            ),
        )
        .help = Some(help);
    }
    // The default language is listed first so fallbacks find it first.
    if let Some(pos) = languages
        .iter()
        .position(|l| *l == doc.default_language.value)
    {
        let default = languages.remove(pos);
        languages.insert(0, default);
    }
    ctx.languages = languages;
    let title = ctx.texts(&doc.title, "title");
    if let Some(d) = &doc.description {
        ctx.texts(d, "description");
    }
    Header { title }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_versions() {
        assert!(valid_id("working.need_for_change"));
        assert!(!valid_id("Working"));
        assert!(!valid_id("a..b"));
        assert!(!valid_id("a."));
        assert!(!valid_id("true"));
        assert!(!valid_id("in"));
        assert!(valid_version("1.0.0"));
        assert!(valid_version("10.20.30"));
        assert!(!valid_version("1.0"));
        assert!(!valid_version("01.0.0"));
        assert!(!valid_version("1.0.0-beta"));
    }
}
