//! The recorded-session corpus: every recording under tests/recordings/
//! replays on the version it pins with exactly the recorded result. The
//! recording holds that result, texts included, so it is reviewed there and
//! compared whole, not repeated in a snapshot.

use std::path::PathBuf;
use std::sync::OnceLock;

use vidare::Registry;
use vidare::analysis::{DigestPolicy, replay};

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        Registry::load_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("questionnaires"))
            .unwrap()
    })
}

#[test]
fn every_recording_replays_to_its_recorded_result() {
    let corpus = crate::corpus::recordings();
    for (path, recording) in &corpus {
        let report = replay(registry(), recording, DigestPolicy::Require)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(report.is_equal(), "{}: {report}", path.display());
        // Texts too: the whole result as recorded, but for the digest,
        // which recordings made before absent fields were left out of it
        // pin in the older form (accepted by `is_pinned_by`).
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
    }
    assert!(
        corpus.len() >= 60,
        "only {} recordings replayed",
        corpus.len()
    );
}

#[test]
fn the_corpus_is_large_enough_and_covers_every_questionnaire() {
    let files: Vec<_> = crate::corpus::recordings()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert!(files.len() >= 60, "only {} recordings", files.len());
    for id in registry().ids() {
        assert!(
            files.iter().filter(|r| r.questionnaire.id == id).count() >= 10,
            "too few recordings of {id}"
        );
    }
}
