//! A hand-coded boston-life-areas 1.0.0: the same checks, visibility,
//! discarding of hidden answers (with cascades), derived values, scores and
//! triggers as the engine, written as plain Rust for this one
//! questionnaire. It is the floor the engine is compared with in
//! `benches/result.rs`; `crates/vidare/tests/integration/floor.rs` checks
//! on generated sessions that it gives what the engine gives.
//!
//! Ids cross the boundary as strings (`"living.situation"`), as they do for
//! the engine; inside, everything is an index.

pub mod script;

use vidare::{Response, Value, format::Urgency};

/// The five areas, in document order.
pub const AREAS: [&str; 5] = ["living", "learning", "working", "social", "health"];

/// The items of one area, in document order.
pub const ITEMS: [&str; 11] = [
    "situation",
    "satisfaction",
    "wants_change",
    "goal_chosen",
    "need_for_change",
    "commitment",
    "self_awareness",
    "environmental_awareness",
    "closeness",
    "chosen_strategy",
    "reason",
];

const SITUATION: usize = 0;
const SATISFACTION: usize = 1;
const WANTS_CHANGE: usize = 2;
const GOAL: usize = 3;
const FACTORS: std::ops::Range<usize> = 4..9;
const CHOSEN: usize = 9;
const REASON: usize = 10;

const SITUATIONS: [&str; 4] = ["works_well", "partly", "not_at_all", "not_relevant"];
const NOT_AT_ALL: u8 = 2;
const NOT_RELEVANT: u8 = 3;
/// The options of `chosen_strategy`, which are also the suggested
/// strategies (`strategy`), in the item's order.
pub const STRATEGIES: [&str; 3] = ["readiness_development", "choose_goal", "get_and_keep"];
const READINESS_DEVELOPMENT: u8 = 0;
const CHOOSE_GOAL: u8 = 1;
const GET_AND_KEEP: u8 = 2;

/// The triggers of one area, in document order, with their urgency.
pub const TRIGGERS: [(&str, Urgency); 3] = [
    ("readiness_activities", Urgency::Routine),
    ("goal_referral", Urgency::Soon),
    ("follow_up", Urgency::Routine),
];

/// The bands of `readiness`, from the last: the engine takes the last band
/// whose range holds the value.
const BANDS: [(&str, f64, f64); 3] = [("high", 3.5, 5.0), ("medium", 2.5, 3.5), ("low", 1.0, 2.5)];

/// One item's response that counts.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Resp {
    None,
    Yes(bool),
    Option(u8),
    Number(f64),
    Text,
    Declined,
}

/// Why the floor refused an event (the engine refuses the same events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not an item of the questionnaire, or one that takes no answer.
    Unknown,
    /// Hidden, answered already, not the current item, or everything is
    /// answered.
    Out,
    /// The response does not fit the item.
    Invalid,
}

/// The state of one interview.
#[derive(Debug, Clone)]
pub struct Boston {
    resp: [[Resp; 11]; 5],
    shown: [[bool; 11]; 5],
    strategy: [Option<u8>; 5],
    to_develop: [Option<u8>; 5],
    readiness: [Option<f64>; 5],
    /// Area × 11 + item of the next question; 55 when nothing is left.
    cursor: usize,
}

impl Default for Boston {
    fn default() -> Self {
        let mut b = Boston {
            resp: [[Resp::None; 11]; 5],
            shown: [[false; 11]; 5],
            strategy: [None; 5],
            to_develop: [None; 5],
            readiness: [None; 5],
            cursor: 0,
        };
        for a in 0..5 {
            b.evaluate(a);
        }
        b.cursor = b.find_next(0);
        b
    }
}

/// Area and item index of an id such as `"living.situation"`.
fn locate(id: &str) -> Option<(usize, usize)> {
    let (area, item) = id.split_once('.')?;
    let a = AREAS.iter().position(|x| *x == area)?;
    let i = ITEMS.iter().position(|x| *x == item)?;
    Some((a, i))
}

