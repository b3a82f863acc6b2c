//! Hostile input: ids.

use std::fmt::Write as _;

use vidare::diagnostic::Code;

use super::{HEAD, SECTION, check, refused};

/// What follows `SECTION` in `every_kind_of_id`: one each of a derived
/// value, a score with a band, a trigger and an end condition.
const OTHER_PARTS: &str = "derived:
  - id: lives_alone
    value: alone == true
scores:
  - id: total
    method: count
    over: [alone == true]
    bands:
      - id: low
        min: 0
        max: 1
        label: { sv: Låg, en: Low }
triggers:
  - id: follow_up
    when: alone == true
    urgency: routine
    refer_to: social-services
    text: { sv: Följ upp., en: Follow up. }
end:
  - id: stop
    when: alone == false
    text: { sv: Slut., en: The end. }
";

/// A questionnaire with one id of every kind: a section, one item
/// (`alone`) and the other parts.
fn every_kind_of_id() -> String {
    format!("{HEAD}{SECTION}{OTHER_PARTS}")
}

#[test]
fn over_long_ids_are_a_limit() {
    assert!(check(&every_kind_of_id(), "every id").0.is_some());
    let long = "a".repeat(1 << 20);
    for (what, from, line, path) in [
        ("questionnaire", "id: fixture", 2, "id"),
        ("section", "id: main", 8, "sections[0].id"),
        ("item", "id: alone", 10, "sections[0].items[0].id"),
        ("derived value", "id: lives_alone", 14, "derived[0].id"),
        ("score", "id: total", 17, "scores[0].id"),
        ("band", "id: low", 21, "scores[0].bands[0].id"),
        ("trigger", "id: follow_up", 26, "triggers[0].id"),
        ("end condition", "id: stop", 32, "end[0].id"),
    ] {
        let source = every_kind_of_id().replacen(from, &format!("id: {long}"), 1);
        let (q, diagnostics) = check(&source, what);
        let d = refused(&(q, diagnostics.clone()), Code::LimitExceeded, what);
        assert_eq!(
            (d.location.line, d.location.path.as_str()),
            (line, path),
            "{what}"
        );
        assert!(
            d.message.contains("1048576 characters"),
            "{what}: {}",
            d.message
        );
        assert!(
            d.message.contains("the limit is 128"),
            "{what}: {}",
            d.message
        );
        // No diagnostic repeats the megabyte.
        for d in &diagnostics {
            let length = d.message.len() + d.help.as_ref().map_or(0, String::len);
            assert!(length < 1_000, "{what}: {:?} {:?}", d.code, d.help);
        }
    }
    ids_of_128_characters_are_allowed();
}

/// 128 characters are allowed, 129 are not.
fn ids_of_128_characters_are_allowed() {
    let at_limit = format!("a{}", "b".repeat(127));
    let named = |id: &str| {
        every_kind_of_id()
            .replace("id: alone\n", &format!("id: {id}\n"))
            .replace("alone ==", &format!("{id} =="))
    };
    let (q, diagnostics) = check(&named(&at_limit), "128");
    assert!(q.is_some(), "{diagnostics:?}");
    let source = named(&format!("{at_limit}c"));
    let d = refused(&check(&source, "129"), Code::LimitExceeded, "129");
    assert!(d.message.contains("129 characters"), "{}", d.message);
}

#[test]
fn an_over_long_key_or_prefix_is_refused_before_expanding() {
    // A 1 MB template key would be copied into each of 1,000 ids (1 GB).
    let long = "k".repeat(1 << 20);
    let mut source = String::from(HEAD);
    source.push_str("templates:\n  - id: big\n    section:\n      items:\n");
    for i in 0..1_000 {
        let _ = writeln!(
            source,
            "        - {{ id: q{i}, kind: yes_no, text: {{ sv: a, en: b }} }}"
        );
    }
    let _ = writeln!(
        source,
        "sections:\n  - use: big\n    for_each: [{{key: {long}}}]"
    );
    let d = refused(&check(&source, "long key"), Code::LimitExceeded, "long key");
    assert_eq!(d.location.path, "sections[0].for_each[0].key");
    assert!(
        d.message.starts_with("the template key is"),
        "{}",
        d.message
    );
    // A key within the limit that makes the ids too long is reported at them.
    let key = "k".repeat(125);
    let source = source.replace(&long, &key);
    let d = refused(&check(&source, "key + id"), Code::LimitExceeded, "key + id");
    assert!(d.message.contains("129 characters"), "{}", d.message);
    // A 1 MB include prefix, copied into every included id.
    let source = format!("{HEAD}sections:\n  - {{ include: violence-seven@1.0.0, as: {long} }}\n");
    let d = refused(
        &check(&source, "long prefix"),
        Code::LimitExceeded,
        "long prefix",
    );
    assert_eq!(d.location.path, "sections[0].as");
    assert!(
        d.message.starts_with("the include prefix is"),
        "{}",
        d.message
    );
}
