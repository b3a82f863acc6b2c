//! Which items can be shown, and what an expression reads: the warnings
//! for items that can never be shown (V023), and, for frontends that draw
//! or describe a questionnaire, [`Questionnaire::unreachable_items`] and
//! [`Questionnaire::reads`].
//!
//! Deciding reachability in general is impossible, but conditions over
//! yes/no and single-choice items have few enough combinations to try them
//! all; any condition that reads numbers, scores or derived values is left
//! alone.

use super::context::Ctx;
use super::exprs::{Checked, CheckedExpr};
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::ast::{Ast, AstKind};
use crate::expr::eval::{Env, eval};
use crate::expr::typed::{StateTest, Symbol, Val};
use crate::format::{ItemKind, LocalScope};
use crate::questionnaire::{ItemDef, ItemRef, Questionnaire};

const MAX_COMBINATIONS: usize = 4096;

#[derive(Clone, Copy)]
enum State {
    Unanswered,
    Declined,
    DontKnow,
    Answered(Val),
}

struct Assignment<'a> {
    items: &'a [u32],
    states: Vec<State>,
}

impl Env for Assignment<'_> {
    fn value(&self, symbol: Symbol) -> Val {
        let Symbol::Item(i) = symbol else {
            return Val::Unknown;
        };
        match self
            .items
            .iter()
            .position(|x| *x == i)
            .map(|p| self.states[p])
        {
            Some(State::Answered(v)) => v,
            _ => Val::Unknown,
        }
    }
    fn state(&self, test: StateTest, item: u32) -> bool {
        let Some(p) = self.items.iter().position(|x| *x == item) else {
            return false;
        };
        match (test, self.states[p]) {
            (StateTest::Answered, State::Answered(_))
            | (StateTest::Declined, State::Declined)
            | (StateTest::DontKnow, State::DontKnow) => true,
            // An item the condition reads may or may not be shown; both are tried
            // through its answer state (a hidden item is unanswered).
            (StateTest::Shown, s) => !matches!(s, State::Unanswered),
            _ => false,
        }
    }
}

fn states_of(item: &ItemDef) -> Option<Vec<State>> {
    let mut out = vec![State::Unanswered, State::Declined, State::DontKnow];
    match item.kind {
        ItemKind::YesNo => out.extend([
            State::Answered(Val::Bool(true)),
            State::Answered(Val::Bool(false)),
        ]),
        ItemKind::SingleChoice => {
            out.extend((0..item.options.len() as u32).map(|o| State::Answered(Val::Opt(o))));
        }
        ItemKind::Text | ItemKind::Date | ItemKind::Info => out.push(State::Answered(Val::Opaque)),
        _ => return None,
    }
    Some(out)
}

fn never_true(when: &CheckedExpr, items: &[ItemDef]) -> bool {
    let mut read: Vec<u32> = Vec::new();
    for u in &when.uses {
        match u.symbol {
            Symbol::Item(i) => {
                if !read.contains(&i) {
                    read.push(i);
                }
            }
            _ => return false,
        }
    }
    let mut domains = Vec::with_capacity(read.len());
    let mut total = 1usize;
    for &i in &read {
        let Some(states) = states_of(&items[i as usize]) else {
            return false;
        };
        total = total.saturating_mul(states.len());
        domains.push(states);
    }
    if total > MAX_COMBINATIONS {
        return false;
    }
    let mut env = Assignment {
        items: &read,
        states: domains.iter().map(|d| d[0]).collect(),
    };
    for mut n in 0..total {
        for (slot, domain) in domains.iter().enumerate() {
            env.states[slot] = domain[n % domain.len()];
            n /= domain.len();
        }
        if eval(&when.expr, &env).is_true() {
            return false;
        }
    }
    true
}

