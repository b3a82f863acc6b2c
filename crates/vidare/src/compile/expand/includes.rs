//! Includes: an `include: <id>@<version>` entry read from the questionnaire
//! folder, checked and expanded on its own, then spliced in under its `as:`
//! prefix ([`super::splice`]).

use std::path::{Path, PathBuf};

use super::budget::within_item_limit;
use super::expand;
use super::splice::splice;
use crate::compile::context::Ctx;
use crate::compile::header::{valid_id, valid_questionnaire_id, valid_version};
use crate::diagnostic::{Code, Diagnostic};
use crate::format::{Document, Section, Sp};

/// How many includes may be nested (a includes b includes c ...: 8 of
/// them below the questionnaire compiled).
const MAX_INCLUDE_DEPTH: usize = 8;

/// Where included questionnaires are found: `<root>/<id>/<version>.yaml`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Includes {
    pub(crate) root: Option<PathBuf>,
    /// `id@version` of the files being expanded, outermost first.
    pub(crate) stack: Vec<String>,
    /// Included documents already read and checked, by `id@version`: one
    /// questionnaire included many times is read once.
    pub(crate) cache:
        std::rc::Rc<std::cell::RefCell<std::collections::HashMap<String, Option<Document>>>>,
}

/// Expands one `include:` entry into `out`.
pub(super) fn include(
    section: &Section,
    spec: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
    includes: &Includes,
    out: &mut Document,
) {
    let Some((id, version)) = id_and_version(spec, path, ctx) else {
        return;
    };
    check_include_fields(section, spec, path, ctx);
    let Some(alias) = include_prefix(section, spec, path, ctx) else {
        return;
    };
    let Some(root) = &includes.root else {
        ctx.error(Code::UnknownReference, spec, &format!("{path}.include"), format!("cannot find `{}`: the questionnaire folder is not known", spec.value))
            .help = Some("load the questionnaire from its file (vidare::load), or set the folder with `Compiler::with_include_root`".into());
        return;
    };
    if !chain_allows(spec, path, ctx, includes) {
        return;
    }
    let file = root.join(id).join(format!("{version}.yaml"));
    let Some(included) = cached_or_loaded(&file, spec, path, ctx, includes) else {
        return;
    };
    let adding: usize = included.sections.iter().map(|s| s.items.len()).sum();
    if !within_item_limit(adding, spec, path, ctx) || !has_our_languages(&included, spec, path, ctx)
    {
        return;
    }
    splice(section, &included, alias, spec, path, ctx, out);
}

/// The id and version an `include:` names. The id becomes part of a path,
/// so it must be a plain questionnaire id: `../x` or an absolute path
/// would read files outside the folder.
fn id_and_version<'s>(
    spec: &'s Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
) -> Option<(&'s str, &'s str)> {
    let found = spec
        .value
        .split_once('@')
        .filter(|(i, v)| valid_questionnaire_id(i) && valid_version(v));
    if found.is_none() {
        ctx.error(
            Code::InvalidId,
            spec,
            &format!("{path}.include"),
            format!("`{}` does not name a questionnaire version", spec.value),
        )
        .help =
            Some("write `include: <id>@<version>`, e.g. `include: violence-seven@1.0.0`".into());
    }
    found
}

/// An `include:` entry takes only `as`, `sections` and `when`.
fn check_include_fields(section: &Section, spec: &Sp<String>, path: &str, ctx: &mut Ctx<'_>) {
    if !section.id.value.is_empty()
        || !section.items.is_empty()
        || section.title.is_some()
        || section.for_each.is_some()
    {
        ctx.error(
            Code::InvalidItem,
            spec,
            path,
            "an `include:` entry takes only `as`, `sections` and `when`",
        )
        .help = Some("the included questionnaire declares its own ids, titles and items; remove the other fields".into());
    }
}

/// The `as:` prefix, if it can prefix ids; reports it missing or invalid.
/// Checked before anything is read: the prefix is copied into every id of
/// the included questionnaire.
fn include_prefix<'s>(
    section: &'s Section,
    spec: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
) -> Option<&'s Sp<String>> {
    let Some(alias) = &section.alias else {
        ctx.error(
            Code::MissingField,
            spec,
            &format!("{path}.as"),
            "`include:` needs `as:`, the prefix of the included ids",
        )
        .help = Some(
            "e.g. `as: violence` makes the included item `alone` into `violence.alone`".into(),
        );
        return None;
    };
    if !crate::compile::ids::within_length(alias, &format!("{path}.as"), "include prefix", ctx) {
        return None;
    }
    if !valid_id(&alias.value) || alias.value.contains('.') {
        ctx.error(
            Code::InvalidId,
            alias,
            &format!("{path}.as"),
            format!("`{}` is not a valid prefix", alias.value),
        )
        .help = Some("use lower-case letters, digits and `_`, starting with a letter".into());
        return None;
    }
    Some(alias)
}

/// Whether the chain of includes may go on to `spec`: not too deep, and
/// not back to a file being included; reports why not.
fn chain_allows(spec: &Sp<String>, path: &str, ctx: &mut Ctx<'_>, includes: &Includes) -> bool {
    let cycle = includes.stack.contains(&spec.value);
    let (code, message) = if cycle {
        (
            Code::ForwardReference,
            format!(
                "`{}` includes itself, directly or through others",
                spec.value
            ),
        )
    } else if includes.stack.len() > MAX_INCLUDE_DEPTH {
        (
            Code::LimitExceeded,
            format!("includes nest deeper than {MAX_INCLUDE_DEPTH} levels, the limit"),
        )
    } else {
        return true;
    };
    ctx.error(code, spec, &format!("{path}.include"), message)
        .help = Some(format!(
        "the chain is {} → {}",
        includes.stack.join(" → "),
        spec.value
    ));
    false
}

