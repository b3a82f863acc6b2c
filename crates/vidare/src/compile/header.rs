//! The header: format version, id, version and languages.

use super::context::Ctx;
use crate::diagnostic::{Code, did_you_mean};
use crate::format::{Document, FORMAT_VERSION, LanguageEntry, OLDEST_FORMAT_VERSION, Sp};
use crate::language::{Audience, CodeProblem, Language, Status};
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
/// requires ([`crate::version::SemVer::parse`]).
pub(crate) fn valid_version(v: &str) -> bool {
    crate::version::SemVer::parse(v).is_some()
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
    let declared = languages(doc, ctx);
    default_language(doc, &declared, ctx);
    let mut declared = declared;
    // The default language is listed first so fallbacks find it first.
    if let Some(pos) = declared
        .iter()
        .position(|l| l.code == doc.default_language.value)
    {
        let default = declared.remove(pos);
        declared.insert(0, default);
    }
    ctx.languages = declared.iter().map(|l| l.code.clone()).collect();
    ctx.person_languages = declared
        .iter()
        .filter(|l| l.audience == Audience::Person)
        .map(|l| l.code.clone())
        .collect();
    ctx.language_info = declared;
    let title = ctx.person_texts(&doc.title, "title");
    if let Some(d) = &doc.description {
        ctx.practitioner_texts(d, "description");
    }
    for (key, label) in doc.referrals.iter().flat_map(|r| &r.value) {
        ctx.practitioner_texts(label, &format!("referrals.{key}"));
    }
    Header { title }
}

