//! The resolved, type-checked form of an expression, and the values it
//! evaluates to.

/// Where a choice value comes from: an item's options or a derived
/// category's cases. Values are indices into that list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Domain {
    Item(u32),
    Derived(u32),
}

/// Static type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Bool,
    Num,
    /// One value of a domain.
    Choice(Domain),
    /// Several values of a domain (multiple choice, flags).
    Set(Domain),
    /// A string literal not yet resolved against a domain.
    Str,
    /// Free text or a date: only its answer state can be tested.
    Opaque,
}

/// Something a name resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Symbol {
    Item(u32),
    Derived(u32),
    Score(u32),
}

/// A runtime value. `Unknown` is the third truth value: the expression
/// reads something that has no answer that counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Val {
    Unknown,
    Bool(bool),
    Num(f64),
    /// Index of an option or category.
    Opt(u32),
    /// Bit mask of options or categories (at most 64).
    Set(u64),
    /// An answered free-text or date item: present, but not comparable.
    Opaque,
}

impl Val {
    pub(crate) fn is_true(self) -> bool {
        matches!(self, Val::Bool(true))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    /// The comparison with its sides swapped: `a < b` is `b > a`.
    pub(crate) fn swapped(self) -> Cmp {
        match self {
            Cmp::Lt => Cmp::Gt,
            Cmp::Le => Cmp::Ge,
            Cmp::Gt => Cmp::Lt,
            Cmp::Ge => Cmp::Le,
            same => same,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

/// `round`, `floor` and `ceil`: a number to a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rounding {
    /// To the nearest whole number, halves away from zero (2.5 to 3).
    Round,
    /// Down to the whole number at or below.
    Floor,
    /// Up to the whole number at or above.
    Ceil,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StateTest {
    Answered,
    Declined,
    DontKnow,
    Shown,
}

/// A resolved expression: names are indices, strings compared with
/// choices are option indices, so evaluation never looks anything up.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Lit(Val),
    Sym(Symbol),
    State(StateTest, u32),
    Known(Symbol),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(Cmp, Box<Expr>, Box<Expr>),
    Arith(Arith, Box<Expr>, Box<Expr>),
    /// A choice is one of the masked values.
    OneOf(Box<Expr>, u64),
    /// A set contains the value.
    Has(Box<Expr>, u32),
    /// A number is one of the listed numbers.
    NumIn(Box<Expr>, Vec<f64>),
    /// A choice re-indexed into another domain with the same value names,
    /// so an item's answer can be compared with a derived category.
    Translate(Box<Expr>, Vec<u32>),
    Count(Vec<Expr>),
    /// `round(x)`, `floor(x)`, `ceil(x)`.
    Round(Rounding, Box<Expr>),
    /// `weight(item)`: the answer's weight looked up in the table (a
    /// yes/no by 0 for no and 1 for yes, an option by its index, a set as
    /// the sum of its options' weights), as a score term counts it.
    Weigh(Box<Expr>, Vec<f64>),
    /// `name == literal` (or `!=` when `equal` is false): the most common
    /// condition, kept as one node so evaluating it is one lookup.
    SymIs {
        symbol: Symbol,
        value: Val,
        equal: bool,
    },
}

impl Expr {
    /// The symbol this expression is, if it is just one.
    pub(crate) fn symbol(&self) -> Option<Symbol> {
        match self {
            Expr::Sym(s) => Some(*s),
            _ => None,
        }
    }

    /// The (set, value) pairs tested with `"value" in set`: evidence for
    /// such a test is what made that one value hold, not the whole set.
    pub(crate) fn set_tests(&self, out: &mut Vec<(Symbol, u32)>) {
        if let Expr::Has(e, i) = self
            && let Expr::Sym(s) = **e
        {
            out.push((s, *i));
        }
        self.for_each_operand(|e| e.set_tests(out));
    }

    /// The items whose state the expression tests (`answered(x)`,
    /// `declined(x)`, …), not only their value.
    pub(crate) fn state_tests(&self, out: &mut Vec<u32>) {
        if let Expr::State(_, i) = self {
            out.push(*i);
        }
        self.for_each_operand(|e| e.state_tests(out));
    }

    /// Calls `f` with each operand.
    fn for_each_operand(&self, mut f: impl FnMut(&Expr)) {
        match self {
            Expr::Lit(_) | Expr::Sym(_) | Expr::State(..) | Expr::Known(_) | Expr::SymIs { .. } => {
            }
            Expr::Not(e)
            | Expr::Neg(e)
            | Expr::OneOf(e, _)
            | Expr::Has(e, _)
            | Expr::NumIn(e, _)
            | Expr::Translate(e, _)
            | Expr::Round(_, e)
            | Expr::Weigh(e, _) => f(e),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) | Expr::Arith(_, a, b) => {
                f(a);
                f(b);
            }
            Expr::Count(args) => args.iter().for_each(f),
        }
    }

    /// Every symbol the expression reads, in order of appearance.
    pub(crate) fn symbols(&self, out: &mut Vec<Symbol>) {
        match self {
            Expr::Sym(s) | Expr::Known(s) | Expr::SymIs { symbol: s, .. } => out.push(*s),
            Expr::State(_, i) => out.push(Symbol::Item(*i)),
            _ => {}
        }
        self.for_each_operand(|e| e.symbols(out));
    }
}
