//! Properties of sessions under random operation sequences, on every
//! shipped questionnaire: nothing panics, errors change nothing, the state
//! is a pure function of the events, hidden items never count, results are
//! deterministic, and a change followed by changing back restores the
//! result unless the change hid answered items (which are then asked again).

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::generated::config;
use proptest::prelude::*;
use vidare::{Questionnaire, Response, Session, Step, Value, format::ItemKind};

fn shipped() -> &'static [Questionnaire] {
    static ALL: OnceLock<Vec<Questionnaire>> = OnceLock::new();
    ALL.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("questionnaires");
        let mut out = Vec::new();
        let mut dirs: Vec<_> = std::fs::read_dir(root)
            .unwrap()
            .map(|d| d.unwrap().path())
            .collect();
        dirs.sort();
        for dir in dirs.into_iter().filter(|d| d.is_dir()) {
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|f| f.unwrap().path())
                .collect();
            files.sort();
            for file in files
                .into_iter()
                .filter(|f| f.extension().is_some_and(|e| e == "yaml"))
            {
                out.push(vidare::load(&file).unwrap());
            }
        }
        assert!(!out.is_empty());
        out
    })
}

/// One operation, with numbers that pick an item and a value.
#[derive(Debug, Clone)]
enum Op {
    AnswerCurrent(u16),
    Decline,
    DontKnow,
    Skip,
    Change(u16, u16),
    Back,
    AnswerAny(u16, u16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => any::<u16>().prop_map(Op::AnswerCurrent),
        1 => Just(Op::Decline),
        1 => Just(Op::DontKnow),
        1 => Just(Op::Skip),
        2 => (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Op::Change(a, b)),
        1 => Just(Op::Back),
        1 => (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Op::AnswerAny(a, b)),
    ]
}

/// A value for an item: usually valid, sometimes deliberately not.
fn value_for(item: &vidare::questionnaire::ItemRef<'_>, pick: u16) -> Value {
    let options: Vec<String> = item.options().map(|o| o.value.to_owned()).collect();
    if pick.is_multiple_of(11) {
        // Wrong on purpose: a type no item of this kind accepts.
        return match item.kind() {
            ItemKind::YesNo => Value::Text("yes".into()),
            _ => Value::Bool(true),
        };
    }
    let (lo, hi) = item.range();
    match item.kind() {
        ItemKind::YesNo => Value::Bool(pick.is_multiple_of(2)),
        ItemKind::SingleChoice => {
            Value::Text(options[pick as usize % options.len()].as_str().into())
        }
        ItemKind::MultipleChoice => Value::List(
            options
                .iter()
                .enumerate()
                .filter(|(i, _)| pick & (1 << (i % 16)) != 0)
                .map(|(_, o)| o.as_str().into())
                .collect(),
        ),
        ItemKind::Scale | ItemKind::Number => {
            let lo = lo.unwrap_or(0.0);
            let hi = hi.unwrap_or(lo + 100.0);
            Value::Number((lo + f64::from(pick % 7) * (hi - lo) / 6.0).round())
        }
        ItemKind::Date => Value::from(format!("2026-{:02}-{:02}", 1 + pick % 12, 1 + pick % 28)),
        ItemKind::Text | ItemKind::Info => Value::Text("some words".into()),
    }
}

fn apply(s: &mut Session, op: &Op) -> Result<(), vidare::Error> {
    let q = s.questionnaire().clone();
    let current = match s.next() {
        Step::Ask(item) => Some(item.id().to_owned()),
        _ => None,
    };
    let cur = current.as_deref().unwrap_or("none");
    match op {
        Op::AnswerCurrent(pick) => {
            let value = q
                .item(cur)
                .map_or(Value::Bool(true), |i| value_for(&i, *pick));
            s.answer(cur, value)
        }
        Op::Decline => s.decline(cur),
        Op::DontKnow => s.dont_know(cur),
        Op::Skip => s.skip(cur),
        Op::Change(which, pick) => {
            let item = q.items().nth(*which as usize % q.items().len()).unwrap();
            s.change(item.id(), Response::Answer(value_for(&item, *pick)))
        }
        Op::Back => s.back(),
        Op::AnswerAny(which, pick) => {
            let item = q.items().nth(*which as usize % q.items().len()).unwrap();
            s.answer(item.id(), value_for(&item, *pick))
        }
    }
}

