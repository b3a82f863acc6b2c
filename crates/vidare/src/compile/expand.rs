//! Expansion of `use:` (templates) and `include:` (sections of another
//! questionnaire) into plain sections, before anything else is checked.
//!
//! Expanded parts keep the positions of what they were made from, so a
//! diagnostic inside a template points at the template's line. Ids inside
//! an instance get its key as prefix (`working.need_for_change`), and names
//! in its expressions resolve to the instance's own ids first.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::context::Ctx;
use super::header::{valid_id, valid_version};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::expr::ast::{Ast, AstKind};
use crate::format::{
    Derived, Document, Guard, Instance, Item, LocalScope, Score, Section, Sp, Template, Text,
    Trigger, Var,
};

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

/// Expands templates and includes; returns the document as the rest of
/// the compiler sees it.
pub(crate) fn expand(mut doc: Document, ctx: &mut Ctx<'_>, includes: &Includes) -> Document {
    let templates = std::mem::take(&mut doc.templates);
    let sections = std::mem::take(&mut doc.sections);
    let mut out = doc;
    out.sections.reserve(sections.len());
    report_empty_templates(&templates, &sections, ctx);
    for (s, section) in sections.into_iter().enumerate() {
        let path = format!("sections[{s}]");
        match (&section.use_template, &section.include) {
            (Some(_), Some(at)) => {
                ctx.error(
                    Code::InvalidItem,
                    at,
                    &path,
                    "a section entry cannot both `use:` a template and `include:` a questionnaire",
                )
                .help = Some("split it into two entries".into());
            }
            (Some(name), None) => use_template(&templates, &section, name, &path, ctx, &mut out),
            (None, Some(spec)) => include(&section, spec, &path, ctx, includes, &mut out),
            (None, None) => {
                if section.id.value.is_empty() {
                    ctx.report(
                        Diagnostic::new(Code::MissingField, ctx.loc_at(section_line(&section), 0, &path), "the section has no `id`")
                            .with_help("give the section an id, or `use:` a template, or `include:` a questionnaire"),
                    );
                }
                for (field, present) in [
                    ("for_each", section.for_each.is_some()),
                    ("as", section.alias.is_some()),
                    ("sections", section.sections.is_some()),
                ] {
                    if present {
                        ctx.error(
                            Code::InvalidItem,
                            &section.id,
                            &format!("{path}.{field}"),
                            format!("`{field}` only belongs to a `use:` or `include:` entry"),
                        )
                        .help = Some(format!("remove `{field}`"));
                    }
                }
                ctx.expanded_items += section.items.len();
                out.sections.push(section);
            }
        }
    }
    out
}

fn section_line(section: &Section) -> u32 {
    section
        .items
        .first()
        .map_or(section.id.line, |i| i.id.line.saturating_sub(1))
}

// ---------------------------------------------------------------- templates

