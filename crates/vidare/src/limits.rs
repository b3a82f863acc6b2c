//! The limits that keep loading bounded whatever the input: of the YAML
//! reader, of the questionnaire's size, and of each expression. They sit
//! below both the format and the expression language, which read them.

/// Limits that keep loading bounded whatever the input. The defaults are
/// far above any real questionnaire and far below what could hurt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted file, in bytes (default 8 MiB).
    pub max_file_bytes: usize,
    /// Deepest accepted YAML nesting (default 64).
    pub max_yaml_depth: usize,
    /// Most YAML parser events (default 2,000,000): every key, value and
    /// start and end of a list or mapping, counting what aliases repeat.
    /// This is what bounds the size of the document the reader builds; it
    /// leaves room for `max_items` items with options within `max_file_bytes`.
    pub max_yaml_events: usize,
    /// Most alias uses (`*name`), which guards against "billion laughs"
    /// (default 1,000); also the most anchors (`&name`).
    pub max_aliases: usize,
    /// Most YAML events that aliases and merge keys (`<<: *name`) may repeat
    /// in one file, all uses together (default 100,000). A few uses of an
    /// anchored text or option list need some hundreds; an alias bomb,
    /// which repeats repeats, is stopped here after a fraction of a second.
    pub max_alias_expansion: usize,
    /// Most items in one questionnaire (default 20,000).
    pub max_items: usize,
    /// Longest id of a section, item, derived value, score, band, trigger or
    /// end condition, and of the questionnaire, in characters (default 128).
    /// Include prefixes and template keys count: the limit applies to the
    /// whole id, e.g. `violence.alone`.
    pub max_id_length: usize,
    /// Most bytes of text that templates and includes produce, all
    /// instances and inclusions together (default 64 MiB, 67,108,864
    /// bytes). Every text a template instance fills in (section title,
    /// item texts, help texts, units, option and scale labels, the labels
    /// of derived values, cases, scores and bands, trigger texts and
    /// `refer_to`, in every language) counts whole, and so does every text
    /// an `include:` copies. A placeholder repeats its value wherever it
    /// appears, for every key, so a small file could otherwise fill
    /// gigabytes; the count is kept while filling, and expansion stops at
    /// the text that crosses the budget. 64 MiB is eight times
    /// `max_file_bytes`: room for `max_items` items with more than 3 kB of
    /// text each, about ten times what a generous item with options and a
    /// help text in two languages has.
    pub max_expanded_bytes: usize,
    /// Limits on each expression.
    pub expr: ExprLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 8 * 1024 * 1024,
            max_yaml_depth: 64,
            max_yaml_events: 2_000_000,
            max_aliases: 1_000,
            max_alias_expansion: 100_000,
            max_items: 20_000,
            max_id_length: 128,
            max_expanded_bytes: 64 * 1024 * 1024,
            expr: ExprLimits::default(),
        }
    }
}

/// Hard limits that keep parsing bounded whatever the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExprLimits {
    /// Longest expression text accepted, in bytes.
    pub max_len: usize,
    /// Deepest nesting of parentheses, operators and calls accepted.
    pub max_depth: usize,
}

impl Default for ExprLimits {
    fn default() -> Self {
        ExprLimits {
            max_len: 4096,
            max_depth: 128,
        }
    }
}
