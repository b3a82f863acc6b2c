//! Disclosure analysis: what is kept after the conversation, and which
//! answers kept only for the conversation each kept part may reveal.
//!
//! A conversation-only answer reaches a kept part through whatever reads
//! it: the part's own condition or terms, a derived value or score in
//! between, the condition that decides whether a kept item is asked, or an
//! end condition that stops the interview before it. Declines and "don't
//! know" travel the same way, since `declined(x)` and score terms read them.
//!
//! The schedule is a topological order of every node, so one walk over it
//! computes, for each node, the conversation-only items a reader of it
//! learns about (named up to [`NAMED`](crate::kept::NAMED), then "and more"): linear in the
//! questionnaire. A kept part that reveals something is stored only when
//! its definition says so with `reveals`; once stored, reading it reveals
//! nothing beyond what the stored record already holds.

use super::context::Ctx;
use super::exprs::{Checked, Use};
use crate::diagnostic::Location;
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::typed::Symbol;
use crate::format::{Document, ItemKind, LocalScope, Retention, Reveals};
use crate::kept::{Disclosure, Part, Revealed};
use crate::questionnaire::{ItemDef, Node, Schedule};
use crate::yaml::Sp;

/// How many of them are also shown with their source line.
const RELATED: usize = 3;

/// One kept-or-not part as declared: where it is and what it says.
struct Declared<'a> {
    what: &'static str,
    id: &'a Sp<String>,
    /// The inclusion it comes from, whose spans point into another file.
    scope: Option<&'a LocalScope>,
    path: String,
    retention: Option<&'a Sp<Retention>>,
    reveals: Option<&'a Sp<Reveals>>,
}

/// The walk's state: what reading each node reveals.
struct Walk<'a> {
    items: &'a [ItemDef],
    checked: &'a Checked,
    read_item: Vec<Revealed>,
    read_derived: Vec<Revealed>,
    read_score: Vec<Revealed>,
    /// What the end conditions passed so far reveal by cutting the
    /// interview short.
    ends_so_far: Revealed,
    out: Disclosure,
}

pub(super) fn analyse(
    doc: &Document,
    ctx: &mut Ctx<'_>,
    checked: &Checked,
    items: &[ItemDef],
    schedule: &Schedule,
) -> Disclosure {
    let declared = Declarations::of(doc);
    let mut walk = Walk {
        items,
        checked,
        read_item: vec![Revealed::default(); items.len()],
        read_derived: vec![Revealed::default(); checked.derived.len()],
        read_score: vec![Revealed::default(); checked.score_terms.len()],
        ends_so_far: Revealed::default(),
        out: Disclosure {
            items: vec![Part::default(); items.len()],
            derived: vec![Part::default(); checked.derived.len()],
            scores: vec![Part::default(); checked.score_terms.len()],
            triggers: vec![Part::default(); checked.triggers.len()],
            ends: vec![Part::default(); checked.ends.len()],
        },
    };
    let legacy = doc.format.value < crate::format::FORMAT_VERSION;
    for &node in &schedule.order {
        walk.visit(node, &declared, ctx, legacy);
    }
    walk.out
}

impl Walk<'_> {
    fn reads(&self, uses: &[Use]) -> Revealed {
        let mut r = Revealed::default();
        for u in uses {
            r.add(match u.symbol {
                Symbol::Item(i) => &self.read_item[i as usize],
                Symbol::Derived(d) => &self.read_derived[d as usize],
                Symbol::Score(s) => &self.read_score[s as usize],
            });
        }
        r
    }

    fn visit(&mut self, node: Node, declared: &Declarations<'_>, ctx: &mut Ctx<'_>, legacy: bool) {
        match node {
            Node::Item(i) => self.item(i as usize, declared, ctx, legacy),
            Node::Derived(d) => {
                let r = self.reads(&self.checked.derived_uses[d as usize]);
                let (part, read) = judge(declared, &declared.derived[d as usize], r, ctx, legacy);
                self.read_derived[d as usize] = read;
                self.out.derived[d as usize] = part;
            }
            Node::Score(s) => {
                let mut r = Revealed::default();
                for term in self.checked.score_terms[s as usize].iter().flatten() {
                    r.add(&self.reads(&term.uses));
                }
                let (part, read) = judge(declared, &declared.scores[s as usize], r, ctx, legacy);
                self.read_score[s as usize] = read;
                self.out.scores[s as usize] = part;
            }
            Node::Trigger(t) => {
                let r = self.reads(&self.checked.trigger_uses[t as usize]);
                let (part, _) = judge(declared, &declared.triggers[t as usize], r, ctx, legacy);
                self.out.triggers[t as usize] = part;
            }
            Node::End(e) => {
                let uses = self.checked.ends[e as usize]
                    .when
                    .as_ref()
                    .map_or(&[][..], |w| &w.uses[..]);
                let r = self.reads(uses);
                let (part, read) = judge(declared, &declared.ends[e as usize], r, ctx, legacy);
                self.ends_so_far.add(&read);
                self.out.ends[e as usize] = part;
            }
        }
    }

    /// An item reveals, through whether it is asked, what its condition,
    /// its section's condition and the end conditions before it read.
    fn item(&mut self, i: usize, declared: &Declarations<'_>, ctx: &mut Ctx<'_>, legacy: bool) {
        let mut shown = self.ends_so_far.clone();
        if let Some(w) = &self.checked.item_when[i] {
            shown.add(&self.reads(&w.uses));
        }
        let section = self.checked.item_section[i] as usize;
        if let Some(w) = &self.checked.section_when[section] {
            shown.add(&self.reads(&w.uses));
        }
        let def = &self.items[i];
        if def.retention == Retention::Conversation {
            if let Some(r) = declared.items[i].reveals {
                check_reason(&declared.items[i], r, ctx);
                ctx.report(needless(&declared.items[i], r, ctx, false));
            }
            let mut read = Revealed::single(i as u32);
            read.add(&shown);
            self.read_item[i] = read.clone();
            self.out.items[i] = Part {
                stored: false,
                kept: false,
                reveals: read,
                reason: None,
            };
        } else if def.kind == ItemKind::Info {
            // An information text has no answer and nothing can read it.
            self.out.items[i] = Part {
                stored: false,
                kept: false,
                reveals: shown,
                reason: None,
            };
        } else {
            let (part, read) = judge(declared, &declared.items[i], shown, ctx, legacy);
            self.read_item[i] = read;
            self.out.items[i] = part;
        }
    }
}