/// Warns (V023) about every section and item condition that can never
/// hold, and returns the items that can therefore never be shown (their
/// positions, ascending).
pub(super) fn warn_unreachable(
    ctx: &mut Ctx<'_>,
    checked: &Checked,
    items: &[ItemDef],
) -> Vec<u32> {
    let mut never = vec![false; items.len()];
    for (s, when) in checked.section_when.iter().enumerate() {
        let Some(when) = when else {
            continue;
        };
        if never_true(when, items) {
            for (i, item) in items.iter().enumerate() {
                if item.section as usize == s {
                    never[i] = true;
                }
            }
            ctx.report(
                Diagnostic::new(
                    Code::Unreachable,
                    when.location.clone(),
                    "this section's condition can never hold, so its items are never shown",
                )
                .with_help(
                    "check the condition for contradictions such as `x == \"a\" && x == \"b\"`",
                ),
            );
        }
    }
    for (i, when) in checked.item_when.iter().enumerate() {
        let Some(when) = when else {
            continue;
        };
        if never_true(when, items) {
            never[i] = true;
            ctx.report(
                Diagnostic::new(
                    Code::Unreachable,
                    when.location.clone(),
                    "this item's condition can never hold, so it is never shown",
                )
                .with_help(
                    "check the condition for contradictions such as `x == \"a\" && x == \"b\"`",
                ),
            );
        }
    }
    (0..items.len() as u32)
        .filter(|&i| never[i as usize])
        .collect()
}

impl Questionnaire {
    /// The items that can never be shown, in document order: the items of
    /// a section whose condition can never hold and the items whose own
    /// condition can never hold. The compiler warns about each such
    /// condition (V023, [`Code::Unreachable`]).
    ///
    /// ```
    /// let q = vidare::compile(
    ///     r#"
    /// format: 2
    /// id: reach
    /// version: 1.0.0
    /// title: { en: Reach }
    /// languages: [en]
    /// default_language: en
    /// sections:
    ///   - id: main
    ///     items:
    ///       - id: alone
    ///         kind: yes_no
    ///         text: { en: Do you live alone? }
    ///       - id: children
    ///         kind: yes_no
    ///         when: alone == true && alone == false
    ///         text: { en: Do children live with you? }
    /// "#,
    ///     "reach.yaml",
    /// )
    /// .unwrap();
    /// let never: Vec<&str> = q.unreachable_items().map(|i| i.id()).collect();
    /// assert_eq!(never, ["children"]);
    /// ```
    pub fn unreachable_items(&self) -> impl Iterator<Item = ItemRef<'_>> {
        self.inner.unreachable.iter().map(|&i| self.item_at(i))
    }

    /// The ids an expression of this questionnaire's expanded document
    /// ([`Questionnaire::document`]) reads: its items, derived values and
    /// scores, in order of first appearance, each once. Inside a template
    /// instance or an included questionnaire, give the part's `scope`
    /// (`Section::scope` and the like): there a local name `n` is the id
    /// `prefix.n`.
    ///
    /// The expression is parsed under the limits the questionnaire was
    /// compiled with; text that does not parse reads nothing, and a name
    /// that is no id of this questionnaire is left out.
    ///
    /// ```
    /// # let q = vidare::compile(r#"
    /// # format: 2
    /// # id: reach
    /// # version: 1.0.0
    /// # title: { en: Reach }
    /// # languages: [en]
    /// # default_language: en
    /// # sections:
    /// #   - id: main
    /// #     items:
    /// #       - { id: alone, kind: yes_no, text: { en: Alone? } }
    /// #       - { id: age, kind: number, text: { en: Age? } }
    /// # "#, "reach.yaml").unwrap();
    /// assert_eq!(
    ///     q.reads("answered(age) && age > 17 || alone == true || unknown", None),
    ///     ["age", "alone"]
    /// );
    /// ```
    #[must_use]
    pub fn reads(&self, expression: &str, scope: Option<&LocalScope>) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(ast) = crate::expr::parse(expression, self.inner.expr_limits) {
            self.names_in(&ast, scope, &mut out);
        }
        out
    }

    fn names_in(&self, ast: &Ast, scope: Option<&LocalScope>, out: &mut Vec<String>) {
        match &ast.kind {
            AstKind::Ident(name) => {
                let id = match scope {
                    Some(s) if s.locals.contains(name) => format!("{}.{name}", s.prefix),
                    _ => name.clone(),
                };
                if !out.contains(&id) && self.names_a_value(&id) {
                    out.push(id);
                }
            }
            AstKind::List(items) => items.iter().for_each(|i| self.names_in(i, scope, out)),
            AstKind::Unary(_, x) => self.names_in(x, scope, out),
            AstKind::Binary(_, l, r) => {
                self.names_in(l, scope, out);
                self.names_in(r, scope, out);
            }
            AstKind::Call { args, .. } => args.iter().for_each(|a| self.names_in(a, scope, out)),
            AstKind::Bool(_) | AstKind::Number(_) | AstKind::Str(_) => {}
        }
    }

    /// Whether `id` is an item, derived value or score.
    fn names_a_value(&self, id: &str) -> bool {
        let c = &self.inner;
        c.item_index.contains_key(id)
            || c.derived.iter().any(|d| d.id == id)
            || c.scores.iter().any(|s| s.id == id)
    }
}