fn snapshot(s: &Session) -> (String, Option<String>, (usize, usize), usize) {
    let next = match s.next() {
        Step::Ask(item) => Some(item.id().to_owned()),
        Step::Complete => None,
        Step::Ended(id) => Some(format!("ended:{id}")),
    };
    (
        serde_json::to_string(&s.result().into_outcome()).unwrap(),
        next,
        s.progress(),
        s.events().len(),
    )
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn random_sessions_keep_every_invariant(which in any::<usize>(), ops in prop::collection::vec(op(), 0..60)) {
        let q = &shipped()[which % shipped().len()];
        let mut s = Session::new(q);
        for op in &ops {
            let before = snapshot(&s);
            if apply(&mut s, op).is_err() {
                prop_assert_eq!(&snapshot(&s), &before, "an error changed the session");
            }
            // Hidden items never count.
            let result = s.result().into_outcome();
            for answer in &result.answers {
                prop_assert!(s.is_shown(&answer.item));
            }
            for item in q.items() {
                if !s.is_shown(item.id()) {
                    prop_assert!(s.response(item.id()).is_none());
                }
            }
            for trigger in &result.triggers {
                for e in trigger.evidence.iter().filter(|e| e.kind == "item") {
                    prop_assert!(s.is_shown(&e.id));
                }
            }
        }
        // The state is a pure function of the events.
        let resumed = Session::resume(q, s.events().to_vec()).unwrap();
        prop_assert_eq!(snapshot(&resumed), snapshot(&s));
        // Results are deterministic, down to the serialised bytes.
        prop_assert_eq!(serde_json::to_string(&s.result().into_outcome()).unwrap(), serde_json::to_string(&resumed.result().into_outcome()).unwrap());
    }

    #[test]
    fn change_and_change_back(which in any::<usize>(), ops in prop::collection::vec(op(), 0..40), target in any::<u16>(), pick in any::<u16>()) {
        let q = &shipped()[which % shipped().len()];
        let mut s = Session::new(q);
        for op in &ops {
            let _ = apply(&mut s, op);
        }
        let answered: Vec<String> = q
            .items()
            .filter(|i| matches!(s.response(i.id()), Some(Response::Answer(_))))
            .map(|i| i.id().to_owned())
            .collect();
        prop_assume!(!answered.is_empty());
        let id = &answered[target as usize % answered.len()];
        let original = s.response(id).unwrap();
        let before = s.result().into_outcome();
        let item = q.item(id).unwrap();
        let answered_before: Vec<String> = before.answers.iter().map(|a| a.item.to_string()).collect();
        if s.change(id, Response::Answer(value_for(&item, pick))).is_err() {
            return Ok(());
        }
        let hid_answered = answered_before.iter().any(|a| !s.is_shown(a));
        s.change(id, original).unwrap();
        if hid_answered {
            // Items the change hid are asked again when shown again.
            for a in &answered_before {
                if s.is_shown(a) && s.response(a).is_none() {
                    prop_assert!(matches!(s.next(), Step::Ask(_)));
                }
            }
        } else {
            prop_assert_eq!(s.result().into_outcome(), before);
        }
    }
}

fn shipped_sources() -> &'static [String] {
    static ALL: OnceLock<Vec<String>> = OnceLock::new();
    ALL.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("questionnaires");
        // Sorted: a failing seed must pick the same file on every machine.
        let mut files = Vec::new();
        for dir in std::fs::read_dir(root).unwrap() {
            let dir = dir.unwrap().path();
            if dir.is_dir() {
                for f in std::fs::read_dir(&dir).unwrap() {
                    let f = f.unwrap().path();
                    if f.extension().is_some_and(|e| e == "yaml") {
                        files.push(f);
                    }
                }
            }
        }
        files.sort();
        files
            .into_iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect()
    })
}

/// An edit a person might make by mistake: drop, duplicate or retype a line,
/// or put a stray character somewhere.
#[derive(Debug, Clone)]
enum Edit {
    DropLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    InsertChar(usize, char),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::DropLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (
            any::<usize>(),
            prop::sample::select(vec![
                '=', '"', '\'', ':', '-', '[', '{', '&', '*', '!', '\t', ' ', 'x', '\u{0}', '|',
                '>'
            ])
        )
            .prop_map(|(a, c)| Edit::InsertChar(a, c)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply_edit(source: &str, edit: &Edit) -> String {
    let mut lines: Vec<String> = source.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        // A truncation can leave nothing: an edit of no line is a line.
        lines.push(String::new());
    }
    let n = lines.len();
    match edit {
        Edit::DropLine(i) => {
            lines.remove(i % n);
        }
        Edit::DuplicateLine(i) => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
        }
        Edit::SwapLines(a, b) => lines.swap(a % n, b % n),
        Edit::InsertChar(at, c) => {
            let line = &mut lines[at % n];
            let pos = line
                .char_indices()
                .map(|(i, _)| i)
                .nth(at / n % (line.chars().count() + 1))
                .unwrap_or(line.len());
            line.insert(pos, *c);
        }
        Edit::Truncate(at) => {
            let text = lines.join("\n");
            let cut = text
                .char_indices()
                .map(|(i, _)| i)
                .nth(at % text.chars().count().max(1))
                .unwrap_or(0);
            return text[..cut].to_owned();
        }
    }
    lines.join("\n") + "\n"
}

proptest! {
    #![proptest_config(config(300))]

    /// Loading never panics: an edited file compiles or yields diagnostics
    /// that point inside the file.
    #[test]
    fn edited_questionnaires_never_panic(which in any::<usize>(), edits in prop::collection::vec(edit(), 1..4)) {
        let sources = shipped_sources();
        let mut text = sources[which % sources.len()].clone();
        for e in &edits {
            text = apply_edit(&text, e);
        }
        let (q, diagnostics) = vidare::Compiler::new()
            .with_include_root(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("questionnaires"))
            .check(&text, "edited.yaml");
        let has_error = diagnostics.iter().any(|d| d.severity == vidare::diagnostic::Severity::Error);
        prop_assert_eq!(q.is_none(), has_error);
        let lines = text.lines().count() as u32 + 1;
        for d in &diagnostics {
            prop_assert!(d.location.line <= lines, "{d} is past the end");
            prop_assert!(!d.message.is_empty());
        }
        let _ = vidare::diagnostic::render_all(&diagnostics, &text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = vidare::Compiler::new().check(&text, "random.yaml");
    }
}
