//! A session is its event log. The state kept here (responses that count,
//! visibility, derived values, scores, fired triggers) is a cache of a
//! pure function of (questionnaire, events), updated after each event by
//! re-evaluating only the nodes the changed item can affect.

use std::fmt;
use std::sync::Arc;

use crate::error::Error;
use crate::expr::eval::{Env, eval};
use crate::expr::typed::{StateTest, Symbol, Val};
use crate::format::{ItemKind, Method, Urgency};
use crate::questionnaire::{
    Compiled, DerivedRule, ItemDef, ItemRef, Node, Questionnaire, ScoreDef, Term,
};
use crate::value::{Event, Response, Value};

/// The current response to an item, with the answer already resolved to
/// an evaluable value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Resp {
    None,
    /// The answer and the index of the event that gave it.
    Answer(Val, u32),
    Declined,
    DontKnow,
    Skipped,
}

/// A score's value and how many of its terms had one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ScoreVal {
    pub(crate) value: Val,
    pub(crate) known: u32,
}

/// What comes next in an interview.
#[derive(Debug, Clone, Copy)]
pub enum Step<'q> {
    /// Ask this item.
    Ask(ItemRef<'q>),
    /// Every visible item has a response.
    Complete,
    /// An end condition holds; its id.
    Ended(&'q str),
}

/// A running interview over a [`Questionnaire`].
///
/// ```
/// # fn main() -> Result<(), vidare::Error> {
/// let q = vidare::load("../../questionnaires/violence-seven/1.0.0.yaml")?;
/// let mut session = vidare::Session::new(&q);
/// session.answer("alone", true)?;
/// assert_eq!(session.events().len(), 1);
/// // The state is a function of the events: resuming gives the same session.
/// let resumed = vidare::Session::resume(&q, session.events().to_vec())?;
/// assert_eq!(resumed.result(), session.result());
/// # Ok(())
/// # }
/// ```
///
/// Cloning a session, like taking its [`result`](Session::result), shares
/// its log and state; the first step of either copy copies them.
#[derive(Clone)]
pub struct Session {
    /// Shared with the results taken from it (`Session::result`), which
    /// are snapshots: a step copies it only while such a result is alive.
    inner: Arc<Inner>,
}

/// The questionnaire, the log and the state computed from it.
#[derive(Clone)]
struct Inner {
    q: Questionnaire,
    events: Vec<Event>,
    st: State,
}

/// Everything computed from the events, kept apart from the questionnaire
/// so a step can read the definition while it updates the state.
#[derive(Clone)]
pub(crate) struct State {
    resp: Vec<Resp>,
    visible: Vec<bool>,
    /// Hidden because its condition is false (not because an end
    /// condition cut it off or the condition is unknown): a score counts
    /// such an item under `hidden_as_zero`.
    ruled_out: Vec<bool>,
    /// Per position in the schedule: an input changed during this step.
    /// All false between steps.
    dirty: Vec<bool>,

    derived: Vec<Val>,
    /// Per derived value: its flags' last values (for `flags:` rules).
    flags: Vec<FlagBits>,
    scores: Vec<ScoreVal>,
    fired: Vec<bool>,
    ends: Vec<bool>,
    end_cut: u32,
    cursor: u32,
}

/// The flags of one derived value, one bit per flag.
#[derive(Clone, Copy, Default, PartialEq, Debug)]
struct FlagBits {
    holds: u64,
    unknown: u64,
    /// An input changed since the flag was last evaluated.
    stale: u64,
}

/// What a node's evaluation changed, for its readers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Change {
    Nothing,
    /// An item's state (shown, ruled out, its response) changed, but not
    /// the value an expression reads: as for an item shown without an
    /// answer.
    State,
    /// The value changed (for an item, its state too).
    Value,
}

/// Debug shows the shape of the session, never its answers.
impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("questionnaire", &self.inner.q.id())
            .field("version", &self.inner.q.version())
            .field("events", &self.inner.events.len())
            .finish_non_exhaustive()
    }
}

impl Env for Session {
    #[inline]
    fn value(&self, symbol: Symbol) -> Val {
        self.inner.st.value(symbol)
    }

    #[inline]
    fn state(&self, test: StateTest, item: u32) -> bool {
        self.inner.st.state(test, item)
    }
}

impl Env for State {
    #[inline]
    fn value(&self, symbol: Symbol) -> Val {
        match symbol {
            Symbol::Item(i) => match self.resp[i as usize] {
                Resp::Answer(v, _) if self.visible[i as usize] => v,
                _ => Val::Unknown,
            },
            Symbol::Derived(d) => self.derived[d as usize],
            Symbol::Score(s) => self.scores[s as usize].value,
        }
    }

    #[inline]
    fn state(&self, test: StateTest, item: u32) -> bool {
        let i = item as usize;
        if !self.visible[i] {
            return false;
        }
        match test {
            StateTest::Shown => true,
            StateTest::Answered => matches!(self.resp[i], Resp::Answer(..)),
            StateTest::Declined => self.resp[i] == Resp::Declined,
            StateTest::DontKnow => self.resp[i] == Resp::DontKnow,
        }
    }
}

impl Session {
    /// Starts a session.
    #[must_use]
    pub fn new(questionnaire: &Questionnaire) -> Self {
        let c = &questionnaire.inner;
        let st = c
            .schedule
            .initial
            .get_or_init(|| Box::new(State::initial(c)))
            .downcast_ref::<State>()
            .map_or_else(|| State::initial(c), State::clone);
        Session {
            inner: Arc::new(Inner {
                q: questionnaire.clone(),
                events: Vec::new(),
                st,
            }),
        }
    }

