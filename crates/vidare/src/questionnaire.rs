//! The compiled, immutable form of a questionnaire: items in order, resolved
//! expressions and the evaluation schedule the session runs.

use std::fmt;
use std::sync::Arc;

use crate::expr::Expr;
use crate::format::{AnsweredBy, ItemKind, Method, Retention, Urgency};
use crate::value::SharedStr;

/// A checked questionnaire, ready to run sessions on. Cheap to clone.
///
/// Built by [`crate::load`] or [`crate::compile`]; after that nothing about it
/// can fail at run time.
#[derive(Clone)]
pub struct Questionnaire {
    pub(crate) inner: Arc<Compiled>,
}

impl fmt::Debug for Questionnaire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Questionnaire")
            .field("id", &self.inner.id)
            .field("version", &self.inner.version)
            .field("items", &self.inner.items.len())
            .finish_non_exhaustive()
    }
}

/// Texts per language, in declared-language order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Texts(pub(crate) Vec<(String, SharedStr)>);

impl Texts {
    pub(crate) fn get(&self, lang: &str) -> &str {
        self.shared(lang).map_or("", SharedStr::as_str)
    }

    /// The text in `lang` (the first language's if not declared), shared
    /// rather than copied into a result.
    pub(crate) fn get_shared(&self, lang: &str) -> SharedStr {
        self.shared(lang).cloned().unwrap_or_default()
    }

    fn shared(&self, lang: &str) -> Option<&SharedStr> {
        self.0
            .iter()
            .find(|(l, _)| l == lang)
            .or_else(|| self.0.first())
            .map(|(_, t)| t)
    }
}

pub(crate) struct Compiled {
    pub(crate) id: SharedStr,
    pub(crate) version: SharedStr,
    pub(crate) title: Texts,
    pub(crate) languages: Vec<SharedStr>,
    /// The same languages with their status and audience.
    pub(crate) language_info: Vec<crate::language::Language>,
    pub(crate) default_language: SharedStr,
    pub(crate) digest: SharedStr,
    /// The digest in the form before absent fields were left out, worked
    /// out the first time a pinned digest differs from `digest`.
    pub(crate) legacy_digest: std::sync::OnceLock<String>,
    pub(crate) sections: Vec<SectionDef>,
    pub(crate) items: Vec<ItemDef>,
    pub(crate) derived: Vec<DerivedDef>,
    pub(crate) scores: Vec<ScoreDef>,
    pub(crate) triggers: Vec<TriggerDef>,
    pub(crate) ends: Vec<EndDef>,
    /// Item id → position. Looked up on every answer, so a fast hasher;
    /// ids come from the questionnaire author, not from attackers.
    pub(crate) item_index: rustc_hash::FxHashMap<Arc<str>, u32>,
    pub(crate) schedule: Schedule,
    /// The conditions as flat programs, for the session's hot path.
    pub(crate) flat: Flat,
    pub(crate) warnings: Vec<crate::diagnostic::Diagnostic>,
    /// What is kept after the conversation and what it may reveal.
    pub(crate) disclosure: crate::kept::Disclosure,
    /// The document after templates and includes were expanded.
    pub(crate) document: crate::format::Document,
    /// The items no answers can show (warning V023), ascending.
    pub(crate) unreachable: Vec<u32>,
    /// The limits its expressions were parsed under.
    pub(crate) expr_limits: crate::limits::ExprLimits,
}

pub(crate) struct SectionDef {
    pub(crate) id: String,
    pub(crate) title: Option<Texts>,
}

