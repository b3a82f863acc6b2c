//! Driving sessions on generated questionnaires: random operations, answer
//! values that are valid or deliberately not, what the documentation says
//! each operation should do, and the invariants that hold after every one.

use proptest::prelude::*;
use vidare::{Questionnaire, Response, Session, Step, Value, format::Retention, format::Urgency};

use super::model::{Generated, ItemModel, Kind};

/// One thing a person or frontend might do. Numbers pick an item and a value.
#[derive(Debug, Clone)]
pub enum Op {
    AnswerCurrent { pick: u16, valid: bool },
    Decline,
    DontKnow,
    Skip,
    Change { which: u16, pick: u16, how: u8 },
    Back,
    AnswerAny { which: u16, pick: u16, valid: bool },
}

/// Operations; `valid` is how often an answer is meant to fit.
pub fn op(valid: f64) -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (any::<u16>(), prop::bool::weighted(valid))
            .prop_map(|(pick, valid)| Op::AnswerCurrent { pick, valid }),
        1 => Just(Op::Decline),
        1 => Just(Op::DontKnow),
        1 => Just(Op::Skip),
        3 => (any::<u16>(), any::<u16>(), any::<u8>())
            .prop_map(|(which, pick, how)| Op::Change { which, pick, how }),
        2 => Just(Op::Back),
        1 => (any::<u16>(), any::<u16>(), prop::bool::weighted(valid))
            .prop_map(|(which, pick, valid)| Op::AnswerAny { which, pick, valid }),
    ]
}

/// A call on the session API, resolved from an operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    Respond(String, Response),
    Change(String, Response),
    Back,
}

/// Marks invalid text answers, so a test can see whether an error quotes one.
pub const SECRET: &str = "hemlig";

/// A value that fits the item (by the documentation's rules).
pub fn valid_value(item: &ItemModel, pick: u16) -> Value {
    let p = usize::from(pick);
    match item.kind {
        Kind::YesNo => Value::Bool(p % 2 == 0),
        Kind::Single => Value::Text(item.options[p % item.options.len()].as_str().into()),
        Kind::Multiple => Value::List(
            item.options
                .iter()
                .enumerate()
                .filter(|(i, _)| p & (1 << i) != 0)
                .map(|(_, o)| o.as_str().into())
                .collect(),
        ),
        Kind::Scale | Kind::Number => Value::Number(valid_number(item, p)),
        Kind::Text => {
            let words = [
                "ja",
                "Jag vet inte riktigt.",
                "åäö ÅÄÖ – ok",
                "x",
                "  kanske  ",
            ];
            let w = words[p % words.len()];
            Value::from(w.chars().take(item.max_length).collect::<String>())
        }
        Kind::Date => {
            if p % 9 == 0 {
                Value::Text("2024-02-29".into())
            } else {
                Value::from(format!(
                    "{:04}-{:02}-{:02}",
                    1990 + p % 40,
                    1 + p % 12,
                    1 + (p / 12) % 28
                ))
            }
        }
        Kind::Info => Value::Bool(true),
    }
}

/// A large answer to a number without limits: near `f64::MAX`, so that a
/// score over two terms this large (such as `q8` and `q8 + q5`) adds up to
/// more than an f64 holds.
const BIG: f64 = 1.5e308;

fn valid_number(item: &ItemModel, p: usize) -> f64 {
    let step = |x: f64| if item.integer { x.ceil() } else { x };
    match (item.min, item.max) {
        (Some(lo), Some(hi)) => {
            let (lo, hi) = if item.integer {
                (lo.ceil(), hi.floor())
            } else {
                (lo, hi)
            };
            match p % 4 {
                0 => lo,
                1 => hi,
                // Numbers as a person types them: whole, or quarters.
                _ => {
                    let x = step(lo + ((hi - lo) * (p % 7) as f64 / 6.0 * 4.0).round() / 4.0);
                    x.clamp(lo, hi)
                }
            }
        }
        (Some(lo), None) if p.is_multiple_of(31) => BIG.max(lo),
        (Some(lo), None) => step(lo) + (p % 50) as f64,
        (None, Some(_)) if p.is_multiple_of(31) => -BIG,
        (None, Some(hi)) => (hi - (p % 50) as f64).floor().min(hi),
        (None, None) => match p % 31 {
            0 => BIG,
            1 => -BIG,
            _ if !item.integer && p.is_multiple_of(3) => (p % 40) as f64 / 4.0 - 3.0,
            _ => (p % 120) as f64 - 20.0,
        },
    }
}