fn use_template(
    templates: &[Template],
    section: &Section,
    name: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
    out: &mut Document,
) {
    let Some(template) = templates.iter().find(|t| t.id.value == name.value) else {
        let help = did_you_mean(&name.value, templates.iter().map(|t| t.id.value.as_str()))
            .map_or_else(
                || "declare it under `templates:`".to_owned(),
                |m| format!("did you mean `{m}`?"),
            );
        ctx.error(
            Code::UnknownReference,
            name,
            &format!("{path}.use"),
            format!("there is no template `{}`", name.value),
        )
        .help = Some(help);
        return;
    };
    if !section.id.value.is_empty()
        || !section.items.is_empty()
        || section.title.is_some()
        || section.alias.is_some()
        || section.sections.is_some()
    {
        ctx.error(
            Code::InvalidItem,
            name,
            path,
            "a `use:` entry takes only `for_each` (and optionally `when`)",
        )
        .help = Some(
            "the template declares the section's id, title and items; remove the other fields"
                .into(),
        );
    }
    let Some(instances) = &section.for_each else {
        ctx.error(
            Code::MissingField,
            name,
            &format!("{path}.for_each"),
            "`use:` needs `for_each:`, the list of keys to expand for",
        )
        .help = Some("e.g. `for_each: [{key: living}, {key: working}]`".into());
        return;
    };
    if instances.value.is_empty() {
        ctx.error(
            Code::EmptyList,
            instances,
            &format!("{path}.for_each"),
            "`for_each` is empty",
        )
        .help = Some("list at least one key".into());
    }
    let locals = template_locals(template);
    for (k, instance) in instances.value.iter().enumerate() {
        let ipath = format!("{path}.for_each[{k}]");
        // Checked before anything is built: the key is copied into every
        // id of the template.
        if !super::ids::within_length(&instance.key, &format!("{ipath}.key"), "template key", ctx) {
            continue;
        }
        if !valid_id(&instance.key.value) || instance.key.value.contains('.') {
            ctx.error(
                Code::InvalidId,
                &instance.key,
                &format!("{ipath}.key"),
                format!("`{}` is not a valid key", instance.key.value),
            )
            .help = Some("use lower-case letters, digits and `_`, starting with a letter".into());
            continue;
        }
        // Reported once, at the template (`report_empty_templates`).
        if template.section.items.is_empty() {
            continue;
        }
        if text_budget_spent(ctx)
            || !within_item_limit(template.section.items.len(), &instance.key, &ipath, ctx)
        {
            return;
        }
        if !instantiate(template, section, instance, &locals, &ipath, ctx, out) {
            return;
        }
    }
}

/// A template without items would make an empty section of every key, and
/// each would be its own V018 at its key: thousands of diagnostics for one
/// mistake. It is said once, at the template, with the number of keys.
fn report_empty_templates(templates: &[Template], sections: &[Section], ctx: &mut Ctx<'_>) {
    for (t, template) in templates.iter().enumerate() {
        // The first template of an id is the one `use:` finds.
        if !template.section.items.is_empty()
            || templates
                .iter()
                .position(|x| x.id.value == template.id.value)
                != Some(t)
        {
            continue;
        }
        let uses: Vec<(usize, &Sp<String>, usize)> = sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.include.is_none())
            .filter_map(|(s, section)| {
                let name = section.use_template.as_ref()?;
                let keys = section.for_each.as_ref().map_or(0, |f| f.value.len());
                (name.value == template.id.value).then_some((s, name, keys))
            })
            .collect();
        let Some(&(first, first_use, _)) = uses.first() else {
            continue;
        };
        let keys: usize = uses.iter().map(|(_, _, k)| k).sum();
        let made = if keys == 1 {
            "the section made from it would be empty".to_owned()
        } else {
            format!("each of the {keys} sections made from it (one per key) would be empty")
        };
        let related = ctx.loc(first_use, &format!("sections[{first}].use"));
        let used = if uses.len() == 1 {
            "used here".to_owned()
        } else {
            format!("used here and by {} more `use:` entries", uses.len() - 1)
        };
        ctx.report(
            Diagnostic::new(
                Code::EmptyList,
                ctx.loc(&template.id, &format!("templates[{t}].section.items")),
                format!("template `{}` has no items: {made}", template.id.value),
            )
            .with_help("add items to the template's `section`, or remove the template and its `use:` entries")
            .with_related(related, used),
        );
    }
}

/// Whether the text budget (`Limits::max_expanded_bytes`) has been crossed
/// and reported: nothing more is expanded then.
fn text_budget_spent(ctx: &Ctx<'_>) -> bool {
    ctx.expanded_bytes > ctx.limits.max_expanded_bytes
}

/// Marks the text budget as crossed, so no more is expanded.
fn spend_text_budget(ctx: &mut Ctx<'_>) {
    ctx.expanded_bytes = ctx.limits.max_expanded_bytes.saturating_add(1);
}

