//! `Session::result_view_in` and the result itself serialise to the same
//! JSON as the result's `Outcome`, byte for byte, on every shipped
//! questionnaire, after every event of generated sessions (declines,
//! "don't know", skips and changes of earlier answers included), in every
//! declared language and in an undeclared one. A result kept while the
//! session goes on still reads as it did when it was taken.

use vidare::{
    Outcome, Questionnaire, Response, Session, SessionResult, SharedStr, Step, Value,
    format::ItemKind, questionnaire::ItemRef,
};

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) % n
    }
}

/// A response `item` accepts, chosen at random.
fn response(item: &ItemRef<'_>, rng: &mut Rng) -> Response {
    match rng.below(10) {
        0 if item.allows_decline() => return Response::Declined,
        1 if item.allows_dont_know() => return Response::DontKnow,
        2 if !item.required() => return Response::Skipped,
        _ => {}
    }
    let options: Vec<SharedStr> = item.options().map(|o| o.value.into()).collect();
    let value = match item.kind() {
        ItemKind::YesNo => Value::Bool(rng.below(2) == 0),
        ItemKind::SingleChoice => {
            Value::Text(options[rng.below(options.len() as u64) as usize].clone())
        }
        ItemKind::MultipleChoice => {
            let chosen: Vec<SharedStr> = options
                .iter()
                .filter(|_| rng.below(2) == 0)
                .cloned()
                .collect();
            if chosen.is_empty() {
                Value::List(vec![options[0].clone()])
            } else {
                Value::List(chosen)
            }
        }
        ItemKind::Scale | ItemKind::Number => {
            let (min, max) = item.range();
            let (lo, hi) = (min.unwrap_or(0.0), max.unwrap_or(min.unwrap_or(0.0) + 10.0));
            // A whole number of steps from the lowest accepted value.
            let steps = (hi - lo).floor().max(0.0) + 1.0;
            let n = lo.ceil() + (rng.below(1 << 20) as f64 % steps).floor();
            Value::Number(n.min(hi))
        }
        ItemKind::Date => Value::Text("2026-01-31".into()),
        ItemKind::Text | ItemKind::Info => Value::Text("some words".into()),
    };
    Response::Answer(value)
}

/// How often each part of a result was written, so the comparison is
/// known to have covered it.
#[derive(Default)]
struct Seen {
    ended: usize,
    evidence: usize,
    missing: usize,
    value_labels: usize,
    bands: usize,
}

impl Seen {
    fn add(&mut self, other: &Seen) {
        self.ended += other.ended;
        self.evidence += other.evidence;
        self.missing += other.missing;
        self.value_labels += other.value_labels;
        self.bands += other.bands;
    }
}

fn assert_same_json(session: &Session, languages: &[String], at: &str, seen: &mut Seen) {
    let mut viewed = String::new();
    for lang in languages.iter().map(String::as_str).chain(["xx"]) {
        let built =
            serde_json::to_string(&session.result_in(lang).into_outcome()).expect("serialises");
        viewed = serde_json::to_string(&session.result_view_in(lang)).expect("serialises");
        assert!(built == viewed, "{at}, {lang}:\n{built}\n{viewed}");
    }
    // The parts written, counted once per result (in the undeclared
    // language, the last compared).
    seen.ended += usize::from(viewed.contains("\"ended_by\""));
    seen.evidence += usize::from(viewed.contains("\"evidence\":[{"));
    seen.missing += usize::from(viewed.contains("\"missing_reason\""));
    seen.value_labels += usize::from(viewed.contains("\"value_label\""));
    seen.bands += usize::from(viewed.contains("\"band\""));
}