/// A value that does not fit the item, of the kinds of mistakes callers make.
pub fn invalid_value(item: &ItemModel, pick: u16) -> Value {
    let p = usize::from(pick);
    let secret = || Value::from(format!("{SECRET}-{p}"));
    match item.kind {
        Kind::YesNo => [Value::Text("yes".into()), Value::Number(1.0), secret()][p % 3].clone(),
        Kind::Single => [
            secret(),
            Value::Bool(true),
            Value::List(vec![item.options[0].as_str().into()]),
        ][p % 3]
            .clone(),
        Kind::Multiple => [
            Value::List(vec![
                item.options[0].as_str().into(),
                item.options[0].as_str().into(),
            ]),
            Value::List(vec![
                item.options[1].as_str().into(),
                format!("{SECRET}-{p}").into(),
            ]),
            Value::Text(item.options[0].as_str().into()),
            Value::Number(0.0),
        ][p % 4]
            .clone(),
        Kind::Scale | Kind::Number => {
            let mut wrong = vec![
                Value::Number(f64::NAN),
                Value::Number(f64::INFINITY),
                Value::Text("3".into()),
            ];
            if let Some(lo) = item.min {
                wrong.push(Value::Number(lo - 1.0));
                wrong.push(Value::Number(lo - 0.25));
            }
            if let Some(hi) = item.max {
                wrong.push(Value::Number(hi + 0.5));
            }
            if item.integer {
                wrong.push(Value::Number(valid_number(item, p) + 0.5));
            }
            wrong[p % wrong.len()].clone()
        }
        Kind::Text => [
            Value::Text("   ".into()),
            Value::Text("".into()),
            Value::from(SECRET.repeat(item.max_length / SECRET.len() + 1)),
            Value::Bool(false),
        ][p % 4]
            .clone(),
        Kind::Date => [
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "26-01-01",
            "2026-1-05",
            "2026-01-01T00:00",
            "2026/01/01",
        ]
        .map(|d| Value::Text(d.into()))[p % 8]
            .clone(),
        Kind::Info => Value::Text("an info text takes no answer".into()),
    }
}

fn valid_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    if !s.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Whether the item accepts the response, by the rules in docs/format.md.
pub fn accepts(item: &ItemModel, response: &Response) -> bool {
    let value = match response {
        Response::Declined => return item.allow_decline,
        Response::DontKnow => return item.allow_dont_know,
        Response::Skipped => return !item.required,
        Response::Answer(v) => v,
    };
    match (item.kind, value) {
        (Kind::YesNo, Value::Bool(_)) => true,
        (Kind::Single, Value::Text(t)) => item.options.iter().any(|o| *o == *t),
        (Kind::Multiple, Value::List(vs)) => {
            vs.iter().all(|v| item.options.iter().any(|o| *o == *v))
                && vs.iter().enumerate().all(|(i, v)| !vs[..i].contains(v))
        }
        (Kind::Scale | Kind::Number, Value::Number(x)) => {
            x.is_finite()
                && item.min.is_none_or(|lo| *x >= lo)
                && item.max.is_none_or(|hi| *x <= hi)
                && (!item.integer || x.fract() == 0.0)
        }
        (Kind::Text, Value::Text(t)) => {
            !t.trim().is_empty() && t.chars().count() <= item.max_length
        }
        (Kind::Date, Value::Text(t)) => valid_date(t),
        _ => false,
    }
}

/// The index of the item asked now.
pub fn current(s: &Session) -> Option<usize> {
    match s.next() {
        Step::Ask(item) => Some(item.index()),
        Step::Complete | Step::Ended(_) => None,
    }
}