    /// Rebuilds a session from its log. The result is identical to the
    /// session that wrote the log.
    ///
    /// # Errors
    /// [`Error::Replay`] naming the first event that cannot be applied.
    pub fn resume(
        questionnaire: &Questionnaire,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<Self, Error> {
        let mut session = Session::new(questionnaire);
        for (index, event) in events.into_iter().enumerate() {
            session.apply(event).map_err(|e| Error::Replay {
                index,
                source: Box::new(e),
            })?;
        }
        Ok(session)
    }

    /// The questionnaire the session runs.
    #[must_use]
    pub fn questionnaire(&self) -> &Questionnaire {
        &self.inner.q
    }

    /// The log so far.
    #[must_use]
    pub fn events(&self) -> &[Event] {
        &self.inner.events
    }

    /// What comes next: the first shown item without a response, or the end.
    #[must_use]
    pub fn next(&self) -> Step<'_> {
        let n = self.inner.q.inner.items.len() as u32;
        if self.inner.st.cursor < n {
            return Step::Ask(self.inner.q.item_at(self.inner.st.cursor));
        }
        match self.ended_by() {
            Some(id) => Step::Ended(id),
            None => Step::Complete,
        }
    }

    /// The id of the end condition that ended the interview, if one did.
    #[must_use]
    pub fn ended_by(&self) -> Option<&str> {
        let c = &self.inner.q.inner;
        c.ends
            .iter()
            .zip(&self.inner.st.ends)
            .filter(|(_, holds)| **holds)
            .min_by_key(|(e, _)| e.position)
            .map(|(e, _)| e.id.as_str())
    }