/// Checks a response against item `i` (the same for every area).
fn resolve(i: usize, response: &Response) -> Result<Resp, Refused> {
    let declinable = i <= GOAL;
    let value = match response {
        Response::Declined if declinable => return Ok(Resp::Declined),
        Response::Answer(v) => v,
        _ => return Err(Refused::Invalid),
    };
    let scale = |n: f64| (1.0..=5.0).contains(&n) && n.fract() == 0.0;
    match (i, value) {
        (SITUATION, Value::Text(s)) => SITUATIONS
            .iter()
            .position(|o| o == s)
            .map(|o| Resp::Option(o as u8))
            .ok_or(Refused::Invalid),
        (CHOSEN, Value::Text(s)) => STRATEGIES
            .iter()
            .position(|o| o == s)
            .map(|o| Resp::Option(o as u8))
            .ok_or(Refused::Invalid),
        (WANTS_CHANGE | GOAL, Value::Bool(b)) => Ok(Resp::Yes(*b)),
        (SATISFACTION | 4..=8, Value::Number(n)) if scale(*n) => Ok(Resp::Number(*n)),
        (REASON, Value::Text(s)) if !s.trim().is_empty() && s.chars().count() <= 1000 => {
            Ok(Resp::Text)
        }
        _ => Err(Refused::Invalid),
    }
}

impl Boston {
    /// Gives the current item a response.
    ///
    /// # Errors
    /// When the engine's `Session::respond` refuses it too.
    pub fn respond(&mut self, id: &str, response: &Response) -> Result<(), Refused> {
        let (a, i) = locate(id).ok_or(Refused::Unknown)?;
        if self.cursor >= 55 || !self.shown[a][i] || self.resp[a][i] != Resp::None {
            return Err(Refused::Out);
        }
        if a * 11 + i != self.cursor {
            return Err(Refused::Out);
        }
        self.resp[a][i] = resolve(i, response)?;
        self.evaluate(a);
        self.cursor = self.find_next(a * 11 + i + 1);
        Ok(())
    }

    /// Replaces the response to an earlier item.
    ///
    /// # Errors
    /// When the engine's `Session::change` refuses it too.
    pub fn change(&mut self, id: &str, response: &Response) -> Result<(), Refused> {
        let (a, i) = locate(id).ok_or(Refused::Unknown)?;
        if !self.shown[a][i] || self.resp[a][i] == Resp::None {
            return Err(Refused::Out);
        }
        self.resp[a][i] = resolve(i, response)?;
        self.evaluate(a);
        self.cursor = self.find_next(0);
        Ok(())
    }

    fn find_next(&self, from: usize) -> usize {
        (from..55)
            .find(|&k| self.shown[k / 11][k % 11] && self.resp[k / 11][k % 11] == Resp::None)
            .unwrap_or(55)
    }

    /// Visibility, derived values and the score of area `a`, in the order
    /// they depend on each other; an item that is hidden loses its answer.
    fn evaluate(&mut self, a: usize) {
        let r = &mut self.resp[a];
        let shown = &mut self.shown[a];
        shown[SITUATION] = true;
        shown[SATISFACTION] = matches!(r[SITUATION], Resp::Option(o) if o != NOT_RELEVANT);
        shown[WANTS_CHANGE] = true;
        let change = r[WANTS_CHANGE] == Resp::Yes(true);
        shown[GOAL..=CHOSEN].fill(change);
        for i in SATISFACTION..=CHOSEN {
            if !shown[i] {
                r[i] = Resp::None;
            }
        }
        let factors: [Option<f64>; 5] = std::array::from_fn(|k| match r[FACTORS.start + k] {
            Resp::Number(n) => Some(n),
            _ => None,
        });
        self.strategy[a] = suggest(&factors, r[GOAL]);
        self.to_develop[a] = develop(&factors);
        self.readiness[a] = factors
            .into_iter()
            .sum::<Option<f64>>()
            .map(|sum| sum / 5.0);
        shown[REASON] = match (r[CHOSEN], self.strategy[a]) {
            (Resp::Option(chosen), Some(suggested)) => chosen != suggested,
            _ => false,
        };
        if !shown[REASON] {
            r[REASON] = Resp::None;
        }
    }