/// Turns an operation into a call, and says whether it should succeed.
pub fn plan(s: &Session, g: &Generated, op: &Op) -> (Call, bool) {
    let n = g.items.len();
    let now = current(s);
    let target = now.unwrap_or(0);
    let item = &g.items[target];
    let value = |item: &ItemModel, pick: u16, valid: bool| {
        if valid {
            valid_value(item, pick)
        } else {
            invalid_value(item, pick)
        }
    };
    let respond = |response: Response| {
        let ok = now.is_some() && accepts(item, &response);
        (Call::Respond(item.id.clone(), response), ok)
    };
    match op {
        Op::AnswerCurrent { pick, valid } => respond(Response::Answer(value(item, *pick, *valid))),
        Op::Decline => respond(Response::Declined),
        Op::DontKnow => respond(Response::DontKnow),
        Op::Skip => respond(Response::Skipped),
        Op::AnswerAny { which, pick, valid } => {
            let i = usize::from(*which) % n;
            let item = &g.items[i];
            let response = Response::Answer(value(item, *pick, *valid));
            let ok = now == Some(i) && accepts(item, &response);
            (Call::Respond(item.id.clone(), response), ok)
        }
        Op::Change { which, pick, how } => {
            let i = usize::from(*which) % n;
            let item = &g.items[i];
            let response = match how % 10 {
                0..=5 => Response::Answer(valid_value(item, *pick)),
                6 => Response::Answer(invalid_value(item, *pick)),
                7 => Response::Declined,
                8 => Response::DontKnow,
                _ => Response::Skipped,
            };
            let ok = item.kind != Kind::Info
                && s.is_shown(&item.id)
                && s.response(&item.id).is_some()
                && accepts(item, &response);
            (Call::Change(item.id.clone(), response), ok)
        }
        Op::Back => {
            let upto = now.unwrap_or(n);
            let ok = g.items[..upto]
                .iter()
                .any(|it| s.is_shown(&it.id) && s.response(&it.id).is_some());
            (Call::Back, ok)
        }
    }
}

pub fn perform(s: &mut Session, call: &Call) -> Result<(), vidare::Error> {
    match call {
        Call::Respond(id, r) => s.respond(id, r.clone()),
        Call::Change(id, r) => s.change(id, r.clone()),
        Call::Back => s.back(),
    }
}

/// Everything a caller can observe about a session.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub result: String,
    pub next: Option<String>,
    pub progress: (usize, usize),
    pub events: usize,
    pub shown: Vec<bool>,
    pub fired: Vec<String>,
}

pub fn snapshot(s: &Session, g: &Generated) -> Snapshot {
    Snapshot {
        result: serde_json::to_string(&s.result().into_outcome()).expect("a result serialises"),
        next: match s.next() {
            Step::Ask(item) => Some(item.id().to_owned()),
            Step::Complete => None,
            Step::Ended(id) => Some(format!("ended by {id}")),
        },
        progress: s.progress(),
        events: s.events().len(),
        shown: g.items.iter().map(|i| s.is_shown(&i.id)).collect(),
        fired: s.fired().map(|(id, _)| id.to_owned()).collect(),
    }
}

/// Runs operations, checking each against what it should do.
pub fn run(q: &Questionnaire, g: &Generated, ops: &[Op]) -> Result<Session, String> {
    let mut s = Session::new(q);
    invariants(&s, g)?;
    for (n, op) in ops.iter().enumerate() {
        let (call, expected) = plan(&s, g, op);
        let outcome = perform(&mut s, &call);
        if outcome.is_ok() != expected {
            return Err(format!(
                "operation {n} ({call:?}) should {} but gave {outcome:?}",
                if expected { "succeed" } else { "fail" }
            ));
        }
        invariants(&s, g).map_err(|e| format!("after operation {n} ({call:?}): {e}"))?;
    }
    Ok(s)
}

/// Answers every question still open with a value that fits.
pub fn finish(s: &mut Session, g: &Generated, pick: u16) -> Result<(), String> {
    for round in 0..=g.items.len() * 2 {
        let Some(i) = current(s) else {
            return Ok(());
        };
        let item = &g.items[i];
        let response = Response::Answer(valid_value(item, pick.wrapping_add(round as u16)));
        s.respond(&item.id, response)
            .map_err(|e| format!("a fitting answer to `{}` was refused: {e}", item.id))?;
    }
    Err("the interview did not finish".into())
}

