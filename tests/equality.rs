//! Need, not gender: the static protected-attribute rule (V024) with its
//! statistics-only escape hatch, the counterfactual check of recorded
//! sessions, and the equality audit of referrals over a generated corpus
//! with and without a planted bias.

use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use vidare::analysis::audit::{Audit, Suppressed};
use vidare::analysis::{Verdict, audit, check_result, counterfactual};
use vidare::{
    Compiler, Diagnostic, Questionnaire, Recording, Registry, Session, Step, diagnostic::Code,
};
use vidare_render::audit::{markdown, svg as chart};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/equality").join(name)).unwrap()
}

fn check(name: &str) -> (Option<Questionnaire>, Vec<Diagnostic>) {
    Compiler::new()
        .with_include_root(root().join("tests/equality/include"))
        .check(&fixture(name), name)
}

fn load(name: &str) -> Questionnaire {
    let (q, diagnostics) = check(name);
    assert!(
        diagnostics.is_empty(),
        "{}",
        vidare::diagnostic::render_all(&diagnostics, &fixture(name))
    );
    q.unwrap()
}

/// The messages of the diagnostics with `code`.
fn messages(diagnostics: &[Diagnostic], code: Code) -> Vec<&str> {
    diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| d.message.as_str())
        .collect()
}

/// Asserts that some diagnostic with `code` shows exactly this chain.
#[track_caller]
fn has_chain(diagnostics: &[Diagnostic], code: Code, chain: &str) {
    let found = messages(diagnostics, code);
    assert!(
        found.iter().any(|m| m.ends_with(&format!(": {chain}"))),
        "no {} with the chain\n  {chain}\nfound:\n  {}",
        code.as_str(),
        found.join("\n  ")
    );
}

// ------------------------------------------------------------ static rule

#[test]
fn a_trigger_through_a_derived_value_shows_the_whole_chain() {
    let (q, d) = check("through-derived.yaml");
    assert!(q.is_none());
    has_chain(
        &d,
        Code::ProtectedDependency,
        "trigger `carer_support` → derived value `woman_carer` → item `gender`",
    );
    has_chain(
        &d,
        Code::ProtectedDependency,
        "derived value `woman_carer` → item `gender`",
    );
    assert_eq!(d.len(), 2, "{d:#?}");
}

#[test]
fn scores_and_everything_that_reads_them_show_the_whole_chain() {
    let (q, d) = check("through-score.yaml");
    assert!(q.is_none());
    for chain in [
        // An expression term of a score.
        "score `load` → item `gender`",
        // trigger → score → item.
        "trigger `support` → score `load` → item `gender`",
        // trigger → derived → score → item.
        "trigger `relief` → derived value `heavy` → score `load` → item `gender`",
        "derived value `heavy` → score `load` → item `gender`",
        // An item condition.
        "the condition of item `follow_up` → derived value `heavy` → score `load` → item `gender`",
        // A state test (`declined(gender)`) in an end condition reads the item too.
        "end condition `stop` → item `gender`",
    ] {
        has_chain(&d, Code::ProtectedDependency, chain);
    }
    assert_eq!(
        d.iter()
            .filter(|x| x.code == Code::ProtectedDependency)
            .count(),
        6,
        "{d:#?}"
    );
}

#[test]
fn template_instances_and_their_use_condition_are_checked() {
    let (q, d) = check("template.yaml");
    assert!(q.is_none());
    for key in ["living", "working"] {
        has_chain(
            &d,
            Code::ProtectedDependency,
            &format!("score `{key}.need_score` → item `gender`"),
        );
        has_chain(
            &d,
            Code::ProtectedDependency,
            &format!("trigger `{key}.referral` → score `{key}.need_score` → item `gender`"),
        );
        // Both the template's own section condition and the `use:` entry's
        // condition are reported, each at its own line.
        let lines: Vec<u32> = d
            .iter()
            .filter(|x| {
                x.message.ends_with(&format!(
                    ": the condition of section `{key}` → item `gender`"
                ))
            })
            .map(|x| x.location.line)
            .collect();
        assert_eq!(lines.len(), 2, "{d:#?}");
        assert_ne!(lines[0], lines[1]);
    }
}