#[cfg(test)]
mod tests {
    use crate::format::LocalScope;

    const HEADER: &str = "\
format: 2
id: reach
version: 1.0.0
title: { en: Reach }
languages: [en]
default_language: en
";

    fn compile(body: &str) -> crate::Questionnaire {
        crate::compile(&format!("{HEADER}{body}"), "reach.yaml").unwrap()
    }

    fn never(q: &crate::Questionnaire) -> Vec<&str> {
        q.unreachable_items().map(|i| i.id()).collect()
    }

    #[test]
    fn the_items_of_a_contradictory_section_or_item_condition_are_unreachable() {
        let q = compile(
            "\
sections:
  - id: first
    items:
      - { id: alone, kind: yes_no, text: { en: Alone? } }
      - id: never
        kind: yes_no
        when: alone == true && alone == false
        text: { en: Never? }
      - { id: age, kind: number, text: { en: Age? } }
      - id: grown
        kind: yes_no
        when: age > 17 && age < 10
        text: { en: Grown? }
  - id: closed
    when: alone == true && alone != true
    items:
      - { id: one, kind: yes_no, text: { en: One? } }
      - { id: two, kind: text, text: { en: Two? } }
  - id: open
    when: alone == true
    items:
      - { id: three, kind: yes_no, text: { en: Three? } }
",
        );
        // A condition over a number is not tried: `grown` is not listed.
        assert_eq!(never(&q), ["never", "one", "two"]);
        let warned = q
            .warnings()
            .iter()
            .filter(|w| w.code == crate::diagnostic::Code::Unreachable)
            .count();
        assert_eq!(warned, 2);
        let q = compile(
            "\
sections:
  - id: main
    items:
      - { id: alone, kind: yes_no, text: { en: Alone? } }
",
        );
        assert!(never(&q).is_empty());
    }

    #[test]
    fn an_expression_reads_its_ids_in_order_once_each() {
        let q = compile(
            "\
sections:
  - id: main
    items:
      - { id: alone, kind: yes_no, text: { en: Alone? } }
      - { id: age, kind: number, text: { en: Age? } }
      - id: care
        kind: single_choice
        text: { en: Care? }
        options:
          - { value: none, label: { en: None } }
          - { value: some, label: { en: Some } }
derived:
  - { id: adult, value: age >= 18 }
scores:
  - id: load
    method: sum
    over: [alone]
",
        );
        assert_eq!(
            q.reads(
                "answered(age) && (age > 17 || alone == true) && count(alone, age) > 0",
                None
            ),
            ["age", "alone"]
        );
        assert_eq!(
            q.reads("adult && load > 0 && care in [\"none\", \"some\"]", None),
            ["adult", "load", "care"]
        );
        // Names that are no id of the questionnaire, and text that does
        // not parse, read nothing.
        assert_eq!(q.reads("missing || alone", None), ["alone"]);
        assert!(q.reads("alone ==", None).is_empty());
    }

    #[test]
    fn inside_a_template_instance_local_names_get_its_prefix() {
        let q = crate::load(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../questionnaires/boston-life-areas/2.0.0.yaml"),
        )
        .unwrap();
        let section = q
            .document()
            .sections
            .iter()
            .find(|s| s.scope.is_some())
            .unwrap();
        let scope: &LocalScope = section.scope.as_deref().unwrap();
        let when = section.items.iter().find_map(|i| i.when.as_ref()).unwrap();
        let prefix = &scope.prefix;
        assert_eq!(
            q.reads(&when.value, Some(scope)),
            [format!("{prefix}.situation")]
        );
        // Without its scope the local name is no id.
        assert!(q.reads(&when.value, None).is_empty());
    }
}
