//! Parsing and checking every expression of a document, with positions
//! translated from expression offsets to file lines and columns.

use std::collections::HashMap;

use super::context::{Ctx, Reader};
use super::symbols::{Scoped, Symbols};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::expr::ast::{Ast, AstKind};
use crate::expr::check::{self, Scope};
use crate::expr::typed::{Domain, Symbol, Ty, Val};
use crate::expr::{Expr, parse};
use crate::format::{Document, ItemKind, LocalScope, Sp};
use crate::questionnaire::{CategoryDef, DerivedDef, DerivedRule, ItemDef, Term, TriggerDef};

/// A name read by an expression, and where it is written.
#[derive(Debug, Clone)]
pub(crate) struct Use {
    pub(crate) symbol: Symbol,
    pub(crate) location: Location,
}

/// A checked expression with what it reads.
#[derive(Debug, Clone)]
pub(crate) struct CheckedExpr {
    pub(crate) expr: Expr,
    pub(crate) uses: Vec<Use>,
    pub(crate) location: Location,
}

/// A checked score term.
pub(crate) struct CheckedTerm {
    pub(crate) term: Term,
    pub(crate) uses: Vec<Use>,
    pub(crate) location: Location,
}

/// An end condition, checked.
pub(crate) struct CheckedEnd {
    pub(crate) id: String,
    pub(crate) text: crate::questionnaire::Texts,
    pub(crate) when: Option<CheckedExpr>,
}

pub(crate) struct Checked {
    pub(crate) section_when: Vec<Option<CheckedExpr>>,
    pub(crate) item_when: Vec<Option<CheckedExpr>>,
    pub(crate) derived: Vec<DerivedDef>,
    pub(crate) derived_uses: Vec<Vec<Use>>,
    pub(crate) score_terms: Vec<Vec<Option<CheckedTerm>>>,
    pub(crate) triggers: Vec<TriggerDef>,
    pub(crate) trigger_uses: Vec<Vec<Use>>,
    pub(crate) trigger_at: Vec<Location>,
    /// The section of each item.
    pub(crate) item_section: Vec<u32>,
    pub(crate) ends: Vec<CheckedEnd>,
}

/// Maps an offset inside an expression's text to a file position.
///
/// The parsed text and the source differ where YAML folds or quotes it, but
/// an expression's visible characters appear in the source in the same
/// order; walking both and treating any run of whitespace as equal finds the
/// place, whether the scalar is plain, quoted, literal or folded.
fn position(ctx: &Ctx<'_>, at: &Sp<String>, offset: u32) -> (u32, u32) {
    let Some(mut pos) = ctx.offset_of(at.line, at.column) else {
        return (at.line, at.column);
    };
    let source = ctx.source;
    let skip_ws = |mut p: usize| {
        while let Some(c) = source[p..].chars().next() {
            if !c.is_whitespace() {
                break;
            }
            p += c.len_utf8();
        }
        p
    };
    match source[pos..].chars().next() {
        Some('|' | '>') => {
            pos = source[pos..]
                .find('\n')
                .map_or(source.len(), |i| pos + i + 1);
        }
        Some('"' | '\'') => pos += 1,
        _ => {}
    }
    let target = (offset as usize).min(at.value.len());
    for c in at.value[..target].chars() {
        if c.is_whitespace() {
            pos = skip_ws(pos);
        } else {
            pos = skip_ws(pos);
            pos += source[pos..].chars().next().map_or(0, char::len_utf8);
        }
    }
    if at.value[target..]
        .chars()
        .next()
        .is_some_and(|c| !c.is_whitespace())
    {
        pos = skip_ws(pos);
    }
    ctx.line_col(pos)
}

fn expr_loc(ctx: &Ctx<'_>, at: &Sp<String>, offset: u32, path: &str) -> Location {
    let (line, column) = position(ctx, at, offset);
    ctx.loc_at(line, column, path)
}

