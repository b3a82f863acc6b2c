//! The names an expression can read, and their types.

use std::collections::{HashMap, HashSet};

use crate::expr::check::Scope;
use crate::expr::typed::{Domain, Symbol, Ty};
use crate::format::{Document, ItemKind, LocalScope};
use crate::questionnaire::ItemDef;

pub(crate) struct Symbols {
    names: HashMap<String, Symbol>,
    /// Ids of information texts, which name nothing but get a note of their own.
    info_ids: HashSet<String>,
    item_ty: Vec<Ty>,
    item_kind: Vec<ItemKind>,
    item_ids: Vec<String>,
    item_values: Vec<Vec<String>>,
    /// The weights of each item's answers (see [`Scope::weights`]).
    item_weights: Vec<Vec<Option<f64>>>,
    pub(crate) derived_ty: Vec<Option<Ty>>,
    derived_ids: Vec<String>,
    pub(crate) derived_values: Vec<Vec<String>>,
    score_ids: Vec<String>,
}

impl Symbols {
    pub(super) fn new(doc: &Document, items: &[ItemDef]) -> Self {
        let mut names = HashMap::new();
        let mut item_ty = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let i = i as u32;
            // Information texts have no answer, so their ids name nothing in expressions.
            if item.kind != ItemKind::Info {
                names.entry(item.id.to_string()).or_insert(Symbol::Item(i));
            }
            item_ty.push(match item.kind {
                ItemKind::YesNo => Ty::Bool,
                ItemKind::SingleChoice => Ty::Choice(Domain::Item(i)),
                ItemKind::MultipleChoice => Ty::Set(Domain::Item(i)),
                ItemKind::Scale | ItemKind::Number => Ty::Num,
                ItemKind::Info | ItemKind::Text | ItemKind::Date => Ty::Opaque,
            });
        }
        let mut derived_ty = Vec::new();
        let mut derived_values = Vec::new();
        for (d, derived) in doc.derived.iter().enumerate() {
            names
                .entry(derived.id.value.clone())
                .or_insert(Symbol::Derived(d as u32));
            let domain = Domain::Derived(d as u32);
            let (ty, values) = match (&derived.cases, &derived.flags) {
                (Some(cases), _) => (
                    Some(Ty::Choice(domain)),
                    cases.value.iter().map(|c| c.value.value.clone()).collect(),
                ),
                (None, Some(flags)) => (
                    Some(Ty::Set(domain)),
                    flags.value.iter().map(|c| c.value.value.clone()).collect(),
                ),
                // A `value` expression's type is known once it is checked.
                (None, None) => (None, Vec::new()),
            };
            derived_ty.push(ty);
            derived_values.push(values);
        }
        for (s, score) in doc.scores.iter().enumerate() {
            names
                .entry(score.id.value.clone())
                .or_insert(Symbol::Score(s as u32));
        }
        Symbols {
            names,
            info_ids: items
                .iter()
                .filter(|i| i.kind == ItemKind::Info)
                .map(|i| i.id.to_string())
                .collect(),
            item_ty,
            item_kind: items.iter().map(|i| i.kind).collect(),
            item_ids: items.iter().map(|i| i.id.to_string()).collect(),
            item_values: items
                .iter()
                .map(|i| i.options.iter().map(|o| o.value.to_string()).collect())
                .collect(),
            item_weights: items.iter().map(weights).collect(),
            derived_ty,
            derived_ids: doc.derived.iter().map(|d| d.id.value.clone()).collect(),
            derived_values,
            score_ids: doc.scores.iter().map(|s| s.id.value.clone()).collect(),
        }
    }

    pub(crate) fn name(&self, symbol: Symbol) -> &str {
        match symbol {
            Symbol::Item(i) => &self.item_ids[i as usize],
            Symbol::Derived(d) => &self.derived_ids[d as usize],
            Symbol::Score(s) => &self.score_ids[s as usize],
        }
    }
}

