//! Writes the generated part of the recorded-session corpus under
//! `tests/recordings/generated/`: for every shipped questionnaire, sessions
//! driven by a seeded random interviewer who mostly answers, sometimes
//! declines, says "don't know", skips, changes an earlier answer, goes back,
//! or stops midway. The same seed always gives the same files.
//!
//! ```sh
//! cargo run --example generate_recordings -- [sessions-per-questionnaire] [seed] [id@version ...]
//! ```
//! (defaults: 20 sessions, seed 2026). It also turns the hand-written
//! edge cases in `tests/recordings/hand/scenarios.yaml` (events written by
//! hand) into recordings under `tests/recordings/hand/`, with the result
//! the engine gives, for review. The output is committed; the workspace
//! test `recordings` replays every file.
//!
//! Given versions (`safety-plan@1.0.0`), it writes the sessions of those
//! versions only, each from a generator of its own seeded with the seed,
//! and leaves every other file as it is: a questionnaire added later joins
//! the corpus without changing the recordings already there. The corpus's
//! `safety-plan` sessions were written with
//! `cargo run --example generate_recordings -- 20 2026 safety-plan@1.0.0`.

// An example is a frontend: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use vidare::{
    Registry, Response, Session, SharedStr, Step, Value, format::ItemKind, questionnaire::ItemRef,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let per_questionnaire: usize = args.next().map_or(Ok(20), |a| a.parse())?;
    let seed: u64 = args.next().map_or(Ok(2026), |a| a.parse())?;
    let only: Vec<String> = args.collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let registry = Registry::load_dir(root.join("questionnaires"))?;
    let out = root.join("tests/recordings/generated");
    if !only.is_empty() {
        for name in &only {
            let q = registry.resolve(name)?;
            let written = generate(q, per_questionnaire, seed, &out)?;
            println!("wrote {written} recordings of {name} to {}", out.display());
        }
        return Ok(());
    }
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    std::fs::create_dir_all(&out)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut written = 0;
    for q in registry.iter() {
        for n in 0..per_questionnaire {
            let session = interview(q, &mut rng);
            let mut recording = session.record();
            recording.note = Some(format!("generated: seed {seed}, session {n}"));
            let name = format!("{}-{}-{n:03}.json", q.id(), q.version());
            write(&out.join(name), &recording.to_json())?;
            written += 1;
        }
    }
    println!("wrote {written} recordings to {}", out.display());
    let hand = write_scenarios(&registry, &root.join("tests/recordings/hand"))?;
    println!("wrote {hand} hand-written recordings");
    Ok(())
}

/// Replaces the generated sessions of one questionnaire version with
/// `count` new ones from a generator of its own.
fn generate(
    q: &vidare::Questionnaire,
    count: usize,
    seed: u64,
    out: &Path,
) -> Result<usize, Box<dyn std::error::Error>> {
    let prefix = format!("{}-{}-", q.id(), q.version());
    std::fs::create_dir_all(out)?;
    for old in std::fs::read_dir(out)? {
        let old = old?.path();
        let name = old.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with(&prefix) && name.ends_with(".json") {
            std::fs::remove_file(&old)?;
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for n in 0..count {
        let session = interview(q, &mut rng);
        let mut recording = session.record();
        recording.note = Some(format!("generated: seed {seed}, session {n}"));
        write(
            &out.join(format!("{prefix}{n:03}.json")),
            &recording.to_json(),
        )?;
    }
    Ok(count)
}

/// A hand-written edge case: a questionnaire version and the events.
#[derive(serde::Deserialize)]
struct Scenario {
    name: String,
    questionnaire: String,
    note: String,
    events: Vec<vidare::Event>,
}

fn write_scenarios(registry: &Registry, dir: &Path) -> Result<usize, Box<dyn std::error::Error>> {
    let source = std::fs::read_to_string(dir.join("scenarios.yaml"))?;
    let scenarios: Vec<Scenario> = serde_saphyr::from_str(&source)?;
    for old in std::fs::read_dir(dir)? {
        let old = old?.path();
        if old.extension().is_some_and(|e| e == "json") {
            std::fs::remove_file(old)?;
        }
    }
    for scenario in &scenarios {
        let q = registry.resolve(&scenario.questionnaire)?;
        let session = Session::resume(q, scenario.events.clone())
            .map_err(|e| format!("scenario `{}`: {e}", scenario.name))?;
        let mut recording = session.record();
        recording.note = Some(scenario.note.clone());
        write(
            &dir.join(format!("{}.json", scenario.name)),
            &recording.to_json(),
        )?;
    }
    Ok(scenarios.len())
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, format!("{text}\n"))
}

/// One session by a random but plausible interviewer.
fn interview(q: &vidare::Questionnaire, rng: &mut ChaCha8Rng) -> Session {
    let mut session = Session::new(q);
    // Some interviews stop midway (the person had to leave).
    let budget = if rng.random_bool(0.15) {
        rng.random_range(1..12)
    } else {
        400
    };
    for _ in 0..budget {
        let Step::Ask(item) = session.next() else {
            break;
        };
        let id = item.id().to_owned();
        let roll: f64 = rng.random();
        let result = if roll < 0.04 {
            session.back()
        } else if roll < 0.09 {
            change_earlier(&mut session, rng)
        } else if roll < 0.14 && item.allows_decline() {
            session.decline(&id)
        } else if roll < 0.17 && item.allows_dont_know() {
            session.dont_know(&id)
        } else if roll < 0.20 && !item.required() {
            session.skip(&id)
        } else {
            let value = value_for(&item, rng);
            session.answer(&id, value)
        };
        // A refused step (e.g. back at the first question) is simply not taken.
        let _ = result;
    }
    session
}

fn change_earlier(session: &mut Session, rng: &mut ChaCha8Rng) -> Result<(), vidare::Error> {
    let q = session.questionnaire().clone();
    let answered: Vec<ItemRef<'_>> = q
        .items()
        .filter(|i| matches!(session.response(i.id()), Some(Response::Answer(_))))
        .collect();
    if answered.is_empty() {
        return Ok(());
    }
    let item = answered[rng.random_range(0..answered.len())];
    let value = value_for(&item, rng);
    session.change(item.id(), Response::Answer(value))
}

fn value_for(item: &ItemRef<'_>, rng: &mut ChaCha8Rng) -> Value {
    let options: Vec<SharedStr> = item.options().map(|o| o.value.into()).collect();
    let (lo, hi) = item.range();
    match item.kind() {
        ItemKind::YesNo => Value::Bool(rng.random_bool(0.4)),
        ItemKind::SingleChoice => Value::Text(options[rng.random_range(0..options.len())].clone()),
        ItemKind::MultipleChoice => Value::List(
            options
                .into_iter()
                .filter(|_| rng.random_bool(0.3))
                .collect(),
        ),
        ItemKind::Scale => {
            let (lo, hi) = (lo.unwrap_or(1.0) as i64, hi.unwrap_or(5.0) as i64);
            Value::Number(rng.random_range(lo..=hi) as f64)
        }
        ItemKind::Number => {
            let (lo, hi) = (
                lo.unwrap_or(0.0),
                hi.unwrap_or(100.0).min(lo.unwrap_or(0.0) + 100.0),
            );
            Value::Number(rng.random_range(lo as i64..=hi as i64) as f64)
        }
        ItemKind::Date => Value::Text(SharedStr::from(format!(
            "2026-{:02}-{:02}",
            rng.random_range(1..=12),
            rng.random_range(1..=28)
        ))),
        ItemKind::Text | ItemKind::Info => Value::Text("(generated text)".into()),
    }
}