pub(crate) struct ItemDef {
    pub(crate) id: Arc<str>,
    pub(crate) section: u32,
    pub(crate) kind: ItemKind,
    pub(crate) text: Texts,
    pub(crate) help: Option<Texts>,
    pub(crate) answered_by: AnsweredBy,
    pub(crate) required: bool,
    pub(crate) allow_decline: bool,
    pub(crate) allow_dont_know: bool,
    pub(crate) protected: bool,
    pub(crate) retention: Retention,
    /// Counted in the aggregate statistics.
    pub(crate) aggregate: bool,
    /// The section's and the item's condition joined with `&&`.
    pub(crate) when: Option<Expr>,
    pub(crate) options: Vec<OptionDef>,
    pub(crate) min: Option<f64>,
    pub(crate) max: Option<f64>,
    pub(crate) integer: bool,
    pub(crate) unit: Option<Texts>,
    pub(crate) labels: Vec<(i64, Texts)>,
    pub(crate) max_length: u32,
    pub(crate) yes_no_scores: (f64, f64),
    pub(crate) suggested: Option<u32>,
    pub(crate) image: Option<ImageDef>,
}

/// A picture of an item or option: where it is and what it shows.
#[derive(Debug)]
pub(crate) struct ImageDef {
    pub(crate) path: String,
    pub(crate) alt: Texts,
}

/// A picture shown with an item or option.
#[derive(Clone, Copy)]
pub struct ImageRef<'q> {
    def: &'q ImageDef,
}

impl fmt::Debug for ImageRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImageRef")
            .field("path", &self.def.path)
            .finish_non_exhaustive()
    }
}

impl<'q> ImageRef<'q> {
    /// The picture file, relative to the questionnaire's folder.
    #[must_use]
    pub fn path(&self) -> &'q str {
        &self.def.path
    }

    /// What the picture shows, in `lang`, for people who cannot see it.
    #[must_use]
    pub fn alt(&self, lang: &str) -> &'q str {
        self.def.alt.get(lang)
    }
}

pub(crate) struct OptionDef {
    pub(crate) value: SharedStr,
    pub(crate) label: Texts,
    pub(crate) score: Option<f64>,
    pub(crate) image: Option<ImageDef>,
}

pub(crate) enum DerivedRule {
    Value(Expr),
    Cases(Vec<(Expr, u32)>),
    Flags(Vec<(Expr, u32)>),
}

pub(crate) struct DerivedDef {
    pub(crate) id: SharedStr,
    pub(crate) label: Option<Texts>,
    pub(crate) rule: DerivedRule,
    /// Category values of `cases`/`flags`.
    pub(crate) categories: Vec<CategoryDef>,
}

pub(crate) struct CategoryDef {
    pub(crate) value: SharedStr,
    pub(crate) label: Option<Texts>,
}

pub(crate) enum Term {
    /// An item's own contribution: option weight, yes/no weight or number.
    Item(u32),
    /// An expression giving a number or a boolean (true = 1).
    Expr(Expr),
}

pub(crate) struct ScoreDef {
    pub(crate) id: SharedStr,
    pub(crate) label: Option<Texts>,
    pub(crate) method: Method,
    pub(crate) terms: Vec<Term>,
    pub(crate) min_answered: u32,
    pub(crate) declined_as_zero: bool,
    pub(crate) dont_know_as_zero: bool,
    /// An item term hidden by a condition that is false counts as 0.
    pub(crate) hidden_as_zero: bool,
    pub(crate) bands: Vec<BandDef>,
}

pub(crate) struct BandDef {
    pub(crate) id: SharedStr,
    pub(crate) min: f64,
    pub(crate) max: f64,
    pub(crate) label: Texts,
}

pub(crate) struct TriggerDef {
    pub(crate) id: SharedStr,
    pub(crate) when: Expr,
    pub(crate) urgency: Urgency,
    pub(crate) refer_to: SharedStr,
    pub(crate) text: Texts,
}

pub(crate) struct EndDef {
    pub(crate) id: SharedStr,
    pub(crate) when: Expr,
    pub(crate) text: Texts,
    /// Items from this index on are cut off when the condition holds.
    pub(crate) position: u32,
}

/// A node the session evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Node {
    Item(u32),
    Derived(u32),
    Score(u32),
    Trigger(u32),
    End(u32),
}