/// Decides whether a part is stored, reports an undeclared or needless
/// disclosure, and returns the part with what a reader of it learns.
fn judge(
    all: &Declarations<'_>,
    declared: &Declared<'_>,
    reveals: Revealed,
    ctx: &mut Ctx<'_>,
    legacy: bool,
) -> (Part, Revealed) {
    let kept = declared
        .retention
        .is_none_or(|r| r.value == Retention::Keep);
    let reason = declared.reveals.map(|r| r.value.reason.value.clone());
    if let Some(r) = declared.reveals {
        check_reason(declared, r, ctx);
        if reveals.is_empty() || !kept {
            ctx.report(needless(declared, r, ctx, kept));
        }
    }
    let acknowledged = reason.is_some();
    let stored = kept && (reveals.is_empty() || acknowledged);
    if kept && !stored {
        ctx.report(undeclared(all, declared, &reveals, ctx, legacy));
    }
    // A stored part reveals nothing beyond the stored record; any other
    // passes on what it read.
    let read = if stored {
        Revealed::default()
    } else {
        reveals.clone()
    };
    let part = Part {
        stored,
        kept,
        reveals,
        reason: reason.filter(|_| kept),
    };
    (part, read)
}

fn check_reason(declared: &Declared<'_>, r: &Sp<Reveals>, ctx: &mut Ctx<'_>) {
    let reason = &r.value.reason;
    if !reason.value.trim().is_empty() {
        return;
    }
    let (location, state) = if reason.line > 0 {
        (declared.location(ctx, reason, "reveals.reason"), "an empty")
    } else {
        (declared.location(ctx, r, "reveals"), "no")
    };
    ctx.report(
        Diagnostic::new(
            Code::MissingField,
            location,
            format!(
                "the {} `{}` says it `reveals` conversation-only answers but gives {state} `reason`",
                declared.what, declared.id.value
            ),
        )
        .with_help(
            "say why keeping it is acceptable, e.g. `reveals: { reason: \"the referral is the support agreed on with the person\" }`",
        ),
    );
}

fn needless(declared: &Declared<'_>, r: &Sp<Reveals>, ctx: &Ctx<'_>, kept: bool) -> Diagnostic {
    let (message, help) = if kept {
        (
            format!(
                "the {} `{}` says it `reveals` conversation-only answers, but it reads none",
                declared.what, declared.id.value
            ),
            "remove `reveals`: nothing kept only for the conversation reaches it",
        )
    } else {
        (
            format!(
                "the {} `{}` is itself kept only for the conversation, so it reveals nothing afterwards",
                declared.what, declared.id.value
            ),
            "remove `reveals`, or remove `retention: conversation` to keep it",
        )
    };
    Diagnostic::new(
        Code::NeedlessReveals,
        declared.location(ctx, r, "reveals"),
        message,
    )
    .with_help(help)
}

fn undeclared(
    all: &Declarations<'_>,
    declared: &Declared<'_>,
    reveals: &Revealed,
    ctx: &Ctx<'_>,
    legacy: bool,
) -> Diagnostic {
    let names = names(all, reveals);
    let how = if declared.what == "item" {
        "is kept, and whether it was asked reveals"
    } else {
        "is kept and reveals"
    };
    let code = if legacy {
        Code::UndeclaredDisclosureLegacy
    } else {
        Code::UndeclaredDisclosure
    };
    let mut d = Diagnostic::new(
        code,
        declared.location(ctx, declared.id, "id"),
        format!(
            "{} `{}` {how} {names}, kept only for the conversation",
            declared.what, declared.id.value
        ),
    )
    .with_help(help(declared, legacy));
    for &item in reveals.items.iter().take(RELATED) {
        if let Some(at) = all.items.get(item as usize) {
            d = d.with_related(
                at.location(ctx, at.id, "id"),
                format!("`{}` is kept only for the conversation", at.id.value),
            );
        }
    }
    d
}