/// Whether `adding` more items keep the questionnaire within
/// `Limits::max_items`; checked before expanding, so a small file that
/// would expand into millions of items is refused without building them.
fn within_item_limit<T>(adding: usize, at: &Sp<T>, path: &str, ctx: &mut Ctx<'_>) -> bool {
    if ctx.expanded_items + adding <= ctx.limits.max_items {
        ctx.expanded_items += adding;
        return true;
    }
    // Said once: every later entry would only repeat it.
    if ctx
        .diagnostics
        .iter()
        .any(|d| d.code == Code::LimitExceeded)
    {
        return false;
    }
    ctx.error(
        Code::LimitExceeded,
        at,
        path,
        format!(
            "expanding this gives more than {} items, the limit",
            ctx.limits.max_items
        ),
    )
    .help = Some(
        "use fewer keys or includes, or raise `Limits::max_items` if the questionnaire is genuine"
            .into(),
    );
    false
}

fn template_locals(template: &Template) -> BTreeSet<String> {
    template
        .section
        .items
        .iter()
        .map(|i| i.id.value.clone())
        .chain(template.derived.iter().map(|d| d.id.value.clone()))
        .chain(template.scores.iter().map(|s| s.id.value.clone()))
        .collect()
}

/// Adds one instance of `template` to `out`; false when its texts crossed
/// `Limits::max_expanded_bytes` (reported), and expansion must stop.
fn instantiate(
    template: &Template,
    usage: &Section,
    instance: &Instance,
    locals: &BTreeSet<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
    out: &mut Document,
) -> bool {
    let key = &instance.key.value;
    let scope = Arc::new(LocalScope {
        prefix: key.clone(),
        locals: locals.clone(),
    });
    let fill = Filler {
        instance,
        path,
        spent: Cell::new(false),
    };
    let mut section = Section {
        id: instance.key.clone(),
        title: template.section.title.clone(),
        // The usage's condition applies to every instance; the template's own one too.
        when: template.section.when.clone(),
        items: template.section.items.clone(),
        scope: Some(scope.clone()),
        ..Section::default()
    };
    if let Some(extra) = &usage.when {
        section.guards.push(Guard {
            condition: extra.clone(),
            must_hold: true,
            scope: None,
        });
    }
    if let Some(title) = &mut section.title {
        fill.text(title, ctx);
    }
    for item in &mut section.items {
        item.id.value = format!("{key}.{}", item.id.value);
        fill.item(item, ctx);
    }
    if fill.spent.get() {
        return false;
    }
    out.sections.push(section);
    for d in &template.derived {
        let mut d = d.clone();
        d.id.value = format!("{key}.{}", d.id.value);
        d.scope = Some(scope.clone());
        fill.derived(&mut d, ctx);
        if fill.spent.get() {
            return false;
        }
        out.derived.push(d);
    }
    for s in &template.scores {
        let mut s = s.clone();
        s.id.value = format!("{key}.{}", s.id.value);
        s.scope = Some(scope.clone());
        fill.score(&mut s, ctx);
        if fill.spent.get() {
            return false;
        }
        out.scores.push(s);
    }
    for t in &template.triggers {
        let mut t = t.clone();
        t.id.value = format!("{key}.{}", t.id.value);
        t.scope = Some(scope.clone());
        fill.text(&mut t.text, ctx);
        fill.plain(&mut t.refer_to, ctx);
        if fill.spent.get() {
            return false;
        }
        out.triggers.push(t);
    }
    true
}

/// Fills `{name}` placeholders of one instance, counting the text it
/// produces against `Limits::max_expanded_bytes`.
struct Filler<'a> {
    instance: &'a Instance,
    path: &'a str,
    /// Set when a text crossed the budget: the rest of the instance is left
    /// as it is, and expansion stops.
    spent: Cell<bool>,
}

