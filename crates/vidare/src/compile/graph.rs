//! The dependency graph: what reads what. From it come the checks that make
//! the flow acyclic (no condition reads a later item, no derived value or
//! score depends on itself), the protected-attribute rule, and the schedule
//! a session evaluates in, with the nodes each answer can affect.

use std::collections::BTreeSet;

use super::context::Ctx;
use super::exprs::{Checked, Use};
use super::symbols::Symbols;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::expr::Expr;
use crate::expr::typed::{Symbol, Val};
use crate::format::Document;
use crate::questionnaire::{EndDef, ItemDef, Node, Schedule};

pub(super) struct Graph {
    pub(super) schedule: Schedule,
    pub(super) ends: Vec<EndDef>,
}

/// Computed values (derived values, then scores) as one index space.
struct Computed {
    derived: usize,
    uses: Vec<Vec<Use>>,
    /// Declared `statistics_only`: may read protected items, and may only
    /// be read by other statistics-only values.
    statistics_only: Vec<bool>,
}

impl Computed {
    fn index(&self, symbol: Symbol) -> Option<usize> {
        match symbol {
            Symbol::Derived(d) => Some(d as usize),
            Symbol::Score(s) => Some(self.derived + s as usize),
            Symbol::Item(_) => None,
        }
    }
    fn node(&self, c: usize) -> Node {
        if c < self.derived {
            Node::Derived(c as u32)
        } else {
            Node::Score((c - self.derived) as u32)
        }
    }
    fn symbol(&self, c: usize) -> Symbol {
        if c < self.derived {
            Symbol::Derived(c as u32)
        } else {
            Symbol::Score((c - self.derived) as u32)
        }
    }
    fn is_statistics_only(&self, symbol: Symbol) -> bool {
        self.index(symbol)
            .is_some_and(|c| self.statistics_only.get(c).copied().unwrap_or(false))
    }
}

fn what(symbols: &Symbols, symbol: Symbol) -> String {
    let kind = match symbol {
        Symbol::Item(_) => "item",
        Symbol::Derived(_) => "derived value",
        Symbol::Score(_) => "score",
    };
    format!("{kind} `{}`", symbols.name(symbol))
}