fn help(declared: &Declared<'_>, legacy: bool) -> String {
    let fix = if declared.what == "item" {
        "add `reveals: { reason: ... }` to the item saying why that is acceptable, or ask it without reading conversation-only answers".to_owned()
    } else {
        format!(
            "if keeping it is part of what was agreed with the person, add `reveals: {{ reason: ... }}` to the {} saying why; otherwise mark it `retention: conversation`",
            declared.what
        )
    };
    if legacy {
        format!(
            "{fix}. In this format 1 file it is left out of the stored record; format 2 makes this an error"
        )
    } else {
        fix
    }
}

fn names(all: &Declarations<'_>, reveals: &Revealed) -> String {
    let names: Vec<String> = reveals
        .items
        .iter()
        .filter_map(|&i| all.items.get(i as usize))
        .map(|d| format!("`{}`", d.id.value))
        .collect();
    let listed = match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    if reveals.more {
        format!("{listed} and more")
    } else {
        listed
    }
}

impl Declared<'_> {
    /// Where it is written: `at`, or for a part of an included
    /// questionnaire, the `include:` entry that brought it in, where its id
    /// points (`at` is a position in the other file). The prefix alone
    /// cannot tell which entry: one questionnaire may be included twice
    /// under the same prefix.
    fn location<T>(&self, ctx: &Ctx<'_>, at: &Sp<T>, field: &str) -> Location {
        let path = format!("{}.{field}", self.path);
        let included = self
            .scope
            .is_some_and(|scope| ctx.includes.contains(&scope.prefix));
        if included {
            ctx.loc(self.id, &path)
        } else {
            ctx.loc(at, &path)
        }
    }
}

/// The declarations of every part, by kind and compiled index.
struct Declarations<'a> {
    items: Vec<Declared<'a>>,
    derived: Vec<Declared<'a>>,
    scores: Vec<Declared<'a>>,
    triggers: Vec<Declared<'a>>,
    ends: Vec<Declared<'a>>,
}

impl<'a> Declarations<'a> {
    fn of(doc: &'a Document) -> Self {
        let items = doc
            .sections
            .iter()
            .enumerate()
            .flat_map(|(s, section)| {
                section
                    .items
                    .iter()
                    .enumerate()
                    .map(move |(i, item)| Declared {
                        what: "item",
                        id: &item.id,
                        scope: section.scope.as_deref(),
                        path: format!("sections[{s}].items[{i}]"),
                        retention: item.retention.as_ref(),
                        reveals: item.reveals.as_ref(),
                    })
            })
            .collect();
        let derived = doc.derived.iter().enumerate().map(|(d, x)| Declared {
            what: "derived value",
            id: &x.id,
            scope: x.scope.as_deref(),
            path: format!("derived[{d}]"),
            retention: x.retention.as_ref(),
            reveals: x.reveals.as_ref(),
        });
        let scores = doc.scores.iter().enumerate().map(|(s, x)| Declared {
            what: "score",
            id: &x.id,
            scope: x.scope.as_deref(),
            path: format!("scores[{s}]"),
            retention: x.retention.as_ref(),
            reveals: x.reveals.as_ref(),
        });
        let triggers = doc.triggers.iter().enumerate().map(|(t, x)| Declared {
            what: "trigger",
            id: &x.id,
            scope: x.scope.as_deref(),
            path: format!("triggers[{t}]"),
            retention: x.retention.as_ref(),
            reveals: x.reveals.as_ref(),
        });
        let ends = doc.end.iter().enumerate().map(|(e, x)| Declared {
            what: "end condition",
            id: &x.id,
            scope: x.scope.as_deref(),
            path: format!("end[{e}]"),
            retention: None,
            reveals: x.reveals.as_ref(),
        });
        Declarations {
            items,
            derived: derived.collect(),
            scores: scores.collect(),
            triggers: triggers.collect(),
            ends: ends.collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::kept::{NAMED, Revealed};

    fn set(items: &[u32]) -> Revealed {
        Revealed {
            items: items.to_vec(),
            more: false,
        }
    }

    #[test]
    fn union_is_sorted_without_repeats() {
        let mut a = set(&[1, 4, 9]);
        a.add(&set(&[2, 4, 10]));
        assert_eq!(a, set(&[1, 2, 4, 9, 10]));
    }

    #[test]
    fn union_names_at_most_the_cap_then_says_more() {
        let evens: Vec<u32> = (0..NAMED as u32).map(|i| 2 * i).collect();
        let odds: Vec<u32> = (0..NAMED as u32).map(|i| 2 * i + 1).collect();
        let mut a = set(&evens);
        a.add(&set(&odds));
        assert_eq!(a.items, (0..NAMED as u32).collect::<Vec<_>>());
        assert!(a.more);
        let mut b = set(&[3]);
        b.add(&Revealed {
            items: vec![],
            more: false,
        });
        assert!(!b.more, "an empty union changes nothing");
    }
}
