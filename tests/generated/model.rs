//! The generator: proptest draws a raw shape (item kinds, flags, condition
//! trees whose names are still numbers), and `build` resolves it into a
//! questionnaire that is valid by construction and writes it as YAML.
//!
//! Validity comes from how names are resolved: a condition only picks from
//! the symbols its place may read (earlier items, derived values and scores
//! computed from earlier items only), each comparison is chosen to fit the
//! kind it reads, and nothing that steers the flow or a referral can pick
//! the protected item or a statistics-only value.

use std::fmt::{self, Write as _};

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

/// The kinds of item the format has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Info,
    YesNo,
    Single,
    Multiple,
    Scale,
    Number,
    Text,
    Date,
}

impl Kind {
    fn yaml(self) -> &'static str {
        match self {
            Kind::Info => "info",
            Kind::YesNo => "yes_no",
            Kind::Single => "single_choice",
            Kind::Multiple => "multiple_choice",
            Kind::Scale => "scale",
            Kind::Number => "number",
            Kind::Text => "text",
            Kind::Date => "date",
        }
    }

    pub fn engine(self) -> vidare::format::ItemKind {
        match self {
            Kind::Info => vidare::format::ItemKind::Info,
            Kind::YesNo => vidare::format::ItemKind::YesNo,
            Kind::Single => vidare::format::ItemKind::SingleChoice,
            Kind::Multiple => vidare::format::ItemKind::MultipleChoice,
            Kind::Scale => vidare::format::ItemKind::Scale,
            Kind::Number => vidare::format::ItemKind::Number,
            Kind::Text => vidare::format::ItemKind::Text,
            Kind::Date => vidare::format::ItemKind::Date,
        }
    }
}

/// What the tests need to know about a generated item.
#[derive(Debug, Clone)]
pub struct ItemModel {
    pub id: String,
    pub kind: Kind,
    pub options: Vec<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub integer: bool,
    pub max_length: usize,
    pub required: bool,
    pub allow_decline: bool,
    pub allow_dont_know: bool,
    pub protected: bool,
    pub conversation: bool,
    /// Whether it says `reveals: { reason: ... }`.
    pub reveals: bool,
}

/// A generated questionnaire: its source and what it was built from.
#[derive(Clone)]
pub struct Generated {
    pub source: String,
    pub items: Vec<ItemModel>,
    pub protected: Option<usize>,
    pub derived_ids: Vec<String>,
    pub score_ids: Vec<String>,
    pub trigger_ids: Vec<String>,
    /// Each end condition with its cut: the items from there on are
    /// hidden while it holds.
    pub ends: Vec<(String, usize)>,
    /// `("derived" | "score", id)` of the statistics-only outputs.
    pub statistics_outputs: Vec<(&'static str, String)>,
    /// Paths of the item and section conditions that can never hold, as
    /// the compiler's exhaustive check (V023) should find them.
    pub unreachable: Vec<String>,
    pub default_language: &'static str,
    /// The `format:` the file declares (1 or 2).
    pub format: u32,
    /// Every question, derived value, score, trigger and end condition, in
    /// the order of `Questionnaire::kept_parts`, with what the disclosure
    /// analysis should find (see [`Disclosure`]).
    pub parts: Vec<PartModel>,
}

impl fmt::Debug for Generated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "generated questionnaire:")?;
        f.write_str(&self.source)
    }
}

impl Generated {
    pub fn item(&self, id: &str) -> Option<&ItemModel> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Paths of the parts that are kept but reveal a conversation-only
    /// answer without saying so (V030 in format 1, V029 in format 2).
    pub fn undeclared(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .parts
            .iter()
            .filter(|p| p.kept && !p.stored)
            .map(|p| format!("{}.id", p.path))
            .collect();
        out.sort();
        out
    }

    /// Paths of the `reveals` that reveal nothing: on a part that reads no
    /// conversation-only answer, or on one that is itself not kept (V031).
    pub fn needless(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .parts
            .iter()
            .filter(|p| p.declared && (p.reveals.is_empty() || !p.kept))
            .map(|p| format!("{}.reveals", p.path))
            .collect();
        out.sort();
        out
    }
}

/// One part of a result as the disclosure analysis should see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartModel {
    /// `question`, `derived`, `score`, `trigger` or `end`.
    pub kind: &'static str,
    pub id: String,
    /// Where it is written, e.g. `sections[0].items[2]` or `triggers[1]`.
    pub path: String,
    /// Not `retention: conversation`.
    pub kept: bool,
    /// It says `reveals: { reason: ... }`.
    pub declared: bool,
    /// It is in the stored record: kept, and revealing nothing or saying so.
    pub stored: bool,
    /// Ids of the conversation-only items a reader of it learns about, in
    /// document order (for a question: through whether it is asked; a
    /// conversation-only question also reveals itself).
    pub reveals: Vec<String>,
}

// ---------------------------------------------------------------------
// Raw shapes, as drawn by proptest. Names are numbers, resolved later.

/// A condition whose names are still numbers.
#[derive(Debug, Clone)]
pub enum Cond {
    Atom { target: u16, form: u8, pick: u16 },
    Test { test: u8, target: u16 },
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Count(Vec<Cond>, u8),
}

/// A number expression: `count(...)` or arithmetic over numbers.
#[derive(Debug, Clone)]
pub struct NumRaw {
    form: u8,
    a: u16,
    b: u16,
    k: u8,
    conds: Vec<Cond>,
}

#[derive(Debug, Clone)]
struct ItemRaw {
    kind: Kind,
    weights: Vec<u8>,
    half_weights: bool,
    unweighted: bool,
    lo: i8,
    span: u8,
    bounds: u8,
    half_bounds: bool,
    integer: bool,
    yes_no_scores: Option<(u8, u8)>,
    max_length: Option<u32>,
    bits: u16,
    when: Option<Cond>,
}

impl ItemRaw {
    fn bit(&self, n: u16) -> bool {
        self.bits & (1 << n) != 0
    }
}

#[derive(Debug, Clone)]
enum TermRaw {
    Item(u16),
    Cond(Cond),
    Num(NumRaw),
}

#[derive(Debug, Clone)]
struct ScoreRaw {
    disclosure: u8,
    method: u8,
    terms: Vec<TermRaw>,
    min_answered: Option<u8>,
    declined_zero: bool,
    dont_know_zero: bool,
    bands: Option<(i8, Vec<u8>)>,
    label: bool,
}

#[derive(Debug, Clone)]
enum RuleRaw {
    Bool(Cond),
    Num(NumRaw),
    Cases(Vec<Cond>),
    Flags(Vec<Cond>),
}

#[derive(Debug, Clone)]
struct DerivedRaw {
    disclosure: u8,
    rule: RuleRaw,
    label: bool,
    case_labels: bool,
}

#[derive(Debug, Clone)]
struct TriggerRaw {
    disclosure: u8,
    when: Cond,
    urgency: u8,
    refer: u8,
}

#[derive(Debug, Clone)]
struct Raw {
    items: Vec<ItemRaw>,
    cuts: Vec<u16>,
    section_whens: Vec<Option<Cond>>,
    section_titles: u8,
    scores: Vec<ScoreRaw>,
    derived: Vec<DerivedRaw>,
    triggers: Vec<TriggerRaw>,
    ends: Vec<(Cond, u8)>,
    protected: Option<u16>,
    statistics: bool,
    /// `retention` and `reveals` of the statistics-only outputs.
    statistics_disclosure: u8,
    /// The format, and whether every disclosure is declared (`reveals`, or
    /// for outputs sometimes `retention: conversation`) on top of the
    /// random declarations: format 1 as drawn, format 1 declared, or
    /// format 2 declared.
    disclosure: u8,
    suggestions: u16,
    english: bool,
}

// ---------------------------------------------------------------------
// Strategies.