fn walk(q: &Questionnaire, seed: u64, seen: &mut Seen) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let items: Vec<ItemRef<'_>> = q.items().collect();
    let languages: Vec<String> = q.languages().iter().map(ToString::to_string).collect();
    let mut session = Session::new(q);
    let mut answered: Vec<usize> = Vec::new();
    assert_same_json(&session, &languages, "at the start", seen);
    // Results taken along the way (in every eighth walk, which is enough
    // to cover them), with their record when taken.
    let keep = seed.is_multiple_of(8);
    let mut kept: Vec<(SessionResult, Outcome)> = Vec::new();
    for n in 0..300 {
        let Step::Ask(item) = session.next() else {
            break;
        };
        let index = item.index();
        if !answered.is_empty() && rng.below(8) == 0 {
            let earlier = items[answered[rng.below(answered.len() as u64) as usize]];
            let _ = session.change(earlier.id(), response(&earlier, &mut rng));
        } else {
            let item = items[index];
            if session
                .respond(item.id(), response(&item, &mut rng))
                .is_ok()
            {
                answered.push(index);
            }
        }
        let at = format!("{} seed {seed} event {n}", q.id());
        assert_same_json(&session, &languages, &at, seen);
        if keep {
            kept.push((session.result(), session.result().into_outcome()));
        }
    }
    for (taken, (result, then)) in kept.iter().enumerate() {
        assert_reads_as(
            result,
            then,
            &format!("{} seed {seed}, result {taken}", q.id()),
        );
    }
}

/// `result` reads, writes and builds as `then`, the record built when it
/// was taken.
fn assert_reads_as(result: &SessionResult, then: &Outcome, at: &str) {
    let json = serde_json::to_string(then).expect("serialises");
    assert_eq!(
        serde_json::to_string(result).expect("serialises"),
        json,
        "{at}"
    );
    assert_eq!(result.outcome(), then, "{at}");
    assert!(*result == *then, "{at}: a result compares with the record");
    assert_eq!(result.is_finished(), then.finished, "{at}");
    assert_eq!(
        result.ended_by(),
        then.ended_by.as_ref().map(|e| e.id.as_str()),
        "{at}"
    );
    let mut fired: Vec<&str> = result.fired().map(|(id, _)| id).collect();
    let mut listed: Vec<&str> = then.triggers.iter().map(|t| t.id.as_str()).collect();
    fired.sort_unstable();
    listed.sort_unstable();
    assert_eq!(fired, listed, "{at}");
    for (score, record) in result.scores().zip(&then.scores) {
        assert_eq!(score.id, record.id, "{at}");
        assert_eq!(
            score.value.map(f64::to_bits),
            record.value.map(f64::to_bits),
            "{at}"
        );
        assert_eq!(
            score.band,
            record.band.as_ref().map(|b| b.id.as_str()),
            "{at}"
        );
    }
}

#[test]
fn the_view_serialises_as_the_result_on_every_shipped_questionnaire() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../questionnaires");
    let mut paths = Vec::new();
    for folder in std::fs::read_dir(root).expect("the questionnaires folder") {
        let folder = folder.expect("an entry").path();
        for file in std::fs::read_dir(&folder).expect("a questionnaire folder") {
            let path = file.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "yaml") {
                paths.push(path);
            }
        }
    }
    let files = paths.len();
    // One thread per questionnaire: the walks share nothing.
    let mut seen = Seen::default();
    std::thread::scope(|scope| {
        let walks: Vec<_> = paths
            .iter()
            .map(|path| {
                scope.spawn(move || {
                    let q = vidare::load(path).expect("a shipped questionnaire loads");
                    let mut seen = Seen::default();
                    for seed in 0..40 {
                        walk(&q, seed, &mut seen);
                    }
                    seen
                })
            })
            .collect();
        for walk in walks {
            seen.add(&walk.join().expect("a walk panicked"));
        }
    });
    assert!(files >= 7, "{files} questionnaires");
    for (part, count) in [
        ("ended_by", seen.ended),
        ("evidence", seen.evidence),
        ("missing_reason", seen.missing),
        ("value_label", seen.value_labels),
        ("band", seen.bands),
    ] {
        assert!(count > 50, "{part} written in only {count} results");
    }
}