    /// Whether nothing is left to ask.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.inner.st.cursor as usize >= self.inner.q.inner.items.len()
    }

    /// Information texts shown since the previous question and before `item`.
    pub fn info_before(&self, item: &str) -> Vec<ItemRef<'_>> {
        let Some(&end) = self.inner.q.inner.item_index.get(item) else {
            return Vec::new();
        };
        let items = &self.inner.q.inner.items;
        let mut start = end as usize;
        while start > 0
            && (items[start - 1].kind == ItemKind::Info || !self.inner.st.visible[start - 1])
        {
            start -= 1;
        }
        (start..end as usize)
            .filter(|&i| self.inner.st.visible[i] && items[i].kind == ItemKind::Info)
            .map(|i| self.inner.q.item_at(i as u32))
            .collect()
    }

    /// Information texts after the last shown question (e.g. a closing text).
    pub fn closing_info(&self) -> Vec<ItemRef<'_>> {
        let items = &self.inner.q.inner.items;
        let mut start = items.len();
        while start > 0
            && (items[start - 1].kind == ItemKind::Info || !self.inner.st.visible[start - 1])
        {
            start -= 1;
        }
        (start..items.len())
            .filter(|&i| self.inner.st.visible[i] && items[i].kind == ItemKind::Info)
            .map(|i| self.inner.q.item_at(i as u32))
            .collect()
    }

    /// (items with a response, items shown so far in all): "question k of
    /// about n". The total can change as answers open or close branches.
    #[must_use]
    pub fn progress(&self) -> (usize, usize) {
        let items = &self.inner.q.inner.items;
        let mut done = 0;
        let mut total = 0;
        for (i, item) in items.iter().enumerate() {
            if item.kind != ItemKind::Info && self.inner.st.visible[i] {
                total += 1;
                if self.inner.st.resp[i] != Resp::None {
                    done += 1;
                }
            }
        }
        (done, total)
    }

    /// Whether the item is shown now.
    #[must_use]
    pub fn is_shown(&self, item: &str) -> bool {
        self.inner
            .q
            .inner
            .item_index
            .get(item)
            .is_some_and(|&i| self.inner.st.visible[i as usize])
    }

    /// The response to an item that counts now (shown items only).
    #[must_use]
    pub fn response(&self, item: &str) -> Option<Response> {
        let &i = self.inner.q.inner.item_index.get(item)?;
        if !self.inner.st.visible[i as usize] {
            return None;
        }
        self.response_at(i)
    }

    pub(crate) fn response_at(&self, i: u32) -> Option<Response> {
        self.response_ref_at(i).cloned()
    }

    /// The response that counts for item `i`, borrowed from the log: a
    /// result copies only what it keeps of it.
    /// The responses that count now (shown items only), in the
    /// questionnaire's order, as `(item id, response)`: what the result's
    /// `answers` lists, without building the result.
    pub fn responses(&self) -> impl Iterator<Item = (&str, &Response)> {
        let c = &self.inner.q.inner;
        (0..c.items.len() as u32)
            .filter(|&i| self.visible_at(i))
            .filter_map(move |i| Some((&*c.items[i as usize].id, self.response_ref_at(i)?)))
    }

    pub(crate) fn response_ref_at(&self, i: u32) -> Option<&Response> {
        match self.inner.st.resp[i as usize] {
            Resp::None => None,
            Resp::Answer(_, event) => match &self.inner.events[event as usize] {
                Event::Respond { response, .. } | Event::Change { response, .. } => Some(response),
                Event::Back { .. } => None,
            },
            Resp::Declined => Some(&Response::Declined),
            Resp::DontKnow => Some(&Response::DontKnow),
            Resp::Skipped => Some(&Response::Skipped),
        }
    }

    /// The suggested answer of an item whose definition names a derived
    /// value as `suggested`, if that value is known now.
    #[must_use]
    pub fn suggestion(&self, item: &str) -> Option<Value> {
        let &i = self.inner.q.inner.item_index.get(item)?;
        let def = &self.inner.q.inner.items[i as usize];
        let d = def.suggested?;
        match self.inner.st.derived[d as usize] {
            Val::Bool(b) => Some(Value::Bool(b)),
            Val::Num(n) => Some(Value::Number(n)),
            Val::Opt(o) => Some(Value::Text(
                self.inner.q.inner.derived[d as usize]
                    .categories
                    .get(o as usize)?
                    .value
                    .clone(),
            )),
            _ => None,
        }
    }

    /// Ids of the triggers whose condition holds now, in document order.
    pub fn fired(&self) -> impl Iterator<Item = (&str, Urgency)> {
        self.inner
            .q
            .inner
            .triggers
            .iter()
            .zip(&self.inner.st.fired)
            .filter(|(_, f)| **f)
            .map(|(t, _)| (t.id.as_str(), t.urgency))
    }

    /// Ids of the immediate triggers that hold now: shown to the
    /// interviewer the moment they fire.
    pub fn immediate(&self) -> impl Iterator<Item = &str> {
        self.fired()
            .filter(|(_, u)| *u == Urgency::Immediate)
            .map(|(id, _)| id)
    }

    /// Answers the current item.
    ///
    /// # Errors
    /// If the item is unknown, hidden, not the current item, already
    /// answered, or the value does not fit it. The session is unchanged.
    pub fn answer(&mut self, item: &str, value: impl Into<Value>) -> Result<(), Error> {
        self.respond(item, Response::Answer(value.into()))
    }

    /// Records "prefer not to answer" for the current item.
    ///
    /// # Errors
    /// As [`Session::answer`], and if the item does not offer declining.
    pub fn decline(&mut self, item: &str) -> Result<(), Error> {
        self.respond(item, Response::Declined)
    }

    /// Records "don't know" for the current item.
    ///
    /// # Errors
    /// As [`Session::answer`], and if the item does not offer "don't know".
    pub fn dont_know(&mut self, item: &str) -> Result<(), Error> {
        self.respond(item, Response::DontKnow)
    }

    /// Passes over the current item if it is optional.
    ///
    /// # Errors
    /// As [`Session::answer`], and if the item is required.
    pub fn skip(&mut self, item: &str) -> Result<(), Error> {
        self.respond(item, Response::Skipped)
    }

    /// Gives the current item a response.
    ///
    /// # Errors
    /// As [`Session::answer`].
    pub fn respond(&mut self, item: &str, response: Response) -> Result<(), Error> {
        let index = self.index_of(item)?;
        let id = self.inner.q.inner.items[index as usize].id.clone();
        self.apply_at(index, Event::Respond { item: id, response })
    }

    /// Replaces the response to an earlier item. Everything after it is
    /// re-evaluated: items that become hidden stop counting, and items that
    /// become shown again are asked again.
    ///
    /// # Errors
    /// If the item is unknown, hidden, has no response yet, or the new
    /// response does not fit it. The session is unchanged.
    pub fn change(&mut self, item: &str, response: Response) -> Result<(), Error> {
        let index = self.index_of(item)?;
        let id = self.inner.q.inner.items[index as usize].id.clone();
        self.apply_at(index, Event::Change { item: id, response })
    }

    /// Goes back one question: withdraws the response of the last shown
    /// item before the current one, which is then asked again.
    ///
    /// # Errors
    /// [`Error::NothingToGoBack`] at the first question.
    pub fn back(&mut self) -> Result<(), Error> {
        let items = &self.inner.q.inner.items;
        let upto = (self.inner.st.cursor as usize).min(items.len());
        let previous = (0..upto)
            .rev()
            .find(|&i| self.inner.st.visible[i] && self.inner.st.resp[i] != Resp::None)
            .ok_or(Error::NothingToGoBack)?;
        let id = items[previous].id.clone();
        self.apply_at(previous as u32, Event::Back { item: id })
    }

    /// Applies one event after checking it; on error nothing changes.
    pub(crate) fn apply(&mut self, event: Event) -> Result<(), Error> {
        let index = self.index_of(event.item())?;
        self.apply_at(index, event)
    }

    fn index_of(&self, item: &str) -> Result<u32, Error> {
        // Most steps answer the item being asked: comparing its id costs
        // less than hashing (ids are unique, so the answer is the same).
        // A caller that passes the id `next()` gave shares its bytes.
        let items = &self.inner.q.inner.items;
        if let Some(current) = items.get(self.inner.st.cursor as usize)
            && (std::ptr::eq(current.id.as_ptr(), item.as_ptr()) && current.id.len() == item.len()
                || *current.id == *item)
        {
            return Ok(self.inner.st.cursor);
        }
        self.inner
            .q
            .inner
            .item_index
            .get(item)
            .copied()
            .ok_or_else(|| Error::UnknownItem {
                item: item.to_owned(),
            })
    }

    /// Applies an event for the item at `index`, which the caller looked up.
    fn apply_at(&mut self, index: u32, event: Event) -> Result<(), Error> {
        let new = self.check(index, &event)?;
        // Copies the session only if a result taken from it is alive.
        let Inner { q, events, st } = Arc::make_mut(&mut self.inner);
        let c: &Compiled = &q.inner;
        if events.capacity() == 0 {
            // About one event per item, in one allocation rather than
            // five doublings; a long questionnaire's log still grows.
            events.reserve_exact(c.items.len().clamp(8, 64));
        }
        events.push(event);
        st.resp[index as usize] = new;
        st.settle(c, index);
        Ok(())
    }

    /// The response `event` gives the item at `index`, resolved, or why
    /// the event cannot be applied now.
    fn check(&self, index: u32, event: &Event) -> Result<Resp, Error> {
        let Inner { q, events, st } = &*self.inner;
        let c: &Compiled = &q.inner;
        let i = index as usize;
        let def = &c.items[i];
        let item = || def.id.to_string();
        if def.kind == ItemKind::Info {
            return Err(Error::NotAQuestion { item: item() });
        }
        let answered = st.visible[i] && st.resp[i] != Resp::None;
        let event_index = events.len() as u32;
        match event {
            Event::Respond { response, .. } => {
                // Already answered comes first, also after the last item:
                // callers turn it into a change, and a late change must not
                // be lost as "finished".
                if answered {
                    return Err(Error::AlreadyAnswered { item: item() });
                }
                if st.cursor as usize >= c.items.len() {
                    return Err(Error::Finished);
                }
                if !st.visible[i] {
                    return Err(Error::Hidden { item: item() });
                }
                if index != st.cursor {
                    return Err(Error::NotCurrent {
                        item: item(),
                        current: Some(c.items[st.cursor as usize].id.to_string()),
                    });
                }
                resolve(def, response, event_index)
            }
            Event::Change { response, .. } => {
                if !st.visible[i] {
                    return Err(Error::Hidden { item: item() });
                }
                if !answered {
                    return Err(Error::NotAnswered { item: item() });
                }
                resolve(def, response, event_index)
            }
            Event::Back { .. } if answered => Ok(Resp::None),
            Event::Back { .. } => Err(Error::NothingToGoBack),
        }
    }

    pub(crate) fn state(&self) -> &State {
        &self.inner.st
    }

    pub(crate) fn derived_value(&self, d: u32) -> Val {
        self.inner.st.derived[d as usize]
    }

    pub(crate) fn score_value(&self, s: u32) -> ScoreVal {
        self.inner.st.scores[s as usize]
    }

    pub(crate) fn is_fired(&self, t: u32) -> bool {
        self.inner.st.fired[t as usize]
    }

    pub(crate) fn end_holds(&self, e: u32) -> bool {
        self.inner.st.ends[e as usize]
    }

    pub(crate) fn visible_at(&self, i: u32) -> bool {
        self.inner.st.visible[i as usize]
    }

    /// How many shown items have a response, read from the state alone
    /// (without the log): the size of a result's list of answers.
    pub(crate) fn shown_with_response(&self) -> usize {
        self.inner
            .st
            .visible
            .iter()
            .zip(&self.inner.st.resp)
            .filter(|(shown, resp)| **shown && !matches!(resp, Resp::None))
            .count()
    }
}