/// Parses one expression, reporting syntax errors.
fn parse_at(ctx: &mut Ctx<'_>, at: &Sp<String>, path: &str) -> Option<Ast> {
    match parse(&at.value, ctx.limits.expr) {
        Ok(ast) => Some(ast),
        Err(e) => {
            let code = if e.limit {
                Code::LimitExceeded
            } else {
                Code::ExpressionSyntax
            };
            let location = expr_loc(ctx, at, e.span.start, path);
            ctx.report(Diagnostic::new(code, location, e.message).with_help_opt(e.help));
            None
        }
    }
}

fn report_errors(ctx: &mut Ctx<'_>, at: &Sp<String>, path: &str, errors: Vec<check::ExprError>) {
    for e in errors {
        let location = expr_loc(ctx, at, e.span.start, path);
        ctx.report(Diagnostic::new(e.code, location, e.message).with_help_opt(e.help));
    }
}

fn uses(
    ctx: &Ctx<'_>,
    at: &Sp<String>,
    path: &str,
    refs: &[(Symbol, crate::expr::ast::Span)],
) -> Vec<Use> {
    refs.iter()
        .map(|(symbol, span)| Use {
            symbol: *symbol,
            location: expr_loc(ctx, at, span.start, path),
        })
        .collect()
}

/// Parses and checks a condition.
fn condition(
    ctx: &mut Ctx<'_>,
    scope: &dyn Scope,
    at: &Sp<String>,
    path: &str,
) -> Option<CheckedExpr> {
    let ast = parse_at(ctx, at, path)?;
    match check::check_condition(&ast, scope) {
        Ok(c) => Some(CheckedExpr {
            uses: uses(ctx, at, path, &c.refs),
            expr: c.expr,
            location: ctx.loc(at, path),
        }),
        Err(errors) => {
            report_errors(ctx, at, path, errors);
            None
        }
    }
}

/// A condition and the guards expansion added to it, joined with `&&`.
fn joined_condition(
    ctx: &mut Ctx<'_>,
    symbols: &Symbols,
    own: Option<&Sp<String>>,
    own_scope: Option<&LocalScope>,
    guards: &[crate::format::Guard],
    path: &str,
) -> Option<CheckedExpr> {
    let mut parts: Vec<CheckedExpr> = Vec::new();
    if let Some(w) = own {
        parts.extend(condition(ctx, &Scoped::new(symbols, own_scope), w, path));
    }
    for guard in guards {
        let scope = Scoped::new(symbols, guard.scope.as_deref());
        if let Some(mut c) = condition(ctx, &scope, &guard.condition, path) {
            if !guard.must_hold {
                c.expr = Expr::Not(Box::new(c.expr));
            }
            parts.push(c);
        }
    }
    let mut parts = parts.into_iter();
    let first = parts.next()?;
    Some(parts.fold(first, |acc, next| CheckedExpr {
        expr: Expr::And(Box::new(acc.expr), Box::new(next.expr)),
        uses: acc.uses.into_iter().chain(next.uses).collect(),
        location: acc.location,
    }))
}