/// The order in which nodes are evaluated, and for each item the nodes a
/// change of its answer can affect, so a step re-evaluates only those.
pub(crate) struct Schedule {
    pub(crate) order: Vec<Node>,
    /// Per item: positions in `order` affected by its answer, ascending.
    pub(crate) affected_by_item: Vec<Vec<u32>>,
    /// Per item: its position in `order`.
    pub(crate) item_slot: Vec<u32>,
    /// The positions that read position `s` directly are
    /// `reader_slots[reader_start[s]..reader_start[s + 1]]`: a step
    /// re-evaluates an affected node only when one of these inputs changed.
    pub(crate) reader_start: Vec<u32>,
    pub(crate) reader_slots: Vec<u32>,
    /// The state of a session without events, worked out by the first
    /// session and copied by every later one: it depends only on the
    /// questionnaire. Held without its type, which belongs to the session
    /// layer above this one (tests/layers.rs); only `Session::new` puts
    /// a value here and reads it back.
    pub(crate) initial: std::sync::OnceLock<Box<dyn std::any::Any + Send + Sync>>,
}

impl Schedule {
    /// The positions that read position `slot` directly.
    #[inline]
    pub(crate) fn readers(&self, slot: u32) -> &[u32] {
        let s = slot as usize;
        &self.reader_slots[self.reader_start[s] as usize..self.reader_start[s + 1] as usize]
    }
}

impl Questionnaire {
    /// The questionnaire's id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// Its semantic version.
    #[must_use]
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// `sha256:` and the hex digest of the canonical definition.
    #[must_use]
    pub fn digest(&self) -> &str {
        &self.inner.digest
    }

    /// Whether something pinned to `digest` (a recording, a saved or
    /// stored session) was made on this definition: `digest` is this
    /// definition's digest, or its digest in the form used before absent
    /// fields were left out of it, with which older recordings were made.
    #[must_use]
    pub fn is_pinned_by(&self, digest: &str) -> bool {
        digest == self.inner.digest
            || digest
                == self
                    .inner
                    .legacy_digest
                    .get_or_init(|| crate::digest::legacy(&self.inner.document))
    }

    /// The title in `lang` (the default language if `lang` is not declared).
    #[must_use]
    pub fn title(&self, lang: &str) -> &str {
        self.inner.title.get(lang)
    }

    /// The codes of the declared languages, the default language first.
    #[must_use]
    pub fn languages(&self) -> &[SharedStr] {
        &self.inner.languages
    }

    /// The declared languages with their status, audience, reviewer and
    /// direction, in the order of [`Questionnaire::languages`].
    #[must_use]
    pub fn language_details(&self) -> &[crate::language::Language] {
        &self.inner.language_info
    }

    /// The declared language `code`, with its status; `None` if it is not
    /// declared.
    #[must_use]
    pub fn language(&self, code: &str) -> Option<&crate::language::Language> {
        self.inner.language_info.iter().find(|l| l.code == code)
    }

    /// The default language.
    #[must_use]
    pub fn default_language(&self) -> &str {
        &self.inner.default_language
    }