/// Checks every entry of `languages` and returns the valid ones, in the
/// order written.
fn languages(doc: &Document, ctx: &mut Ctx<'_>) -> Vec<Language> {
    let mut out: Vec<Language> = Vec::new();
    for (i, entry) in doc.languages.value.iter().enumerate() {
        let path = format!("languages[{i}]");
        // A plain code has no position of its own; the entry's is the code's.
        let code = if entry.value.code.line == 0 {
            Sp {
                value: entry.value.code.value.clone(),
                line: entry.line,
                column: entry.column,
            }
        } else {
            entry.value.code.clone()
        };
        if !language_code(&code, &path, ctx) {
            continue;
        }
        if out.iter().any(|l| l.code == code.value) {
            ctx.error(
                Code::DuplicateId,
                &code,
                &path,
                format!("language `{}` is declared twice", code.value),
            )
            .help = Some("remove the second one".into());
            continue;
        }
        status(&entry.value, &entry.value.code.value, entry, &path, ctx);
        out.push(Language {
            code: code.value.clone(),
            status: entry
                .value
                .status
                .as_ref()
                .map(|s| s.value)
                .unwrap_or_default(),
            audience: entry
                .value
                .audience
                .as_ref()
                .map(|a| a.value)
                .unwrap_or_default(),
            reviewed_by: entry.value.reviewed_by.as_ref().map(|r| r.value.clone()),
            reviewed_on: entry.value.reviewed_on.as_ref().map(|r| r.value.clone()),
        });
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
    out
}

/// Whether a declared code is well formed and known; reports it if not.
fn language_code(code: &Sp<String>, path: &str, ctx: &mut Ctx<'_>) -> bool {
    match crate::language::check(&code.value) {
        Ok(()) => true,
        Err(CodeProblem::Syntax(why)) => {
            ctx.error(
                Code::InvalidId,
                code,
                path,
                format!("`{}` is not a language code: {why}", code.value),
            )
            .help = Some(
                "use a BCP 47 code in lower case, such as `sv`, `ar` or `sv-x-easy` (easy Swedish)"
                    .into(),
            );
            false
        }
        Err(CodeProblem::Unknown(closest)) => {
            let d = ctx.error(
                Code::UnknownLanguageCode,
                code,
                path,
                format!("`{}` is not a language code", code.value),
            );
            d.help = Some(closest.map_or_else(
                || "use an ISO 639 code, such as `sv`, `en`, `ar`, `fa`, `prs` (Dari) or `ckb` (Sorani)".into(),
                |c| {
                    let name = crate::language::name(c).unwrap_or_default();
                    format!("did you mean `{c}` ({name})?")
                },
            ));
            false
        }
    }
}

/// A `reviewed` language says who reviewed it and when; nobody else does.
fn status<T>(entry: &LanguageEntry, code: &str, at: &Sp<T>, path: &str, ctx: &mut Ctx<'_>) {
    let status = entry.status.as_ref().map(|s| s.value).unwrap_or_default();
    if status == Status::Reviewed {
        if entry
            .reviewed_by
            .as_ref()
            .is_none_or(|r| r.value.trim().is_empty())
        {
            ctx.error(
                Code::TranslationStatus,
                at,
                &format!("{path}.reviewed_by"),
                format!("the `{code}` translation is `reviewed` but does not say by whom"),
            )
            .help = Some(
                "add `reviewed_by: \"Name, authorised translator\"`, or mark it `status: draft`"
                    .into(),
            );
        }
        if entry.reviewed_on.is_none() {
            ctx.error(
                Code::TranslationStatus,
                at,
                &format!("{path}.reviewed_on"),
                format!("the `{code}` translation is `reviewed` but does not say when"),
            )
            .help = Some("add `reviewed_on: YYYY-MM-DD`".into());
        }
    } else if let Some(by) = entry.reviewed_by.as_ref() {
        ctx.error(
            Code::TranslationStatus,
            by,
            &format!("{path}.reviewed_by"),
            format!(
                "the `{code}` translation has a reviewer but its status is `{}`",
                status.as_str()
            ),
        )
        .help = Some("write `status: reviewed`, or remove `reviewed_by` and `reviewed_on`".into());
    } else if let Some(on) = entry.reviewed_on.as_ref() {
        ctx.error(
            Code::TranslationStatus,
            on,
            &format!("{path}.reviewed_on"),
            format!(
                "the `{code}` translation has a review date but its status is `{}`",
                status.as_str()
            ),
        )
        .help = Some("write `status: reviewed` with `reviewed_by`, or remove `reviewed_on`".into());
    }
    if let Some(on) = entry
        .reviewed_on
        .as_ref()
        .filter(|on| !crate::value::valid_date(&on.value))
    {
        ctx.error(
            Code::TranslationStatus,
            on,
            &format!("{path}.reviewed_on"),
            format!("`{}` is not a date", on.value),
        )
        .help = Some("write the day of the review as YYYY-MM-DD, e.g. `2026-11-30`".into());
    }
}

/// The default language is declared, and read by everyone.
fn default_language(doc: &Document, declared: &[Language], ctx: &mut Ctx<'_>) {
    let wanted = &doc.default_language.value;
    match declared.iter().find(|l| l.code == *wanted) {
        None if !declared.is_empty() => {
            let help = did_you_mean(wanted, declared.iter().map(|l| l.code.as_str())).map_or_else(
                || {
                    let all: Vec<&str> = declared.iter().map(|l| l.code.as_str()).collect();
                    format!("choose one of {}", all.join(", "))
                },
                |m| format!("did you mean `{m}`?"),
            );
            ctx.error(
                Code::UnknownLanguage,
                &doc.default_language,
                "default_language",
                format!("default language `{wanted}` is not declared in `languages`"),
            )
            .help = Some(help);
        }
        Some(l) if l.audience == Audience::Person => {
            ctx.error(
                Code::TranslationStatus,
                &doc.default_language,
                "default_language",
                format!(
                    "the default language `{wanted}` is for the person only (`audience: person`)"
                ),
            )
            .help = Some(
                "the default language must have every text: choose a language with `audience: all`"
                    .into(),
            );
        }
        _ => {}
    }
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
