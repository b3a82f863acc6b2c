//! Templates: a `use:` entry expanded into one section per key of its
//! `for_each`, with the template's derived values, scores and triggers,
//! ids prefixed by the key.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::Prefixed;
use super::budget::{text_budget_spent, within_item_limit};
use super::fill::Filler;
use crate::compile::context::Ctx;
use crate::compile::header::valid_id;
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::format::{Document, Guard, Instance, LocalScope, Section, Sp, Template};

/// Expands one `use:` entry into `out`.
pub(super) fn use_template(
    templates: &[Template],
    section: &Section,
    name: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
    out: &mut Document,
) {
    let Some(template) = find_template(templates, name, path, ctx) else {
        return;
    };
    check_use_fields(section, name, path, ctx);
    let Some(instances) = for_each_of(section, name, path, ctx) else {
        return;
    };
    let locals = template_locals(template);
    for (k, instance) in instances.value.iter().enumerate() {
        let ipath = format!("{path}.for_each[{k}]");
        // Reported once, at the template (`report_empty_templates`).
        if !valid_key(instance, &ipath, ctx) || template.section.items.is_empty() {
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

/// The first template named `name`; reports an unknown name.
fn find_template<'t>(
    templates: &'t [Template],
    name: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
) -> Option<&'t Template> {
    let found = templates.iter().find(|t| t.id.value == name.value);
    if found.is_none() {
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
    }
    found
}

/// A `use:` entry takes only `for_each` and `when`: the template declares
/// the rest.
fn check_use_fields(section: &Section, name: &Sp<String>, path: &str, ctx: &mut Ctx<'_>) {
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
}

/// The keys to expand for; reports them missing or empty.
fn for_each_of<'s>(
    section: &'s Section,
    name: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
) -> Option<&'s Sp<Vec<Instance>>> {
    let Some(instances) = &section.for_each else {
        ctx.error(
            Code::MissingField,
            name,
            &format!("{path}.for_each"),
            "`use:` needs `for_each:`, the list of keys to expand for",
        )
        .help = Some("e.g. `for_each: [{key: living}, {key: working}]`".into());
        return None;
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
    Some(instances)
}

/// Whether an instance's key can prefix ids; reports it if not. Checked
/// before anything is built: the key is copied into every id of the
/// template.
fn valid_key(instance: &Instance, ipath: &str, ctx: &mut Ctx<'_>) -> bool {
    if !crate::compile::ids::within_length(
        &instance.key,
        &format!("{ipath}.key"),
        "template key",
        ctx,
    ) {
        return false;
    }
    if !valid_id(&instance.key.value) || instance.key.value.contains('.') {
        ctx.error(
            Code::InvalidId,
            &instance.key,
            &format!("{ipath}.key"),
            format!("`{}` is not a valid key", instance.key.value),
        )
        .help = Some("use lower-case letters, digits and `_`, starting with a letter".into());
        return false;
    }
    true
}

/// A template without items would make an empty section of every key, and
/// each would be its own V018 at its key: thousands of diagnostics for one
/// mistake. It is said once, at the template, with the number of keys.
pub(super) fn report_empty_templates(
    templates: &[Template],
    sections: &[Section],
    ctx: &mut Ctx<'_>,
) {
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
        let uses = uses_of(template, sections);
        if !uses.is_empty() {
            report_empty_template(t, template, &uses, ctx);
        }
    }
}

/// The `use:` entries of `template`: each with its index among the
/// sections, its name, and how many keys it expands for.
fn uses_of<'s>(
    template: &Template,
    sections: &'s [Section],
) -> Vec<(usize, &'s Sp<String>, usize)> {
    sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.include.is_none())
        .filter_map(|(s, section)| {
            let name = section.use_template.as_ref()?;
            let keys = section.for_each.as_ref().map_or(0, |f| f.value.len());
            (name.value == template.id.value).then_some((s, name, keys))
        })
        .collect()
}

/// One diagnostic for an empty template, at the template, with its first
/// use as related place.
fn report_empty_template(
    t: usize,
    template: &Template,
    uses: &[(usize, &Sp<String>, usize)],
    ctx: &mut Ctx<'_>,
) {
    let Some(&(first, first_use, _)) = uses.first() else {
        return;
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
        .with_help(
            "add items to the template's `section`, or remove the template and its `use:` entries",
        )
        .with_related(related, used),
    );
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
    let fill = Filler::new(instance, path);
    let section = instance_section(template, usage, instance, &scope, &fill, ctx);
    if fill.spent() {
        return false;
    }
    out.sections.push(section);
    let at = (key.as_str(), &scope);
    copy_filled(&template.derived, at, &fill, &mut out.derived, |d| {
        fill.derived(d, ctx);
    }) && copy_filled(&template.scores, at, &fill, &mut out.scores, |s| {
        fill.score(s, ctx);
    }) && copy_filled(&template.triggers, at, &fill, &mut out.triggers, |t| {
        fill.text(&mut t.text, ctx);
        fill.plain(&mut t.refer_to, ctx);
    })
}

/// Copies each of `parts` for one instance, prefixed and filled by
/// `fill_part`; false when the text budget ran out.
fn copy_filled<T: Prefixed>(
    parts: &[T],
    (key, scope): (&str, &Arc<LocalScope>),
    fill: &Filler<'_>,
    out: &mut Vec<T>,
    mut fill_part: impl FnMut(&mut T),
) -> bool {
    for part in parts {
        let mut part = part.prefixed(key, scope);
        fill_part(&mut part);
        if fill.spent() {
            return false;
        }
        out.push(part);
    }
    true
}

/// The section of one instance: the template's, under the key, its items'
/// ids prefixed and their texts filled.
fn instance_section(
    template: &Template,
    usage: &Section,
    instance: &Instance,
    scope: &Arc<LocalScope>,
    fill: &Filler<'_>,
    ctx: &mut Ctx<'_>,
) -> Section {
    let key = &instance.key.value;
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
    section
}