    /// Every item in document order.
    pub fn items(&self) -> impl ExactSizeIterator<Item = ItemRef<'_>> {
        (0..self.inner.items.len()).map(|i| ItemRef {
            q: &self.inner,
            index: i as u32,
        })
    }

    /// The item with this id.
    #[must_use]
    pub fn item(&self, id: &str) -> Option<ItemRef<'_>> {
        self.inner.item_index.get(id).map(|&index| ItemRef {
            q: &self.inner,
            index,
        })
    }

    pub(crate) fn item_at(&self, index: u32) -> ItemRef<'_> {
        ItemRef {
            q: &self.inner,
            index,
        }
    }

    /// Ids of the referral triggers, in document order.
    pub fn trigger_ids(&self) -> impl Iterator<Item = &str> {
        self.inner.triggers.iter().map(|t| t.id.as_str())
    }

    /// Ids of the scores, in document order.
    pub fn score_ids(&self) -> impl Iterator<Item = &str> {
        self.inner.scores.iter().map(|s| s.id.as_str())
    }

    /// The definition as written, after templates and includes were
    /// expanded: every text and every expression's source, for tools that
    /// document, draw or compare questionnaires.
    #[must_use]
    pub fn document(&self) -> &crate::format::Document {
        &self.inner.document
    }

    /// Warnings found when it was compiled.
    #[must_use]
    pub fn warnings(&self) -> &[crate::diagnostic::Diagnostic] {
        &self.inner.warnings
    }

    /// Ids of the derived values, in document order.
    pub fn derived_ids(&self) -> impl Iterator<Item = &str> {
        self.inner.derived.iter().map(|d| d.id.as_str())
    }

    /// The label in `lang` of `value`, a category of the derived value
    /// `derived` (one of its `cases` or `flags`), for showing a value in
    /// words; `None` when there is no such category or it has no label.
    #[must_use]
    pub fn category_label(&self, derived: &str, value: &str, lang: &str) -> Option<&str> {
        let d = self.inner.derived.iter().find(|d| d.id == derived)?;
        let category = d.categories.iter().find(|c| c.value == value)?;
        category.label.as_ref().map(|l| l.get(lang))
    }

    /// Whether every part is stored after the conversation, so that the
    /// event log tells nothing the [`StoredRecord`](crate::StoredRecord)
    /// does not. When a part is not stored, keeping the log beside the
    /// record keeps more than the record: even without the events of
    /// conversation-only items, the gaps, times and count of the rest tell
    /// how many such answers there were and when. The server deletes the
    /// whole log at closing then, and `vidare run --save` replaces it.
    #[must_use]
    pub fn stores_every_part(&self) -> bool {
        self.kept_parts().all(|part| part.stored)
    }

    /// Every question, derived value, score, trigger and end condition, in
    /// that order, with whether it is kept after the conversation and which
    /// conversation-only answers it may reveal: the compiler's disclosure
    /// analysis, as `vidare doc` shows it under "What is kept".
    pub fn kept_parts(&self) -> impl Iterator<Item = KeptPart<'_>> {
        let c = &*self.inner;
        let d = &c.disclosure;
        let questions = c
            .items
            .iter()
            .zip(&d.items)
            .filter(|(item, _)| item.kind != ItemKind::Info)
            .map(|(item, part)| (PartKind::Question, &*item.id, part));
        let derived = c
            .derived
            .iter()
            .zip(&d.derived)
            .map(|(x, p)| (PartKind::Derived, x.id.as_str(), p));
        let scores = c
            .scores
            .iter()
            .zip(&d.scores)
            .map(|(x, p)| (PartKind::Score, x.id.as_str(), p));
        let triggers = c
            .triggers
            .iter()
            .zip(&d.triggers)
            .map(|(x, p)| (PartKind::Trigger, x.id.as_str(), p));
        let ends = c
            .ends
            .iter()
            .zip(&d.ends)
            .map(|(x, p)| (PartKind::End, x.id.as_str(), p));
        questions
            .chain(derived)
            .chain(scores)
            .chain(triggers)
            .chain(ends)
            .map(move |(kind, id, part)| KeptPart {
                kind,
                id,
                kept: part.kept,
                stored: part.stored,
                reveals: part
                    .reveals
                    .items
                    .iter()
                    .map(|&i| &*c.items[i as usize].id)
                    .collect(),
                reveals_more: part.reveals.more,
                reason: part.reason.as_deref(),
                aggregate: matches!(kind, PartKind::Question)
                    && c.item_index
                        .get(id)
                        .is_some_and(|&i| c.items[i as usize].aggregate),
            })
    }
}

/// What kind of part of a result a [`KeptPart`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// A question (an item that takes an answer).
    Question,
    /// A derived value.
    Derived,
    /// A score.
    Score,
    /// A trigger.
    Trigger,
    /// An end condition.
    End,
}

impl PartKind {
    /// The word for it: `question`, `derived`, `score`, `trigger`, `end`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PartKind::Question => "question",
            PartKind::Derived => "derived",
            PartKind::Score => "score",
            PartKind::Trigger => "trigger",
            PartKind::End => "end",
        }
    }
}