impl<'a> Filler<'a> {
    fn lookup(&self, name: &str, lang: Option<&str>) -> Option<&'a str> {
        if name == "key" {
            return Some(&self.instance.key.value);
        }
        match self.instance.vars.get(name)? {
            Var::Plain(p) => Some(p),
            Var::Text(t) => lang.and_then(|l| t.get(l)).map(String::as_str),
        }
    }

    /// `text` with its placeholders filled, or `None` as soon as the
    /// result would be longer than `budget` bytes: a text that repeats a
    /// long value is never built beyond the budget.
    fn fill(
        &self,
        text: &str,
        lang: Option<&str>,
        missing: &mut Vec<String>,
        budget: usize,
    ) -> Option<String> {
        let mut out = String::with_capacity(text.len().min(budget));
        let push = |out: &mut String, piece: &str| {
            let fits = out.len() + piece.len() <= budget;
            if fits {
                out.push_str(piece);
            }
            fits
        };
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if !push(&mut out, &rest[..open]) {
                return None;
            }
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close)
                    if after[..close]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && close > 0 =>
                {
                    let name = &after[..close];
                    let value = self.lookup(name, lang).unwrap_or_else(|| {
                        missing.push(name.to_owned());
                        &rest[open..=open + close + 1]
                    });
                    if !push(&mut out, value) {
                        return None;
                    }
                    rest = &after[close + 1..];
                }
                _ => {
                    if !push(&mut out, "{") {
                        return None;
                    }
                    rest = after;
                }
            }
        }
        push(&mut out, rest).then_some(out)
    }

    /// Fills one text (of the language `lang`, or a plain value) within
    /// what is left of the budget, and counts it; reports the text at
    /// `line` and `column` that crosses the budget.
    fn fill_counted(
        &self,
        text: &str,
        lang: Option<&str>,
        missing: &mut Vec<String>,
        (line, column): (u32, u32),
        ctx: &mut Ctx<'_>,
    ) -> Option<String> {
        if self.spent.get() {
            return None;
        }
        let left = ctx
            .limits
            .max_expanded_bytes
            .saturating_sub(ctx.expanded_bytes);
        if let Some(filled) = self.fill(text, lang, missing, left) {
            ctx.expanded_bytes += filled.len();
            return Some(filled);
        }
        self.spent.set(true);
        spend_text_budget(ctx);
        let key = &self.instance.key;
        let related = ctx.loc(key, &format!("{}.key", self.path));
        ctx.report(
            Diagnostic::new(
                Code::LimitExceeded,
                ctx.loc_at(line, column, self.path),
                format!(
                    "filling in this text for key `{}` takes the text that templates and includes produce past {} bytes, the limit",
                    key.value, ctx.limits.max_expanded_bytes
                ),
            )
            .with_help(
                "every `{name}` is replaced by its value wherever it appears, for every key: shorten the values in `vars` or the texts that repeat them, or use fewer keys; raise `Limits::max_expanded_bytes` if the questionnaire is genuine",
            )
            .with_related(related, "the key being expanded"),
        );
        None
    }

    fn report(&self, missing: &[String], at_line: u32, at_column: u32, ctx: &mut Ctx<'_>) {
        for name in missing {
            let vars: Vec<&str> = self.instance.vars.keys().map(String::as_str).collect();
            let help = did_you_mean(name, vars.iter().copied()).map_or_else(
                || {
                    format!(
                        "add `{name}` to the `vars` of key `{}`",
                        self.instance.key.value
                    )
                },
                |m| format!("did you mean `{{{m}}}`?"),
            );
            ctx.report(
                Diagnostic::new(
                    Code::UnknownReference,
                    ctx.loc_at(at_line, at_column, self.path),
                    format!(
                        "the placeholder `{{{name}}}` has no value for key `{}`",
                        self.instance.key.value
                    ),
                )
                .with_help(help),
            );
        }
    }

    fn text(&self, text: &mut Sp<Text>, ctx: &mut Ctx<'_>) {
        let mut missing = Vec::new();
        let at = (text.line, text.column);
        for (lang, value) in &mut text.value {
            let Some(filled) = self.fill_counted(value, Some(lang), &mut missing, at, ctx) else {
                return;
            };
            *value = filled;
        }
        missing.sort();
        missing.dedup();
        self.report(&missing, text.line, text.column, ctx);
    }

    fn opt_text(&self, text: Option<&mut Sp<Text>>, ctx: &mut Ctx<'_>) {
        if let Some(t) = text {
            self.text(t, ctx);
        }
    }

    fn plain(&self, value: &mut Sp<String>, ctx: &mut Ctx<'_>) {
        let mut missing = Vec::new();
        let at = (value.line, value.column);
        let Some(filled) = self.fill_counted(&value.value, None, &mut missing, at, ctx) else {
            return;
        };
        value.value = filled;
        let (per_language, unknown): (Vec<String>, Vec<String>) = missing
            .into_iter()
            .partition(|name| matches!(self.instance.vars.get(name), Some(Var::Text(_))));
        for name in per_language {
            ctx.report(
                Diagnostic::new(
                    Code::TypeMismatch,
                    ctx.loc_at(value.line, value.column, self.path),
                    format!(
                        "`{{{name}}}` is a text per language, but this field takes one plain value"
                    ),
                )
                .with_help(format!(
                    "give `{name}` one value for all languages, e.g. `{name}: housing-support`"
                )),
            );
        }
        self.report(&unknown, value.line, value.column, ctx);
    }

    fn item(&self, item: &mut Item, ctx: &mut Ctx<'_>) {
        self.text(&mut item.text, ctx);
        self.opt_text(item.help.as_mut(), ctx);
        self.opt_text(item.unit.as_mut(), ctx);
        if let Some(options) = &mut item.options {
            for o in &mut options.value {
                self.text(&mut o.label, ctx);
            }
        }
        if let Some(labels) = &mut item.labels {
            for l in &mut labels.value {
                self.text(&mut l.label, ctx);
            }
        }
    }

    fn derived(&self, d: &mut Derived, ctx: &mut Ctx<'_>) {
        self.opt_text(d.label.as_mut(), ctx);
        for cases in [d.cases.as_mut(), d.flags.as_mut()].into_iter().flatten() {
            for c in &mut cases.value {
                self.opt_text(c.label.as_mut(), ctx);
            }
        }
    }

    fn score(&self, s: &mut Score, ctx: &mut Ctx<'_>) {
        self.opt_text(s.label.as_mut(), ctx);
        if let Some(bands) = &mut s.bands {
            for b in &mut bands.value {
                self.text(&mut b.label, ctx);
            }
        }
    }
}