pub(super) fn check_all(
    doc: &Document,
    ctx: &mut Ctx<'_>,
    symbols: &mut Symbols,
    items: &mut [ItemDef],
) -> Checked {
    let (derived, derived_uses) = check_derived(doc, ctx, symbols);

    let mut section_when = Vec::new();
    let mut item_when = Vec::new();
    let mut flat = 0usize;
    for (s, section) in doc.sections.iter().enumerate() {
        let scope = Scoped::new(symbols, section.scope.as_deref());
        let sw = joined_condition(
            ctx,
            symbols,
            section.when.as_ref(),
            section.scope.as_deref(),
            &section.guards,
            &format!("sections[{s}].when"),
        );
        for (i, item) in section.items.iter().enumerate() {
            let path = format!("sections[{s}].items[{i}]");
            let iw = joined_condition(
                ctx,
                symbols,
                item.when.as_ref(),
                section.scope.as_deref(),
                &item.guards,
                &format!("{path}.when"),
            );
            items[flat].when = match (sw.as_ref(), iw.as_ref()) {
                (Some(a), Some(b)) => Some(Expr::And(
                    Box::new(a.expr.clone()),
                    Box::new(b.expr.clone()),
                )),
                (Some(a), None) => Some(a.expr.clone()),
                (None, Some(b)) => Some(b.expr.clone()),
                (None, None) => None,
            };
            if let Some(s) = &item.suggested {
                items[flat].suggested = suggestion(
                    ctx,
                    symbols,
                    &scope,
                    s,
                    &format!("{path}.suggested"),
                    &items[flat],
                );
            }
            item_when.push(iw);
            flat += 1;
        }
        section_when.push(sw);
    }

    let mut weights = Weights::new(doc);
    let score_terms = doc
        .scores
        .iter()
        .enumerate()
        .map(|(s, score)| {
            score
                .over
                .value
                .iter()
                .enumerate()
                .map(|(t, term)| {
                    score_term(
                        ctx,
                        &Scoped::new(symbols, score.scope.as_deref()),
                        items,
                        &mut weights,
                        term,
                        &format!("scores[{s}].over[{t}]"),
                    )
                })
                .collect()
        })
        .collect();

    let mut triggers = Vec::new();
    let mut trigger_uses = Vec::new();
    let mut trigger_at = Vec::new();
    for (t, trigger) in doc.triggers.iter().enumerate() {
        let path = format!("triggers[{t}]");
        let scope = Scoped::new(symbols, trigger.scope.as_deref());
        let when = condition(ctx, &scope, &trigger.when, &format!("{path}.when"));
        if trigger.refer_to.value.trim().is_empty() {
            ctx.error(
                Code::MissingField,
                &trigger.refer_to,
                &format!("{path}.refer_to"),
                "`refer_to` is empty",
            )
            .help = Some("say where the person is referred, e.g. `social-services`".into());
        } else if let Some(c) = trigger
            .refer_to
            .value
            .chars()
            .find(|&c| crate::diagnostic::is_escaped(c))
        {
            ctx.error(
                Code::ControlCharacter,
                &trigger.refer_to,
                &format!("{path}.refer_to"),
                format!(
                    "`refer_to` holds the control character U+{:04X}",
                    u32::from(c)
                ),
            )
            .help = Some("remove it; `refer_to` names a service, e.g. `social-services`".into());
        } else {
            referral_label(ctx, doc, &trigger.refer_to, &path);
        }
        trigger_at.push(ctx.loc(&trigger.when, &format!("{path}.when")));
        trigger_uses.push(when.as_ref().map(|w| w.uses.clone()).unwrap_or_default());
        triggers.push(TriggerDef {
            id: trigger.id.value.as_str().into(),
            when: when.map_or(Expr::Lit(Val::Unknown), |w| w.expr),
            urgency: trigger.urgency.value,
            refer_to: trigger.refer_to.value.as_str().into(),
            text: ctx.practitioner_texts(&trigger.text, &format!("{path}.text")),
        });
    }

    let ends = doc
        .end
        .iter()
        .enumerate()
        .map(|(e, end)| CheckedEnd {
            id: end.id.value.clone(),
            text: ctx.practitioner_texts(&end.text, &format!("end[{e}].text")),
            when: condition(
                ctx,
                &Scoped::new(symbols, end.scope.as_deref()),
                &end.when,
                &format!("end[{e}].when"),
            ),
        })
        .collect();

    Checked {
        section_when,
        item_when,
        derived,
        derived_uses,
        score_terms,
        triggers,
        trigger_uses,
        trigger_at,
        item_section: doc
            .sections
            .iter()
            .enumerate()
            .flat_map(|(s, section)| std::iter::repeat_n(s as u32, section.items.len()))
            .collect(),
        ends,
    }
}