fn cond() -> impl Strategy<Value = Cond> {
    let leaf = prop_oneof![
        5 => (any::<u16>(), any::<u8>(), any::<u16>())
            .prop_map(|(target, form, pick)| Cond::Atom { target, form, pick }),
        1 => (any::<u8>(), any::<u16>()).prop_map(|(test, target)| Cond::Test { test, target }),
    ];
    leaf.prop_recursive(3, 10, 3, |inner| {
        prop_oneof![
            1 => inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
            2 => (inner.clone(), inner.clone()).prop_map(|(a, b)| Cond::And(Box::new(a), Box::new(b))),
            2 => (inner.clone(), inner.clone()).prop_map(|(a, b)| Cond::Or(Box::new(a), Box::new(b))),
            1 => (vec(inner, 1..4), any::<u8>()).prop_map(|(cs, k)| Cond::Count(cs, k)),
        ]
    })
}

prop_compose! {
    fn num_raw()(form in any::<u8>(), a in any::<u16>(), b in any::<u16>(), k in any::<u8>(),
                 conds in vec(cond(), 1..3)) -> NumRaw {
        NumRaw { form, a, b, k, conds }
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        1 => Just(Kind::Info),
        4 => Just(Kind::YesNo),
        4 => Just(Kind::Single),
        2 => Just(Kind::Multiple),
        2 => Just(Kind::Scale),
        2 => Just(Kind::Number),
        1 => Just(Kind::Text),
        1 => Just(Kind::Date),
    ]
}

prop_compose! {
    fn item_raw()(
        kind in kind(),
        weights in vec(0u8..4, 2..6),
        half_weights in prop::bool::weighted(0.15),
        unweighted in prop::bool::weighted(0.2),
        lo in -2i8..3,
        span in 1u8..9,
        bounds in 0u8..4,
        half_bounds in prop::bool::weighted(0.2),
        integer in any::<bool>(),
        yes_no_scores in option::weighted(0.3, (0u8..4, 0u8..3)),
        max_length in option::weighted(0.3, 3u32..40),
        bits in any::<u16>(),
        when in option::weighted(0.5, cond()),
    ) -> ItemRaw {
        ItemRaw { kind, weights, half_weights, unweighted, lo, span, bounds, half_bounds,
                  integer, yes_no_scores, max_length, bits, when }
    }
}

fn term_raw() -> impl Strategy<Value = TermRaw> {
    prop_oneof![
        4 => any::<u16>().prop_map(TermRaw::Item),
        1 => cond().prop_map(TermRaw::Cond),
        1 => num_raw().prop_map(TermRaw::Num),
    ]
}

prop_compose! {
    fn score_raw()(
        method in any::<u8>(),
        terms in vec(term_raw(), 1..5),
        min_answered in option::of(any::<u8>()),
        declined_zero in any::<bool>(),
        dont_know_zero in any::<bool>(),
        bands in option::weighted(0.7, (-2i8..3, vec(0u8..6, 1..5))),
        label in any::<bool>(),
        disclosure in any::<u8>(),
    ) -> ScoreRaw {
        ScoreRaw { disclosure, method, terms, min_answered, declined_zero, dont_know_zero, bands, label }
    }
}

fn rule_raw() -> impl Strategy<Value = RuleRaw> {
    prop_oneof![
        2 => cond().prop_map(RuleRaw::Bool),
        1 => num_raw().prop_map(RuleRaw::Num),
        2 => vec(cond(), 1..4).prop_map(RuleRaw::Cases),
        1 => vec(cond(), 1..4).prop_map(RuleRaw::Flags),
    ]
}

prop_compose! {
    fn derived_raw()(rule in rule_raw(), label in any::<bool>(), case_labels in any::<bool>(),
                     disclosure in any::<u8>()) -> DerivedRaw {
        DerivedRaw { disclosure, rule, label, case_labels }
    }
}

prop_compose! {
    fn trigger_raw()(when in cond(), urgency in any::<u8>(), refer in any::<u8>(),
                     disclosure in any::<u8>()) -> TriggerRaw {
        TriggerRaw { disclosure, when, urgency, refer }
    }
}

/// Whether generated questionnaires have a protected item.
#[derive(Debug, Clone, Copy)]
pub enum Protected {
    Sometimes,
    Always,
}

prop_compose! {
    fn raw(always_protected: bool)(
        items in vec(item_raw(), 1..13),
        cuts in vec(any::<u16>(), 0..4),
        section_whens in vec(option::weighted(0.35, cond()), 4),
        section_titles in any::<u8>(),
        scores in vec(score_raw(), 0..3),
        derived in vec(derived_raw(), 0..4),
        triggers in vec(trigger_raw(), 0..4),
        ends in vec((cond(), any::<u8>()), 0..3),
        protected in any::<u16>(),
        sometimes_protected in prop::bool::weighted(0.3),
        statistics in any::<bool>(),
        suggestions in any::<u16>(),
        english in any::<bool>(),
        statistics_disclosure in any::<u8>(),
        disclosure in any::<u8>(),
    ) -> Raw {
        let protected = (always_protected || sometimes_protected).then_some(protected);
        Raw { items, cuts, section_whens, section_titles, scores, derived, triggers, ends,
              protected, statistics, statistics_disclosure, disclosure, suggestions, english }
    }
}

/// Valid questionnaires, as YAML with the model they were built from.
pub fn questionnaire(protected: Protected) -> impl Strategy<Value = Generated> {
    raw(matches!(protected, Protected::Always)).prop_map(|r| build(&r))
}

// ---------------------------------------------------------------------
// Resolution.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sym {
    Item(usize),
    Derived(usize),
    Score(usize),
}

#[derive(Debug, Clone)]
enum Ty {
    Bool,
    Choice(Vec<String>),
    Set(Vec<String>),
    Num { lo: f64, hi: f64, integer: bool },
    Opaque,
    Info,
}

/// A number expression with resolved names.
#[derive(Debug, Clone)]
enum NumE {
    Sym(Sym),
    Add(Sym, Sym),
    Sub(Sym, Sym),
    MulK(Sym, f64),
    Div(Sym, Sym),
    Neg(Sym),
    Count(Vec<Rc>),
}