/// One part of a result and what happens to it after the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptPart<'q> {
    /// What it is.
    pub kind: PartKind,
    /// Its id.
    pub id: &'q str,
    /// Whether its definition keeps it (`retention: keep`, the default).
    pub kept: bool,
    /// Whether it is in the [`StoredRecord`](crate::StoredRecord): kept, and
    /// either revealing no conversation-only answer or saying why it may.
    pub stored: bool,
    /// The conversation-only questions it may reveal (for a question: through
    /// whether it is asked; a conversation-only question reveals itself).
    /// Named up to sixteen, then `reveals_more`.
    pub reveals: Vec<&'q str>,
    /// More are revealed than `reveals` names.
    pub reveals_more: bool,
    /// The reason its `reveals` gives, for a kept part that has one.
    pub reason: Option<&'q str>,
    /// A question counted in the aggregate statistics (`aggregate: true`).
    pub aggregate: bool,
}

/// A read-only view of one item, for frontends that show it.
#[derive(Clone, Copy)]
pub struct ItemRef<'q> {
    q: &'q Compiled,
    index: u32,
}

impl fmt::Debug for ItemRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemRef").field("id", &self.id()).finish()
    }
}

/// One option of a choice item, as shown.
#[derive(Debug, Clone, Copy)]
pub struct OptionRef<'q> {
    /// The stable value to answer with.
    pub value: &'q str,
    label: &'q Texts,
    image: Option<&'q ImageDef>,
}

impl<'q> OptionRef<'q> {
    /// The label in `lang`.
    #[must_use]
    pub fn label(&self, lang: &str) -> &'q str {
        self.label.get(lang)
    }

    /// Its picture, if it has one.
    #[must_use]
    pub fn image(&self) -> Option<ImageRef<'q>> {
        self.image.map(|def| ImageRef { def })
    }
}

impl<'q> ItemRef<'q> {
    fn def(&self) -> &'q ItemDef {
        &self.q.items[self.index as usize]
    }

    /// Position in document order, from 0.
    #[must_use]
    pub fn index(&self) -> usize {
        self.index as usize
    }

    /// The item's id.
    #[must_use]
    pub fn id(&self) -> &'q str {
        &self.def().id
    }

    /// Its kind.
    #[must_use]
    pub fn kind(&self) -> ItemKind {
        self.def().kind
    }

    /// The question or text in `lang`.
    #[must_use]
    pub fn text(&self, lang: &str) -> &'q str {
        self.def().text.get(lang)
    }

    /// The help text in `lang`, if any.
    #[must_use]
    pub fn help(&self, lang: &str) -> Option<&'q str> {
        self.def().help.as_ref().map(|t| t.get(lang))
    }

    /// Its picture, if it has one.
    #[must_use]
    pub fn image(&self) -> Option<ImageRef<'q>> {
        self.def().image.as_ref().map(|def| ImageRef { def })
    }

    /// The title of its section in `lang`, if the section has one.
    #[must_use]
    pub fn section_title(&self, lang: &str) -> Option<&'q str> {
        self.q.sections[self.def().section as usize]
            .title
            .as_ref()
            .map(|t| t.get(lang))
    }

    /// The id of its section.
    #[must_use]
    pub fn section_id(&self) -> &'q str {
        &self.q.sections[self.def().section as usize].id
    }

    /// Who answers it.
    #[must_use]
    pub fn answered_by(&self) -> AnsweredBy {
        self.def().answered_by
    }

    /// Whether it must be answered (optional items can be skipped).
    #[must_use]
    pub fn required(&self) -> bool {
        self.def().required
    }

    /// Whether "prefer not to answer" is offered.
    #[must_use]
    pub fn allows_decline(&self) -> bool {
        self.def().allow_decline
    }

    /// Whether "don't know" is offered.
    #[must_use]
    pub fn allows_dont_know(&self) -> bool {
        self.def().allow_dont_know
    }

    /// Whether it is a protected attribute.
    #[must_use]
    pub fn protected(&self) -> bool {
        self.def().protected
    }

    /// How long its answer may be kept.
    #[must_use]
    pub fn retention(&self) -> Retention {
        self.def().retention
    }

    /// The options of a choice item (empty for other kinds).
    pub fn options(&self) -> impl ExactSizeIterator<Item = OptionRef<'q>> + 'q {
        self.def().options.iter().map(|o| OptionRef {
            value: &o.value,
            label: &o.label,
            image: o.image.as_ref(),
        })
    }

    /// Lower and upper bound of a scale or number item.
    #[must_use]
    pub fn range(&self) -> (Option<f64>, Option<f64>) {
        (self.def().min, self.def().max)
    }

    /// Whether a scale or number item accepts whole numbers only.
    #[must_use]
    pub fn integer(&self) -> bool {
        self.def().integer
    }

    /// The longest answer a text item accepts, in characters.
    #[must_use]
    pub fn max_length(&self) -> Option<u32> {
        (self.def().kind == ItemKind::Text).then_some(self.def().max_length)
    }

    /// The unit of a number item in `lang`.
    #[must_use]
    pub fn unit(&self, lang: &str) -> Option<&'q str> {
        self.def().unit.as_ref().map(|t| t.get(lang))
    }

    /// Labels of scale points in `lang`.
    pub fn scale_labels(&self, lang: &'q str) -> impl Iterator<Item = (i64, &'q str)> + 'q {
        self.def()
            .labels
            .iter()
            .map(move |(v, t)| (*v, t.get(lang)))
    }

    /// The id of the derived value suggested as its answer, if any.
    #[must_use]
    pub fn suggested_from(&self) -> Option<&'q str> {
        self.def()
            .suggested
            .map(|d| self.q.derived[d as usize].id.as_str())
    }
}