/// Derived values are checked in dependency order, so the type of a
/// `value` expression is known before anything that reads it is checked.
fn check_derived(
    doc: &Document,
    ctx: &mut Ctx<'_>,
    symbols: &mut Symbols,
) -> (Vec<DerivedDef>, Vec<Vec<Use>>) {
    let n = doc.derived.len();
    let mut defs: Vec<Option<DerivedDef>> = (0..n).map(|_| None).collect();
    let mut all_uses: Vec<Vec<Use>> = vec![Vec::new(); n];

    // Parse `value` expressions first and order them by the derived values they name.
    let mut asts: Vec<Option<Ast>> = Vec::with_capacity(n);
    for (d, derived) in doc.derived.iter().enumerate() {
        let path = format!("derived[{d}]");
        let forms = [
            derived.value.is_some(),
            derived.cases.is_some(),
            derived.flags.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if forms != 1 {
            ctx.error(
                Code::InvalidItem,
                &derived.id,
                &path,
                format!(
                    "the derived value `{}` needs exactly one of `value`, `cases` or `flags`",
                    derived.id.value
                ),
            )
            .help = Some(
                "`value` for a yes/no or number, `cases` for a category, `flags` for a set".into(),
            );
        }
        asts.push(
            derived
                .value
                .as_ref()
                .and_then(|v| parse_at(ctx, v, &format!("{path}.value"))),
        );
    }
    let scopes: Vec<Option<&LocalScope>> = doc.derived.iter().map(|d| d.scope.as_deref()).collect();
    let (order, cycles) = value_order(&asts, symbols, &scopes);
    for cycle in cycles {
        let first = cycle[0];
        let names: Vec<String> = cycle
            .iter()
            .chain(std::iter::once(&first))
            .map(|&d| format!("`{}`", doc.derived[d].id.value))
            .collect();
        if let Some(at) = &doc.derived[first].value {
            ctx.error(
                Code::ForwardReference,
                at,
                &format!("derived[{first}].value"),
                format!(
                    "the derived value `{}` depends on itself: {}",
                    doc.derived[first].id.value,
                    names.join(" → ")
                ),
            )
            .help = Some("break the cycle: a value cannot be computed from itself".into());
        }
    }

    for d in order {
        let derived = &doc.derived[d];
        let path = format!("derived[{d}]");
        let label = ctx.opt_texts(
            derived.label.as_ref(),
            &format!("{path}.label"),
            Reader::Practitioner,
        );
        if let (Some(at), Some(ast)) = (&derived.value, &asts[d]) {
            match check::check(ast, &Scoped::new(symbols, derived.scope.as_deref())) {
                Ok(c) if matches!(c.ty, Ty::Bool | Ty::Num) => {
                    symbols.derived_ty[d] = Some(c.ty);
                    all_uses[d] = uses(ctx, at, &format!("{path}.value"), &c.refs);
                    defs[d] = Some(DerivedDef {
                        id: derived.id.value.as_str().into(),
                        label,
                        rule: DerivedRule::Value(c.expr),
                        categories: Vec::new(),
                    });
                }
                Ok(_) => {
                    ctx.error(
                        Code::TypeMismatch,
                        at,
                        &format!("{path}.value"),
                        "a derived `value` must be a yes/no or a number",
                    )
                    .help = Some("for a category, use `cases:` with a `when` per value".into());
                }
                Err(errors) => report_errors(ctx, at, &format!("{path}.value"), errors),
            }
        }
    }
    for (d, derived) in doc.derived.iter().enumerate() {
        let path = format!("derived[{d}]");
        let (cases, is_flags) = match (&derived.cases, &derived.flags) {
            (Some(c), _) => (c, false),
            (None, Some(f)) => (f, true),
            (None, None) => continue,
        };
        let field = if is_flags { "flags" } else { "cases" };
        if cases.value.is_empty() {
            ctx.error(
                Code::EmptyList,
                cases,
                &format!("{path}.{field}"),
                format!("`{field}` is empty"),
            )
            .help = Some("add at least one `value` with its `when`".into());
        }
        if cases.value.len() > super::items::MAX_OPTIONS {
            ctx.error(
                Code::LimitExceeded,
                cases,
                &format!("{path}.{field}"),
                format!("at most {} values are allowed", super::items::MAX_OPTIONS),
            );
        }
        let mut rules = Vec::new();
        let mut categories = Vec::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (c, case) in cases.value.iter().enumerate() {
            let cpath = format!("{path}.{field}[{c}]");
            if !super::items::valid_value(&case.value.value) {
                ctx.error(
                    Code::InvalidId,
                    &case.value,
                    &format!("{cpath}.value"),
                    format!("`{}` is not a valid value", case.value.value),
                )
                .help =
                    Some("use letters, digits, `_` and `-`; the label holds the wording".into());
            }
            if let Some(prev) = seen.insert(&case.value.value, c) {
                let related = ctx.loc(
                    &cases.value[prev].value,
                    &format!("{path}.{field}[{prev}].value"),
                );
                ctx.error(
                    Code::DuplicateOption,
                    &case.value,
                    &format!("{cpath}.value"),
                    format!("the value `{}` appears twice", case.value.value),
                )
                .related
                .push(crate::diagnostic::Related {
                    location: related,
                    message: "first used here".into(),
                });
            }
            if let Some(w) = condition(
                ctx,
                &Scoped::new(symbols, derived.scope.as_deref()),
                &case.when,
                &format!("{cpath}.when"),
            ) {
                all_uses[d].extend(w.uses);
                rules.push((w.expr, c as u32));
            }
            categories.push(CategoryDef {
                value: case.value.value.as_str().into(),
                label: ctx.opt_texts(
                    case.label.as_ref(),
                    &format!("{cpath}.label"),
                    Reader::Practitioner,
                ),
            });
        }
        let label = ctx.opt_texts(
            derived.label.as_ref(),
            &format!("{path}.label"),
            Reader::Practitioner,
        );
        defs[d] = Some(DerivedDef {
            id: derived.id.value.as_str().into(),
            label,
            rule: if is_flags {
                DerivedRule::Flags(rules)
            } else {
                DerivedRule::Cases(rules)
            },
            categories,
        });
    }
    let defs = defs
        .into_iter()
        .enumerate()
        .map(|(d, def)| {
            def.unwrap_or_else(|| DerivedDef {
                id: doc.derived[d].id.value.as_str().into(),
                label: None,
                rule: DerivedRule::Value(Expr::Lit(Val::Unknown)),
                categories: Vec::new(),
            })
        })
        .collect();
    (defs, all_uses)
}

/// Dependency order of `value` derived values by the names they mention,
/// and the cycles among them (each as the list of members in order).
fn value_order(
    asts: &[Option<Ast>],
    symbols: &Symbols,
    scopes: &[Option<&LocalScope>],
) -> (Vec<usize>, Vec<Vec<usize>>) {
    fn names(ast: &Ast, out: &mut Vec<String>) {
        match &ast.kind {
            AstKind::Ident(n) => out.push(n.clone()),
            AstKind::List(xs) | AstKind::Call { args: xs, .. } => {
                for x in xs {
                    names(x, out);
                }
            }
            AstKind::Unary(_, a) => names(a, out),
            AstKind::Binary(_, a, b) => {
                names(a, out);
                names(b, out);
            }
            _ => {}
        }
    }
    let deps: Vec<Vec<usize>> = asts
        .iter()
        .zip(scopes)
        .map(|(a, scope)| {
            let scope = Scoped::new(symbols, *scope);
            let mut out = Vec::new();
            if let Some(a) = a {
                names(a, &mut out);
            }
            // Only other `value` derived values matter for typing order.
            out.iter()
                .filter_map(|n| match scope.lookup(n) {
                    Some(Symbol::Derived(d)) => Some(d as usize),
                    _ => None,
                })
                .filter(|&d| asts[d].is_some())
                .collect()
        })
        .collect();
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; asts.len()];
    let mut order = Vec::with_capacity(asts.len());
    let mut cycles = Vec::new();
    for start in 0..asts.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some(&(node, next)) = stack.last() {
            if let Some(&dep) = deps[node].get(next) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                match state[dep] {
                    0 => {
                        state[dep] = 1;
                        stack.push((dep, 0));
                    }
                    1 => {
                        let from = stack.iter().position(|(x, _)| *x == dep).unwrap_or(0);
                        cycles.push(stack[from..].iter().map(|(x, _)| *x).collect());
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                order.push(node);
                stack.pop();
            }
        }
    }
    (order, cycles)
}