/// A condition with resolved names.
#[derive(Debug, Clone)]
enum Rc {
    Not(Box<Rc>),
    And(Box<Rc>, Box<Rc>),
    Or(Box<Rc>, Box<Rc>),
    Truthy(Sym),
    IsBool(Sym, bool, bool),
    SameBool(Sym, Sym, bool),
    IsOpt(Sym, String, bool),
    InOpts(Sym, Vec<String>),
    SameOpt(Sym, Sym, bool),
    Has(Sym, String),
    NumCmp(NumE, &'static str, f64),
    NumIn(Sym, Vec<f64>),
    State(&'static str, Sym),
    CountGe(Vec<Rc>, u32),
}

const CMP: [&str; 6] = [">=", "<", "==", "!=", "<=", ">"];

type Scope = Vec<(Sym, Ty)>;

fn num_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A constant near the range of a number, sometimes just outside it.
fn constant(lo: f64, hi: f64, integer: bool, pick: u16) -> f64 {
    let steps = u16::try_from((hi - lo).clamp(0.0, 200.0) as i64).unwrap_or(0) + 3;
    let k = lo - 1.0 + f64::from(pick % steps);
    if !integer && pick & 0x8000 != 0 {
        k + 0.5
    } else {
        k
    }
}

fn pick_from<T: Clone>(list: &[T], pick: usize) -> T {
    list[pick % list.len()].clone()
}

fn resolve(c: &Cond, scope: &Scope) -> Option<Rc> {
    if scope.is_empty() {
        return None;
    }
    Some(match c {
        Cond::Atom { target, form, pick } => atom(scope, *target, *form, *pick),
        Cond::Test { test, target } => {
            let (sym, ty) = &scope[*target as usize % scope.len()];
            match (sym, ty) {
                (Sym::Item(_), Ty::Info) => Rc::State("shown", *sym),
                (Sym::Item(_), _) => Rc::State(
                    ["answered", "declined", "dont_know", "shown"][*test as usize % 4],
                    *sym,
                ),
                _ => Rc::State("known", *sym),
            }
        }
        Cond::Not(a) => Rc::Not(Box::new(resolve(a, scope)?)),
        Cond::And(a, b) => Rc::And(Box::new(resolve(a, scope)?), Box::new(resolve(b, scope)?)),
        Cond::Or(a, b) => Rc::Or(Box::new(resolve(a, scope)?), Box::new(resolve(b, scope)?)),
        Cond::Count(cs, k) => {
            let cs: Vec<Rc> = cs.iter().filter_map(|c| resolve(c, scope)).collect();
            let k = u32::from(*k) % (cs.len() as u32 + 1);
            Rc::CountGe(cs, k)
        }
    })
}

fn atom(scope: &Scope, target: u16, form: u8, pick: u16) -> Rc {
    let (sym, ty) = &scope[target as usize % scope.len()];
    let sym = *sym;
    let p = pick as usize;
    match ty {
        Ty::Bool => match form % 6 {
            0 | 1 => Rc::IsBool(sym, p.is_multiple_of(2), form.is_multiple_of(6)),
            2 => Rc::Truthy(sym),
            3 => Rc::Not(Box::new(Rc::Truthy(sym))),
            _ => {
                let others: Vec<Sym> = scope
                    .iter()
                    .filter(|(_, t)| matches!(t, Ty::Bool))
                    .map(|(s, _)| *s)
                    .collect();
                Rc::SameBool(sym, pick_from(&others, p), form.is_multiple_of(2))
            }
        },
        Ty::Choice(values) => match form % 5 {
            0 | 1 => Rc::IsOpt(sym, pick_from(values, p), form.is_multiple_of(5)),
            2 => {
                let mut chosen: Vec<String> = values
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| p & (1 << i) != 0)
                    .map(|(_, v)| v.clone())
                    .collect();
                if chosen.is_empty() {
                    chosen.push(values[0].clone());
                }
                Rc::InOpts(sym, chosen)
            }
            _ => {
                let others: Vec<Sym> = scope
                    .iter()
                    .filter(|(_, t)| match t {
                        Ty::Choice(vs) => vs.iter().any(|v| values.contains(v)),
                        _ => false,
                    })
                    .map(|(s, _)| *s)
                    .collect();
                Rc::SameOpt(sym, pick_from(&others, p), form.is_multiple_of(2))
            }
        },
        Ty::Set(values) => {
            let has = Rc::Has(sym, pick_from(values, p));
            if form % 3 == 2 {
                Rc::Not(Box::new(has))
            } else {
                has
            }
        }
        Ty::Num { lo, hi, integer } => {
            let k = constant(*lo, *hi, *integer, pick);
            let op = CMP[p % CMP.len()];
            match form % 9 {
                0..=5 => Rc::NumCmp(NumE::Sym(sym), CMP[form as usize % 6], k),
                6 => Rc::NumIn(sym, vec![k.abs(), (k + 1.0).abs()]),
                _ => {
                    let others: Vec<Sym> = scope
                        .iter()
                        .filter(|(_, t)| matches!(t, Ty::Num { .. }))
                        .map(|(s, _)| *s)
                        .collect();
                    let other = pick_from(&others, p / 7);
                    let e = match (p / 3) % 5 {
                        0 => NumE::Add(sym, other),
                        1 => NumE::Sub(sym, other),
                        2 => NumE::MulK(sym, 0.5 * f64::from(form % 5)),
                        3 => NumE::Div(sym, other),
                        _ => NumE::Neg(sym),
                    };
                    Rc::NumCmp(e, op, k)
                }
            }
        }
        Ty::Opaque => Rc::State(
            if form.is_multiple_of(2) {
                "answered"
            } else {
                "shown"
            },
            sym,
        ),
        Ty::Info => Rc::State("shown", sym),
    }
}

fn num_expr(raw: &NumRaw, scope: &Scope) -> Option<NumE> {
    let nums: Vec<Sym> = scope
        .iter()
        .filter(|(_, t)| matches!(t, Ty::Num { .. }))
        .map(|(s, _)| *s)
        .collect();
    if nums.is_empty() || raw.form.is_multiple_of(6) {
        let cs: Vec<Rc> = raw.conds.iter().filter_map(|c| resolve(c, scope)).collect();
        return (!cs.is_empty()).then_some(NumE::Count(cs));
    }
    let a = pick_from(&nums, raw.a as usize);
    let b = pick_from(&nums, raw.b as usize);
    Some(match raw.form % 6 {
        1 => NumE::Add(a, b),
        2 => NumE::Sub(a, b),
        3 => NumE::MulK(a, f64::from(raw.k % 4) + 0.5),
        4 => NumE::Div(a, b),
        _ => NumE::Neg(a),
    })
}

/// Whether a number expression gives whole numbers only, as the engine
/// infers it for band checks: whole numbers under `+`, `-` and negation,
/// `count(...)`; a product with the generator's factors (`k + 0.5`) and a
/// quotient are not.
fn num_whole(e: &NumE, scope: &Scope) -> bool {
    let integer = |s: &Sym| {
        scope
            .iter()
            .any(|(x, t)| x == s && matches!(t, Ty::Num { integer: true, .. }))
    };
    match e {
        NumE::Sym(a) | NumE::Neg(a) => integer(a),
        NumE::Add(a, b) | NumE::Sub(a, b) => integer(a) && integer(b),
        NumE::MulK(..) | NumE::Div(..) => false,
        NumE::Count(_) => true,
    }
}

fn reads_num(e: &NumE, out: &mut Vec<Sym>) {
    match e {
        NumE::Sym(a) | NumE::MulK(a, _) | NumE::Neg(a) => out.push(*a),
        NumE::Add(a, b) | NumE::Sub(a, b) | NumE::Div(a, b) => out.extend([*a, *b]),
        NumE::Count(cs) => cs.iter().for_each(|c| reads(c, out)),
    }
}

fn reads(rc: &Rc, out: &mut Vec<Sym>) {
    match rc {
        Rc::Not(a) => reads(a, out),
        Rc::And(a, b) | Rc::Or(a, b) => {
            reads(a, out);
            reads(b, out);
        }
        Rc::Truthy(s)
        | Rc::IsBool(s, ..)
        | Rc::IsOpt(s, ..)
        | Rc::InOpts(s, _)
        | Rc::Has(s, _)
        | Rc::NumIn(s, _)
        | Rc::State(_, s) => out.push(*s),
        Rc::SameBool(a, b, _) | Rc::SameOpt(a, b, _) => out.extend([*a, *b]),
        Rc::NumCmp(e, ..) => reads_num(e, out),
        Rc::CountGe(cs, _) => cs.iter().for_each(|c| reads(c, out)),
    }
}

// ---------------------------------------------------------------------
// The never-true check (V023), independently of the engine: try every
// combination of states of the items a condition reads.

#[derive(Debug, Clone)]
enum St {
    Unanswered,
    Declined,
    DontKnow,
    Bool(bool),
    Opt(String),
    Opaque,
}

fn eval3(rc: &Rc, env: &dyn Fn(Sym) -> St) -> Option<bool> {
    let answered = |s: Sym| !matches!(env(s), St::Unanswered | St::Declined | St::DontKnow);
    match rc {
        Rc::Not(a) => eval3(a, env).map(|b| !b),
        Rc::And(a, b) => match (eval3(a, env), eval3(b, env)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        Rc::Or(a, b) => match (eval3(a, env), eval3(b, env)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        Rc::Truthy(s) => match env(*s) {
            St::Bool(b) => Some(b),
            _ => None,
        },
        Rc::IsBool(s, v, eq) => match env(*s) {
            St::Bool(b) => Some((b == *v) == *eq),
            _ => None,
        },
        Rc::SameBool(a, b, eq) => match (env(*a), env(*b)) {
            (St::Bool(x), St::Bool(y)) => Some((x == y) == *eq),
            _ => None,
        },
        Rc::IsOpt(s, v, eq) => match env(*s) {
            St::Opt(o) => Some((&o == v) == *eq),
            _ => None,
        },
        Rc::InOpts(s, vs) => match env(*s) {
            St::Opt(o) => Some(vs.contains(&o)),
            _ => None,
        },
        Rc::SameOpt(a, b, eq) => match (env(*a), env(*b)) {
            (St::Opt(x), St::Opt(y)) => Some((x == y) == *eq),
            _ => None,
        },
        Rc::State(test, s) => Some(match (*test, env(*s)) {
            ("answered", _) => answered(*s),
            ("declined", St::Declined) | ("dont_know", St::DontKnow) => true,
            ("shown", st) => !matches!(st, St::Unanswered),
            _ => false,
        }),
        Rc::CountGe(cs, k) => {
            let n = cs.iter().filter(|c| eval3(c, env) == Some(true)).count();
            Some(n >= *k as usize)
        }
        // Not reached: conditions that read these are not checked.
        Rc::Has(..) | Rc::NumCmp(..) | Rc::NumIn(..) => None,
    }
}

/// Whether the compiler's exhaustive check applies to `rc` and finds that
/// it can never hold.
fn never_true(rc: &Rc, items: &[ItemModel]) -> bool {
    let mut read = Vec::new();
    reads(rc, &mut read);
    let mut ids: Vec<usize> = Vec::new();
    for s in read {
        let Sym::Item(i) = s else { return false };
        if !ids.contains(&i) {
            ids.push(i);
        }
    }
    let mut domains: Vec<Vec<St>> = Vec::new();
    for &i in &ids {
        let mut d = vec![St::Unanswered, St::Declined, St::DontKnow];
        match items[i].kind {
            Kind::YesNo => d.extend([St::Bool(true), St::Bool(false)]),
            Kind::Single => d.extend(items[i].options.iter().cloned().map(St::Opt)),
            Kind::Text | Kind::Date | Kind::Info => d.push(St::Opaque),
            _ => return false,
        }
        domains.push(d);
    }
    let total = domains.iter().try_fold(1usize, |acc, d| {
        acc.checked_mul(d.len()).filter(|t| *t <= 4096)
    });
    let Some(total) = total else { return false };
    for n in 0..total {
        let mut rest = n;
        let chosen: Vec<St> = domains
            .iter()
            .map(|d| {
                let s = d[rest % d.len()].clone();
                rest /= d.len();
                s
            })
            .collect();
        let env = |s: Sym| match s {
            Sym::Item(i) => chosen[ids.iter().position(|x| *x == i).unwrap_or(0)].clone(),
            _ => St::Unanswered,
        };
        if eval3(rc, &env) == Some(true) {
            return false;
        }
    }
    true
}

// ---------------------------------------------------------------------
// The disclosure analysis, independently of the compiler, from the rules
// in its documentation: a part reveals the conversation-only items that
// reach it through what it reads; a question also through whether it is
// asked (its condition, its section's condition, and every end condition
// that can cut the interview before it); a conversation-only question
// reveals itself. A kept part that reveals something is stored only if it
// says `reveals`, and reading a stored part reveals nothing more. Sets of
// items are bits (at most 12 items); a memoised recursion over what each
// part reads replaces the compiler's schedule.

/// What each part reads.
struct Flow {
    /// Per item: what its own and its section's condition read.
    item_reads: Vec<Vec<Sym>>,
    end_reads: Vec<Vec<Sym>>,
    /// Per end condition: the first item it hides while it holds.
    end_cuts: Vec<usize>,
    derived_reads: Vec<Vec<Sym>>,
    score_reads: Vec<Vec<Sym>>,
    trigger_reads: Vec<Vec<Sym>>,
}

/// How a part is declared, and how an author who gives every disclosure a
/// declaration would give this one.
#[derive(Debug, Clone, Copy)]
struct Decl {
    /// `retention: conversation`.
    conversation: bool,
    /// `reveals: { reason: ... }`.
    reveals: bool,
    /// Fix an undeclared disclosure with `retention: conversation` rather
    /// than `reveals`.
    fix_by_retention: bool,
}

impl Decl {
    /// From random bits: each declaration one time in four; `output` for
    /// the parts that may be `retention: conversation`.
    fn of(bits: u8, output: bool) -> Decl {
        Decl {
            conversation: output && bits.is_multiple_of(4),
            reveals: (bits >> 2).is_multiple_of(4),
            fix_by_retention: output && bits & 0b1_0000 != 0,
        }
    }
}

/// Per part: what it reveals and whether it is stored.
type Found = (u32, bool);

struct Disclosure<'a> {
    flow: &'a Flow,
    conversation: Vec<bool>,
    info: Vec<bool>,
    /// Declare every disclosure (as the author of a format 2 file must).
    fix: bool,
    items: Vec<Decl>,
    derived: Vec<Decl>,
    scores: Vec<Decl>,
    triggers: Vec<Decl>,
    ends: Vec<Decl>,
    item_memo: Vec<Option<Found>>,
    derived_memo: Vec<Option<Found>>,
    score_memo: Vec<Option<Found>>,
    end_memo: Vec<Option<Found>>,
}

/// What the analysis found, by kind and index.
struct Findings {
    items: Vec<Found>,
    derived: Vec<Found>,
    scores: Vec<Found>,
    triggers: Vec<Found>,
    ends: Vec<Found>,
}

/// Whether a part with these declarations that reveals `reveals` is
/// stored; an author who fixes disclosures declares it first.
fn judge(reveals: u32, decl: &mut Decl, fix: bool) -> bool {
    if fix && reveals != 0 && !decl.conversation && !decl.reveals {
        if decl.fix_by_retention {
            decl.conversation = true;
        } else {
            decl.reveals = true;
        }
    }
    !decl.conversation && (reveals == 0 || decl.reveals)
}

impl Disclosure<'_> {
    fn run(&mut self) -> Findings {
        let flow = self.flow;
        Findings {
            items: (0..flow.item_reads.len()).map(|i| self.item(i)).collect(),
            derived: (0..flow.derived_reads.len())
                .map(|d| self.derived(d))
                .collect(),
            scores: (0..flow.score_reads.len()).map(|k| self.score(k)).collect(),
            triggers: (0..flow.trigger_reads.len())
                .map(|t| {
                    let reveals = self.reads(&flow.trigger_reads[t]);
                    (reveals, judge(reveals, &mut self.triggers[t], self.fix))
                })
                .collect(),
            ends: (0..flow.end_reads.len()).map(|e| self.end(e)).collect(),
        }
    }

    /// What a reader of these symbols learns.
    fn reads(&mut self, symbols: &[Sym]) -> u32 {
        let mut out = 0;
        for &s in symbols {
            let (reveals, stored) = match s {
                Sym::Item(i) => self.item(i),
                Sym::Derived(d) => self.derived(d),
                Sym::Score(k) => self.score(k),
            };
            if !stored {
                out |= reveals;
            }
        }
        out
    }

    fn item(&mut self, i: usize) -> Found {
        if let Some(found) = self.item_memo[i] {
            return found;
        }
        let flow = self.flow;
        let mut shown = self.reads(&flow.item_reads[i]);
        for e in 0..flow.end_cuts.len() {
            if flow.end_cuts[e] <= i {
                let (reveals, stored) = self.end(e);
                if !stored {
                    shown |= reveals;
                }
            }
        }
        let found = if self.conversation[i] {
            (shown | 1 << i, false)
        } else if self.info[i] {
            (shown, false)
        } else {
            (shown, judge(shown, &mut self.items[i], self.fix))
        };
        self.item_memo[i] = Some(found);
        found
    }

    fn derived(&mut self, d: usize) -> Found {
        if let Some(found) = self.derived_memo[d] {
            return found;
        }
        let reveals = self.reads(&self.flow.derived_reads[d]);
        let found = (reveals, judge(reveals, &mut self.derived[d], self.fix));
        self.derived_memo[d] = Some(found);
        found
    }

    fn score(&mut self, k: usize) -> Found {
        if let Some(found) = self.score_memo[k] {
            return found;
        }
        let reveals = self.reads(&self.flow.score_reads[k]);
        let found = (reveals, judge(reveals, &mut self.scores[k], self.fix));
        self.score_memo[k] = Some(found);
        found
    }

    fn end(&mut self, e: usize) -> Found {
        if let Some(found) = self.end_memo[e] {
            return found;
        }
        let reveals = self.reads(&self.flow.end_reads[e]);
        let found = (reveals, judge(reveals, &mut self.ends[e], self.fix));
        self.end_memo[e] = Some(found);
        found
    }
}

// ---------------------------------------------------------------------
// Building and writing.

fn texts(sv: &str, en: &str) -> String {
    format!("{{ sv: \"{sv}\", en: \"{en}\" }}")
}

struct Computed {
    ty: Ty,
    pos: usize,
    statistics: bool,
    /// What it reads, for the disclosure analysis.
    reads: Vec<Sym>,
    /// Random bits for its `retention` and `reveals` (see [`Decl::of`]).
    disclosure: u8,
}

struct Builder {
    items: Vec<ItemModel>,
    /// Picks the derived value an item's `suggested` names.
    suggestions: u16,
    derived: Vec<Computed>,
    scores: Vec<Computed>,
}

impl Builder {
    fn name(&self, s: Sym) -> String {
        match s {
            Sym::Item(i) => self.items[i].id.clone(),
            Sym::Derived(d) => format!("d{}", d + 1),
            Sym::Score(k) => format!("s{}", k + 1),
        }
    }

