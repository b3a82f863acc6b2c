//! Helpers shared by the fuzz targets: a byte reader, answer values derived
//! from bytes, and the session invariants checked after every operation.

use std::path::PathBuf;

use vidare::{
    Event, Questionnaire, Response, Session, Step, Value, format::ItemKind, questionnaire::ItemRef,
};

/// The folder of the shipped questionnaires, as an absolute path.
pub fn questionnaires_dir() -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../questionnaires"));
    dir.canonicalize().unwrap_or(dir)
}

/// Loads a shipped questionnaire; the fuzz targets panic if one does not load,
/// since that is a broken checkout, not a finding.
pub fn shipped(id: &str) -> Questionnaire {
    let path = questionnaires_dir().join(id).join("1.0.0.yaml");
    match vidare::load(&path) {
        Ok(q) => q,
        Err(e) => panic!("{}: {}", path.display(), e.render()),
    }
}

/// Reads the fuzzer's bytes front to back; past the end it yields zeros.
pub struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            usize::from(self.byte()) % n
        }
    }

    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        head
    }

    pub fn f64(&mut self) -> f64 {
        let mut raw = [0u8; 8];
        let t = self.take(8);
        raw[..t.len()].copy_from_slice(t);
        f64::from_le_bytes(raw)
    }

    pub fn text(&mut self) -> String {
        let len = self.below(40);
        String::from_utf8_lossy(self.take(len)).into_owned()
    }
}

/// A value for `item`: valid for its kind when `valid`, otherwise anything.
pub fn value_for(item: &ItemRef<'_>, b: &mut Bytes<'_>, valid: bool) -> Value {
    if !valid {
        return any_value(item, b);
    }
    let options: Vec<&str> = item.options().map(|o| o.value).collect();
    match item.kind() {
        ItemKind::YesNo | ItemKind::Info => Value::Bool(b.byte() & 1 == 1),
        ItemKind::SingleChoice => Value::Text(
            options
                .get(b.below(options.len()))
                .map_or_else(String::new, |s| (*s).to_owned())
                .into(),
        ),
        ItemKind::MultipleChoice => {
            let mask = b.byte();
            Value::List(
                options
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << (i % 8)) != 0)
                    .map(|(_, s)| (*s).into())
                    .collect(),
            )
        }
        ItemKind::Scale | ItemKind::Number => {
            let (lo, hi) = item.range();
            let lo = lo.unwrap_or(0.0);
            let hi = hi.unwrap_or(lo + 100.0);
            let span = (hi - lo).max(0.0);
            let step = f64::from(b.byte());
            Value::Number((lo + (step % (span + 1.0))).floor().min(hi))
        }
        ItemKind::Text => Value::from(format!("text {}", b.text())),
        ItemKind::Date => Value::from(format!(
            "20{:02}-{:02}-{:02}",
            b.below(100),
            1 + b.below(12),
            1 + b.below(28)
        )),
    }
}

/// Any value at all: wrong kinds, non-finite numbers, unknown options,
/// duplicates, empty lists and texts.
pub fn any_value(item: &ItemRef<'_>, b: &mut Bytes<'_>) -> Value {
    let options: Vec<&str> = item.options().map(|o| o.value).collect();
    let pick = |b: &mut Bytes<'_>| -> String {
        if b.byte() & 3 == 0 {
            b.text()
        } else {
            options
                .get(b.below(options.len()))
                .map_or_else(String::new, |s| (*s).to_owned())
        }
    };
    match b.below(6) {
        0 => Value::Bool(b.byte() & 1 == 1),
        1 => Value::Number(b.f64()),
        2 => Value::Number(f64::from(b.byte() as i8)),
        3 => Value::from(pick(b)),
        4 => Value::from(b.text()),
        _ => {
            let n = b.below(70);
            Value::List((0..n).map(|_| pick(b).into()).collect())
        }
    }
}

/// A response for `item`: mostly answers, sometimes a way of not answering.
pub fn response_for(item: &ItemRef<'_>, b: &mut Bytes<'_>) -> Response {
    match b.below(8) {
        0 => Response::Declined,
        1 => Response::DontKnow,
        2 => Response::Skipped,
        3 => Response::Answer(any_value(item, b)),
        _ => Response::Answer(value_for(item, b, true)),
    }
}

/// What the invariants compare: the result, the log, and the result as
/// JSON (serialising is an invariant of its own, and the JSON text compares
/// equal even where a number is not a number).
fn snapshot(session: &Session) -> (String, Vec<Event>) {
    let result = session.result();
    let json = match serde_json::to_string(&result) {
        Ok(json) => json,
        Err(e) => panic!("the result does not serialise: {e}"),
    };
    (json, session.events().to_vec())
}