pub(super) fn analyse(
    doc: &Document,
    ctx: &mut Ctx<'_>,
    symbols: &Symbols,
    checked: &Checked,
    items: &[ItemDef],
) -> Graph {
    let n_items = items.len();
    let computed = Computed {
        derived: checked.derived.len(),
        uses: checked
            .derived_uses
            .iter()
            .cloned()
            .chain(checked.score_terms.iter().map(|terms| {
                terms
                    .iter()
                    .flatten()
                    .flat_map(|t| t.uses.iter().cloned())
                    .collect()
            }))
            .collect(),
        statistics_only: doc
            .derived
            .iter()
            .map(|d| d.statistics_only.is_some())
            .chain(doc.scores.iter().map(|s| s.statistics_only.is_some()))
            .collect(),
    };
    let n_computed = computed.uses.len();
    justifications(doc, ctx);

    // Cycles among computed values, and a topological order of them.
    let topo = topological(&computed, ctx, symbols);

    // Position of a computed value: one past the last item it reads.
    let mut pos = vec![0u32; n_computed];
    for &c in &topo {
        let mut p = 0;
        for u in &computed.uses[c] {
            p = p.max(match computed.index(u.symbol) {
                Some(other) => pos[other],
                None => match u.symbol {
                    Symbol::Item(i) => i + 1,
                    _ => 0,
                },
            });
        }
        pos[c] = p;
    }
    let position_of = |symbol: Symbol| -> u32 {
        match symbol {
            Symbol::Item(i) => i + 1,
            other => computed.index(other).map_or(0, |c| pos[c]),
        }
    };

    // Conditions may only read what is settled before the item is asked.
    let mut first_item = 0u32;
    let mut flat = 0usize;
    for (s, section) in doc.sections.iter().enumerate() {
        if let Some(w) = &checked.section_when[s] {
            forward_refs(
                ctx,
                symbols,
                &w.uses,
                first_item,
                &format!("section `{}`", section.id.value),
                &position_of,
            );
        }
        for _ in &section.items {
            if let Some(w) = &checked.item_when[flat] {
                forward_refs(
                    ctx,
                    symbols,
                    &w.uses,
                    flat as u32,
                    &format!("item `{}`", items[flat].id),
                    &position_of,
                );
            }
            if let Some(d) = items[flat].suggested {
                let p = pos[d as usize];
                if p > flat as u32 {
                    let at = &doc.sections[s].items[flat - first_item as usize].suggested;
                    if let Some(at) = at {
                        ctx.error(
                            Code::ForwardReference,
                            at,
                            &format!(
                                "sections[{s}].items[{}].suggested",
                                flat - first_item as usize
                            ),
                            format!(
                                "the suggestion `{}` depends on an item asked after `{}`",
                                at.value, items[flat].id
                            ),
                        )
                        .help =
                            Some("a suggestion can only use answers given before the item".into());
                    }
                }
            }
            flat += 1;
        }
        first_item += section.items.len() as u32;
    }

    // Nothing that steers the flow, a score or a referral may read a
    // protected attribute, nor a value kept for statistics only.
    let chains = protected_chains(&computed, &topo, items);
    let mut suggestion_uses: Vec<(String, Vec<Use>)> = Vec::new();
    flat = 0;
    for (s, section) in doc.sections.iter().enumerate() {
        for (i, item) in section.items.iter().enumerate() {
            if let (Some(d), Some(at)) = (items[flat].suggested, &item.suggested) {
                suggestion_uses.push((
                    format!("the suggestion of item `{}`", items[flat].id),
                    vec![Use {
                        symbol: Symbol::Derived(d),
                        location: ctx.loc(at, &format!("sections[{s}].items[{i}].suggested")),
                    }],
                ));
            }
            flat += 1;
        }
    }
    let mut owners: Vec<(String, &Vec<Use>)> = Vec::new();
    flat = 0;
    for (s, section) in doc.sections.iter().enumerate() {
        if let Some(w) = &checked.section_when[s] {
            owners.push((
                format!("the condition of section `{}`", section.id.value),
                &w.uses,
            ));
        }
        for _ in &section.items {
            if let Some(w) = &checked.item_when[flat] {
                owners.push((
                    format!("the condition of item `{}`", items[flat].id),
                    &w.uses,
                ));
            }
            flat += 1;
        }
    }
    for (owner, uses) in &suggestion_uses {
        owners.push((owner.clone(), uses));
    }
    for (c, uses) in computed.uses.iter().enumerate() {
        // A statistics-only value may read protected items and other
        // statistics-only values; what reads it is checked instead.
        if !computed.statistics_only[c] {
            owners.push((what(symbols, computed.symbol(c)), uses));
        }
    }
    for (t, uses) in checked.trigger_uses.iter().enumerate() {
        owners.push((format!("trigger `{}`", checked.triggers[t].id), uses));
    }
    for end in &checked.ends {
        if let Some(w) = &end.when {
            owners.push((format!("end condition `{}`", end.id), &w.uses));
        }
    }
    for (owner, uses) in &owners {
        report_protected(ctx, symbols, &computed, &chains, items, owner, uses);
    }

    references_nothing(ctx, checked);

    // End conditions take effect once every item they read is passed.
    let ends: Vec<EndDef> = checked
        .ends
        .iter()
        .map(|e| EndDef {
            id: e.id.as_str().into(),
            when: e
                .when
                .as_ref()
                .map_or(Expr::Lit(Val::Unknown), |w| w.expr.clone()),
            text: e.text.clone(),
            position: e.when.as_ref().map_or(0, |w| {
                w.uses
                    .iter()
                    .map(|u| position_of(u.symbol))
                    .max()
                    .unwrap_or(0)
            }),
        })
        .collect();

    let schedule = schedule(ctx, n_items, &computed, &topo, &pos, &ends, checked);
    Graph { schedule, ends }
}

fn forward_refs(
    ctx: &mut Ctx<'_>,
    symbols: &Symbols,
    uses: &[Use],
    at: u32,
    owner: &str,
    position_of: &dyn Fn(Symbol) -> u32,
) {
    for u in uses {
        let p = position_of(u.symbol);
        if p <= at {
            continue;
        }
        let (message, help) = match u.symbol {
            Symbol::Item(_) if owner.starts_with("section") => (
                format!("the condition of {owner} reads {}, which is inside the section or after it", what(symbols, u.symbol)),
                "a section's condition may only read items that come before the section".to_owned(),
            ),
            Symbol::Item(i) if i == at => (
                format!("the condition of {owner} reads the item itself"),
                "a condition decides whether the item is asked, so it cannot read its answer".to_owned(),
            ),
            Symbol::Item(_) => (
                format!("the condition of {owner} reads {}, which is asked later", what(symbols, u.symbol)),
                "conditions may only read items that come before; move the item up or the condition down".to_owned(),
            ),
            _ => (
                format!(
                    "the condition of {owner} reads {}, which depends on answers given later",
                    what(symbols, u.symbol)
                ),
                "conditions may only read values computed from earlier items".to_owned(),
            ),
        };
        ctx.report(
            Diagnostic::new(Code::ForwardReference, u.location.clone(), message).with_help(help),
        );
    }
}