impl State {
    /// The state before any event: every node evaluated in schedule order.
    fn initial(c: &Compiled) -> State {
        let mut st = State {
            resp: vec![Resp::None; c.items.len()],
            visible: vec![false; c.items.len()],
            ruled_out: vec![false; c.items.len()],
            dirty: vec![false; c.schedule.order.len()],
            derived: vec![Val::Unknown; c.derived.len()],
            flags: vec![FlagBits::default(); c.derived.len()],
            scores: vec![
                ScoreVal {
                    value: Val::Unknown,
                    known: 0
                };
                c.scores.len()
            ],
            fired: vec![false; c.triggers.len()],
            ends: vec![false; c.ends.len()],
            end_cut: c.items.len() as u32,
            cursor: 0,
        };
        st.mark_all_flags_stale();
        for &node in &c.schedule.order {
            st.evaluate(c, node);
        }
        st.cursor = st.find_next(c, 0);
        st
    }

    /// Evaluates again what reads the item at `index`, whose response just
    /// changed, and moves the cursor.
    fn settle(&mut self, c: &Compiled, index: u32) {
        // Only what reads a changed value is evaluated again; the
        // affected list is in schedule order, so every input of a node is
        // settled before the node is reached.
        let schedule = &c.schedule;
        let i = index as usize;
        self.mark_readers(c, schedule.item_slot[i], Change::Value);
        // The first item whose visibility or response changed.
        let mut first_changed = index;
        for &slot in &schedule.affected_by_item[i] {
            let dirty = &mut self.dirty[slot as usize];
            if *dirty {
                *dirty = false;
                let node = schedule.order[slot as usize];
                let change = self.evaluate(c, node);
                if change != Change::Nothing {
                    self.mark_readers(c, slot, change);
                    if let Node::Item(k) = node {
                        first_changed = first_changed.min(k);
                    }
                }
            }
        }
        // The cursor is the first shown item without a response; items
        // before `first_changed` are as they were, so it stays unless it
        // is at or after that item.
        if self.cursor >= first_changed {
            self.cursor = self.find_next(c, first_changed);
        }
    }

    /// Marks what reads position `slot`, whose output changed: the nodes
    /// (only those reading an item's state when only that changed), and
    /// the flags among them (all of them: a flag marked but not evaluated
    /// in this step is evaluated with its derived value's next change).
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn mark_readers(&mut self, c: &Compiled, slot: u32, change: Change) {
        let readers = match change {
            Change::State => c.flat.state_readers.of(slot),
            Change::Value | Change::Nothing => c.schedule.readers(slot),
        };
        for &r in readers {
            self.dirty[r as usize] = true;
        }
        for &(d, k) in c.flat.flag_readers.of(slot) {
            self.flags[d as usize].stale |= 1 << k;
        }
    }

    /// Every flag is evaluated when its derived value is next evaluated.
    fn mark_all_flags_stale(&mut self) {
        for bits in &mut self.flags {
            bits.stale = u64::MAX;
        }
    }