fn suggestion(
    ctx: &mut Ctx<'_>,
    symbols: &Symbols,
    scope: &dyn Scope,
    at: &Sp<String>,
    path: &str,
    item: &ItemDef,
) -> Option<u32> {
    let Some(Symbol::Derived(d)) = scope.lookup(&at.value) else {
        let names = if crate::suggest::suggestions_left() {
            scope.names()
        } else {
            Vec::new()
        };
        let help = crate::diagnostic::did_you_mean(&at.value, names).map_or_else(
            || "name a derived value".to_owned(),
            |m| format!("did you mean `{m}`?"),
        );
        ctx.error(
            Code::UnknownReference,
            at,
            path,
            format!("`{}` is not a derived value", at.value),
        )
        .help = Some(help);
        return None;
    };
    let ty = symbols.ty(Symbol::Derived(d))?;
    let fits = match (item.kind, ty) {
        (ItemKind::YesNo, Ty::Bool) | (ItemKind::Number | ItemKind::Scale, Ty::Num) => true,
        (ItemKind::SingleChoice, Ty::Choice(Domain::Derived(_))) => {
            let missing: Vec<&String> = symbols.derived_values[d as usize]
                .iter()
                .filter(|v| !item.options.iter().any(|o| &o.value == *v))
                .collect();
            if !missing.is_empty() {
                let list = missing
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                ctx.error(
                    Code::BadSuggestion,
                    at,
                    path,
                    format!(
                        "the suggestion `{}` can give {list}, which `{}` has no option for",
                        at.value, item.id
                    ),
                )
                .help = Some(
                    "give the item an option for every value the derived value can take".into(),
                );
                return None;
            }
            true
        }
        _ => false,
    };
    if !fits {
        ctx.error(
            Code::BadSuggestion,
            at,
            path,
            format!("`{}` cannot suggest an answer to the {} item `{}`", at.value, item.kind.as_str(), item.id),
        )
        .help = Some("a yes/no item takes a yes/no value, a number or scale a number, a single choice a category".into());
        return None;
    }
    Some(d)
}

