//! Name resolution and type checking: syntax tree → resolved expression.
//!
//! All problems in one expression are reported, each with the span of the
//! text it concerns; the compiler turns spans into file positions.

use super::ast::{Ast, AstKind, BinaryOp, Span, UnaryOp};
use super::typed::{Arith, Cmp, Domain, Expr, Rounding, StateTest, Symbol, Ty, Val};
use crate::diagnostic::{Code, did_you_mean};
use crate::suggest::suggestions_left;

/// What names mean where an expression is checked.
pub(crate) trait Scope {
    /// Resolves a name.
    fn lookup(&self, name: &str) -> Option<Symbol>;
    /// The type a symbol evaluates to; `None` when its definition had
    /// errors already reported, so they do not cascade.
    fn ty(&self, symbol: Symbol) -> Option<Ty>;
    /// The values of a choice domain, by index.
    fn domain(&self, domain: Domain) -> &[String];
    /// A hint about a name that does not resolve, when the scope knows
    /// more than "unknown" (e.g. it names an information text).
    fn note(&self, name: &str) -> Option<String> {
        let _ = name;
        None
    }
    /// The weights of an item's answers as a score term counts them: a
    /// yes/no's no and yes, each option's `score` (`None` where an option
    /// has none); empty for other kinds.
    fn weights(&self, item: u32) -> Vec<Option<f64>>;
    /// Names offered by "did you mean".
    fn names(&self) -> Vec<&str>;
    /// What the symbol is, for messages: "yes/no item `alone`".
    fn describe(&self, symbol: Symbol) -> String;
}

/// A problem inside one expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExprError {
    pub(crate) code: Code,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
    pub(crate) span: Span,
}

/// The result of checking an expression.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub(crate) expr: Expr,
    pub(crate) ty: Ty,
    /// Every name read, with where it is written.
    pub(crate) refs: Vec<(Symbol, Span)>,
}

const FUNCTIONS: &[&str] = &[
    "answered",
    "declined",
    "dont_know",
    "shown",
    "known",
    "count",
    "weight",
    "round",
    "floor",
    "ceil",
];

/// A comparison, as one `SymIs` node when it compares a name with a literal.
fn compare(cmp: Cmp, a: Expr, b: Expr) -> Expr {
    let equal = match cmp {
        Cmp::Eq => true,
        Cmp::Ne => false,
        _ => return Expr::Cmp(cmp, Box::new(a), Box::new(b)),
    };
    match (a, b) {
        (Expr::Sym(symbol), Expr::Lit(value)) | (Expr::Lit(value), Expr::Sym(symbol))
            if value != Val::Unknown =>
        {
            Expr::SymIs {
                symbol,
                value,
                equal,
            }
        }
        (a, b) => Expr::Cmp(cmp, Box::new(a), Box::new(b)),
    }
}

/// Checks `ast` in `scope`.
pub(crate) fn check(ast: &Ast, scope: &dyn Scope) -> Result<Checked, Vec<ExprError>> {
    let mut checker = Checker {
        scope,
        errors: Vec::new(),
        refs: Vec::new(),
    };
    let typed = checker.expr(ast);
    if checker.errors.is_empty()
        && let Some((expr, ty)) = typed
    {
        return Ok(Checked {
            expr,
            ty,
            refs: checker.refs,
        });
    }
    Err(checker.errors)
}

/// Checks that an expression is a condition (boolean).
pub(crate) fn check_condition(ast: &Ast, scope: &dyn Scope) -> Result<Checked, Vec<ExprError>> {
    let checked = check(ast, scope)?;
    if checked.ty == Ty::Bool {
        Ok(checked)
    } else {
        Err(vec![ExprError {
            code: Code::TypeMismatch,
            message: format!(
                "a condition must be true or false, but this is {}",
                ty_name(checked.ty)
            ),
            help: Some(condition_help(&checked.ty)),
            span: ast.span.clone(),
        }])
    }
}

