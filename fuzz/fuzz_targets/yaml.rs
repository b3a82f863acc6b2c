//! The YAML loader and compiler on arbitrary UTF-8: no panic, no hang, every
//! diagnostic renders, and whatever compiles runs an interview.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use vidare::{Compiler, diagnostic::Severity};
use vidare_fuzz::{Bytes, questionnaires_dir, smoke_session};

fn with_root() -> &'static Compiler {
    static COMPILER: OnceLock<Compiler> = OnceLock::new();
    COMPILER.get_or_init(|| Compiler::new().with_include_root(questionnaires_dir()))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The include root only matters to a text that includes something; the
    // second compile is skipped otherwise, which doubles the speed.
    let compilers: &[&Compiler] = if text.contains("include") {
        &[&Compiler::new(), with_root()]
    } else {
        &[&Compiler::new()]
    };
    for compiler in compilers {
        let (questionnaire, diagnostics) = compiler.check(text, "fuzz.yaml");
        // Rendering points at the source line with a caret: it must cope
        // with any position the compiler reports.
        let _ = vidare::diagnostic::render_all(&diagnostics, text);
        let _ = vidare::diagnostic::to_json(&diagnostics);
        match questionnaire {
            Some(q) => {
                assert!(
                    diagnostics.iter().all(|d| d.severity != Severity::Error),
                    "a questionnaire came back with errors"
                );
                smoke_session(&q, &mut Bytes::new(data));
            }
            None => assert!(
                diagnostics.iter().any(|d| d.severity == Severity::Error),
                "no questionnaire and no error"
            ),
        }
    }
});