fn score_term(
    ctx: &mut Ctx<'_>,
    scope: &dyn Scope,
    items: &[ItemDef],
    weights: &mut Weights<'_>,
    at: &Sp<String>,
    path: &str,
) -> Option<CheckedTerm> {
    let ast = parse_at(ctx, at, path)?;
    let location = ctx.loc(at, path);
    if let AstKind::Ident(name) = &ast.kind
        && let Some(Symbol::Item(i)) = scope.lookup(name)
    {
        let item = &items[i as usize];
        let ok = match item.kind {
            ItemKind::Info | ItemKind::Text | ItemKind::Date => {
                ctx.error(
                    Code::TypeMismatch,
                    at,
                    path,
                    format!(
                        "the {} item `{name}` has no value a score can count",
                        item.kind.as_str()
                    ),
                )
                .help = Some("score yes/no, choice, scale or number items".into());
                false
            }
            ItemKind::SingleChoice | ItemKind::MultipleChoice => {
                weights.check(ctx, i, name, &ctx.loc(at, path))
            }
            _ => true,
        };
        let span = ast.span.clone();
        return ok.then(|| CheckedTerm {
            term: Term::Item(i),
            uses: uses(ctx, at, path, &[(Symbol::Item(i), span)]),
            location,
        });
    }
    match check::check(&ast, scope) {
        Ok(c) if matches!(c.ty, Ty::Num | Ty::Bool) => Some(CheckedTerm {
            uses: uses(ctx, at, path, &c.refs),
            term: Term::Expr(c.expr),
            location,
        }),
        Ok(_) => {
            ctx.error(
                Code::TypeMismatch,
                at,
                path,
                "a score term must be an item id, a number or a condition",
            )
            .help = Some("a choice counts through its options' `score`; write its id alone".into());
            None
        }
        Err(errors) => {
            report_errors(ctx, at, path, errors);
            None
        }
    }
}