#[test]
fn included_protected_items_are_checked_in_the_including_questionnaire() {
    let (q, d) = check("include-outer.yaml");
    assert!(q.is_none());
    has_chain(
        &d,
        Code::ProtectedDependency,
        "trigger `childcare_placement` → derived value `mother` → item `base.gender`",
    );
    has_chain(
        &d,
        Code::ProtectedDependency,
        "the condition of section `again.basics` → item `base.gender`",
    );
    // The included questionnaire itself is clean.
    let inner =
        std::fs::read_to_string(root().join("tests/equality/include/inner/1.0.0.yaml")).unwrap();
    let (q, d) = Compiler::new().check(&inner, "inner.yaml");
    assert!(q.is_some() && d.is_empty(), "{d:#?}");
}

#[test]
fn statistics_only_outputs_may_read_protected_items_and_are_visible_when_compiled() {
    let q = load("statistics-only.yaml");
    let doc = q.document();
    let justification = |id: &str| {
        doc.derived
            .iter()
            .find(|d| d.id.value == id)
            .and_then(|d| d.statistics_only.as_ref())
            .map(|s| s.value.justification.value.clone())
    };
    assert_eq!(
        justification("gender_group").as_deref(),
        Some("gender distribution of needs, for the yearly equality report")
    );
    assert!(justification("carer_by_gender").is_some());
    let outputs = vidare::analysis::counterfactual::statistics_outputs(&q);
    let ids: Vec<(&str, &str)> = outputs
        .iter()
        .map(|o| (o.kind.as_str(), o.id.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("derived", "gender_group"),
            ("derived", "carer_by_gender"),
            ("score", "weighted_need")
        ]
    );
    // The shipped questionnaires do not use it, so their digests (pinned by
    // every recording) are unchanged by the new field.
    let compass = registry().resolve("gender-equality-compass@1.0.0").unwrap();
    assert!(vidare::analysis::counterfactual::statistics_outputs(compass).is_empty());
}

#[test]
fn statistics_only_without_a_justification_is_an_error() {
    let (q, d) = check("statistics-without-justification.yaml");
    assert!(q.is_none());
    let missing = messages(&d, Code::MissingField);
    assert_eq!(
        missing,
        [
            "the derived value `gender_share` is marked statistics only but has no `justification`",
            "the score `carers` is marked statistics only but has an empty `justification`",
        ]
    );
    assert!(
        d.iter().all(|x| x
            .help
            .as_deref()
            .is_some_and(|h| h.contains("justification:"))),
        "{d:#?}"
    );
    // Reading the protected item is not reported: the hatch is declared,
    // only its justification is missing.
    assert!(messages(&d, Code::ProtectedDependency).is_empty(), "{d:#?}");
}

#[test]
fn nothing_but_statistics_may_read_a_statistics_only_output() {
    let (q, d) = check("statistics-read.yaml");
    assert!(q.is_none());
    for chain in [
        "trigger `carer_support` → derived value `woman_carer` (statistics only) → item `gender`",
        "derived value `carer_flag` → derived value `woman_carer` (statistics only) → item `gender`",
        "score `load` → derived value `woman_carer` (statistics only) → item `gender`",
        "the condition of item `talk` → derived value `woman_carer` (statistics only) → item `gender`",
        "the suggestion of item `carer_confirmed` → derived value `woman_carer` (statistics only) → item `gender`",
        // Also one that reads no protected item: it is still statistics only.
        "trigger `any_carer` → derived value `care_count` (statistics only)",
    ] {
        has_chain(&d, Code::ProtectedDependency, chain);
    }
    let trigger = d
        .iter()
        .find(|x| x.message.starts_with("trigger `carer_support`"))
        .unwrap();
    assert!(
        trigger
            .message
            .contains("which is kept for statistics only")
    );
    assert!(
        trigger
            .help
            .as_deref()
            .is_some_and(|h| h.contains("only be read by other statistics-only"))
    );
    assert_eq!(trigger.location.line, 47);
}

// --------------------------------------------------------- counterfactual

fn registry() -> &'static Registry {
    static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(|| Registry::load_dir(root().join("questionnaires")).unwrap())
}