// ----------------------------------------------------------------- includes

fn include(
    section: &Section,
    spec: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
    includes: &Includes,
    out: &mut Document,
) {
    // The id becomes part of a path, so it must be a plain questionnaire id:
    // `../x` or an absolute path would read files outside the folder.
    let Some((id, version)) = spec
        .value
        .split_once('@')
        .filter(|(i, v)| super::header::valid_questionnaire_id(i) && valid_version(v))
    else {
        ctx.error(
            Code::InvalidId,
            spec,
            &format!("{path}.include"),
            format!("`{}` does not name a questionnaire version", spec.value),
        )
        .help =
            Some("write `include: <id>@<version>`, e.g. `include: violence-seven@1.0.0`".into());
        return;
    };
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
        return;
    };
    // Checked before anything is read: the prefix is copied into every id
    // of the included questionnaire.
    if !super::ids::within_length(alias, &format!("{path}.as"), "include prefix", ctx) {
        return;
    }
    if !valid_id(&alias.value) || alias.value.contains('.') {
        ctx.error(
            Code::InvalidId,
            alias,
            &format!("{path}.as"),
            format!("`{}` is not a valid prefix", alias.value),
        )
        .help = Some("use lower-case letters, digits and `_`, starting with a letter".into());
        return;
    }
    let Some(root) = &includes.root else {
        ctx.error(Code::UnknownReference, spec, &format!("{path}.include"), format!("cannot find `{}`: the questionnaire folder is not known", spec.value))
            .help = Some("load the questionnaire from its file (vidare::load), or set the folder with `Compiler::with_include_root`".into());
        return;
    };
    if !includes.stack.contains(&spec.value) && includes.stack.len() > MAX_INCLUDE_DEPTH {
        ctx.error(
            Code::LimitExceeded,
            spec,
            &format!("{path}.include"),
            format!("includes nest deeper than {MAX_INCLUDE_DEPTH} levels, the limit"),
        )
        .help = Some(format!(
            "the chain is {} → {}",
            includes.stack.join(" → "),
            spec.value
        ));
        return;
    }
    if includes.stack.contains(&spec.value) {
        ctx.error(
            Code::ForwardReference,
            spec,
            &format!("{path}.include"),
            format!(
                "`{}` includes itself, directly or through others",
                spec.value
            ),
        )
        .help = Some(format!(
            "the chain is {} → {}",
            includes.stack.join(" → "),
            spec.value
        ));
        return;
    }
    let file = root.join(id).join(format!("{version}.yaml"));
    let cached = includes.cache.borrow().get(&spec.value).cloned();
    let included = if let Some(found) = cached {
        found
    } else {
        let loaded = load_included(&file, spec, path, ctx, includes);
        includes
            .cache
            .borrow_mut()
            .insert(spec.value.clone(), loaded.clone());
        loaded
    };
    let Some(included) = included else {
        return;
    };
    let adding: usize = included.sections.iter().map(|s| s.items.len()).sum();
    if !within_item_limit(adding, spec, path, ctx) {
        return;
    }
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
    if !missing.is_empty() {
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
        return;
    }
    splice(section, &included, alias, spec, path, ctx, out);
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
    let Some(source) = source else {
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
        return None;
    };
    let mut inner_includes = includes.clone();
    inner_includes.stack.push(spec.value.clone());
    let compiler =
        super::Compiler::with_limits(*ctx.limits).with_include_root_opt(includes.root.clone());
    let (checked, diagnostics) = compiler.check_nested(&source, &name, &inner_includes);
    if checked.is_none() {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == crate::Severity::Error)
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
            return None;
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