/// The included document, read once per `id@version`.
fn cached_or_loaded(
    file: &Path,
    spec: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
    includes: &Includes,
) -> Option<Document> {
    let cached = includes.cache.borrow().get(&spec.value).cloned();
    if let Some(found) = cached {
        return found;
    }
    let loaded = load_included(file, spec, path, ctx, includes);
    includes
        .cache
        .borrow_mut()
        .insert(spec.value.clone(), loaded.clone());
    loaded
}

/// Whether the included questionnaire has texts in every language this one
/// declares; reports the missing ones.
fn has_our_languages(
    included: &Document,
    spec: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
) -> bool {
    let theirs: Vec<&str> = included
        .languages
        .value
        .iter()
        .map(|l| l.value.code.value.as_str())
        .collect();
    let missing: Vec<&str> = ctx
        .languages_declared
        .iter()
        .map(String::as_str)
        .filter(|l| !theirs.contains(l))
        .collect();
    if missing.is_empty() {
        return true;
    }
    ctx.error(
        Code::MissingTranslation,
        spec,
        &format!("{path}.include"),
        format!(
            "`{}` has no texts in {}, which this questionnaire declares",
            spec.value,
            missing.join(", ")
        ),
    )
    .help = Some(format!(
        "include a version written in {}, or declare only its languages ({})",
        missing.join(", "),
        theirs.join(", ")
    ));
    false
}

/// Reads, expands and checks an included questionnaire; reports a problem
/// with it at the `include:` line.
fn load_included(
    file: &Path,
    spec: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
    includes: &Includes,
) -> Option<Document> {
    let name = file.display().to_string();
    let source = read_included(file, spec, path, ctx)?;
    let mut inner_includes = includes.clone();
    inner_includes.stack.push(spec.value.clone());
    let compiler = crate::compile::Compiler::with_limits(*ctx.limits)
        .with_include_root_opt(includes.root.clone());
    let (checked, diagnostics) = compiler.check_nested(&source, &name, &inner_includes);
    if checked.is_none() {
        report_broken(&diagnostics, spec, path, &name, ctx);
        return None;
    }
    let doc = crate::yaml::parse_document(
        source.strip_prefix('\u{feff}').unwrap_or(&source),
        &name,
        ctx.limits,
    )
    .ok()?;
    // Expand the included file's own templates and includes, with a context
    // of its own so positions refer to its text.
    let mut inner = Ctx::new(&name, &source, ctx.limits);
    Some(expand(doc, &mut inner, &inner_includes))
}

/// The text of an included file; reports a file that cannot be read, with
/// the versions there are when it does not exist.
fn read_included(file: &Path, spec: &Sp<String>, path: &str, ctx: &mut Ctx<'_>) -> Option<String> {
    let name = file.display().to_string();
    let source = match crate::files::read_bounded(file, ctx.limits.max_file_bytes) {
        Ok(bytes) => String::from_utf8(bytes).ok(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        // Not a regular file (a named pipe is never opened), or unreadable.
        Err(e) => {
            ctx.error(
                Code::UnknownReference,
                spec,
                &format!("{path}.include"),
                format!("cannot read `{name}`: {e}"),
            )
            .help = Some(
                "an included version is read from the regular file `<id>/<version>.yaml` in the questionnaire folder".into(),
            );
            return None;
        }
    };
    if source.is_none() {
        let (id, _) = spec.value.split_once('@').unwrap_or((&spec.value, ""));
        let versions = list_versions(file.parent().unwrap_or(file));
        let help = if versions.is_empty() {
            format!("there is no questionnaire folder `{id}` next to this one")
        } else {
            format!("the versions of `{id}` are {}", versions.join(", "))
        };
        ctx.error(
            Code::UnknownReference,
            spec,
            &format!("{path}.include"),
            format!("cannot read `{name}`"),
        )
        .help = Some(help);
    }
    source
}

/// Reports an included questionnaire with errors at the `include:` line.
fn report_broken(
    diagnostics: &[Diagnostic],
    spec: &Sp<String>,
    path: &str,
    name: &str,
    ctx: &mut Ctx<'_>,
) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .count();
    if let Some(inner) = diagnostics.iter().find(|d| is_include_chain(d)) {
        // A cycle or too deep a chain passes through this file: say so
        // here, not only inside the file where it was found.
        let message = if inner.code == Code::ForwardReference {
            format!(
                "`{}` includes this questionnaire back: the includes form a cycle",
                spec.value
            )
        } else {
            inner.message.clone()
        };
        let help = inner.help.clone();
        ctx.error(inner.code, spec, &format!("{path}.include"), message)
            .help = help;
        return;
    }
    ctx.error(
        Code::UnknownReference,
        spec,
        &format!("{path}.include"),
        format!(
            "the included questionnaire `{}` has {errors} error(s)",
            spec.value
        ),
    )
    .help = Some(format!("check `{name}` on its own and fix it first"));
}

/// Whether a diagnostic of an included file says that its includes lead
/// back to a file being included, or nest too deep.
fn is_include_chain(d: &Diagnostic) -> bool {
    matches!(d.code, Code::ForwardReference | Code::LimitExceeded)
        && d.location.path.ends_with(".include")
}

fn list_versions(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "yaml").then(|| p.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    out.sort();
    out
}
