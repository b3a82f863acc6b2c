//! Ids: well-formed and unique. Items, sections, derived values and scores
//! share one namespace, so a name in a condition can never be ambiguous;
//! triggers and end conditions are never named in conditions and each have
//! their own (a trigger may share its item's name).

use std::collections::HashMap;

use super::context::Ctx;
use super::header::valid_id;
use crate::diagnostic::Code;
use crate::format::{Document, Sp};

/// Every id with what it names and where it is.
pub(super) fn all_ids(doc: &Document) -> Vec<(&Sp<String>, String, &'static str)> {
    // The kind name doubles as the namespace for triggers and end conditions.
    let mut out = Vec::new();
    for (s, section) in doc.sections.iter().enumerate() {
        out.push((&section.id, format!("sections[{s}].id"), "section"));
        for (i, item) in section.items.iter().enumerate() {
            out.push((&item.id, format!("sections[{s}].items[{i}].id"), "item"));
        }
    }
    for (i, d) in doc.derived.iter().enumerate() {
        out.push((&d.id, format!("derived[{i}].id"), "derived value"));
    }
    for (i, d) in doc.scores.iter().enumerate() {
        out.push((&d.id, format!("scores[{i}].id"), "score"));
    }
    for (i, d) in doc.triggers.iter().enumerate() {
        out.push((&d.id, format!("triggers[{i}].id"), "trigger"));
    }
    for (i, d) in doc.end.iter().enumerate() {
        out.push((&d.id, format!("end[{i}].id"), "end condition"));
    }
    out
}

pub(super) fn check_unique(doc: &Document, ctx: &mut Ctx<'_>) {
    let mut first: HashMap<(&str, &str), (&Sp<String>, String, &'static str)> = HashMap::new();
    for (id, path, what) in all_ids(doc) {
        if !within_length(id, &path, &format!("id of this {what}"), ctx) {
            continue;
        }
        if !valid_id(&id.value) {
            ctx.error(
                Code::InvalidId,
                id,
                &path,
                format!("`{}` is not a valid id", id.value),
            )
            .help = Some(if super::header::RESERVED.contains(&id.value.as_str()) {
                format!(
                    "`{}` is a word of the expression language; choose another id",
                    id.value
                )
            } else {
                "use lower-case letters, digits and `_`, starting with a letter; `.` separates parts".into()
            });
            continue;
        }
        let namespace = match what {
            "trigger" | "end condition" => what,
            _ => "names",
        };
        if let Some((prev, prev_path, prev_what)) = first.get(&(namespace, id.value.as_str())) {
            let related = ctx.loc(prev, prev_path);
            let d = ctx.error(
                Code::DuplicateId,
                id,
                &path,
                format!(
                    "the id `{}` of this {what} is already used by {}",
                    id.value,
                    article(prev_what)
                ),
            );
            d.help =
                Some("ids must be unique in the whole questionnaire; rename one of them".into());
            d.related.push(crate::diagnostic::Related {
                location: related,
                message: format!("first used here by {}", article(prev_what)),
            });
        } else {
            first.insert((namespace, &id.value), (id, path, what));
        }
    }
}

/// Whether an id is within `Limits::max_id_length`; reports it when not.
/// `what` names it in the message ("id of this item"), which gives the
/// length and the start of the id, never the whole: it may be a megabyte.
pub(super) fn within_length(id: &Sp<String>, path: &str, what: &str, ctx: &mut Ctx<'_>) -> bool {
    let limit = ctx.limits.max_id_length;
    // Bytes are at least as many as characters: the count is only needed
    // for ids that may be too long.
    if id.value.len() <= limit {
        return true;
    }
    let length = id.value.chars().count();
    if length <= limit {
        return true;
    }
    let start: String = id.value.chars().take(20).collect();
    ctx.error(
        Code::LimitExceeded,
        id,
        path,
        format!("the {what} is {length} characters long; the limit is {limit}"),
    )
    .help = Some(format!(
        "shorten `{start}...`: ids are written in conditions and stored in every recording; raise `Limits::max_id_length` if it must be this long"
    ));
    false
}

fn article(what: &str) -> String {
    if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {what}")
    } else {
        format!("a {what}")
    }
}