    fn item_ty(&self, i: usize) -> Ty {
        let item = &self.items[i];
        match item.kind {
            Kind::Info => Ty::Info,
            Kind::YesNo => Ty::Bool,
            Kind::Single => Ty::Choice(item.options.clone()),
            Kind::Multiple => Ty::Set(item.options.clone()),
            Kind::Scale | Kind::Number => Ty::Num {
                lo: item.min.unwrap_or(-10.0),
                hi: item.max.unwrap_or(100.0),
                integer: item.integer,
            },
            Kind::Text | Kind::Date => Ty::Opaque,
        }
    }

    /// Position of a symbol: one past the last item it is computed from.
    fn pos(&self, s: Sym) -> usize {
        match s {
            Sym::Item(i) => i + 1,
            Sym::Derived(d) => self.derived[d].pos,
            Sym::Score(k) => self.scores[k].pos,
        }
    }

    fn pos_of(&self, rc_reads: &[Sym]) -> usize {
        rc_reads.iter().map(|s| self.pos(*s)).max().unwrap_or(0)
    }

    /// What a condition at item position `at` may read (all items for
    /// `usize::MAX`); never the protected item or statistics-only values.
    fn scope(&self, at: usize, computed: bool) -> Scope {
        let mut out: Scope = (0..self.items.len().min(at))
            .filter(|&i| !self.items[i].protected && self.items[i].kind != Kind::Info)
            .map(|i| (Sym::Item(i), self.item_ty(i)))
            .collect();
        if computed {
            for (d, c) in self.derived.iter().enumerate() {
                if !c.statistics && c.pos <= at {
                    out.push((Sym::Derived(d), c.ty.clone()));
                }
            }
            for (k, c) in self.scores.iter().enumerate() {
                if !c.statistics && c.pos <= at {
                    out.push((Sym::Score(k), c.ty.clone()));
                }
            }
        }
        out
    }

