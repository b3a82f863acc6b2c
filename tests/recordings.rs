//! The recorded-session corpus: every recording under tests/recordings/
//! replays on the version it pins with exactly the recorded result. The
//! recording holds that result, texts included, so it is reviewed there and
//! compared whole, not repeated in a snapshot.

use std::path::PathBuf;
use std::sync::OnceLock;

use vidare::analysis::{DigestPolicy, replay};
use vidare::{Recording, Registry};

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        Registry::load_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("questionnaires"))
            .unwrap()
    })
}

#[test]
fn every_recording_replays_to_its_recorded_result() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/recordings");
    let mut replayed = 0;
    for sub in ["hand", "generated"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let recording = Recording::load(&path).unwrap();
            let report = replay(registry(), &recording, DigestPolicy::Require)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(report.is_equal(), "{}: {report}", path.display());
            // Texts too: the whole result as recorded, but for the digest,
            // which recordings made before absent fields were left out of
            // it pin in the older form (accepted by `is_pinned_by`).
            let mut outcome = report.outcome.clone().unwrap();
            let pinned = &recording.result.questionnaire.digest;
            let q = registry()
                .get(
                    &recording.questionnaire.id,
                    &recording.questionnaire.version,
                )
                .unwrap();
            assert!(q.is_pinned_by(pinned), "{}", path.display());
            outcome.questionnaire.digest.clone_from(pinned);
            assert!(
                outcome == recording.result,
                "{}: the result differs from the recorded one",
                path.display()
            );
            replayed += 1;
        }
    }
    assert!(replayed >= 60, "only {replayed} recordings replayed");
}

#[test]
fn the_corpus_is_large_enough_and_covers_every_questionnaire() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/recordings");
    let mut files = Vec::new();
    for sub in ["hand", "generated"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(Recording::load(&path).unwrap());
            }
        }
    }
    assert!(files.len() >= 60, "only {} recordings", files.len());
    for id in registry().ids() {
        assert!(
            files.iter().filter(|r| r.questionnaire.id == id).count() >= 10,
            "too few recordings of {id}"
        );
    }
}