/// Names an expression reads, written as in its text.
fn names(text: &str, ctx: &Ctx<'_>) -> Vec<String> {
    fn walk(ast: &Ast, out: &mut Vec<String>) {
        match &ast.kind {
            AstKind::Ident(n) => out.push(n.clone()),
            AstKind::List(xs) | AstKind::Call { args: xs, .. } => {
                for x in xs {
                    walk(x, out);
                }
            }
            AstKind::Unary(_, a) => walk(a, out),
            AstKind::Binary(_, a, b) => {
                walk(a, out);
                walk(b, out);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(ast) = crate::expr::parse(text, ctx.limits.expr) {
        walk(&ast, &mut out);
    }
    out
}

/// Copies the chosen sections of an included questionnaire into `out`,
/// with prefixed ids, and the derived values, scores and triggers that only
/// read what was included. Its end conditions become guards on the included
/// sections that follow what they read.
fn splice(
    section: &Section,
    included: &Document,
    alias: &Sp<String>,
    spec: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
    out: &mut Document,
) {
    let prefix = &alias.value;
    ctx.includes
        .push((prefix.clone(), alias.line, alias.column));
    let chosen: Vec<&Section> = match &section.sections {
        None => included.sections.iter().collect(),
        Some(wanted) => {
            let mut chosen = Vec::new();
            for w in &wanted.value {
                if let Some(s) = included.sections.iter().find(|s| s.id.value == w.value) {
                    chosen.push(s);
                } else {
                    let help = did_you_mean(
                        &w.value,
                        included.sections.iter().map(|s| s.id.value.as_str()),
                    )
                    .map_or_else(
                        || {
                            format!(
                                "its sections are {}",
                                included
                                    .sections
                                    .iter()
                                    .map(|s| format!("`{}`", s.id.value))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        },
                        |m| format!("did you mean `{m}`?"),
                    );
                    ctx.error(
                        Code::UnknownReference,
                        w,
                        &format!("{path}.sections"),
                        format!("`{}` has no section `{}`", spec.value, w.value),
                    )
                    .help = Some(help);
                }
            }
            // Document order of the included questionnaire, whatever order they were listed in.
            chosen.sort_by_key(|s| {
                included
                    .sections
                    .iter()
                    .position(|x| x.id.value == s.id.value)
            });
            chosen
        }
    };

    // What is available inside the inclusion, grown to a fixpoint over
    // derived values and scores that only read available names.
    let mut locals: BTreeSet<String> = chosen
        .iter()
        .flat_map(|s| s.items.iter().map(|i| i.id.value.clone()))
        .collect();
    let mut derived: Vec<&Derived> = Vec::new();
    let mut scores: Vec<&Score> = Vec::new();
    loop {
        let before = derived.len() + scores.len();
        for d in &included.derived {
            if !derived.iter().any(|x| x.id.value == d.id.value)
                && derived_reads(d, ctx).iter().all(|n| locals.contains(n))
            {
                locals.insert(d.id.value.clone());
                derived.push(d);
            }
        }
        for s in &included.scores {
            if !scores.iter().any(|x| x.id.value == s.id.value)
                && s.over
                    .value
                    .iter()
                    .flat_map(|t| names(&t.value, ctx))
                    .all(|n| locals.contains(&n))
            {
                locals.insert(s.id.value.clone());
                scores.push(s);
            }
        }
        if derived.len() + scores.len() == before {
            break;
        }
    }
    let scope = Arc::new(LocalScope {
        prefix: prefix.clone(),
        locals: locals.clone(),
    });
    let reads_only_locals = |text: &str| names(text, ctx).iter().all(|n| locals.contains(n));

    // Included items in their order, and for each name the last of them
    // it depends on (through derived values and scores too).
    let order: Vec<&str> = chosen
        .iter()
        .flat_map(|s| s.items.iter().map(|i| i.id.value.as_str()))
        .collect();
    let last_item_read = |text: &str| -> Option<usize> {
        let mut pending = names(text, ctx);
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut last = None;
        while let Some(name) = pending.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some(p) = order.iter().position(|i| *i == name) {
                last = last.max(Some(p));
            } else if let Some(d) = derived.iter().find(|d| d.id.value == name) {
                pending.extend(derived_reads(d, ctx));
            } else if let Some(sc) = scores.iter().find(|sc| sc.id.value == name) {
                pending.extend(sc.over.value.iter().flat_map(|t| names(&t.value, ctx)));
            }
        }
        last
    };
    // An end condition of the included questionnaire skips the included
    // items after the last one it reads, instead of ending the interview.
    let guards: Vec<(usize, Guard)> = included
        .end
        .iter()
        .filter(|e| reads_only_locals(&e.when.value))
        .map(|e| {
            (
                last_item_read(&e.when.value).unwrap_or(0),
                Guard {
                    condition: e.when.clone(),
                    must_hold: false,
                    scope: Some(scope.clone()),
                },
            )
        })
        .collect();

    let triggers: Vec<&Trigger> = included
        .triggers
        .iter()
        .filter(|t| reads_only_locals(&t.when.value))
        .collect();
    // Counted before anything is copied: one questionnaire included many
    // times copies its texts each time.
    let bytes = chosen.iter().map(|s| section_text_bytes(s)).sum::<usize>()
        + derived.iter().map(|d| derived_text_bytes(d)).sum::<usize>()
        + scores.iter().map(|s| score_text_bytes(s)).sum::<usize>()
        + triggers
            .iter()
            .map(|t| text_bytes(&t.text) + t.refer_to.value.len())
            .sum::<usize>();
    if !within_text_budget(bytes, spec, path, ctx) {
        return;
    }

    let mut position = 0usize;
    for s in &chosen {
        let mut s = (*s).clone();
        s.id.value = format!("{prefix}.{}", s.id.value);
        s.scope = Some(scope.clone());
        for item in &mut s.items {
            item.id.value = format!("{prefix}.{}", item.id.value);
            item.guards.extend(
                guards
                    .iter()
                    .filter(|(last, _)| *last < position)
                    .map(|(_, g)| g.clone()),
            );
            position += 1;
        }
        if let Some(extra) = &section.when {
            s.guards.push(Guard {
                condition: extra.clone(),
                must_hold: true,
                scope: None,
            });
        }
        out.sections.push(s);
    }
    for d in derived {
        let mut d = d.clone();
        d.id.value = format!("{prefix}.{}", d.id.value);
        d.scope = Some(scope.clone());
        out.derived.push(d);
    }
    for s in scores {
        let mut s = s.clone();
        s.id.value = format!("{prefix}.{}", s.id.value);
        s.scope = Some(scope.clone());
        out.scores.push(s);
    }
    for t in triggers {
        let mut t: Trigger = t.clone();
        t.id.value = format!("{prefix}.{}", t.id.value);
        t.scope = Some(scope.clone());
        out.triggers.push(t);
    }
}

/// Whether `adding` bytes of copied text keep the questionnaire within
/// `Limits::max_expanded_bytes`; checked before an include is copied.
fn within_text_budget(adding: usize, at: &Sp<String>, path: &str, ctx: &mut Ctx<'_>) -> bool {
    if text_budget_spent(ctx) {
        return false;
    }
    if ctx.expanded_bytes.saturating_add(adding) <= ctx.limits.max_expanded_bytes {
        ctx.expanded_bytes += adding;
        return true;
    }
    spend_text_budget(ctx);
    ctx.error(
        Code::LimitExceeded,
        at,
        &format!("{path}.include"),
        format!(
            "including this takes the text that templates and includes produce past {} bytes, the limit",
            ctx.limits.max_expanded_bytes
        ),
    )
    .help = Some(
        "every `include:` copies the included texts: include fewer times or fewer `sections`; raise `Limits::max_expanded_bytes` if the questionnaire is genuine".into(),
    );
    false
}

// The texts counted for an include are those a template instance fills
// (`Filler`): what is copied, language by language.

fn text_bytes(text: &Sp<Text>) -> usize {
    text.value.values().map(String::len).sum()
}

fn opt_text_bytes(text: Option<&Sp<Text>>) -> usize {
    text.map_or(0, text_bytes)
}

fn section_text_bytes(section: &Section) -> usize {
    opt_text_bytes(section.title.as_ref())
        + section
            .items
            .iter()
            .map(|item| {
                text_bytes(&item.text)
                    + opt_text_bytes(item.help.as_ref())
                    + opt_text_bytes(item.unit.as_ref())
                    + item
                        .options
                        .as_ref()
                        .map_or(0, |o| o.value.iter().map(|o| text_bytes(&o.label)).sum())
                    + item
                        .labels
                        .as_ref()
                        .map_or(0, |l| l.value.iter().map(|l| text_bytes(&l.label)).sum())
            })
            .sum::<usize>()
}

fn derived_text_bytes(d: &Derived) -> usize {
    opt_text_bytes(d.label.as_ref())
        + [d.cases.as_ref(), d.flags.as_ref()]
            .into_iter()
            .flatten()
            .flat_map(|cases| &cases.value)
            .map(|c| opt_text_bytes(c.label.as_ref()))
            .sum::<usize>()
}

fn score_text_bytes(s: &Score) -> usize {
    opt_text_bytes(s.label.as_ref())
        + s.bands.as_ref().map_or(0, |bands| {
            bands.value.iter().map(|b| text_bytes(&b.label)).sum()
        })
}

fn derived_reads(d: &Derived, ctx: &Ctx<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = &d.value {
        out.extend(names(&v.value, ctx));
    }
    for cases in [d.cases.as_ref(), d.flags.as_ref()].into_iter().flatten() {
        for c in &cases.value {
            out.extend(names(&c.when.value, ctx));
        }
    }
    out
}