/// What `weight(item)` reads: a yes/no's weights for no and yes, or the
/// options' scores.
fn weights(item: &ItemDef) -> Vec<Option<f64>> {
    match item.kind {
        ItemKind::YesNo => vec![Some(item.yes_no_scores.1), Some(item.yes_no_scores.0)],
        ItemKind::SingleChoice | ItemKind::MultipleChoice => {
            item.options.iter().map(|o| o.score).collect()
        }
        _ => Vec::new(),
    }
}

impl Scope for Symbols {
    fn lookup(&self, name: &str) -> Option<Symbol> {
        self.names.get(name).copied()
    }

    fn ty(&self, symbol: Symbol) -> Option<Ty> {
        match symbol {
            Symbol::Item(i) => Some(self.item_ty[i as usize]),
            Symbol::Derived(d) => self.derived_ty[d as usize],
            Symbol::Score(_) => Some(Ty::Num),
        }
    }

    fn domain(&self, domain: Domain) -> &[String] {
        match domain {
            Domain::Item(i) => &self.item_values[i as usize],
            Domain::Derived(d) => &self.derived_values[d as usize],
        }
    }

    fn weights(&self, item: u32) -> Vec<Option<f64>> {
        self.item_weights[item as usize].clone()
    }

    fn note(&self, name: &str) -> Option<String> {
        self.info_ids.contains(name).then(|| {
            format!("`{name}` is an information text: it has no answer a condition could read")
        })
    }

    fn names(&self) -> Vec<&str> {
        // In the order of the file, so which name is offered does not
        // depend on a hash map's order.
        let items = self
            .item_ids
            .iter()
            .zip(&self.item_kind)
            .filter(|(_, kind)| **kind != ItemKind::Info)
            .map(|(id, _)| id.as_str());
        items
            .chain(self.derived_ids.iter().map(String::as_str))
            .chain(self.score_ids.iter().map(String::as_str))
            .collect()
    }

    fn describe(&self, symbol: Symbol) -> String {
        match symbol {
            Symbol::Item(i) => format!(
                "the {} item `{}`",
                self.item_kind[i as usize].as_str(),
                self.item_ids[i as usize]
            ),
            Symbol::Derived(d) => format!("the derived value `{}`", self.derived_ids[d as usize]),
            Symbol::Score(s) => format!("the score `{}`", self.score_ids[s as usize]),
        }
    }
}

/// The scope of one expression: inside a template instance or an included
/// questionnaire, a local name `n` means `prefix.n`; everything else is
/// looked up as written.
pub(crate) struct Scoped<'a> {
    symbols: &'a Symbols,
    local: Option<&'a LocalScope>,
}

impl<'a> Scoped<'a> {
    pub(crate) fn new(symbols: &'a Symbols, local: Option<&'a LocalScope>) -> Self {
        Scoped { symbols, local }
    }

    fn qualified(&self, name: &str) -> Option<String> {
        let local = self.local?;
        local
            .locals
            .contains(name)
            .then(|| format!("{}.{name}", local.prefix))
    }
}

impl Scope for Scoped<'_> {
    fn lookup(&self, name: &str) -> Option<Symbol> {
        match self.qualified(name) {
            Some(q) => self.symbols.lookup(&q),
            None => self.symbols.lookup(name),
        }
    }

    fn ty(&self, symbol: Symbol) -> Option<Ty> {
        self.symbols.ty(symbol)
    }

    fn domain(&self, domain: Domain) -> &[String] {
        self.symbols.domain(domain)
    }

    fn weights(&self, item: u32) -> Vec<Option<f64>> {
        self.symbols.weights(item)
    }

    fn note(&self, name: &str) -> Option<String> {
        match self.qualified(name) {
            Some(q) => self.symbols.note(&q),
            None => self.symbols.note(name),
        }
    }

    fn names(&self) -> Vec<&str> {
        let mut names = self.symbols.names();
        if let Some(local) = self.local {
            names.extend(local.locals.iter().map(String::as_str));
        }
        names
    }

    fn describe(&self, symbol: Symbol) -> String {
        self.symbols.describe(symbol)
    }
}