    fn num(&self, e: &NumE) -> String {
        match e {
            NumE::Sym(a) => self.name(*a),
            NumE::Add(a, b) => format!("{} + {}", self.name(*a), self.name(*b)),
            NumE::Sub(a, b) => format!("{} - {}", self.name(*a), self.name(*b)),
            NumE::MulK(a, k) => format!("{} * {}", self.name(*a), num_text(*k)),
            NumE::Div(a, b) => format!("{} / {}", self.name(*a), self.name(*b)),
            NumE::Neg(a) => format!("-{}", self.name(*a)),
            NumE::Count(cs) => {
                let args: Vec<String> = cs.iter().map(|c| self.expr(c)).collect();
                format!("count({})", args.join(", "))
            }
        }
    }

    fn expr(&self, rc: &Rc) -> String {
        let eq = |e: bool| if e { "==" } else { "!=" };
        match rc {
            Rc::Not(a) => format!("!({})", self.expr(a)),
            Rc::And(a, b) => format!("({} && {})", self.expr(a), self.expr(b)),
            Rc::Or(a, b) => format!("({} || {})", self.expr(a), self.expr(b)),
            Rc::Truthy(s) => self.name(*s),
            Rc::IsBool(s, v, e) => format!("{} {} {v}", self.name(*s), eq(*e)),
            Rc::SameBool(a, b, e) | Rc::SameOpt(a, b, e) => {
                format!("{} {} {}", self.name(*a), eq(*e), self.name(*b))
            }
            Rc::IsOpt(s, v, e) => format!("{} {} \"{v}\"", self.name(*s), eq(*e)),
            Rc::InOpts(s, vs) => {
                let list: Vec<String> = vs.iter().map(|v| format!("\"{v}\"")).collect();
                format!("{} in [{}]", self.name(*s), list.join(", "))
            }
            Rc::Has(s, v) => format!("\"{v}\" in {}", self.name(*s)),
            Rc::NumCmp(e, op, k) => format!("{} {op} {}", self.num(e), num_text(*k)),
            Rc::NumIn(s, ks) => {
                let list: Vec<String> = ks.iter().map(|k| num_text(*k)).collect();
                format!("{} in [{}]", self.name(*s), list.join(", "))
            }
            Rc::State(f, s) => format!("{f}({})", self.name(*s)),
            Rc::CountGe(cs, k) => {
                let args: Vec<String> = cs.iter().map(|c| self.expr(c)).collect();
                format!("count({}) >= {k}", args.join(", "))
            }
        }
    }
}

fn item_model(i: usize, r: &ItemRaw) -> ItemModel {
    let n_options = r.weights.len();
    let (mut min, mut max) = (None, None);
    let lo = f64::from(r.lo) + if r.half_bounds { 0.5 } else { 0.0 };
    let hi = lo + f64::from(r.span);
    match r.kind {
        Kind::Scale => {
            min = Some(f64::from(r.lo));
            max = Some(f64::from(r.lo) + f64::from(r.span));
        }
        Kind::Number => {
            if r.bounds & 1 != 0 {
                min = Some(lo);
            }
            if r.bounds & 2 != 0 {
                max = Some(hi);
            }
        }
        _ => {}
    }
    let info = r.kind == Kind::Info;
    let conversation = !info && r.bit(5) && r.bit(9);
    ItemModel {
        id: format!("q{}", i + 1),
        kind: r.kind,
        options: if matches!(r.kind, Kind::Single | Kind::Multiple) {
            (0..n_options).map(|o| format!("o{o}")).collect()
        } else {
            Vec::new()
        },
        min,
        max,
        integer: r.kind == Kind::Scale || (r.kind == Kind::Number && r.integer),
        max_length: r.max_length.map_or(2000, |m| m as usize),
        required: info || !(r.bit(1) && r.bit(2)),
        allow_decline: !info && r.bit(3),
        allow_dont_know: !info && r.bit(4),
        protected: false,
        conversation,
        // Not on a conversation-only question: the compiler does not warn
        // about that one (see `disclosure::reveals_on_a_conversation_only_question_is_needless`).
        reveals: !(info || conversation) && r.bit(12) && r.bit(13),
    }
}

/// Whether an item can be a score term, and whether its weights are whole.
fn scoreable(item: &ItemModel, raw: &ItemRaw) -> Option<bool> {
    match item.kind {
        Kind::YesNo | Kind::Scale => Some(true),
        Kind::Single | Kind::Multiple if !raw.unweighted => Some(!raw.half_weights),
        Kind::Number => Some(item.integer),
        _ => None,
    }
}

fn option_weight(raw: &ItemRaw, o: usize) -> f64 {
    f64::from(raw.weights[o]) + if raw.half_weights { 0.5 } else { 0.0 }
}

struct ScoreOut {
    id: String,
    yaml: String,
}

/// Resolves and writes one score, with what it reads; `None` when it has
/// no terms.
fn build_score(
    b: &Builder,
    raws: &[ItemRaw],
    s: &ScoreRaw,
    id: &str,
) -> Option<(ScoreOut, Vec<Sym>)> {
    let all = b.scope(usize::MAX, false);
    let scoreable_items: Vec<(usize, bool)> = b
        .items
        .iter()
        .enumerate()
        .filter(|(_, it)| !it.protected)
        .filter_map(|(i, it)| scoreable(it, &raws[i]).map(|whole| (i, whole)))
        .collect();
    let mut terms: Vec<String> = Vec::new();
    let mut reads_all: Vec<Sym> = Vec::new();
    let mut integral = true;
    for t in &s.terms {
        let (text, whole, read) = match t {
            TermRaw::Item(p) if !scoreable_items.is_empty() => {
                let (i, whole) = pick_from(&scoreable_items, *p as usize);
                (b.name(Sym::Item(i)), whole, vec![Sym::Item(i)])
            }
            TermRaw::Item(_) => continue,
            TermRaw::Cond(c) => {
                let Some(mut rc) = resolve(c, &all) else {
                    continue;
                };
                // A bare id would be an item term, not an expression.
                if let Rc::Truthy(s) = rc {
                    rc = Rc::IsBool(s, true, true);
                }
                let mut read = Vec::new();
                reads(&rc, &mut read);
                // A condition counts as 1 or 0: a whole number.
                (b.expr(&rc), true, read)
            }
            TermRaw::Num(n) => {
                let Some(e) = num_expr(n, &all) else { continue };
                let mut read = Vec::new();
                reads_num(&e, &mut read);
                let whole = num_whole(&e, &all);
                (b.num(&e), whole, read)
            }
        };
        if terms.contains(&text) {
            continue;
        }
        terms.push(text);
        integral &= whole;
        reads_all.extend(read);
    }
    if terms.is_empty() {
        return None;
    }
    let method = ["sum", "count", "mean", "min", "max"][s.method as usize % 5];
    let integral = method == "count" || (method != "mean" && integral);
    let mut y = String::new();
    writeln!(y, "  - id: {id}").unwrap();
    if s.label {
        writeln!(
            y,
            "    label: {}",
            texts(&format!("Poäng {id}"), &format!("Score {id}"))
        )
        .unwrap();
    }
    writeln!(y, "    method: {method}").unwrap();
    writeln!(y, "    over:").unwrap();
    for t in &terms {
        writeln!(y, "      - '{t}'").unwrap();
    }
    if let Some(m) = s.min_answered {
        writeln!(
            y,
            "    min_answered: {}",
            usize::from(m) % (terms.len() + 1)
        )
        .unwrap();
    }
    if s.declined_zero {
        writeln!(y, "    declined: zero").unwrap();
    }
    if s.dont_know_zero {
        writeln!(y, "    dont_know: zero").unwrap();
    } else if s.method & 0x80 != 0 {
        writeln!(y, "    dont_know: missing").unwrap();
    }
    if let Some((start, widths)) = &s.bands {
        writeln!(y, "    bands:").unwrap();
        let mut at = f64::from(*start);
        for (n, w) in widths.iter().enumerate() {
            let (lo, hi) = if integral {
                let hi = at + f64::from(*w);
                let band = (at, hi);
                at = hi + 1.0;
                band
            } else {
                let hi = at + f64::from(*w) / 2.0;
                let band = (at, hi);
                at = hi;
                band
            };
            writeln!(
                y,
                "      - {{ id: b{n}, min: {}, max: {}, label: {} }}",
                num_text(lo),
                num_text(hi),
                texts(&format!("Nivå {n}"), &format!("Level {n}"))
            )
            .unwrap();
        }
    }
    Some((
        ScoreOut {
            id: id.to_owned(),
            yaml: y,
        },
        reads_all,
    ))
}

fn build(r: &Raw) -> Generated {
    let mut raws = r.items.clone();
    let n = raws.len();
    let protected = r.protected.map(|p| {
        let i = p as usize % n;
        // A protected item has a fixed list of answers (V026 otherwise).
        if !matches!(raws[i].kind, Kind::YesNo | Kind::Single | Kind::Multiple) {
            raws[i].kind = Kind::YesNo;
        }
        i
    });
    let mut items: Vec<ItemModel> = raws
        .iter()
        .enumerate()
        .map(|(i, raw)| item_model(i, raw))
        .collect();
    if let Some(p) = protected {
        items[p].protected = true;
    }
    let mut b = Builder {
        items,
        suggestions: r.suggestions,
        derived: Vec::new(),
        scores: Vec::new(),
    };

    // Scores read items only, so derived values may read any score.
    let mut score_yaml: Vec<ScoreOut> = Vec::new();
    for s in &r.scores {
        let id = format!("s{}", b.scores.len() + 1);
        if let Some((out, reads)) = build_score(&b, &raws, s, &id) {
            b.scores.push(Computed {
                ty: Ty::Num {
                    lo: 0.0,
                    hi: 10.0,
                    integer: false,
                },
                pos: b.pos_of(&reads),
                statistics: false,
                reads,
                disclosure: s.disclosure,
            });
            score_yaml.push(out);
        }
    }

    // Derived values read items, scores and earlier derived values.
    let mut derived_yaml: Vec<(String, String)> = Vec::new();
    for d in &r.derived {
        let scope = b.scope(usize::MAX, true);
        let id = format!("d{}", b.derived.len() + 1);
        let mut y = String::new();
        writeln!(y, "  - id: {id}").unwrap();
        if d.label {
            writeln!(
                y,
                "    label: {}",
                texts(&format!("Värde {id}"), &format!("Value {id}"))
            )
            .unwrap();
        }
        let mut read = Vec::new();
        let ty = match &d.rule {
            RuleRaw::Bool(c) => {
                let Some(rc) = resolve(c, &scope) else {
                    continue;
                };
                reads(&rc, &mut read);
                writeln!(y, "    value: '{}'", b.expr(&rc)).unwrap();
                Ty::Bool
            }
            RuleRaw::Num(nr) => {
                let Some(e) = num_expr(nr, &scope) else {
                    continue;
                };
                reads_num(&e, &mut read);
                writeln!(y, "    value: '{}'", b.num(&e)).unwrap();
                Ty::Num {
                    lo: 0.0,
                    hi: 10.0,
                    integer: false,
                }
            }
            RuleRaw::Cases(cs) | RuleRaw::Flags(cs) => {
                let rcs: Vec<Rc> = cs.iter().filter_map(|c| resolve(c, &scope)).collect();
                if rcs.is_empty() {
                    continue;
                }
                let flags = matches!(d.rule, RuleRaw::Flags(_));
                writeln!(y, "    {}:", if flags { "flags" } else { "cases" }).unwrap();
                let mut values = Vec::new();
                for (n, rc) in rcs.iter().enumerate() {
                    reads(rc, &mut read);
                    let label = if d.case_labels {
                        format!(
                            ", label: {}",
                            texts(&format!("Fall {n}"), &format!("Case {n}"))
                        )
                    } else {
                        String::new()
                    };
                    writeln!(
                        y,
                        "      - {{ value: c{n}, when: '{}'{label} }}",
                        b.expr(rc)
                    )
                    .unwrap();
                    values.push(format!("c{n}"));
                }
                if flags {
                    Ty::Set(values)
                } else {
                    Ty::Choice(values)
                }
            }
        };
        let pos = b.pos_of(&read);
        b.derived.push(Computed {
            ty,
            pos,
            statistics: false,
            reads: read,
            disclosure: d.disclosure,
        });
        derived_yaml.push((id, y));
    }

    // Outputs kept for statistics may read the protected item.
    let mut statistics_outputs = Vec::new();
    if let (Some(p), true) = (protected, r.statistics) {
        let pid = b.items[p].id.clone();
        let first = match b.items[p].kind {
            Kind::YesNo => Some(format!("answered({pid}) && {pid} == true")),
            Kind::Single => Some(format!("answered({pid}) && {pid} == \"o0\"")),
            Kind::Multiple => Some(format!("answered({pid}) && \"o0\" in {pid}")),
            Kind::Scale | Kind::Number => Some(format!("answered({pid}) && {pid} >= 1")),
            _ => None,
        };
        let id = format!("d{}", b.derived.len() + 1);
        let mut y = String::new();
        writeln!(y, "  - id: {id}").unwrap();
        writeln!(y, "    label: {}", texts("Fördelning", "Distribution")).unwrap();
        writeln!(
            y,
            "    statistics_only: {{ justification: \"distribution of needs by group, for the yearly equality report\" }}"
        )
        .unwrap();
        writeln!(y, "    cases:").unwrap();
        if let Some(first) = first {
            writeln!(y, "      - {{ value: first, when: '{first}' }}").unwrap();
        }
        writeln!(y, "      - {{ value: other, when: 'answered({pid})' }}").unwrap();
        writeln!(y, "      - {{ value: declined, when: 'declined({pid})' }}").unwrap();
        writeln!(y, "      - {{ value: none, when: '!answered({pid})' }}").unwrap();
        b.derived.push(Computed {
            ty: Ty::Choice(vec!["first".into(), "other".into()]),
            pos: p + 1,
            statistics: true,
            reads: vec![Sym::Item(p)],
            disclosure: r.statistics_disclosure,
        });
        statistics_outputs.push(("derived", id.clone()));
        derived_yaml.push((id, y));
        if scoreable(&b.items[p], &raws[p]).is_some() {
            let id = format!("s{}", b.scores.len() + 1);
            let mut y = String::new();
            writeln!(y, "  - id: {id}").unwrap();
            writeln!(
                y,
                "    statistics_only: {{ justification: \"how the protected attribute is spread, for the steering group\" }}"
            )
            .unwrap();
            writeln!(y, "    method: sum").unwrap();
            writeln!(y, "    over: [{pid}]").unwrap();
            b.scores.push(Computed {
                ty: Ty::Num {
                    lo: 0.0,
                    hi: 10.0,
                    integer: false,
                },
                pos: p + 1,
                statistics: true,
                reads: vec![Sym::Item(p)],
                disclosure: r.statistics_disclosure.rotate_left(3),
            });
            statistics_outputs.push(("score", id.clone()));
            score_yaml.push(ScoreOut { id, yaml: y });
        }
    }

    // Sections: cut the items into up to four runs.
    let mut cuts: Vec<usize> = if n > 1 {
        r.cuts.iter().map(|c| 1 + *c as usize % (n - 1)).collect()
    } else {
        Vec::new()
    };
    cuts.sort_unstable();
    cuts.dedup();
    let mut starts = vec![0];
    starts.extend(cuts);
    let default_language = if r.english { "en" } else { "sv" };

    // Every condition is resolved before anything is written: the
    // disclosure analysis needs what each one reads.
    let mut unreachable = Vec::new();
    let mut section_of = vec![0; n];
    let mut local_of = vec![0; n];
    let mut section_whens: Vec<Option<Rc>> = Vec::new();
    for (s, &start) in starts.iter().enumerate() {
        let end = starts.get(s + 1).copied().unwrap_or(n);
        let when = r.section_whens[s % r.section_whens.len()]
            .as_ref()
            .and_then(|c| resolve(c, &b.scope(start, true)));
        if when.as_ref().is_some_and(|rc| never_true(rc, &b.items)) {
            unreachable.push(format!("sections[{s}].when"));
        }
        section_whens.push(when);
        for i in start..end {
            section_of[i] = s;
            local_of[i] = i - start;
        }
    }
    let item_whens: Vec<Option<Rc>> = raws
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let when = raw
                .when
                .as_ref()
                .and_then(|c| resolve(c, &b.scope(i, true)));
            if when.as_ref().is_some_and(|rc| never_true(rc, &b.items)) {
                unreachable.push(format!(
                    "sections[{}].items[{}].when",
                    section_of[i], local_of[i]
                ));
            }
            when
        })
        .collect();
    let all = b.scope(usize::MAX, true);
    let triggers: Vec<(Rc, &TriggerRaw)> = r
        .triggers
        .iter()
        .filter_map(|t| Some((resolve(&t.when, &all)?, t)))
        .collect();
    let ends: Vec<(Rc, u8)> = r
        .ends
        .iter()
        .filter_map(|(c, bits)| Some((resolve(c, &all)?, *bits)))
        .collect();

    // The disclosure analysis decides where `reveals` (or, when the author
    // fixes every disclosure, `retention: conversation`) is written.
    let read = |rc: Option<&Rc>| {
        let mut out = Vec::new();
        if let Some(rc) = rc {
            reads(rc, &mut out);
        }
        out
    };
    let flow = Flow {
        item_reads: (0..n)
            .map(|i| {
                let mut out = read(item_whens[i].as_ref());
                out.extend(read(section_whens[section_of[i]].as_ref()));
                out
            })
            .collect(),
        end_reads: ends.iter().map(|(rc, _)| read(Some(rc))).collect(),
        end_cuts: ends
            .iter()
            .map(|(rc, _)| b.pos_of(&read(Some(rc))))
            .collect(),
        derived_reads: b.derived.iter().map(|c| c.reads.clone()).collect(),
        score_reads: b.scores.iter().map(|c| c.reads.clone()).collect(),
        trigger_reads: triggers.iter().map(|(rc, _)| read(Some(rc))).collect(),
    };
    let (format, fix) = match r.disclosure % 3 {
        0 => (1, false),
        1 => (1, true),
        _ => (2, true),
    };
    let mut analysis = Disclosure {
        flow: &flow,
        conversation: b.items.iter().map(|it| it.conversation).collect(),
        info: b.items.iter().map(|it| it.kind == Kind::Info).collect(),
        fix,
        items: b
            .items
            .iter()
            .map(|it| Decl {
                conversation: false,
                reveals: it.reveals,
                fix_by_retention: false,
            })
            .collect(),
        derived: b
            .derived
            .iter()
            .map(|c| Decl::of(c.disclosure, true))
            .collect(),
        scores: b
            .scores
            .iter()
            .map(|c| Decl::of(c.disclosure, true))
            .collect(),
        triggers: triggers
            .iter()
            .map(|(_, t)| Decl::of(t.disclosure, true))
            .collect(),
        ends: ends
            .iter()
            .map(|(_, bits)| Decl::of(*bits, false))
            .collect(),
        item_memo: vec![None; n],
        derived_memo: vec![None; b.derived.len()],
        score_memo: vec![None; b.scores.len()],
        end_memo: vec![None; ends.len()],
    };
    let found = analysis.run();
    for (item, decl) in b.items.iter_mut().zip(&analysis.items) {
        item.reveals = decl.reveals;
    }
    let mut parts = Vec::new();
    for (i, item) in b.items.iter().enumerate() {
        if item.kind != Kind::Info {
            let (reveals, stored) = found.items[i];
            parts.push(PartModel {
                kind: "question",
                id: item.id.clone(),
                path: format!("sections[{}].items[{}]", section_of[i], local_of[i]),
                kept: !item.conversation,
                declared: item.reveals,
                stored,
                reveals: ids_of(&b.items, reveals),
            });
        }
    }
    let outputs = [
        ("derived", "d", "derived", &analysis.derived, &found.derived),
        ("score", "s", "scores", &analysis.scores, &found.scores),
        (
            "trigger",
            "t",
            "triggers",
            &analysis.triggers,
            &found.triggers,
        ),
        ("end", "e", "end", &analysis.ends, &found.ends),
    ];
    for (kind, prefix, list, decls, found) in outputs {
        for (k, (decl, &(reveals, stored))) in decls.iter().zip(found).enumerate() {
            parts.push(PartModel {
                kind,
                id: format!("{prefix}{}", k + 1),
                path: format!("{list}[{k}]"),
                kept: !decl.conversation,
                declared: decl.reveals,
                stored,
                reveals: ids_of(&b.items, reveals),
            });
        }
    }
    let declare = |y: &mut String, indent: &str, decl: &Decl, k: usize| {
        if decl.conversation {
            writeln!(y, "{indent}retention: conversation").unwrap();
        }
        if decl.reveals {
            writeln!(y, "{indent}reveals: {{ reason: \"{}\" }}", reason(k)).unwrap();
        }
    };
    for (d, decl) in analysis.derived.iter().enumerate() {
        declare(&mut derived_yaml[d].1, "    ", decl, d);
    }
    for (k, decl) in analysis.scores.iter().enumerate() {
        declare(&mut score_yaml[k].yaml, "    ", decl, k);
    }

    let mut y = String::new();
    writeln!(
        y,
        "# yaml-language-server: $schema=../../schema/questionnaire.schema.json"
    )
    .unwrap();
    writeln!(y, "format: {format}").unwrap();
    writeln!(y, "id: generated").unwrap();
    writeln!(y, "version: 1.0.0").unwrap();
    writeln!(
        y,
        "title: {}",
        texts("Genererat formulär", "Generated questionnaire")
    )
    .unwrap();
    writeln!(y, "languages: [sv, en]").unwrap();
    writeln!(y, "default_language: {default_language}").unwrap();
    writeln!(y, "sections:").unwrap();
    for (s, &start) in starts.iter().enumerate() {
        let end = starts.get(s + 1).copied().unwrap_or(n);
        writeln!(y, "  - id: part{}", s + 1).unwrap();
        if r.section_titles & (1 << s) != 0 {
            writeln!(
                y,
                "    title: {}",
                texts(&format!("Del {}", s + 1), &format!("Part {}", s + 1))
            )
            .unwrap();
        }
        if let Some(rc) = &section_whens[s] {
            writeln!(y, "    when: '{}'", b.expr(rc)).unwrap();
        }
        writeln!(y, "    items:").unwrap();
        for i in start..end {
            write_item(&mut y, &b, &raws[i], i, item_whens[i].as_ref());
        }
    }
    if !derived_yaml.is_empty() {
        writeln!(y, "derived:").unwrap();
        for (_, d) in &derived_yaml {
            y.push_str(d);
        }
    }
    if !score_yaml.is_empty() {
        writeln!(y, "scores:").unwrap();
        for s in &score_yaml {
            y.push_str(&s.yaml);
        }
    }
    let mut trigger_ids = Vec::new();
    if !triggers.is_empty() {
        writeln!(y, "triggers:").unwrap();
    }
    for (k, (rc, t)) in triggers.iter().enumerate() {
        let id = format!("t{}", k + 1);
        let urgency = ["immediate", "soon", "routine"][t.urgency as usize % 3];
        let refer = [
            "social-services",
            "health-care",
            "employment-service",
            "housing-support",
        ][t.refer as usize % 4];
        writeln!(y, "  - id: {id}").unwrap();
        writeln!(y, "    when: '{}'", b.expr(rc)).unwrap();
        writeln!(y, "    urgency: {urgency}").unwrap();
        writeln!(y, "    refer_to: {refer}").unwrap();
        writeln!(
            y,
            "    text: {}",
            texts(
                &format!("Hänvisa enligt {id}."),
                &format!("Refer as {id} says.")
            )
        )
        .unwrap();
        declare(&mut y, "    ", &analysis.triggers[k], k);
        trigger_ids.push(id);
    }
    let mut end_cuts = Vec::new();
    if !ends.is_empty() {
        writeln!(y, "end:").unwrap();
    }
    for (e, (rc, _)) in ends.iter().enumerate() {
        end_cuts.push((format!("e{}", e + 1), flow.end_cuts[e]));
        writeln!(y, "  - id: e{}", e + 1).unwrap();
        writeln!(y, "    when: '{}'", b.expr(rc)).unwrap();
        writeln!(
            y,
            "    text: {}",
            texts("Intervjun slutar här.", "The interview ends here.")
        )
        .unwrap();
        declare(&mut y, "    ", &analysis.ends[e], e);
    }
    unreachable.sort();
    let mut score_ids: Vec<String> = score_yaml.iter().map(|s| s.id.clone()).collect();
    score_ids.sort_by_key(|id| id[1..].parse::<usize>().unwrap_or(0));
    Generated {
        source: y,
        items: b.items,
        protected,
        derived_ids: derived_yaml.into_iter().map(|(id, _)| id).collect(),
        score_ids,
        trigger_ids,
        ends: end_cuts,
        statistics_outputs,
        unreachable,
        default_language,
        format,
        parts,
    }
}