fn urgency_rank(u: Urgency) -> u8 {
    match u {
        Urgency::Immediate => 0,
        Urgency::Soon => 1,
        Urgency::Routine => 2,
    }
}

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// What must hold after any operation, read through the public API.
pub fn invariants(s: &Session, g: &Generated) -> Result<(), String> {
    let shown = |it: &ItemModel| s.is_shown(&it.id);
    // The next item is the first shown question without a response.
    let expected_next = g
        .items
        .iter()
        .position(|it| it.kind != Kind::Info && shown(it) && s.response(&it.id).is_none());
    ensure!(
        current(s) == expected_next,
        "next is {:?}, the first open question is {:?}",
        current(s),
        expected_next
    );
    ensure!(
        s.is_finished() == expected_next.is_none(),
        "is_finished disagrees with next"
    );
    match s.next() {
        Step::Ended(id) => ensure!(s.ended_by() == Some(id), "Step::Ended names another end"),
        Step::Complete => ensure!(
            s.ended_by().is_none(),
            "complete, yet ended by an end condition"
        ),
        Step::Ask(_) => {}
    }
    // An end condition that holds hides everything after its cut.
    if let Some(end) = s.ended_by() {
        let cut = g.ends.iter().find(|(id, _)| id == end).map(|(_, cut)| *cut);
        ensure!(cut.is_some(), "ended by unknown `{end}`");
        for it in g.items.iter().skip(cut.unwrap_or(0)) {
            ensure!(!shown(it), "`{}` is shown after the cut of `{end}`", it.id);
        }
    }
    // Hidden items have no response that counts.
    for it in &g.items {
        if !shown(it) || it.kind == Kind::Info {
            ensure!(
                s.response(&it.id).is_none(),
                "`{}` counts a response while hidden",
                it.id
            );
        }
    }
    let questions: Vec<&ItemModel> = g
        .items
        .iter()
        .filter(|it| it.kind != Kind::Info && shown(it))
        .collect();
    let done = questions
        .iter()
        .filter(|it| s.response(&it.id).is_some())
        .count();
    ensure!(
        s.progress() == (done, questions.len()),
        "progress {:?}, expected {:?}",
        s.progress(),
        (done, questions.len())
    );

    // Information texts and suggestions, as a frontend reads them.
    if let Some(i) = current(s) {
        for info in s.info_before(&g.items[i].id) {
            let at = info.index();
            ensure!(
                at < i && g.items[at].kind == Kind::Info && shown(&g.items[at]),
                "info_before lists `{}`",
                info.id()
            );
        }
    }
    for info in s.closing_info() {
        ensure!(
            info.kind() == vidare::format::ItemKind::Info && shown(&g.items[info.index()]),
            "closing_info lists `{}`",
            info.id()
        );
    }
    for it in &g.items {
        let from = s
            .questionnaire()
            .item(&it.id)
            .and_then(|i| i.suggested_from());
        match (s.suggestion(&it.id), from) {
            (None, _) => {}
            (Some(_), None) => ensure!(false, "`{}` has a suggestion but names none", it.id),
            (Some(v), Some(_)) => ensure!(
                matches!(
                    (it.kind, &v),
                    (Kind::YesNo, vidare::Value::Bool(_))
                        | (Kind::Scale | Kind::Number, vidare::Value::Number(_))
                ),
                "the suggestion for `{}` does not fit it",
                it.id
            ),
        }
    }
    let immediate: Vec<&str> = s.immediate().collect();
    let fired_now: Vec<(&str, Urgency)> = s.fired().collect();
    ensure!(
        immediate
            .iter()
            .all(|id| fired_now.contains(&(*id, Urgency::Immediate))),
        "immediate() lists a trigger that is not firing now"
    );

    let result = s.result().into_outcome();
    // Another language changes texts only; an undeclared one gives the default.
    let other = if g.default_language == "sv" {
        "en"
    } else {
        "sv"
    };
    let translated = s.result_in(other).into_outcome();
    ensure!(
        translated.language == other,
        "result_in({other}) is in {}",
        translated.language
    );
    ensure!(
        vidare::analysis::compare(&result, &translated).is_empty(),
        "the result in {other} differs in substance"
    );
    ensure!(
        s.result_in("xx").into_outcome() == result,
        "an undeclared language does not give the default"
    );
    ensure!(
        result.finished == s.is_finished(),
        "result.finished disagrees"
    );
    ensure!(
        result.ended_by.as_ref().map(|e| e.id.as_str()) == s.ended_by(),
        "result.ended_by disagrees"
    );
    ensure!(result.language == g.default_language, "result language");
    // Answers: exactly the shown items with a response, in document order.
    let listed: Vec<&str> = result.answers.iter().map(|a| a.item.as_str()).collect();
    let responded: Vec<&str> = questions
        .iter()
        .filter(|it| s.response(&it.id).is_some())
        .map(|it| it.id.as_str())
        .collect();
    ensure!(
        listed == responded,
        "answers {listed:?}, responses {responded:?}"
    );
    for a in &result.answers {
        let item = g.item(&a.item).expect("listed items exist");
        let response = s.response(&a.item).expect("listed items have a response");
        ensure!(
            a.response == response.kind(),
            "`{}` listed as {}",
            a.item,
            a.response
        );
        let kept = match response {
            Response::Answer(v) if !item.conversation => Some(v),
            _ => None,
        };
        ensure!(a.value == kept, "`{}` listed with the wrong value", a.item);
        let q = s.questionnaire();
        let retention = q.item(&a.item).map(|i| i.retention());
        ensure!(
            retention
                == Some(if item.conversation {
                    Retention::Conversation
                } else {
                    Retention::Keep
                }),
            "retention of `{}`",
            a.item
        );
    }
    let derived: Vec<&str> = result.derived.iter().map(|d| d.id.as_str()).collect();
    ensure!(derived == g.derived_ids, "derived values {derived:?}");
    let scores: Vec<&str> = result.scores.iter().map(|d| d.id.as_str()).collect();
    ensure!(scores == g.score_ids, "scores {scores:?}");
    for score in &result.scores {
        ensure!(
            score.answered <= score.terms,
            "score `{}` counts too many terms",
            score.id
        );
        ensure!(
            score.value.is_some() != score.missing_reason.is_some(),
            "score `{}` has a value and a reason, or neither",
            score.id
        );
        ensure!(
            score.value.is_none_or(f64::is_finite),
            "score `{}` is not a finite number",
            score.id
        );
    }
    // Triggers: the fired ones, most urgent first, then in document order.
    let mut fired: Vec<(u8, usize, &str)> = s
        .fired()
        .map(|(id, u)| {
            let at = g
                .trigger_ids
                .iter()
                .position(|t| t == id)
                .unwrap_or(usize::MAX);
            (urgency_rank(u), at, id)
        })
        .collect();
    fired.sort_unstable();
    let fired: Vec<&str> = fired.into_iter().map(|(_, _, id)| id).collect();
    let listed: Vec<&str> = result.triggers.iter().map(|t| t.id.as_str()).collect();
    ensure!(listed == fired, "triggers {listed:?}, fired {fired:?}");
    // Evidence: items with the response that counts, values as in the result.
    for t in &result.triggers {
        for e in &t.evidence {
            match e.kind.as_str() {
                "item" => {
                    let item = g.item(&e.id).expect("evidence names items");
                    let response = s.response(&e.id);
                    ensure!(shown(item), "trigger `{}` cites hidden `{}`", t.id, e.id);
                    ensure!(
                        !item.protected,
                        "trigger `{}` cites the protected item",
                        t.id
                    );
                    ensure!(
                        e.response.as_deref() == response.as_ref().map(Response::kind),
                        "trigger `{}` cites `{}` with another response",
                        t.id,
                        e.id
                    );
                    let kept = match response {
                        Some(Response::Answer(v)) if !item.conversation => Some(v),
                        _ => None,
                    };
                    ensure!(
                        e.value == kept,
                        "trigger `{}` quotes `{}` wrongly",
                        t.id,
                        e.id
                    );
                }
                "derived" => {
                    let d = result.derived.iter().find(|d| d.id == e.id);
                    ensure!(
                        d.is_some_and(|d| d.value == e.value),
                        "trigger `{}` cites derived `{}` with another value",
                        t.id,
                        e.id
                    );
                }
                "score" => {
                    let v = result.scores.iter().find(|x| x.id == e.id).map(|x| x.value);
                    let cited = e.value.as_ref().map(|v| match v {
                        vidare::Value::Number(n) => *n,
                        _ => f64::NAN,
                    });
                    ensure!(
                        v == Some(cited),
                        "trigger `{}` cites score `{}` with another value",
                        t.id,
                        e.id
                    );
                }
                other => ensure!(false, "evidence of unknown kind {other}"),
            }
        }
    }
    Ok(())
}