fn recordings_of(id: &str) -> Vec<(String, Recording)> {
    crate::corpus::recordings()
        .into_iter()
        .filter(|(_, r)| r.questionnaire.id == id)
        .map(|(path, r)| (name_of(&path), r))
        .collect()
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn no_recorded_compass_session_would_differ_with_another_gender() {
    let q = registry().resolve("gender-equality-compass@1.0.0").unwrap();
    let recordings = recordings_of("gender-equality-compass");
    assert!(recordings.len() >= 10, "only {}", recordings.len());
    for (name, recording) in &recordings {
        let events: Vec<vidare::Event> = recording.events().collect();
        let check = counterfactual(q, &events);
        assert_eq!(check.verdict, Verdict::NoDifference, "{name}: {check}");
        assert!(check.is_clean(), "{name}");
        assert_eq!(check.protected.len(), 1);
        let gender = &check.protected[0];
        assert_eq!(gender.item, "gender");
        assert!(gender.varied, "{name}");
        // Two other options and "prefer not to answer" (or, after a
        // decline, all three options).
        assert_eq!(gender.alternatives, 3, "{name}");
        assert!(gender.differing.is_empty());
        assert!(check.to_string().contains("no difference"), "{check}");
        // The check round-trips through JSON, so it can be stored with a result.
        let json = serde_json::to_string(&check).unwrap();
        assert!(json.contains(r#""verdict":"no_difference""#), "{json}");
        let back: vidare::analysis::Counterfactual = serde_json::from_str(&json).unwrap();
        assert_eq!(back, check);
    }
}

#[test]
fn the_counterfactual_of_a_running_session_and_of_a_declined_gender() {
    let q = registry().resolve("gender-equality-compass@1.0.0").unwrap();
    let mut session = Session::new(q);
    session.decline("gender").unwrap();
    session.answer("physical_health", "major").unwrap();
    session.answer("mental_health", "some").unwrap();
    session.answer("low_mood", true).unwrap();
    let check = check_result(q, &session);
    assert_eq!(check.verdict, Verdict::NoDifference, "{check}");
    // After a decline, every option is an alternative.
    assert_eq!(check.protected[0].alternatives, 3);

    // A session that has not reached the protected item has nothing to vary.
    let violence = registry().resolve("violence-seven@1.0.0").unwrap();
    let check = check_result(violence, &Session::new(violence));
    assert_eq!(check.verdict, Verdict::NothingToVary);
    assert!(check.is_clean());
}

#[test]
fn a_log_that_does_not_resume_is_reported_not_passed() {
    let q = registry().resolve("gender-equality-compass@1.0.0").unwrap();
    let events = vec![vidare::Event::Respond {
        item: "no_such_item".into(),
        response: vidare::Response::Declined,
    }];
    let check = counterfactual(q, &events);
    assert_eq!(check.verdict, Verdict::NotRun);
    assert!(!check.is_clean());
    assert!(
        check
            .error
            .as_deref()
            .is_some_and(|e| e.contains("no_such_item"))
    );
}

#[test]
fn a_biased_statistics_only_score_shows_up_in_the_counterfactual() {
    let q = load("statistics-only.yaml");
    let mut session = Session::new(&q);
    session.answer("gender", "woman").unwrap();
    session.answer("care", true).unwrap();
    session.answer("debts", false).unwrap();
    assert!(matches!(session.next(), Step::Complete));
    let check = check_result(&q, &session);
    assert_eq!(check.verdict, Verdict::StatisticsOnly, "{check}");
    // Nothing that steers a referral differs, so the session is clean ...
    assert!(check.is_clean());
    let gender = &check.protected[0];
    // man, other, declined.
    assert_eq!(gender.alternatives, 3);
    assert_eq!(gender.differing.len(), 3, "{check}");
    for variant in &gender.differing {
        assert!(variant.differences.is_empty(), "{check}");
        assert!(variant.unreplayable.is_none());
        // ... but the biased score does differ, and is reported as such.
        assert!(
            variant
                .statistics_only
                .iter()
                .any(|c| c.kind == "score" && c.id == "weighted_need"),
            "{check}"
        );
    }
    // The declined variant is listed without a value; the others with theirs.
    let declined = gender
        .differing
        .iter()
        .find(|v| v.response == "declined")
        .unwrap();
    assert!(declined.value.is_none());
    let text = check.to_string();
    assert!(
        text.contains("only statistics-only outputs differ"),
        "{text}"
    );
    assert!(
        text.contains("score `weighted_need`: 2 → 1 (statistics only)"),
        "{text}"
    );
    assert!(
        text.contains("deliberately biased example for the counterfactual test"),
        "{text}"
    );
    // A man with the same answers gets the same referral.
    assert!(
        session
            .result()
            .into_outcome()
            .triggers
            .iter()
            .any(|t| t.id == "support")
    );
}

// ------------------------------------------------------------------ audit

/// Answers for one generated person.
#[derive(Clone, Copy)]
struct Profile {
    health: bool,
    economy: bool,
    care: bool,
    motivated: bool,
}

fn profile(rng: &mut ChaCha8Rng) -> Profile {
    Profile {
        health: rng.random_bool(0.5),
        economy: rng.random_bool(0.5),
        care: rng.random_bool(0.5),
        motivated: rng.random_bool(0.6),
    }
}

fn session(q: &Questionnaire, gender: Option<&str>, p: Profile) -> Recording {
    let mut s = Session::new(q);
    match gender {
        Some(g) => s.answer("gender", g).unwrap(),
        None => s.decline("gender").unwrap(),
    }
    s.answer("health", p.health).unwrap();
    s.answer("economy", p.economy).unwrap();
    s.answer("care", p.care).unwrap();
    s.answer("motivated", p.motivated).unwrap();
    assert!(s.is_finished());
    s.record()
}

/// A corpus of matched pairs: for every generated profile one woman and
/// one man with the same answers, so need (and motivation) is the same in
/// both groups. Seven people answer "other" (five of them with high need)
/// and three decline.
fn corpus(q: &Questionnaire, pairs: usize) -> Vec<(String, Recording)> {
    let mut rng = ChaCha8Rng::seed_from_u64(0x00e9_a117);
    let mut out = Vec::new();
    for n in 0..pairs {
        let p = profile(&mut rng);
        out.push((format!("w{n}"), session(q, Some("woman"), p)));
        out.push((format!("m{n}"), session(q, Some("man"), p)));
    }
    // Five with high need and two with low need; four of the seven want
    // support now, about as many as in the pairs.
    for (n, (high, motivated)) in [
        (true, true),
        (true, true),
        (true, true),
        (true, false),
        (true, false),
        (false, true),
        (false, false),
    ]
    .into_iter()
    .enumerate()
    {
        let p = Profile {
            health: high,
            economy: high,
            care: false,
            motivated,
        };
        out.push((format!("o{n}"), session(q, Some("other"), p)));
    }
    let high = Profile {
        health: true,
        economy: true,
        care: false,
        motivated: true,
    };
    for n in 0..3 {
        out.push((format!("d{n}"), session(q, None, high)));
    }
    out
}

/// Plants a bias: every other woman with high need whose `support`
/// referral fired loses it (the audit reads recorded results, as a
/// practitioner overriding the engine would leave them). Returns how many.
fn plant_bias(corpus: &mut [(String, Recording)]) -> usize {
    let mut seen = 0;
    let mut removed = 0;
    for (name, recording) in corpus.iter_mut() {
        let high = recording
            .result
            .scores
            .iter()
            .any(|s| s.id == "need" && s.band.as_ref().is_some_and(|b| b.id == "high"));
        let fired = recording.result.triggers.iter().any(|t| t.id == "support");
        if name.starts_with('w') && high && fired {
            if seen % 2 == 0 {
                recording.result.triggers.retain(|t| t.id != "support");
                removed += 1;
            }
            seen += 1;
        }
    }
    removed
}

fn level<'a>(
    audit: &'a Audit,
    trigger: &str,
    level: &str,
) -> &'a vidare::analysis::audit::LevelAudit {
    audit
        .referrals
        .iter()
        .find(|r| r.trigger == trigger)
        .and_then(|r| r.levels.iter().find(|l| l.level == level))
        .unwrap_or_else(|| panic!("no level {level} of {trigger}"))
}

fn cell<'a>(
    level: &'a vidare::analysis::audit::LevelAudit,
    group: &str,
) -> &'a vidare::analysis::audit::GroupCell {
    level.groups.iter().find(|g| g.group == group).unwrap()
}

