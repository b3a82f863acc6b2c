//! `vidare doc`: the review document as Markdown and as HTML.

use crate::common;

use common::{SHIPPED, UNREACHABLE, WELLBEING, output, settings, vidare, write};

fn doc(path: &str, format: &str) -> String {
    let (code, stdout, stderr) = output(vidare().args(["doc", path, "--format", format]));
    assert_eq!(code, 0, "{stderr}");
    stdout
}

fn doc_in(path: &str, format: &str, lang: &str) -> String {
    let (code, stdout, stderr) =
        output(vidare().args(["doc", path, "--format", format, "--lang", lang]));
    assert_eq!(code, 0, "{stderr}");
    stdout
}

#[test]
fn violence_as_markdown() {
    settings(None).bind(|| insta::assert_snapshot!(doc(SHIPPED[0], "markdown")));
}

#[test]
fn violence_2_in_english_as_markdown() {
    settings(None).bind(|| {
        insta::assert_snapshot!(doc_in(
            "questionnaires/violence-seven/2.0.0.yaml",
            "markdown",
            "en"
        ));
    });
}

#[test]
fn the_fixture_as_html() {
    settings(None).bind(|| insta::assert_snapshot!(doc(WELLBEING, "html")));
}

#[test]
fn every_item_and_trigger_is_in_the_document_in_each_language() {
    for path in SHIPPED {
        let q = vidare::load(common::root().join(path)).unwrap();
        for lang in q.languages() {
            let markdown = doc_in(path, "markdown", lang);
            // An id of a template's later instance is written through
            // the first instance's, and its key is named.
            let named = |id: &str| {
                markdown.contains(&format!("`{id}`"))
                    || id.split_once('.').is_some_and(|(key, rest)| {
                        markdown.contains(&format!("*.{rest}"))
                            && markdown.contains(&format!(", {key}"))
                    })
            };
            for item in q.items() {
                assert!(named(item.id()), "{path} {lang}: `{}`", item.id());
            }
            for trigger in q.trigger_ids() {
                assert!(named(trigger), "{path} {lang}: `{trigger}`");
            }
            let html = doc_in(path, "html", lang);
            assert!(html.starts_with(&format!("<!DOCTYPE html>\n<html lang=\"{lang}\">")));
            assert!(html.ends_with("</body>\n</html>\n"));
            let intro = q.items().next().unwrap();
            let text = intro.text(lang).replace('\'', "&#39;");
            assert!(html.contains(&text), "{path}: the first text in {lang}");
            // Only the chosen language's texts.
            for other in q.languages().iter().filter(|l| *l != lang) {
                let text = intro.text(other).replace('\'', "&#39;");
                if text != intro.text(lang).replace('\'', "&#39;") {
                    assert!(
                        !html.contains(&text),
                        "{path}: a text in {other} in the {lang} page"
                    );
                }
            }
        }
    }
}