    /// The set of flags whose conditions hold, unknown while none holds
    /// and one cannot be decided yet. Only a flag whose inputs changed is
    /// evaluated again; the others keep their last value.
    fn flags_value(&mut self, c: &Compiled, d: u32, flags: &[(crate::expr::Expr, u32)]) -> Val {
        let flat = &c.flat;
        let progs = &flat.derived[d as usize];
        let mut bits = self.flags[d as usize];
        let mut stale = bits.stale;
        while stale != 0 {
            let k = stale.trailing_zeros() as usize;
            stale &= stale - 1;
            let Some((when, bit)) = flags.get(k) else {
                break;
            };
            let mask = 1 << bit;
            bits.holds &= !mask;
            bits.unknown &= !mask;
            match flat.programs.eval(progs[k], when, self) {
                Val::Bool(true) => bits.holds |= mask,
                Val::Bool(false) => {}
                _ => bits.unknown |= mask,
            }
        }
        bits.stale = 0;
        self.flags[d as usize] = bits;
        if bits.holds == 0 && bits.unknown != 0 {
            Val::Unknown
        } else {
            Val::Set(bits.holds)
        }
    }

    fn find_next(&self, c: &Compiled, from: u32) -> u32 {
        let items = &c.items;
        (from as usize..items.len())
            .find(|&i| {
                self.visible[i] && items[i].kind != ItemKind::Info && self.resp[i] == Resp::None
            })
            .unwrap_or(items.len()) as u32
    }

    /// Evaluates one node; what changed of what its readers see. Inlined
    /// into the step's loop: a call per node cost more than most nodes
    /// (callgrind, `benches/result.rs`).
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn evaluate(&mut self, c: &Compiled, node: Node) -> Change {
        let flat = &c.flat;
        let programs = &flat.programs;
        match node {
            Node::Item(i) => {
                let i = i as usize;
                let def = &c.items[i];
                let condition = if (i as u32) < self.end_cut {
                    match &def.when {
                        Some(w) => {
                            let prog = flat.item_when[i].expect("a condition has a program");
                            programs.eval(prog, w, self)
                        }
                        None => Val::Bool(true),
                    }
                } else {
                    Val::Unknown
                };
                let shown = condition.is_true();
                let ruled_out = condition == Val::Bool(false);
                let value = self.value(Symbol::Item(i as u32));
                let mut changed = self.visible[i] != shown || self.ruled_out[i] != ruled_out;
                if !shown && self.resp[i] != Resp::None {
                    // A hidden item's answer is stale: if the item is shown
                    // again, it is asked again rather than silently restored.
                    self.resp[i] = Resp::None;
                    changed = true;
                }
                self.visible[i] = shown;
                self.ruled_out[i] = ruled_out;
                if !changed {
                    Change::Nothing
                } else if same(value, self.value(Symbol::Item(i as u32))) {
                    Change::State
                } else {
                    Change::Value
                }
            }
            Node::Derived(d) => {
                let progs = &flat.derived[d as usize];
                let value = match &c.derived[d as usize].rule {
                    DerivedRule::Value(e) => programs.eval(progs[0], e, self),
                    DerivedRule::Cases(cases) => {
                        first_case(cases, |k, when| programs.eval(progs[k], when, self))
                    }
                    DerivedRule::Flags(flags) => self.flags_value(c, d, flags),
                };
                let old = std::mem::replace(&mut self.derived[d as usize], value);
                Change::from(!same(old, value))
            }
            Node::Score(s) => {
                let value = score(&c.scores[s as usize], &c.items, self);
                let old = std::mem::replace(&mut self.scores[s as usize], value);
                // Expressions read a score's value, not how many terms count.
                Change::from(!same(old.value, value.value))
            }
            Node::Trigger(t) => {
                self.fired[t as usize] = programs
                    .eval(
                        flat.triggers[t as usize],
                        &c.triggers[t as usize].when,
                        self,
                    )
                    .is_true();
                // Nothing reads a trigger.
                Change::Nothing
            }
            Node::End(e) => {
                let holds = programs
                    .eval(flat.ends[e as usize], &c.ends[e as usize].when, self)
                    .is_true();
                let old = std::mem::replace(&mut self.ends[e as usize], holds);
                self.end_cut = c
                    .ends
                    .iter()
                    .zip(&self.ends)
                    .filter(|(_, holds)| **holds)
                    .map(|(end, _)| end.position)
                    .min()
                    .unwrap_or(c.items.len() as u32);
                Change::from(old != holds)
            }
        }
    }
}

impl From<bool> for Change {
    fn from(changed: bool) -> Change {
        if changed {
            Change::Value
        } else {
            Change::Nothing
        }
    }
}