    /// Whether nothing is left to ask.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.cursor >= 55
    }

    /// The id of the next question, if any.
    #[must_use]
    pub fn next(&self) -> Option<(&'static str, &'static str)> {
        (self.cursor < 55).then(|| (AREAS[self.cursor / 11], ITEMS[self.cursor % 11]))
    }

    /// Whether item `i` of area `a` is shown.
    #[must_use]
    pub fn is_shown(&self, a: usize, i: usize) -> bool {
        self.shown[a][i]
    }

    /// The kind of response item `i` of area `a` has (as the engine's
    /// `Response::kind`), if it has one.
    #[must_use]
    pub fn response_kind(&self, a: usize, i: usize) -> Option<&'static str> {
        match self.resp[a][i] {
            Resp::None => None,
            Resp::Declined => Some("declined"),
            _ => Some("answered"),
        }
    }

    /// The suggested strategy of area `a`, when known.
    #[must_use]
    pub fn strategy(&self, a: usize) -> Option<&'static str> {
        self.strategy[a].map(|s| STRATEGIES[s as usize])
    }

    /// The factors rated 2 or lower in area `a` (`to_develop`) as a bit
    /// set over the five factors, when known.
    #[must_use]
    pub fn to_develop(&self, a: usize) -> Option<u8> {
        self.to_develop[a]
    }

    /// `readiness` of area `a` and its band, when it has a value.
    #[must_use]
    pub fn readiness(&self, a: usize) -> Option<(f64, Option<&'static str>)> {
        let v = self.readiness[a]?;
        let band = BANDS
            .iter()
            .find(|(_, min, max)| *min <= v && v <= *max)
            .map(|(id, _, _)| *id);
        Some((v, band))
    }

    /// Fired triggers as (area, trigger index), most urgent first, then in
    /// document order.
    pub fn fired(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let soon = (0..5).filter(|&a| self.fires(a, 1)).map(|a| (a, 1));
        let routine = (0..5).flat_map(move |a| {
            [0, 2]
                .into_iter()
                .filter(move |&t| self.fires(a, t))
                .map(move |t| (a, t))
        });
        soon.chain(routine)
    }

    fn fires(&self, a: usize, t: usize) -> bool {
        let r = &self.resp[a];
        match t {
            0 => r[CHOSEN] == Resp::Option(READINESS_DEVELOPMENT),
            1 => matches!(r[CHOSEN], Resp::Option(CHOOSE_GOAL | GET_AND_KEEP)),
            _ => {
                r[SITUATION] == Resp::Option(NOT_AT_ALL)
                    && matches!(r[WANTS_CHANGE], Resp::Yes(false) | Resp::Declined)
            }
        }
    }
}

/// `strategy`: the first case that holds; unknown when a case before it
/// cannot be decided yet.
fn suggest(factors: &[Option<f64>; 5], goal: Resp) -> Option<u8> {
    // Kleene `||` of `factor <= 2`: true if one known factor is low, false
    // if every factor is known and none is, else unknown.
    if factors.iter().any(|f| f.is_some_and(|v| v <= 2.0)) {
        return Some(READINESS_DEVELOPMENT);
    }
    if factors.iter().any(Option::is_none) {
        return None;
    }
    match goal {
        Resp::Yes(true) => Some(GET_AND_KEEP),
        Resp::Yes(false) | Resp::Declined => Some(CHOOSE_GOAL),
        _ => None,
    }
}

/// `to_develop`: the set of low factors; unknown when none is known to be
/// low and some are not known.
fn develop(factors: &[Option<f64>; 5]) -> Option<u8> {
    let mut set = 0u8;
    for (k, f) in factors.iter().enumerate() {
        if f.is_some_and(|v| v <= 2.0) {
            set |= 1 << k;
        }
    }
    (set != 0 || factors.iter().all(Option::is_some)).then_some(set)
}
