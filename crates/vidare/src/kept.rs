//! What each part of a compiled questionnaire keeps after the
//! conversation, and which conversation-only answers it may reveal: the
//! compiled form of the disclosure analysis (`compile/disclosure.rs`
//! computes it), read by the stored record and `kept_parts`.

/// How many revealed items are named before "and more".
pub(crate) const NAMED: usize = 16;

/// Conversation-only items a reader learns about: ascending item indices,
/// at most [`NAMED`] of them, and whether there were others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Revealed {
    pub(crate) items: Vec<u32>,
    pub(crate) more: bool,
}

impl Revealed {
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn add(&mut self, other: &Revealed) {
        if other.is_empty() {
            return;
        }
        let mut merged = Vec::with_capacity((self.items.len() + other.items.len()).min(NAMED));
        let mut more = self.more || other.more;
        let (mut a, mut b) = (self.items.iter().peekable(), other.items.iter().peekable());
        loop {
            let next = match (a.peek().copied(), b.peek().copied()) {
                (Some(&x), Some(&y)) if x == y => {
                    a.next();
                    b.next();
                    x
                }
                (Some(&x), Some(&y)) if x < y => {
                    a.next();
                    x
                }
                (_, Some(&y)) => {
                    b.next();
                    y
                }
                (Some(&x), None) => {
                    a.next();
                    x
                }
                (None, None) => break,
            };
            if merged.len() == NAMED {
                more = true;
                break;
            }
            merged.push(next);
        }
        self.items = merged;
        self.more = more;
    }

    pub(crate) fn single(item: u32) -> Revealed {
        Revealed {
            items: vec![item],
            more: false,
        }
    }
}

/// What the analysis found about one item, derived value, score, trigger
/// or end condition.
#[derive(Debug, Clone, Default)]
pub(crate) struct Part {
    /// Whether it is in the stored record.
    pub(crate) stored: bool,
    /// Whether its definition keeps it (`retention: keep`, the default).
    pub(crate) kept: bool,
    /// The conversation-only items it reveals (for an item: through its
    /// condition; a conversation-only item also reveals itself).
    pub(crate) reveals: Revealed,
    /// The reason its `reveals` gives, when it has one.
    pub(crate) reason: Option<String>,
}

/// The analysis of a whole questionnaire, by kind and index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Disclosure {
    pub(crate) items: Vec<Part>,
    pub(crate) derived: Vec<Part>,
    pub(crate) scores: Vec<Part>,
    pub(crate) triggers: Vec<Part>,
    pub(crate) ends: Vec<Part>,
}