#[test]
fn an_unbiased_corpus_is_not_flagged() {
    let q = load("audit.yaml");
    let corpus = corpus(&q, 300);
    let audit = audit(&q, &corpus, None);
    assert!(audit.problems.is_empty(), "{:?}", audit.problems);
    assert_eq!(audit.protected_item.as_deref(), Some("gender"));
    assert_eq!(audit.groups, ["woman", "man", "other", "declined"]);
    assert!(audit.is_clean(), "{}", markdown(&audit));
    // Need levels: `support` reads `need` through `high_need`; `advice` reads no score.
    let support = &audit.referrals[0];
    assert_eq!(support.need_scores, ["need"]);
    let levels: Vec<&str> = support.levels.iter().map(|l| l.level.as_str()).collect();
    assert_eq!(levels, ["need: low", "need: high"]);
    assert_eq!(audit.referrals[1].need_scores, Vec::<String>::new());
    assert_eq!(audit.referrals[1].levels[0].level, "all");
    // Matched pairs: the same rates, a difference of exactly 0.
    let high = level(&audit, "support", "need: high");
    let cmp = &high.comparisons[0];
    assert_eq!((cmp.a.as_str(), cmp.b.as_str()), ("woman", "man"));
    assert!(cmp.difference.abs() < 1e-12 && cmp.ci_low < 0.0 && cmp.ci_high > 0.0);
    assert_eq!(cmp.ratio, Some(1.0));
    // Low need never gets `support`.
    assert_eq!(
        cell(level(&audit, "support", "need: low"), "woman").rate,
        Some(0.0)
    );
    let markdown = markdown(&audit);
    assert!(markdown.contains("**No difference that the need level does not explain.**"));
}

