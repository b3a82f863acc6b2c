//! `vidare doc`: the review document as Markdown and as HTML.

mod common;

use common::{SHIPPED, UNREACHABLE, WELLBEING, output, settings, vidare, write};

fn doc(path: &str, format: &str) -> String {
    let (code, stdout, stderr) = output(vidare().args(["doc", path, "--format", format]));
    assert_eq!(code, 0, "{stderr}");
    stdout
}

#[test]
fn violence_as_markdown() {
    settings(None).bind(|| insta::assert_snapshot!(doc(SHIPPED[0], "markdown")));
}

#[test]
fn the_fixture_as_html() {
    settings(None).bind(|| insta::assert_snapshot!(doc(WELLBEING, "html")));
}

#[test]
fn every_item_text_and_trigger_is_in_the_document() {
    for path in SHIPPED {
        let q = vidare::load(common::root().join(path)).unwrap();
        let markdown = doc(path, "markdown");
        for item in q.items() {
            assert!(
                markdown.contains(&format!("#### `{}`", item.id())),
                "{path}: `{}`",
                item.id()
            );
        }
        for trigger in q.trigger_ids() {
            assert!(
                markdown.contains(&format!("### `{trigger}`")),
                "{path}: `{trigger}`"
            );
        }
        let html = doc(path, "html");
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(html.ends_with("</body>\n</html>\n"));
        for lang in q.languages() {
            let intro = q.items().next().unwrap();
            let text = intro.text(lang).replace('\'', "&#39;");
            assert!(html.contains(&text), "{path}: the first text in {lang}");
        }
    }
}

#[test]
fn conditions_are_written_out_in_words() {
    let markdown = doc(SHIPPED[0], "markdown");
    assert!(markdown.contains(
        "| `ask_again_alone` | soon | `meeting-alone` | `alone` is no, or `interpreter` is “relative” |"
    ));
    // Inside a template instance, local names get their prefix.
    let boston = doc(SHIPPED[1], "markdown");
    assert!(boston.contains(
        "| shown when | `living.wants_change` is yes — written `wants_change == true` |"
    ));
}

#[test]
fn html_escapes_texts() {
    let tmp = tempfile::tempdir().unwrap();
    let text = UNREACHABLE.replace(
        "text: { sv: Ensam?, en: Alone? }",
        "text: { sv: \"<script>alert('x')</script> & co\", en: \"Alone <b>now</b>?\" }",
    );
    let path = write(tmp.path(), "escape.yaml", &text);
    let html = doc(path.to_str().unwrap(), "html");
    assert!(!html.contains("<script>"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"),
        "{html}"
    );
    assert!(
        html.contains("its condition can never hold (warning V023)"),
        "{html}"
    );
    let markdown = doc(path.to_str().unwrap(), "markdown");
    assert!(
        markdown.contains("\\<script\\>alert('x')\\</script\\> \\& co"),
        "{markdown}"
    );
}

/// A format 2 questionnaire with one conversation-only question, a derived
/// value that says why it may reveal it, a trigger used only in the
/// conversation and a question counted in the statistics.
const KEPT: &str = "\
format: 2
id: kept-check
version: 1.0.0
title: { en: Kept check }
languages: [en]
default_language: en
sections:
  - id: main
    items:
      - id: alone
        kind: yes_no
        aggregate: true
        text: { en: Alone? }
      - id: hurt
        kind: yes_no
        retention: conversation
        text: { en: Has someone hurt you? }
derived:
  - id: needs_help
    value: hurt == true
    reveals: { reason: \"the support agreed on with the person <b>now</b> | safe\" }
triggers:
  - id: refer
    when: needs_help == true
    urgency: soon
    refer_to: support
    text: { en: Offer support. }
  - id: talk
    when: hurt == true && alone == false
    urgency: immediate
    refer_to: safety
    retention: conversation
    text: { en: Talk about safety now. }
";

#[test]
fn what_is_kept_lists_every_part_with_what_it_reveals() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), "kept.yaml", KEPT);
    let markdown = doc(path.to_str().unwrap(), "markdown");
    let table = &markdown[markdown.find("| part |").unwrap()..];
    insta::assert_snapshot!(table, @r"
    | part | kind | after the conversation | may reveal (used only in the conversation) | reason given |
    |---|---|---|---|---|
    | `alone` | question | kept and stored | – | – |
    | `hurt` | question | used only in the conversation | – | – |
    | `needs_help` | derived value | kept and stored | `hurt` | the support agreed on with the person \<b\>now\</b\> \| safe |
    | `refer` | trigger | kept and stored | – | – |
    | `talk` | trigger | used only in the conversation | – | – |

    Counted, without the person, in the aggregate statistics (`aggregate: true`): `alone`.
    ");

    let html = doc(path.to_str().unwrap(), "html");
    assert!(html.contains("<h2 id=\"kept\">What is kept</h2>"), "{html}");
    assert!(
        html.contains(
            "<td>the support agreed on with the person &lt;b&gt;now&lt;/b&gt; | safe</td>"
        ),
        "{html}"
    );
}