/// A reason for a `reveals`, some with characters YAML and JSON escape.
fn reason(k: usize) -> &'static str {
    [
        "the referral is the support agreed on with the person",
        "överenskommet med personen: stödet bygger på svaret",
        "agreed at the start: the follow-up is what was asked for",
    ][k % 3]
}

/// Ids of the items in a set of item bits, in document order.
fn ids_of(items: &[ItemModel], set: u32) -> Vec<String> {
    (0..items.len())
        .filter(|&i| set & (1 << i) != 0)
        .map(|i| items[i].id.clone())
        .collect()
}

fn write_item(y: &mut String, b: &Builder, r: &ItemRaw, i: usize, when: Option<&Rc>) {
    let item = &b.items[i];
    let id = &item.id;
    let n = i + 1;
    writeln!(y, "      - id: {id}").unwrap();
    writeln!(y, "        kind: {}", item.kind.yaml()).unwrap();
    writeln!(
        y,
        "        text: {}",
        texts(
            &format!("Fråga {n}: hur är det?"),
            &format!("Question {n}: how is it?")
        )
    )
    .unwrap();
    if r.bit(0) {
        writeln!(
            y,
            "        help: {}",
            texts(&format!("Hjälp till {n}"), &format!("Help for {n}"))
        )
        .unwrap();
    }
    if let Some(rc) = when {
        writeln!(y, "        when: '{}'", b.expr(rc)).unwrap();
    }
    if item.kind == Kind::Info {
        return;
    }
    if r.bit(6) {
        writeln!(y, "        answered_by: practitioner").unwrap();
    }
    if !item.required {
        writeln!(y, "        required: false").unwrap();
    } else if r.bit(10) {
        writeln!(y, "        required: true").unwrap();
    }
    if item.allow_decline {
        writeln!(y, "        allow_decline: true").unwrap();
    }
    if item.allow_dont_know {
        writeln!(y, "        allow_dont_know: true").unwrap();
    }
    if item.protected {
        writeln!(y, "        protected: true").unwrap();
    }
    if item.conversation {
        writeln!(y, "        retention: conversation").unwrap();
    }
    if item.reveals {
        writeln!(y, "        reveals: {{ reason: \"{}\" }}", reason(i)).unwrap();
    }
    // A suggestion from a derived value of the right type, computed from
    // earlier items only.
    if r.bit(11) && !item.protected {
        let fits = |c: &Computed| match item.kind {
            Kind::YesNo => matches!(c.ty, Ty::Bool),
            Kind::Scale | Kind::Number => matches!(c.ty, Ty::Num { .. }),
            _ => false,
        };
        let candidates: Vec<usize> = (0..b.derived.len())
            .filter(|&d| !b.derived[d].statistics && b.derived[d].pos <= i && fits(&b.derived[d]))
            .collect();
        if !candidates.is_empty() {
            let d = pick_from(&candidates, usize::from(b.suggestions) + i);
            writeln!(y, "        suggested: {}", b.name(Sym::Derived(d))).unwrap();
        }
    }
    match item.kind {
        Kind::YesNo => {
            if let Some((yes, no)) = r.yes_no_scores {
                writeln!(y, "        scores: {{ yes: {yes}, no: {no} }}").unwrap();
            }
        }
        Kind::Single | Kind::Multiple => {
            writeln!(y, "        options:").unwrap();
            for (o, value) in item.options.iter().enumerate() {
                let score = if r.unweighted {
                    String::new()
                } else {
                    format!(", score: {}", num_text(option_weight(r, o)))
                };
                writeln!(
                    y,
                    "          - {{ value: {value}, label: {}{score} }}",
                    texts(&format!("Svar {o}"), &format!("Answer {o}"))
                )
                .unwrap();
            }
        }
        Kind::Scale => {
            let (lo, hi) = (item.min.unwrap_or(0.0), item.max.unwrap_or(1.0));
            writeln!(y, "        min: {}", num_text(lo)).unwrap();
            writeln!(y, "        max: {}", num_text(hi)).unwrap();
            if r.bit(7) {
                writeln!(y, "        labels:").unwrap();
                for (v, sv, en) in [(lo, "Inte alls", "Not at all"), (hi, "Mycket", "Very much")] {
                    writeln!(
                        y,
                        "          - {{ value: {}, label: {} }}",
                        num_text(v),
                        texts(sv, en)
                    )
                    .unwrap();
                }
            }
        }
        Kind::Number => {
            if let Some(lo) = item.min {
                writeln!(y, "        min: {}", num_text(lo)).unwrap();
            }
            if let Some(hi) = item.max {
                writeln!(y, "        max: {}", num_text(hi)).unwrap();
            }
            if r.integer {
                writeln!(y, "        integer: true").unwrap();
            }
            if r.bit(8) {
                writeln!(y, "        unit: {}", texts("timmar", "hours")).unwrap();
            }
        }
        Kind::Text => {
            if let Some(m) = r.max_length {
                writeln!(y, "        max_length: {m}").unwrap();
            }
        }
        Kind::Info | Kind::Date => {}
    }
}
