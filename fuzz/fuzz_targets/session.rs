//! The session API on shipped questionnaires, driven by bytes: answers
//! (valid or not), declines, don't knows, skips, changes, back, and answers
//! to random items. After each operation: an error leaves the result and
//! the log unchanged, resuming from the log gives the same result, and the
//! result serialises.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use vidare::Questionnaire;
use vidare_fuzz::{Bytes, run_session, shipped};

fn questionnaires() -> &'static [Questionnaire] {
    static ALL: OnceLock<Vec<Questionnaire>> = OnceLock::new();
    ALL.get_or_init(|| {
        [
            "violence-seven",
            "boston-life-areas",
            "gender-equality-compass",
        ]
        .into_iter()
        .map(shipped)
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let mut bytes = Bytes::new(data);
    let all = questionnaires();
    let q = &all[bytes.below(all.len())];
    run_session(q, &mut bytes, 200);
});