fn condition_help(ty: &Ty) -> String {
    match ty {
        Ty::Choice(_) => "compare it with an option: `item == \"value\"`".into(),
        Ty::Num => "compare it with a number: `score >= 3`".into(),
        Ty::Set(_) => "test a value: `\"value\" in item`".into(),
        _ => "use a comparison or answered(item)".into(),
    }
}

fn ty_name(ty: Ty) -> &'static str {
    match ty {
        Ty::Bool => "a yes/no value",
        Ty::Num => "a number",
        Ty::Choice(_) => "a choice",
        Ty::Set(_) => "a multiple choice",
        Ty::Str => "a text literal",
        Ty::Opaque => "free text or a date",
    }
}

struct Checker<'s> {
    scope: &'s dyn Scope,
    errors: Vec<ExprError>,
    refs: Vec<(Symbol, Span)>,
}

type Typed = Option<(Expr, Ty)>;

impl Checker<'_> {
    fn error(&mut self, code: Code, span: &Span, message: String, help: Option<String>) {
        self.errors.push(ExprError {
            code,
            message,
            help,
            span: span.clone(),
        });
    }

    fn mismatch(&mut self, span: &Span, message: String, help: Option<String>) -> Typed {
        self.error(Code::TypeMismatch, span, message, help);
        None
    }

    fn expr(&mut self, ast: &Ast) -> Typed {
        match &ast.kind {
            AstKind::Bool(b) => Some((Expr::Lit(Val::Bool(*b)), Ty::Bool)),
            AstKind::Number(n) => Some((Expr::Lit(Val::Num(*n)), Ty::Num)),
            AstKind::Str(_) => Some((Expr::Lit(Val::Unknown), Ty::Str)),
            AstKind::Ident(name) => {
                let symbol = self.resolve(name, &ast.span)?;
                Some((Expr::Sym(symbol), self.scope.ty(symbol)?))
            }
            AstKind::List(_) => self.mismatch(
                &ast.span,
                "a list can only stand on the right of `in`".into(),
                Some("write `item in [\"a\", \"b\"]`".into()),
            ),
            AstKind::Unary(op, inner) => self.unary(*op, inner, ast),
            AstKind::Binary(op, a, b) => self.binary(*op, a, b, ast),
            AstKind::Call {
                name,
                name_span,
                args,
            } => self.call(name, name_span, args, ast),
        }
    }

    fn resolve(&mut self, name: &str, span: &Span) -> Option<Symbol> {
        if let Some(symbol) = self.scope.lookup(name) {
            self.refs.push((symbol, span.clone()));
            return Some(symbol);
        }
        if let Some(note) = self.scope.note(name) {
            self.error(
                Code::UnknownReference,
                span,
                note,
                Some("refer to a question instead".into()),
            );
            return None;
        }
        // The list of names is built only while suggestions are still looked for.
        let names = if suggestions_left() {
            self.scope.names()
        } else {
            Vec::new()
        };
        let help = did_you_mean(name, names.iter().copied())
            .map(|m| format!("did you mean `{m}`?"))
            .or_else(|| {
                FUNCTIONS
                    .contains(&name)
                    .then(|| format!("`{name}` is a function: write `{name}(item)`"))
            })
            .or_else(|| Some("names must be ids of items, derived values or scores".into()));
        self.error(
            Code::UnknownReference,
            span,
            format!("`{name}` is not an item, derived value or score"),
            help,
        );
        None
    }

    fn bool_operand(&mut self, ast: &Ast, op: &str) -> Option<Expr> {
        let (expr, ty) = self.expr(ast)?;
        if ty == Ty::Bool {
            return Some(expr);
        }
        self.error(
            Code::TypeMismatch,
            &ast.span,
            format!(
                "`{op}` needs yes/no values on both sides, but this is {}",
                ty_name(ty)
            ),
            Some(condition_help(&ty)),
        );
        None
    }

    fn num_operand(&mut self, ast: &Ast, op: &str) -> Option<Expr> {
        let (expr, ty) = self.expr(ast)?;
        if ty == Ty::Num {
            return Some(expr);
        }
        let help = match (ty, &expr, &ast.kind) {
            // An item whose options carry weights: its weight is the number meant.
            (Ty::Choice(_) | Ty::Set(_), Expr::Sym(Symbol::Item(i)), AstKind::Ident(name))
                if self.scope.weights(*i).iter().all(Option::is_some) =>
            {
                Some(format!(
                    "a choice is compared with `==` and an option value; for the weight of the chosen option write `weight({name})`"
                ))
            }
            (Ty::Choice(_), _, _) => {
                Some("a choice is compared with `==` and an option value, not with numbers".into())
            }
            (Ty::Bool, _, _) => {
                Some("a yes/no value is compared with `== true` or `== false`".into())
            }
            _ => None,
        };
        self.error(
            Code::TypeMismatch,
            &ast.span,
            format!("`{op}` needs numbers, but this is {}", ty_name(ty)),
            help,
        );
        None
    }

    fn unary(&mut self, op: UnaryOp, inner: &Ast, whole: &Ast) -> Typed {
        let _ = whole;
        match op {
            UnaryOp::Not => {
                let e = self.bool_operand(inner, "!")?;
                Some((Expr::Not(Box::new(e)), Ty::Bool))
            }
            UnaryOp::Neg => {
                let e = self.num_operand(inner, "-")?;
                Some((Expr::Neg(Box::new(e)), Ty::Num))
            }
        }
    }

    fn binary(&mut self, op: BinaryOp, a: &Ast, b: &Ast, whole: &Ast) -> Typed {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let ea = self.bool_operand(a, op.symbol());
                let eb = self.bool_operand(b, op.symbol());
                let (ea, eb) = (Box::new(ea?), Box::new(eb?));
                let e = if op == BinaryOp::And {
                    Expr::And(ea, eb)
                } else {
                    Expr::Or(ea, eb)
                };
                Some((e, Ty::Bool))
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                let ea = self.num_operand(a, op.symbol());
                let eb = self.num_operand(b, op.symbol());
                let arith = match op {
                    BinaryOp::Add => Arith::Add,
                    BinaryOp::Sub => Arith::Sub,
                    BinaryOp::Mul => Arith::Mul,
                    _ => Arith::Div,
                };
                Some((Expr::Arith(arith, Box::new(ea?), Box::new(eb?)), Ty::Num))
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let ea = self.num_operand(a, op.symbol());
                let eb = self.num_operand(b, op.symbol());
                let cmp = match op {
                    BinaryOp::Lt => Cmp::Lt,
                    BinaryOp::Le => Cmp::Le,
                    BinaryOp::Gt => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                Some((Expr::Cmp(cmp, Box::new(ea?), Box::new(eb?)), Ty::Bool))
            }
            BinaryOp::Eq | BinaryOp::Ne => self.equality(op, a, b, whole),
            BinaryOp::In => self.membership(a, b, whole),
        }
    }

    fn equality(&mut self, op: BinaryOp, a: &Ast, b: &Ast, whole: &Ast) -> Typed {
        let cmp = if op == BinaryOp::Eq { Cmp::Eq } else { Cmp::Ne };
        let (ea, ta) = self.expr(a)?;
        let (eb, tb) = self.expr(b)?;
        let expr = match (ta, tb) {
            (Ty::Choice(d), Ty::Str) => {
                let i = self.option_index(d, b)?;
                compare(cmp, ea, Expr::Lit(Val::Opt(i)))
            }
            (Ty::Str, Ty::Choice(d)) => {
                let i = self.option_index(d, a)?;
                compare(cmp, Expr::Lit(Val::Opt(i)), eb)
            }
            (Ty::Choice(x), Ty::Choice(y)) if x == y => Expr::Cmp(cmp, Box::new(ea), Box::new(eb)),
            (Ty::Choice(x), Ty::Choice(y)) => {
                let target = self.scope.domain(y);
                let table: Vec<u32> = self
                    .scope
                    .domain(x)
                    .iter()
                    .map(|v| {
                        target
                            .iter()
                            .position(|t| t == v)
                            .map_or(u32::MAX, |p| p as u32)
                    })
                    .collect();
                if table.iter().all(|&t| t == u32::MAX) {
                    return self.mismatch(
                        &whole.span,
                        format!(
                            "{} and {} have no value in common, so they are never equal",
                            self.describe_ty(a, ta),
                            self.describe_ty(b, tb)
                        ),
                        Some("compare each with one of its own values instead".into()),
                    );
                }
                Expr::Cmp(
                    cmp,
                    Box::new(Expr::Translate(Box::new(ea), table)),
                    Box::new(eb),
                )
            }
            (Ty::Bool, Ty::Bool) | (Ty::Num, Ty::Num) => compare(cmp, ea, eb),
            (Ty::Set(_), _) | (_, Ty::Set(_)) => {
                return self.mismatch(
                    &whole.span,
                    "a multiple choice holds several values and cannot be compared with `==`"
                        .into(),
                    Some("test one value with `\"value\" in item`".into()),
                );
            }
            (Ty::Str, Ty::Str) => {
                return self.mismatch(
                    &whole.span,
                    "this compares two fixed texts, which never depends on an answer".into(),
                    Some("compare an item with a text: `item == \"value\"`".into()),
                );
            }
            _ => {
                let help = match (ta, tb) {
                    (Ty::Bool, Ty::Str) | (Ty::Str, Ty::Bool) => Some(
                        "a yes/no item is compared with `true` or `false`, without quotes".into(),
                    ),
                    (Ty::Num, Ty::Str) | (Ty::Str, Ty::Num) => {
                        Some("numbers are written without quotes".into())
                    }
                    (Ty::Opaque, _) | (_, Ty::Opaque) => Some(
                        "free text and dates cannot be compared; test answered(item) instead"
                            .into(),
                    ),
                    (Ty::Choice(d), Ty::Num) => Some(self.choice_number_help(d, b)),
                    (Ty::Num, Ty::Choice(d)) => Some(self.choice_number_help(d, a)),
                    _ => None,
                };
                return self.mismatch(
                    &whole.span,
                    format!(
                        "`{}` compares {} with {}",
                        op.symbol(),
                        self.describe_ty(a, ta),
                        self.describe_ty(b, tb)
                    ),
                    help,
                );
            }
        };
        Some((expr, Ty::Bool))
    }

    fn describe_ty(&self, ast: &Ast, ty: Ty) -> String {
        match &ast.kind {
            AstKind::Ident(name) => match self.scope.lookup(name) {
                Some(s) => self.scope.describe(s),
                None => ty_name(ty).into(),
            },
            _ => ty_name(ty).into(),
        }
    }

    fn option_index(&mut self, domain: Domain, lit: &Ast) -> Option<u32> {
        let AstKind::Str(value) = &lit.kind else {
            return None;
        };
        let values = self.scope.domain(domain);
        if let Some(i) = values.iter().position(|v| v == value) {
            return Some(i as u32);
        }
        let suggestion = did_you_mean(value, values.iter().map(String::as_str));
        let list = values
            .iter()
            .map(|v| format!("\"{v}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let help = match suggestion {
            Some(s) => format!("did you mean \"{s}\"? the values are {list}"),
            None => format!("the values are {list}"),
        };
        let owner = match domain {
            Domain::Item(i) => self.scope.describe(Symbol::Item(i)),
            Domain::Derived(d) => self.scope.describe(Symbol::Derived(d)),
        };
        self.error(
            Code::UnknownOption,
            &lit.span,
            format!("\"{value}\" is not a value of {owner}"),
            Some(help),
        );
        None
    }

    /// Help for a choice compared with a number: its values, in quotes,
    /// and the one the number spells if there is one (`x == 1` for a
    /// choice whose values are "0" to "3").
    fn choice_number_help(&self, domain: Domain, number: &Ast) -> String {
        let values = self.scope.domain(domain);
        let list = values
            .iter()
            .map(|v| format!("\"{v}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let spelled = match number.kind {
            AstKind::Number(n) => values.iter().find(|v| v.parse::<f64>().ok() == Some(n)),
            _ => None,
        };
        match spelled {
            Some(v) => format!(
                "option values are written in quotes: did you mean \"{v}\"? the values are {list}"
            ),
            None => format!("a choice is compared with one of its option values in quotes: {list}"),
        }
    }

    fn membership(&mut self, a: &Ast, b: &Ast, whole: &Ast) -> Typed {
        if let AstKind::List(elements) = &b.kind {
            let (ea, ta) = self.expr(a)?;
            return match ta {
                Ty::Choice(d) => {
                    let mut mask = 0u64;
                    let mut ok = true;
                    for el in elements {
                        if !matches!(el.kind, AstKind::Str(_)) {
                            self.error(
                                Code::TypeMismatch,
                                &el.span,
                                "the list after `in` must hold option values in quotes".into(),
                                None,
                            );
                            ok = false;
                            continue;
                        }
                        match self.option_index(d, el) {
                            Some(i) if i < 64 => mask |= 1 << i,
                            _ => ok = false,
                        }
                    }
                    ok.then(|| (Expr::OneOf(Box::new(ea), mask), Ty::Bool))
                }
                Ty::Num => {
                    let mut list = Vec::new();
                    for el in elements {
                        match el.kind {
                            AstKind::Number(n) => list.push(n),
                            _ => {
                                self.error(
                                    Code::TypeMismatch,
                                    &el.span,
                                    "the list after a number's `in` must hold numbers".into(),
                                    None,
                                );
                            }
                        }
                    }
                    (list.len() == elements.len())
                        .then(|| (Expr::NumIn(Box::new(ea), list), Ty::Bool))
                }
                other => self.mismatch(
                    &a.span,
                    format!(
                        "`in [..]` needs a choice or a number on the left, but this is {}",
                        ty_name(other)
                    ),
                    Some("for a multiple choice write `\"value\" in item`".into()),
                ),
            };
        }
        let (eb, tb) = self.expr(b)?;
        match (&a.kind, tb) {
            (AstKind::Str(_), Ty::Set(d)) => {
                let i = self.option_index(d, a)?;
                Some((Expr::Has(Box::new(eb), i), Ty::Bool))
            }
            _ => self.mismatch(
                &whole.span,
                "`in` needs a list `[..]` or a multiple choice on its right, with a quoted value on its left".into(),
                Some("write `item in [\"a\", \"b\"]` or `\"a\" in multiple_choice_item`".into()),
            ),
        }
    }

    fn call(&mut self, name: &str, name_span: &Span, args: &[Ast], whole: &Ast) -> Typed {
        let test = match name {
            "answered" => Some(StateTest::Answered),
            "declined" => Some(StateTest::Declined),
            "dont_know" => Some(StateTest::DontKnow),
            "shown" => Some(StateTest::Shown),
            _ => None,
        };
        if let Some(test) = test {
            let symbol = self.single_name_arg(name, args, whole)?;
            let Symbol::Item(i) = symbol else {
                return self.mismatch(
                    &args[0].span,
                    format!(
                        "{name}() takes an item, but this is {}",
                        self.scope.describe(symbol)
                    ),
                    Some(
                        "use known(x) to test whether a derived value or score has a value".into(),
                    ),
                );
            };
            return Some((Expr::State(test, i), Ty::Bool));
        }
        match name {
            "known" => {
                let symbol = self.single_name_arg(name, args, whole)?;
                Some((Expr::Known(symbol), Ty::Bool))
            }
            "count" => {
                if args.is_empty() {
                    return self.mismatch(
                        &whole.span,
                        "count() needs at least one condition".into(),
                        Some("write `count(a == true, b == true)`".into()),
                    );
                }
                let mut out = Vec::new();
                for arg in args {
                    if let Some(e) = self.bool_operand(arg, "count") {
                        out.push(e);
                    }
                }
                (out.len() == args.len()).then_some((Expr::Count(out), Ty::Num))
            }
            "weight" => {
                let symbol = self.single_name_arg(name, args, whole)?;
                self.weight(symbol, &args[0].span)
            }
            "round" | "floor" | "ceil" => {
                let mode = match name {
                    "round" => Rounding::Round,
                    "floor" => Rounding::Floor,
                    _ => Rounding::Ceil,
                };
                let [arg] = args else {
                    return self.mismatch(
                        &whole.span,
                        format!("{name}() takes exactly one number"),
                        Some(format!("write `{name}(total * 10 / 9)`")),
                    );
                };
                let (e, ty) = self.expr(arg)?;
                if ty != Ty::Num {
                    return self.mismatch(
                        &arg.span,
                        format!("{name}() takes a number, but this is {}", ty_name(ty)),
                        Some(format!("write `{name}(total * 10 / 9)`")),
                    );
                }
                Some((Expr::Round(mode, Box::new(e)), Ty::Num))
            }
            _ => {
                let help = did_you_mean(name, FUNCTIONS.iter().copied()).map_or_else(
                    || format!("the functions are {}", FUNCTIONS.join(", ")),
                    |m| format!("did you mean `{m}`?"),
                );
                self.error(
                    Code::UnknownReference,
                    name_span,
                    format!("there is no function `{name}`"),
                    Some(help),
                );
                None
            }
        }
    }

    /// `weight(item)`: what the item's answer counts in a score.
    fn weight(&mut self, symbol: Symbol, span: &Span) -> Typed {
        let Symbol::Item(i) = symbol else {
            return self.mismatch(
                span,
                format!(
                    "weight() takes an item, but this is {}",
                    self.scope.describe(symbol)
                ),
                Some("a derived value or score is a number already: use its id".into()),
            );
        };
        match self.scope.ty(symbol)? {
            // A number's or scale point's weight is the answer itself.
            Ty::Num => return Some((Expr::Sym(symbol), Ty::Num)),
            Ty::Bool | Ty::Choice(_) | Ty::Set(_) => {}
            _ => {
                return self.mismatch(
                    span,
                    format!(
                        "weight() takes an item with weights, but this is {}",
                        self.scope.describe(symbol)
                    ),
                    Some(
                        "yes/no, choice, scale and number items have weights; test this one with answered(x)".into(),
                    ),
                );
            }
        }
        let weights = self.scope.weights(i);
        if let Some(o) = weights.iter().position(Option::is_none) {
            let value = self
                .scope
                .domain(Domain::Item(i))
                .get(o)
                .cloned()
                .unwrap_or_default();
            self.error(
                Code::MissingWeight,
                span,
                format!(
                    "weight() reads the options' `score`, but option `{value}` of {} has none",
                    self.scope.describe(symbol)
                ),
                Some("give every option of the item a `score`".into()),
            );
            return None;
        }
        let table = weights.into_iter().flatten().collect();
        Some((Expr::Weigh(Box::new(Expr::Sym(symbol)), table), Ty::Num))
    }

    fn single_name_arg(&mut self, name: &str, args: &[Ast], whole: &Ast) -> Option<Symbol> {
        if let [single] = args
            && let AstKind::Ident(id) = &single.kind
        {
            return self.resolve(id, &single.span);
        }
        self.error(
            Code::TypeMismatch,
            &whole.span,
            format!("{name}() takes exactly one id"),
            Some(format!("write `{name}(item_id)`")),
        );
        None
    }
}