#[test]
fn a_planted_bias_is_flagged_with_its_direction_and_size() {
    let q = load("audit.yaml");
    let mut corpus = corpus(&q, 300);
    let removed = plant_bias(&mut corpus);
    assert!(removed > 30, "{removed}");
    let audit = audit(&q, &corpus, Some("gender"));
    assert_eq!(audit.flags.len(), 1, "{}", markdown(&audit));
    let flag = &audit.flags[0];
    assert_eq!(flag.trigger, "support");
    assert_eq!(flag.level, "need: high");
    assert_eq!(
        (flag.higher.as_str(), flag.lower.as_str()),
        ("man", "woman")
    );
    // The size is what was planted: `removed` referrals among the women with high need.
    let high = level(&audit, "support", "need: high");
    let (woman, man) = (cell(high, "woman"), cell(high, "man"));
    assert_eq!(woman.sessions, man.sessions);
    let n = woman.sessions.unwrap() as f64;
    assert_eq!(man.referred.unwrap() - woman.referred.unwrap(), removed);
    let planted = removed as f64 / n;
    assert!(
        (flag.difference - planted).abs() < 1e-12,
        "{flag:?} vs {planted}"
    );
    assert!(flag.ci_low > 0.0 && flag.ci_low < planted && planted < flag.ci_high);
    // About half of the men's referrals are gone.
    let ratio = high.comparisons[0].ratio.unwrap();
    assert!((0.4..0.6).contains(&ratio), "{ratio}");
    // `advice` and low need are untouched.
    assert!(
        level(&audit, "advice", "all")
            .comparisons
            .iter()
            .all(|c| !c.flagged)
    );
    let markdown = markdown(&audit);
    assert!(markdown.contains("1 difference(s) that the need level does not explain"));
    assert!(markdown.contains("**not explained by need**"));
    assert!(
        markdown.contains(
            "- `support`, need level `need: high`: `man` referred more often than `woman`"
        )
    );
}

#[test]
fn small_groups_are_suppressed_and_cannot_be_worked_out() {
    let q = load("audit.yaml");
    let corpus = corpus(&q, 40);
    let audit = audit(&q, &corpus, None);
    // Three declined: fewer than five everywhere.
    for r in &audit.referrals {
        for l in &r.levels {
            let declined = cell(l, "declined");
            assert_eq!(declined.suppressed, Some(Suppressed::Small));
            assert!(declined.sessions.is_none() && declined.referred.is_none());
            assert!(declined.rate.is_none());
            assert!(
                l.comparisons
                    .iter()
                    .all(|c| c.a != "declined" && c.b != "declined")
            );
        }
    }
    // Seven "other": shown where they are all together (`advice`, level
    // `all`), but split 5 + 2 by need for `support`: the 2 are "< 5", and
    // the 5 are hidden too, or 7 − 5 would give the 2 away.
    assert_eq!(
        cell(level(&audit, "advice", "all"), "other").sessions,
        Some(7)
    );
    assert_eq!(
        cell(level(&audit, "support", "need: low"), "other").suppressed,
        Some(Suppressed::Small)
    );
    let complementary = cell(level(&audit, "support", "need: high"), "other");
    assert_eq!(complementary.suppressed, Some(Suppressed::Complementary));
    assert!(complementary.sessions.is_none() && complementary.rate.is_none());
    // In JSON a suppressed group has neither count nor rate.
    let json = serde_json::to_value(&audit).unwrap();
    let cells = &json["referrals"][0]["levels"][0]["groups"];
    let declined = cells
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["group"] == "declined")
        .unwrap();
    assert_eq!(
        declined,
        &serde_json::json!({"group": "declined", "suppressed": "< 5"})
    );
    // In Markdown, the same.
    let markdown = markdown(&audit);
    assert!(markdown.contains("| < 5 |"), "{markdown}");
    assert!(markdown.contains("| suppressed |"), "{markdown}");
}