/// Options of scored choice items that lack a `score`, each reported once
/// where the option is written, however many scores count its item.
struct Weights<'d> {
    /// The document's items in compiled (flat) order, with their section
    /// and place in it.
    items: Vec<(usize, usize, &'d crate::format::Item)>,
    reported: std::collections::HashSet<u32>,
}

impl<'d> Weights<'d> {
    fn new(doc: &'d Document) -> Self {
        let items = doc
            .sections
            .iter()
            .enumerate()
            .flat_map(|(s, section)| {
                section
                    .items
                    .iter()
                    .enumerate()
                    .map(move |(i, item)| (s, i, item))
            })
            .collect();
        Self {
            items,
            reported: std::collections::HashSet::new(),
        }
    }

    /// Whether item `i` (scored at `term`) has a weight on every option;
    /// V027 at each option without one, the first time the item is met.
    fn check(&mut self, ctx: &mut Ctx<'_>, i: u32, name: &str, term: &Location) -> bool {
        let Some(&(s, place, item)) = self.items.get(i as usize) else {
            return true;
        };
        let options = item.options.iter().flat_map(|o| o.value.iter());
        let mut complete = true;
        for (o, option) in options.enumerate() {
            if option.score.is_some() {
                continue;
            }
            complete = false;
            if self.reported.contains(&i) {
                continue;
            }
            let path = format!("sections[{s}].items[{place}].options[{o}]");
            let diagnostic = ctx.error(
                Code::MissingWeight,
                &option.value,
                &path,
                format!(
                    "option `{}` of `{name}` has no `score`, but `{name}` is scored",
                    option.value.value
                ),
            );
            diagnostic.help = Some("give every option of a scored item a `score` weight".into());
            diagnostic.related.push(crate::diagnostic::Related {
                location: term.clone(),
                message: "scored here".into(),
            });
        }
        self.reported.insert(i);
        complete
    }
}

/// V038: once a questionnaire names its referrals, every `refer_to` needs
/// a label there, or the practitioner would read the bare key.
fn referral_label(ctx: &mut Ctx<'_>, doc: &Document, refer_to: &Sp<String>, path: &str) {
    let Some(labels) = &doc.referrals else {
        return;
    };
    if labels.value.contains_key(&refer_to.value) {
        return;
    }
    let keys = labels.value.keys().map(String::as_str);
    let guess = crate::suggest::did_you_mean(&refer_to.value, keys);
    ctx.error(
        Code::ReferralLabel,
        refer_to,
        &format!("{path}.refer_to"),
        format!("`{}` has no label in `referrals`", refer_to.value),
    )
    .help = Some(match guess {
        Some(g) => format!("did you mean `{g}`?"),
        None => format!(
            "add `{}: {{…}}` under `referrals`, with its name in every language",
            refer_to.value
        ),
    });
}