/// Runs byte-driven operations on a session of `q`, checking after each:
/// an error leaves result and log unchanged; resuming from the log gives
/// the same result; the result serialises.
pub fn run_session(q: &Questionnaire, b: &mut Bytes<'_>, max_ops: usize) {
    let items: Vec<ItemRef<'_>> = q.items().collect();
    let mut session = Session::new(q);
    let mut ops = 0;
    let mut before = snapshot(&session);
    while !b.is_empty() && ops < max_ops {
        ops += 1;
        let current = match session.next() {
            Step::Ask(item) => Some(item),
            _ => None,
        };
        let current_id = current.map_or_else(|| "none".to_owned(), |i| i.id().to_owned());
        let op = b.below(10);
        let outcome = match op {
            // Answer the current item, with a valid value most of the time.
            0..=2 => match current {
                Some(item) => {
                    let valid = op != 2;
                    let v = value_for(&item, b, valid);
                    session.answer(&current_id, v)
                }
                None => session.answer(&current_id, true),
            },
            3 => session.decline(&current_id),
            4 => session.dont_know(&current_id),
            5 => session.skip(&current_id),
            // Change an earlier (or any) item.
            6 => {
                let item = items[b.below(items.len())];
                let response = response_for(&item, b);
                session.change(item.id(), response)
            }
            7 => session.back(),
            // Respond to a random item, which is usually not the current one.
            8 => {
                let item = items[b.below(items.len())];
                let response = response_for(&item, b);
                session.respond(item.id(), response)
            }
            // An id that is not there, or almost there.
            _ => {
                let item = items[b.below(items.len())];
                let id = match b.below(3) {
                    0 => b.text(),
                    1 => format!("{}x", item.id()),
                    _ => item.id().to_uppercase(),
                };
                let response = response_for(&item, b);
                if b.byte() & 1 == 0 {
                    session.respond(&id, response)
                } else {
                    session.change(&id, response)
                }
            }
        };
        let after = snapshot(&session);
        match outcome {
            Err(e) => {
                assert!(
                    before == after,
                    "op {op} failed ({e}) but changed the session"
                );
                // Errors never contain answers: render them to exercise Display.
                let _ = e.to_string();
            }
            Ok(()) => {
                assert_eq!(
                    after.1.len(),
                    before.1.len() + 1,
                    "op {op} succeeded without exactly one event"
                );
            }
        }
        let resumed = match Session::resume(q, session.events().to_vec()) {
            Ok(s) => s,
            Err(e) => panic!("the session's own log does not resume: {e}"),
        };
        assert!(
            snapshot(&resumed) == after,
            "resuming from the log gives another result"
        );
        assert_eq!(
            step_id(resumed.next()),
            step_id(session.next()),
            "resuming from the log gives another next step"
        );
        assert_eq!(resumed.progress(), session.progress());
        before = after;
    }
    if let Err(e) = serde_json::to_string(&session.record()) {
        panic!("the recording does not serialise: {e}");
    }
}

fn step_id(step: Step<'_>) -> String {
    match step {
        Step::Ask(item) => format!("ask {}", item.id()),
        Step::Complete => "complete".to_owned(),
        Step::Ended(id) => format!("ended {id}"),
    }
}

/// Drives a freshly compiled (fuzzed) questionnaire through one interview
/// with simple valid answers, so its expressions are evaluated.
pub fn smoke_session(q: &Questionnaire, b: &mut Bytes<'_>) {
    let mut session = Session::new(q);
    for _ in 0..256 {
        let Step::Ask(item) = session.next() else {
            break;
        };
        let id = item.id().to_owned();
        let v = value_for(&item, b, true);
        if session.answer(&id, v).is_err() && session.decline(&id).is_err() {
            let _ = session.skip(&id).or_else(|_| session.dont_know(&id));
            if matches!(session.next(), Step::Ask(i) if i.id() == id) {
                break;
            }
        }
    }
    let result = session.result();
    if let Err(e) = serde_json::to_string(&result) {
        panic!("the result does not serialise: {e}");
    }
    let resumed = match Session::resume(q, session.events().to_vec()) {
        Ok(s) => s,
        Err(e) => panic!("the session's own log does not resume: {e}"),
    };
    assert!(
        serde_json::to_string(&resumed.result()).ok() == serde_json::to_string(&result).ok(),
        "resuming from the log gives another result"
    );
}
