//! Expansion of `use:` (templates) and `include:` (sections of another
//! questionnaire) into plain sections, before anything else is checked.
//!
//! Expanded parts keep the positions of what they were made from, so a
//! diagnostic inside a template points at the template's line. The ids of
//! included parts point at their `include:` entry instead: their own
//! positions are lines of another file. Ids inside an instance get its key
//! as prefix (`working.need_for_change`), and names in its expressions
//! resolve to the instance's own ids first.

//! - [`templates`]: `use:` entries, one section per key; [`fill`] fills
//!   the `{name}` placeholders of their texts;
//! - [`includes`]: `include:` entries, read and checked on their own;
//!   [`splice`] copies what they include in;
//! - [`budget`]: the item and text limits expansion keeps.

mod budget;
mod fill;
mod includes;
mod splice;
mod templates;

use std::sync::Arc;

use crate::compile::context::Ctx;
use crate::diagnostic::{Code, Diagnostic};
use crate::format::{Derived, Document, LocalScope, Score, Section, Trigger};
pub(crate) use includes::Includes;

/// Expands templates and includes; returns the document as the rest of
/// the compiler sees it.
pub(crate) fn expand(mut doc: Document, ctx: &mut Ctx<'_>, includes: &Includes) -> Document {
    let templates = std::mem::take(&mut doc.templates);
    let sections = std::mem::take(&mut doc.sections);
    let mut out = doc;
    out.sections.reserve(sections.len());
    templates::report_empty_templates(&templates, &sections, ctx);
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
            (Some(name), None) => {
                templates::use_template(&templates, &section, name, &path, ctx, &mut out);
            }
            (None, Some(spec)) => includes::include(&section, spec, &path, ctx, includes, &mut out),
            (None, None) => plain_section(section, &path, ctx, &mut out),
        }
    }
    out
}

/// A section written out: checked for what only `use:` and `include:`
/// entries take, and kept as it is.
fn plain_section(section: Section, path: &str, ctx: &mut Ctx<'_>, out: &mut Document) {
    if section.id.value.is_empty() {
        ctx.report(
            Diagnostic::new(
                Code::MissingField,
                ctx.loc_at(section_line(&section), 0, path),
                "the section has no `id`",
            )
            .with_help(
                "give the section an id, or `use:` a template, or `include:` a questionnaire",
            ),
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

fn section_line(section: &Section) -> u32 {
    section
        .items
        .first()
        .map_or(section.id.line, |i| i.id.line.saturating_sub(1))
}

/// A part copied under a prefix (a template key or an include's `as:`):
/// its id prefixed, its names resolved in `scope` first.
trait Prefixed: Clone {
    fn prefixed(&self, prefix: &str, scope: &Arc<LocalScope>) -> Self;
}

macro_rules! prefixed {
    ($($t:ty),*) => {
        $(impl Prefixed for $t {
            fn prefixed(&self, prefix: &str, scope: &Arc<LocalScope>) -> Self {
                let mut part = self.clone();
                part.id.value = format!("{prefix}.{}", part.id.value);
                part.scope = Some(scope.clone());
                part
            }
        })*
    };
}

prefixed!(Section, Derived, Score, Trigger);