/// The band a score's value falls in: the last whose range holds it, so a
/// value on a shared bound goes to the higher band.
pub(crate) fn band_of(def: &ScoreDef, v: f64) -> Option<&BandDef> {
    def.bands.iter().rev().find(|b| b.min <= v && v <= b.max)
}

/// One list per schedule position, kept in one allocation.
#[derive(Debug, Default)]
pub(crate) struct PerSlot<T> {
    /// The list of position `s` is `entries[start[s]..start[s + 1]]`.
    start: Vec<u32>,
    entries: Vec<T>,
}

impl<T: PartialEq> PerSlot<T> {
    /// The lists, one per position in order, without repeats next to
    /// each other.
    pub(crate) fn new(lists: Vec<Vec<T>>) -> Self {
        let mut start = Vec::with_capacity(lists.len() + 1);
        let mut entries = Vec::new();
        start.push(0);
        for mut list in lists {
            list.dedup();
            entries.extend(list);
            start.push(entries.len() as u32);
        }
        PerSlot { start, entries }
    }

    /// The list of position `slot`.
    #[inline]
    pub(crate) fn of(&self, slot: u32) -> &[T] {
        let s = slot as usize;
        &self.entries[self.start[s] as usize..self.start[s + 1] as usize]
    }
}

/// Each condition's program, by the position of the condition.
#[derive(Debug, Default)]
pub(crate) struct Flat {
    pub(crate) programs: crate::expr::program::Programs,
    /// Per item, its visibility condition.
    pub(crate) item_when: Vec<Option<crate::expr::program::Prog>>,
    /// Per derived value, its expression or one program per case or flag.
    pub(crate) derived: Vec<Vec<crate::expr::program::Prog>>,
    /// Per schedule position, the flags that read it, as (derived value,
    /// flag). A list of flags usually has one flag per item it
    /// summarises, and a step changes one of those items: only the flags
    /// whose inputs changed are evaluated again.
    pub(crate) flag_readers: PerSlot<(u32, u32)>,
    /// Per item's schedule position, the positions that read more of the
    /// item than its value: whether it is shown or answered, declined or
    /// ruled out (`answered(x)`, a score term). When only that changed,
    /// as for an item a step shows without an answer, only these are
    /// evaluated again; the rest read the same value as before.
    pub(crate) state_readers: PerSlot<u32>,
    pub(crate) triggers: Vec<crate::expr::program::Prog>,
    pub(crate) ends: Vec<crate::expr::program::Prog>,
}