#[test]
fn unfinished_sessions_and_other_questionnaires_are_left_out() {
    let q = load("audit.yaml");
    let mut corpus = corpus(&q, 10);
    let mut unfinished = Session::new(&q);
    unfinished.answer("gender", "woman").unwrap();
    corpus.push(("unfinished".into(), unfinished.record()));
    corpus.extend(recordings_of("violence-seven").into_iter().take(2));
    let audit = audit(&q, &corpus, None);
    assert_eq!(audit.left_out.unfinished, 1);
    assert_eq!(audit.left_out.other_questionnaire, 2);
    // A non-protected item can be given, with a note.
    let by_care = vidare::analysis::audit(&q, &corpus, Some("care"));
    assert_eq!(by_care.groups, ["yes", "no"]);
    assert!(by_care.problems[0].contains("not a protected item"));
}

#[test]
fn the_chart_is_well_formed_svg_with_its_labels() {
    let q = load("audit.yaml");
    let mut corpus = corpus(&q, 300);
    plant_bias(&mut corpus);
    let svg = chart(&audit(&q, &corpus, None));
    assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
    assert!(svg.ends_with("</svg>"));
    balanced(&svg);
    for label in [
        "Referral rate by gender, need level held constant",
        "support → rehabilitation-coordination",
        "advice → guidance",
        "need level: band of need",
        "need: high",
        "need: low",
        ">woman<",
        ">man<",
        ">other<",
        ">declined<",
        "&lt; 5",
        "not explained by need",
        "100%",
    ] {
        assert!(svg.contains(label), "the chart lacks {label:?}");
    }
    // The compass corpus, too: every referral has a panel.
    let compass = registry().resolve("gender-equality-compass@1.0.0").unwrap();
    let audit = audit(compass, &recordings_of("gender-equality-compass"), None);
    let svg = chart(&audit);
    balanced(&svg);
    for trigger in compass.trigger_ids() {
        assert!(
            svg.contains(&format!(">{trigger} → ")),
            "no panel for {trigger}"
        );
    }
}

/// Every tag is closed in order, attributes are quoted, and `&` only
/// starts an entity.
fn balanced(svg: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        check_text(text);
        let close = rest[open..].find('>').expect("a tag is not closed") + open;
        let tag = &rest[open + 1..close];
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in <{tag}>"
        );
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "</{name}> closes nothing"
            );
        } else if !tag.ends_with('/') && !tag.starts_with('!') && !tag.starts_with('?') {
            let name = tag.split_whitespace().next().unwrap_or_default();
            stack.push(name.to_owned());
        }
        rest = &rest[close + 1..];
    }
    check_text(rest);
    assert!(stack.is_empty(), "not closed: {stack:?}");
}

fn check_text(text: &str) {
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..];
        assert!(
            ["&lt;", "&gt;", "&amp;", "&quot;", "&#39;"]
                .iter()
                .any(|e| entity.starts_with(e)),
            "a bare & in {text:?}"
        );
    }
    assert!(!text.contains('>'), "a bare > in {text:?}");
}

#[test]
fn the_documentation_shows_real_output() {
    let q = load("audit.yaml");
    let mut corpus = corpus(&q, 300);
    plant_bias(&mut corpus);
    let markdown = markdown(&audit(&q, &corpus, None));
    let doc = std::fs::read_to_string(root().join("docs/equality.md")).unwrap();
    let mut lines = 0;
    for line in markdown
        .lines()
        .filter(|l| l.starts_with('|') || l.starts_with("- `"))
    {
        assert!(
            doc.contains(line),
            "docs/equality.md lacks\n{line}\n\n{markdown}"
        );
        lines += 1;
    }
    assert!(lines >= 10);
}