/// Whether two values read the same to every expression: equal, with
/// numbers compared by their bits (a NaN is then the same as itself).
#[inline]
fn same(a: Val, b: Val) -> bool {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// The first case whose condition holds, with `eval` giving the value of
/// case `k`'s condition. A case that cannot be decided yet stops the
/// search: a later case must not win while an earlier one may still turn
/// out true.
fn first_case(
    cases: &[(crate::expr::Expr, u32)],
    mut eval: impl FnMut(usize, &crate::expr::Expr) -> Val,
) -> Val {
    for (k, (when, value)) in cases.iter().enumerate() {
        match eval(k, when) {
            Val::Bool(true) => return Val::Opt(*value),
            Val::Bool(false) => {}
            _ => return Val::Unknown,
        }
    }
    Val::Unknown
}

/// One term's contribution to a score.
enum TermVal {
    Value(f64),
    Missing,
    /// An item hidden because its condition is false (a rule skipped it).
    RuledOut,
    Declined,
    DontKnow,
}

pub(crate) fn item_weight(def: &ItemDef, v: Val) -> Option<f64> {
    match v {
        Val::Bool(b) => Some(if b {
            def.yes_no_scores.0
        } else {
            def.yes_no_scores.1
        }),
        Val::Num(n) => Some(n),
        Val::Opt(o) => def.options.get(o as usize).and_then(|o| o.score),
        Val::Set(mask) => Some(
            def.options
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .filter_map(|(_, o)| o.score)
                .sum(),
        ),
        Val::Unknown | Val::Opaque => None,
    }
}

#[inline]
fn term_value(term: &Term, items: &[ItemDef], session: &State) -> TermVal {
    match term {
        Term::Item(i) => {
            if !session.visible[*i as usize] {
                return ruled_out(*i, session);
            }
            match session.resp[*i as usize] {
                Resp::Answer(v, _) => {
                    item_weight(&items[*i as usize], v).map_or(TermVal::Missing, TermVal::Value)
                }
                Resp::Declined => TermVal::Declined,
                Resp::DontKnow => TermVal::DontKnow,
                Resp::None | Resp::Skipped => TermVal::Missing,
            }
        }
        Term::Expr(e) => match eval(e, session) {
            Val::Num(n) => TermVal::Value(n),
            Val::Bool(b) => TermVal::Value(if b { 1.0 } else { 0.0 }),
            _ => TermVal::Missing,
        },
    }
}

/// A hidden item: ruled out when its condition is false, missing when the
/// condition is unknown (it reads a declined answer, say) or when an end
/// condition cut the interview before it.
fn ruled_out(i: u32, session: &State) -> TermVal {
    if session.ruled_out[i as usize] {
        TermVal::RuledOut
    } else {
        TermVal::Missing
    }
}

/// What a term adds to its score under the score's missing-data policy;
/// `None` when it is left out.
#[inline]
pub(crate) fn contribution(
    def: &ScoreDef,
    term: &Term,
    items: &[ItemDef],
    session: &State,
) -> Option<f64> {
    match term_value(term, items, session) {
        TermVal::Value(v) => Some(v),
        TermVal::Declined if def.declined_as_zero => Some(0.0),
        TermVal::DontKnow if def.dont_know_as_zero => Some(0.0),
        TermVal::RuledOut if def.hidden_as_zero => Some(0.0),
        _ => None,
    }
}

fn score(def: &ScoreDef, items: &[ItemDef], session: &State) -> ScoreVal {
    let mut known = 0u32;
    let mut sum = 0.0;
    let mut count = 0.0;
    let mut min = f64::INFINITY;
    let mut max = f64::NEG_INFINITY;
    for term in &def.terms {
        let Some(v) = contribution(def, term, items, session) else {
            continue;
        };
        known += 1;
        // Only what the method needs: this runs for every term of every
        // score a step reaches.
        match def.method {
            Method::Sum | Method::Mean => sum += v,
            Method::Count => {
                if v != 0.0 {
                    count += 1.0;
                }
            }
            Method::Min => min = min.min(v),
            Method::Max => max = max.max(v),
        }
    }
    let value = if known < def.min_answered {
        Val::Unknown
    } else {
        match def.method {
            Method::Sum => Val::Num(sum),
            Method::Count => Val::Num(count),
            Method::Mean if known > 0 => Val::Num(sum / f64::from(known)),
            Method::Min if known > 0 => Val::Num(min),
            Method::Max if known > 0 => Val::Num(max),
            _ => Val::Unknown,
        }
    };
    // Terms that add up to more than an f64 holds have no total, as in
    // expression arithmetic (`expr::eval::arith`).
    let value = match value {
        Val::Num(n) if !n.is_finite() => Val::Unknown,
        v => v,
    };
    ScoreVal { value, known }
}

/// Checks a response against its item and resolves it to an evaluable value.
fn resolve(def: &ItemDef, response: &Response, event: u32) -> Result<Resp, Error> {
    let not_offered = |what: &'static str| Error::NotOffered {
        item: def.id.to_string(),
        response: what,
    };
    let value = match response {
        Response::Declined if def.allow_decline => return Ok(Resp::Declined),
        Response::Declined => return Err(not_offered("\"prefer not to answer\"")),
        Response::DontKnow if def.allow_dont_know => return Ok(Resp::DontKnow),
        Response::DontKnow => return Err(not_offered("\"don't know\"")),
        Response::Skipped if !def.required => return Ok(Resp::Skipped),
        Response::Skipped => return Err(not_offered("skipping (it is required)")),
        Response::Answer(v) => v,
    };
    let invalid = |expected: String| Error::InvalidAnswer {
        item: def.id.to_string(),
        expected,
    };
    let options = || {
        def.options
            .iter()
            .map(|o| format!("\"{}\"", o.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let val = match (def.kind, value) {
        (ItemKind::YesNo, Value::Bool(b)) => Val::Bool(*b),
        (ItemKind::YesNo, _) => return Err(invalid("yes or no (true or false)".into())),
        (ItemKind::SingleChoice, Value::Text(s)) => {
            let o = def
                .options
                .iter()
                .position(|o| &o.value == s)
                .ok_or_else(|| invalid(format!("one of {}", options())))?;
            Val::Opt(o as u32)
        }
        (ItemKind::SingleChoice, _) => return Err(invalid(format!("one of {}", options()))),
        (ItemKind::MultipleChoice, Value::List(values)) => {
            let mut mask = 0u64;
            for s in values {
                let o = def
                    .options
                    .iter()
                    .position(|o| &o.value == s)
                    .ok_or_else(|| invalid(format!("a list of values from {}", options())))?;
                if mask & (1 << o) != 0 {
                    return Err(invalid("each value at most once".into()));
                }
                mask |= 1 << o;
            }
            Val::Set(mask)
        }
        (ItemKind::MultipleChoice, _) => {
            return Err(invalid(format!("a list of values from {}", options())));
        }
        (ItemKind::Scale | ItemKind::Number, Value::Number(n)) => {
            if !n.is_finite()
                || def.min.is_some_and(|m| *n < m)
                || def.max.is_some_and(|m| *n > m)
                || (def.integer && !is_whole(*n))
            {
                return Err(invalid(describe_range(def)));
            }
            Val::Num(*n)
        }
        (ItemKind::Scale | ItemKind::Number, _) => return Err(invalid(describe_range(def))),
        (ItemKind::Text, Value::Text(s)) => {
            let len = s.chars().count();
            if s.trim().is_empty() || len > def.max_length as usize {
                return Err(invalid(format!(
                    "a text of 1 to {} characters",
                    def.max_length
                )));
            }
            Val::Opaque
        }
        (ItemKind::Text, _) => return Err(invalid("a text".into())),
        (ItemKind::Date, Value::Text(s)) if crate::value::valid_date(s) => Val::Opaque,
        (ItemKind::Date, _) => return Err(invalid("a date written YYYY-MM-DD".into())),
        (ItemKind::Info, _) => {
            return Err(Error::NotAQuestion {
                item: def.id.to_string(),
            });
        }
    };
    Ok(Resp::Answer(val, event))
}

/// Whether a finite number is whole, without a call to `trunc`: every
/// number of 2^52 or more is whole, and below that the cast is exact.
#[allow(clippy::float_cmp, clippy::cast_possible_truncation)]
fn is_whole(n: f64) -> bool {
    n.abs() >= 4_503_599_627_370_496.0 || (n as i64) as f64 == n
}

fn describe_range(def: &ItemDef) -> String {
    let what = if def.integer {
        "a whole number"
    } else {
        "a number"
    };
    match (def.min, def.max) {
        (Some(lo), Some(hi)) => format!("{what} from {lo} to {hi}"),
        (Some(lo), None) => format!("{what} of at least {lo}"),
        (None, Some(hi)) => format!("{what} of at most {hi}"),
        (None, None) => what.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Compiled, Session, State};
    use crate::format::ItemKind;
    use crate::questionnaire::ItemDef;
    use crate::value::{Response, SharedStr, Value, valid_date};

    /// The state a step leaves is what evaluating every node again, in
    /// schedule order, gives: skipping the nodes whose inputs did not
    /// change loses nothing. On every shipped questionnaire file, after
    /// every accepted event of random sessions with changes and going back.
    #[test]
    fn a_step_leaves_the_state_a_full_evaluation_gives() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../questionnaires");
        let mut files = Vec::new();
        for dir in std::fs::read_dir(root).expect("the shipped questionnaires") {
            for file in std::fs::read_dir(dir.expect("a folder").path()).expect("a folder") {
                let path = file.expect("a file").path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() >= 7, "{} files", files.len());
        let mut questionnaires: Vec<(String, crate::Questionnaire)> = files
            .iter()
            .map(|path| {
                let q = crate::load(path).expect("a shipped questionnaire compiles");
                (path.display().to_string(), q)
            })
            .collect();
        let q = crate::compile(STATE_READERS, "state-readers.yaml").expect("compiles");
        questionnaires.push(("state-readers.yaml".into(), q));
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: u64| {
            rng ^= rng >> 12;
            rng ^= rng << 25;
            rng ^= rng >> 27;
            (rng.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) % n.max(1)
        };
        let (mut accepted, mut changes, mut hidden_again) = (0, 0, 0);
        for (path, q) in &questionnaires {
            let c: &Compiled = &q.inner;
            for _ in 0..60 {
                let mut s = Session::new(q);
                assert!(settled(c, &s.inner.st), "a new session");
                for _ in 0..120 {
                    let visible_before = s.inner.st.visible.iter().filter(|v| **v).count();
                    let op = next(10);
                    let ok = if op < 7 || s.events().is_empty() {
                        let Some(item) = c.items.get(s.inner.st.cursor as usize) else {
                            break;
                        };
                        let response = response_for(item, &mut next);
                        s.respond(&item.id.clone(), response).is_ok()
                    } else if op < 9 {
                        let item = &c.items[next(c.items.len() as u64) as usize];
                        let response = response_for(item, &mut next);
                        let ok = s.change(&item.id.clone(), response).is_ok();
                        changes += usize::from(ok);
                        ok
                    } else {
                        s.back().is_ok()
                    };
                    if ok {
                        accepted += 1;
                        let visible = s.inner.st.visible.iter().filter(|v| **v).count();
                        hidden_again += usize::from(visible < visible_before);
                        assert!(
                            settled(c, &s.inner.st),
                            "{} after {} events",
                            path,
                            s.events().len()
                        );
                    }
                }
            }
        }
        assert!(accepted > 10_000 && changes > 500 && hidden_again > 400);
    }

    /// Nodes that read whether an item is shown, answered or declined, not
    /// only its value: an item a step shows or hides without an answer
    /// changes only that, and only these nodes are evaluated again
    /// (`Change::State`). Item conditions, flags, cases, a trigger and
    /// scores that count missing answers as 0 each read such a state.
    const STATE_READERS: &str = r"
format: 2
id: state-readers
version: 1.0.0
title: { en: State readers }
languages: [en]
default_language: en
sections:
  - id: main
    items:
      - id: gate
        kind: yes_no
        allow_decline: true
        text: { en: Gate }
      - id: a
        kind: scale
        min: 0
        max: 3
        allow_decline: true
        allow_dont_know: true
        when: gate == true
        text: { en: A }
      - id: b
        kind: single_choice
        allow_decline: true
        when: gate == true
        text: { en: B }
        options:
          - { value: x, label: { en: X }, score: 1 }
          - { value: y, label: { en: Y }, score: 2 }
      - id: c
        kind: yes_no
        when: shown(a) && !answered(b)
        text: { en: C }
      - id: d
        kind: yes_no
        allow_decline: true
        when: declined(a) || a >= 2
        text: { en: D }
derived:
  - id: marks
    flags:
      - value: a_answered
        when: answered(a)
      - value: b_declined
        when: declined(b)
      - value: a_low
        when: a <= 1
  - id: kind
    cases:
      - value: waiting
        when: shown(b) && !answered(b)
      - value: low
        when: a <= 1
      - value: high
        when: a >= 2
scores:
  - id: zeroed
    method: sum
    over: [a, b]
    declined: zero
    dont_know: zero
    hidden: zero
  - id: counted
    method: count
    over: [a, b, d]
    hidden: zero
    min_answered: 1
  - id: plain
    method: sum
    over: [a, b]
triggers:
  - id: follow
    when: declined(d) || answered(c) || shown(b)
    urgency: routine
    refer_to: follow-up
    text: { en: Follow up. }
";

    /// Whether evaluating every node again leaves `st` as it is.
    fn settled(c: &Compiled, st: &State) -> bool {
        let mut full = st.clone();
        // Every flag is evaluated again. Between steps a flag may stay
        // marked: its input's state changed, but its derived value reads
        // only the input's value, which did not.
        full.mark_all_flags_stale();
        for &node in &c.schedule.order {
            full.evaluate(c, node);
        }
        full.resp == st.resp
            && full.visible == st.visible
            && full.ruled_out == st.ruled_out
            && full.dirty.iter().all(|d| !d)
            && st.dirty.iter().all(|d| !d)
            && full.derived == st.derived
            && full
                .flags
                .iter()
                .zip(&st.flags)
                .all(|(a, b)| a.holds == b.holds && a.unknown == b.unknown)
            && full.scores == st.scores
            && full.fired == st.fired
            && full.ends == st.ends
            && full.end_cut == st.end_cut
            && st.cursor == st.find_next(c, 0)
    }

    /// A response the item may or may not accept.
    #[allow(clippy::cast_sign_loss)]
    fn response_for(item: &ItemDef, next: &mut impl FnMut(u64) -> u64) -> Response {
        match next(12) {
            0 => return Response::Declined,
            1 => return Response::DontKnow,
            2 => return Response::Skipped,
            _ => {}
        }
        let option = |next: &mut dyn FnMut(u64) -> u64| {
            item.options
                .get(next(item.options.len() as u64) as usize)
                .map_or_else(SharedStr::default, |o| o.value.clone())
        };
        Response::Answer(match item.kind {
            ItemKind::YesNo => Value::Bool(next(2) == 0),
            ItemKind::SingleChoice => Value::Text(option(next)),
            ItemKind::MultipleChoice => {
                let mut values = vec![option(next)];
                if next(2) == 0 {
                    values.push(option(next));
                    values.dedup();
                }
                Value::List(values)
            }
            ItemKind::Scale | ItemKind::Number => {
                let low = item.min.unwrap_or(0.0).ceil();
                let high = item.max.unwrap_or(low + 10.0).floor().max(low);
                Value::Number(low + next((high - low) as u64 + 1) as f64)
            }
            ItemKind::Date => Value::Text(SharedStr::from_static("2024-02-29")),
            ItemKind::Text | ItemKind::Info => Value::Text(SharedStr::from_static("a few words")),
        })
    }

    /// A clone shares the log and state until one of the two takes a
    /// step; from then on each has its own.
    #[test]
    fn a_clone_and_its_original_go_their_own_ways() {
        let q = crate::load(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../questionnaires/violence-seven/2.0.0.yaml"
        ))
        .unwrap();
        let mut original = Session::new(&q);
        original.answer("alone", true).unwrap();
        let mut copy = original.clone();
        assert!(std::sync::Arc::ptr_eq(&original.inner, &copy.inner));
        copy.answer("interpreter", "none").unwrap();
        assert!(!std::sync::Arc::ptr_eq(&original.inner, &copy.inner));
        original.answer("interpreter", "agency").unwrap();
        assert_eq!(original.events().len(), 2);
        assert_eq!(copy.events().len(), 2);
        let chosen = |s: &Session| s.response("interpreter");
        assert_eq!(chosen(&original), Some(Response::Answer("agency".into())));
        assert_eq!(chosen(&copy), Some(Response::Answer("none".into())));
        assert_eq!(original.inner.st.cursor, copy.inner.st.cursor);
    }

    #[test]
    fn whole_numbers_as_fract_tells_them() {
        for n in [
            0.0,
            -0.0,
            1.0,
            1.5,
            -2.5,
            -3.0,
            0.1,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            9_007_199_254_740_994.0,
            -1e300,
            1e300,
        ] {
            assert_eq!(super::is_whole(n), n.fract() == 0.0, "{n}");
        }
    }

    #[test]
    fn dates() {
        assert!(valid_date("2024-02-29"));
        assert!(!valid_date("2023-02-29"));
        assert!(!valid_date("2023-13-01"));
        assert!(!valid_date("2023-1-01"));
        assert!(!valid_date("+023-01-01"));
    }
}