#[test]
fn the_framing_words_follow_the_language() {
    let sv = doc_in(SHIPPED[0], "markdown", "sv");
    let en = doc_in(SHIPPED[0], "markdown", "en");
    assert!(
        sv.contains("## Sammanfattning") && sv.contains("## Detaljer"),
        "{sv}"
    );
    assert!(
        en.contains("## Summary") && en.contains("## Details"),
        "{en}"
    );
    for english in [
        "Summary",
        "shown when",
        "Referrals",
        "What is kept",
        " is yes",
        "answered by",
    ] {
        assert!(!sv.contains(english), "`{english}` in the Swedish document");
    }
    let (code, _, stderr) = output(vidare().args(["doc", SHIPPED[0], "--lang", "de"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("has no texts in `de`; use --lang with one of: sv, en"),
        "{stderr}"
    );
}

#[test]
fn conditions_are_written_out_in_words() {
    let markdown = doc_in(SHIPPED[0], "markdown", "en");
    assert!(
        markdown
            .contains("| `alone` is no, or `interpreter` is “A relative or a child interprets” |"),
        "{markdown}"
    );
    let swedish = doc_in(SHIPPED[0], "markdown", "sv");
    assert!(
        swedish.contains(
            "| `alone` är nej, eller `interpreter` är “En anhörig eller ett barn tolkar” |"
        ),
        "{swedish}"
    );
    // A template is written once, with its instances named; inside it,
    // local names get the first instance's prefix.
    let boston = doc_in(SHIPPED[1], "markdown", "en");
    assert!(
        boston.contains("the same for each of: living, learning, working, social"),
        "{boston}"
    );
    assert!(
        boston.contains("| `living.wants_change` is yes |"),
        "{boston}"
    );
    assert!(!boston.contains("`learning.wants_change`"), "{boston}");
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
        html.contains("VISAS ALDRIG: villkoret kan aldrig gälla (varning V023)"),
        "{html}"
    );
    let html = doc_in(path.to_str().unwrap(), "html", "en");
    assert!(html.contains("Alone &lt;b&gt;now&lt;/b&gt;?"), "{html}");
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
    | `needs_help` | derived value | kept and stored | `hurt` | the support agreed on with the person \<b\>now\</b\> \| safe |
    | `refer` | referral | kept and stored | – | – |

    **used only in the conversation**: question: `hurt`; referral: `talk`

    Counted, without the person, in the aggregate statistics (`aggregate: true`): `alone`.
    ");

    let html = doc(path.to_str().unwrap(), "html");
    assert!(html.contains("<h3 id=\"kept\">What is kept</h3>"), "{html}");
    // The summary names what is kept and counts what is not.
    assert!(
        markdown.contains("| used only in the conversation | question: 1; referral: 1 |"),
        "{markdown}"
    );
    assert!(
        html.contains(
            "<td>the support agreed on with the person &lt;b&gt;now&lt;/b&gt; | safe</td>"
        ),
        "{html}"
    );
}

/// A language with no framing words of its own (Arabic, for the person
/// only): its texts in an English page, each cell in its own direction;
/// texts the translation lacks in the default language.
#[test]
fn a_right_to_left_language_in_a_page_of_english_words() {
    let path = "questionnaires/violence-seven/2.1.0.yaml";
    let q = vidare::load(common::root().join(path)).unwrap();
    let html = doc_in(path, "html", "ar");
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n"),
        "{html}"
    );
    assert!(html.contains("unicode-bidi: plaintext"));
    assert!(html.contains(&format!("<h1 id=\"top\">{}</h1>", q.title("ar"))));
    assert!(html.contains("<h2 id=\"summary\">Summary</h2>"));
    let first = q.items().next().unwrap();
    assert!(html.contains(first.text("ar")), "{html}");
}

/// A Swedish document names the languages in Swedish and the referrals by
/// the names the questionnaire gives them (violence-seven 2.2.0), each
/// beside its key for the board to find in the file.
#[test]
fn a_swedish_document_names_languages_and_referrals_in_swedish() {
    let path = "questionnaires/violence-seven/2.2.0.yaml";
    let md = doc_in(path, "markdown", "sv");
    for named in [
        "sv (svenska): standard",
        "en (engelska)",
        "ar (arabiska)",
        "fa (persiska)",
        "so (somaliska)",
        "ti (tigrinja)",
        "sv-x-easy (lättläst svenska)",
        "| Socialtjänsten `social-services` |",
        "| Farlighetsbedömning (FREDA) `freda-risk-assessment` |",
    ] {
        assert!(md.contains(named), "{named:?} missing:\n{md}");
    }
    for english in [
        "Swedish", "English", "Arabic", "Persian", "Somali", "Tigrinya",
    ] {
        assert!(
            !md.contains(english),
            "{english:?} in a Swedish document:\n{md}"
        );
    }
    // Without `referrals:` the key is the whole cell, as before.
    let older = doc_in("questionnaires/violence-seven/2.1.0.yaml", "markdown", "sv");
    assert!(older.contains("| `social-services` |"), "{older}");
}