fn topological(computed: &Computed, ctx: &mut Ctx<'_>, symbols: &Symbols) -> Vec<usize> {
    let n = computed.uses.len();
    let deps: Vec<Vec<(usize, &Location)>> = computed
        .uses
        .iter()
        .map(|uses| {
            uses.iter()
                .filter_map(|u| computed.index(u.symbol).map(|c| (c, &u.location)))
                .collect()
        })
        .collect();
    let mut state = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    let mut reported = BTreeSet::new();
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&(node, next)) = stack.last() {
            if let Some(&(dep, loc)) = deps[node].get(next) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                match state[dep] {
                    0 => {
                        state[dep] = 1;
                        stack.push((dep, 0));
                    }
                    1 => {
                        // `dep` is on the stack: the nodes from it to here form a cycle.
                        let from = stack.iter().position(|(x, _)| *x == dep).unwrap_or(0);
                        let cycle: Vec<String> = stack[from..]
                            .iter()
                            .map(|(x, _)| what(symbols, computed.symbol(*x)))
                            .chain(std::iter::once(what(symbols, computed.symbol(dep))))
                            .collect();
                        if reported.insert(dep) {
                            ctx.report(
                                Diagnostic::new(
                                    Code::ForwardReference,
                                    loc.clone(),
                                    format!(
                                        "{} depends on itself: {}",
                                        what(symbols, computed.symbol(dep)),
                                        cycle.join(" → ")
                                    ),
                                )
                                .with_help(
                                    "break the cycle: a value cannot be computed from itself",
                                ),
                            );
                        }
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
    order
}

/// What a reader of `symbol` takes in with it: the chain of names from
/// `symbol` down to a protected item or a statistics-only value, if any.
///
/// A protected item is a chain of itself. A computed value passes on the
/// chain it reads; a statistics-only value is a chain of its own, even when
/// it reads no protected item (it may only be read by other statistics-only
/// values), followed by the protected item it reads, if any.
fn carried(
    computed: &Computed,
    chains: &[Option<Vec<Symbol>>],
    items: &[ItemDef],
    symbol: Symbol,
) -> Option<Vec<Symbol>> {
    match symbol {
        Symbol::Item(i) if items[i as usize].protected => Some(vec![symbol]),
        Symbol::Item(_) => None,
        other => {
            let c = computed.index(other)?;
            let rest = chains[c].clone();
            if rest.is_none() && !computed.statistics_only[c] {
                return None;
            }
            let mut chain = vec![other];
            chain.extend(rest.unwrap_or_default());
            Some(chain)
        }
    }
}

/// The chain through which `uses` read a protected item or a
/// statistics-only value: the first one that ends at a protected item, or
/// else the first one at all.
fn first_chain(
    computed: &Computed,
    chains: &[Option<Vec<Symbol>>],
    items: &[ItemDef],
    uses: &[Use],
) -> Option<Vec<Symbol>> {
    let mut fallback = None;
    for u in uses {
        if let Some(chain) = carried(computed, chains, items, u.symbol) {
            let ends_protected = chain
                .last()
                .is_some_and(|s| !computed.is_statistics_only(*s));
            if ends_protected {
                return Some(chain);
            }
            if fallback.is_none() {
                fallback = Some(chain);
            }
        }
    }
    fallback
}

/// For each computed value, the chain of names through which it reads a
/// protected item or a statistics-only value, if it does.
fn protected_chains(
    computed: &Computed,
    topo: &[usize],
    items: &[ItemDef],
) -> Vec<Option<Vec<Symbol>>> {
    let mut chains: Vec<Option<Vec<Symbol>>> = vec![None; computed.uses.len()];
    for &c in topo {
        chains[c] = first_chain(computed, &chains, items, &computed.uses[c]);
    }
    chains
}

/// Reports every place where `uses` read a protected item or a
/// statistics-only value, once per chain and line (`gender == "a" ||
/// gender == "b"` is one problem; an own condition and a guard from a
/// `use:` or `include:` entry are two).
fn report_protected(
    ctx: &mut Ctx<'_>,
    symbols: &Symbols,
    computed: &Computed,
    chains: &[Option<Vec<Symbol>>],
    items: &[ItemDef],
    owner: &str,
    uses: &[Use],
) {
    let mut reported: Vec<(Vec<Symbol>, u32)> = Vec::new();
    for u in uses {
        let Some(chain) = carried(computed, chains, items, u.symbol) else {
            continue;
        };
        if reported
            .iter()
            .any(|(c, line)| *c == chain && *line == u.location.line)
        {
            continue;
        }
        ctx.report(protected_diagnostic(
            symbols,
            computed,
            owner,
            &chain,
            u.location.clone(),
        ));
        reported.push((chain, u.location.line));
    }
}

fn protected_diagnostic(
    symbols: &Symbols,
    computed: &Computed,
    owner: &str,
    chain: &[Symbol],
    location: Location,
) -> Diagnostic {
    let name = |s: &Symbol| {
        if computed.is_statistics_only(*s) {
            format!("{} (statistics only)", what(symbols, *s))
        } else {
            what(symbols, *s)
        }
    };
    let path: Vec<String> = std::iter::once(owner.to_owned())
        .chain(chain.iter().map(name))
        .collect();
    match chain.iter().find(|s| computed.is_statistics_only(**s)) {
        None => {
            let protected = chain.last().map(|s| symbols.name(*s)).unwrap_or_default();
            Diagnostic::new(
                Code::ProtectedDependency,
                location,
                format!("{owner} depends on the protected item `{protected}`: {}", path.join(" → ")),
            )
            .with_help(
                "a protected attribute is recorded, never a rule input: interventions must follow need; remove this dependency",
            )
        }
        Some(statistics) => Diagnostic::new(
            Code::ProtectedDependency,
            location,
            format!(
                "{owner} depends on {}, which is kept for statistics only: {}",
                what(symbols, *statistics),
                path.join(" → ")
            ),
        )
        .with_help(
            "a statistics-only value may only be read by other statistics-only derived values and scores, never by a condition, trigger, end condition, suggestion or other value; read the needs it is computed from instead",
        ),
    }
}

/// A statistics-only value must say why it exists.
fn justifications(doc: &Document, ctx: &mut Ctx<'_>) {
    let outputs = doc
        .derived
        .iter()
        .enumerate()
        .map(|(d, x)| {
            (
                format!("derived[{d}]"),
                "derived value",
                &x.id,
                &x.statistics_only,
            )
        })
        .chain(
            doc.scores
                .iter()
                .enumerate()
                .map(|(s, x)| (format!("scores[{s}]"), "score", &x.id, &x.statistics_only)),
        );
    for (path, kind, id, statistics) in outputs {
        let Some(statistics) = statistics else {
            continue;
        };
        let justification = &statistics.value.justification;
        if justification.value.trim().is_empty() {
            let location = if justification.line > 0 {
                ctx.loc(
                    justification,
                    &format!("{path}.statistics_only.justification"),
                )
            } else {
                ctx.loc(statistics, &format!("{path}.statistics_only"))
            };
            let state = if justification.line > 0 {
                "an empty"
            } else {
                "no"
            };
            ctx.report(
                Diagnostic::new(
                    Code::MissingField,
                    location,
                    format!(
                        "the {kind} `{}` is marked statistics only but has {state} `justification`",
                        id.value
                    ),
                )
                .with_help(
                    "say what it is for and who reads it, e.g. `statistics_only: { justification: \"gender distribution of needs, for the yearly equality report\" }`; it may read protected items, and nothing but other statistics-only values may read it",
                ),
            );
        }
    }
}

fn references_nothing(ctx: &mut Ctx<'_>, checked: &Checked) {
    let report = |ctx: &mut Ctx<'_>, uses: &[Use], location: &Location, what: String| {
        if uses.is_empty() {
            ctx.report(
                Diagnostic::new(
                    Code::ReferencesNothing,
                    location.clone(),
                    format!("{what} reads no answer, so it is always the same"),
                )
                .with_help("refer to an item, derived value or score, or remove it"),
            );
        }
    };
    for w in checked
        .section_when
        .iter()
        .chain(&checked.item_when)
        .flatten()
    {
        report(ctx, &w.uses, &w.location, "this condition".into());
    }
    for (t, uses) in checked.trigger_uses.iter().enumerate() {
        // A trigger whose condition failed to check has no uses and was already reported.
        if !matches!(checked.triggers[t].when, Expr::Lit(Val::Unknown)) {
            report(
                ctx,
                uses,
                &checked.trigger_at[t],
                format!("trigger `{}`", checked.triggers[t].id),
            );
        }
    }
    for end in &checked.ends {
        if let Some(w) = &end.when {
            report(
                ctx,
                &w.uses,
                &w.location,
                format!("end condition `{}`", end.id),
            );
        }
    }
    for terms in &checked.score_terms {
        for term in terms.iter().flatten() {
            report(ctx, &term.uses, &term.location, "this score term".into());
        }
    }
}

fn schedule(
    ctx: &mut Ctx<'_>,
    n_items: usize,
    computed: &Computed,
    topo: &[usize],
    pos: &[u32],
    ends: &[EndDef],
    checked: &Checked,
) -> Schedule {
    // A stable sort by position keeps dependencies first: a value never
    // sits at an earlier position than what it reads.
    let mut values: Vec<usize> = topo.to_vec();
    values.sort_by_key(|&c| pos[c]);
    let mut end_order: Vec<usize> = (0..ends.len()).collect();
    end_order.sort_by_key(|&e| ends[e].position);
    let mut order = Vec::with_capacity(n_items + topo.len() + ends.len() + checked.triggers.len());
    let (mut v, mut e) = (0, 0);
    for i in 0..=n_items as u32 {
        while v < values.len() && pos[values[v]] <= i {
            order.push(computed.node(values[v]));
            v += 1;
        }
        while e < end_order.len() && ends[end_order[e]].position <= i {
            order.push(Node::End(end_order[e] as u32));
            e += 1;
        }
        if (i as usize) < n_items {
            order.push(Node::Item(i));
        }
    }
    for t in 0..checked.triggers.len() {
        order.push(Node::Trigger(t as u32));
    }
    let slots: std::collections::HashMap<Node, usize> =
        order.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let slot = |node: Node| slots.get(&node).copied();

    let mut readers: Vec<Vec<u32>> = vec![Vec::new(); order.len()];
    let add = |readers: &mut Vec<Vec<u32>>, reader: Node, symbol: Symbol| {
        let read = match symbol {
            Symbol::Item(i) => Node::Item(i),
            other => computed.node(computed.index(other).unwrap_or(0)),
        };
        if let (Some(r), Some(w)) = (slot(read), slot(reader)) {
            readers[r].push(w as u32);
        }
    };
    for (i, w) in checked.item_when.iter().enumerate() {
        // Section conditions are part of each item's condition.
        let section_uses = section_uses_of(checked, i);
        for u in w.iter().flat_map(|w| w.uses.iter()).chain(section_uses) {
            add(&mut readers, Node::Item(i as u32), u.symbol);
        }
    }
    for (c, uses) in computed.uses.iter().enumerate() {
        for u in uses {
            add(&mut readers, computed.node(c), u.symbol);
        }
    }
    for (t, uses) in checked.trigger_uses.iter().enumerate() {
        for u in uses {
            add(&mut readers, Node::Trigger(t as u32), u.symbol);
        }
    }
    for (e, end) in checked.ends.iter().enumerate() {
        for u in end.when.iter().flat_map(|w| w.uses.iter()) {
            add(&mut readers, Node::End(e as u32), u.symbol);
        }
        if let Some(s) = slot(Node::End(e as u32)) {
            for i in ends[e].position..n_items as u32 {
                if let Some(w) = slot(Node::Item(i)) {
                    readers[s].push(w as u32);
                }
            }
        }
    }

    let item_slots: Vec<Option<usize>> = (0..n_items as u32).map(|i| slot(Node::Item(i))).collect();
    let affected_by_item = super::affected::by_item(&readers, &item_slots, ctx, checked);
    // Every item has a slot: `order` holds each of them.
    let item_slot = item_slots.iter().map(|s| s.unwrap_or(0) as u32).collect();
    let mut reader_start = Vec::with_capacity(readers.len() + 1);
    let mut reader_slots = Vec::new();
    reader_start.push(0);
    for mut list in readers {
        list.sort_unstable();
        list.dedup();
        reader_slots.extend(list);
        reader_start.push(reader_slots.len() as u32);
    }
    Schedule {
        order,
        affected_by_item,
        item_slot,
        reader_start,
        reader_slots,
        initial: std::sync::OnceLock::new(),
    }
}

fn section_uses_of(checked: &Checked, item: usize) -> impl Iterator<Item = &Use> {
    checked
        .item_section
        .get(item)
        .and_then(|s| checked.section_when[*s as usize].as_ref())
        .into_iter()
        .flat_map(|w| w.uses.iter())
}
