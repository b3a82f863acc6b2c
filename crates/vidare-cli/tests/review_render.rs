//! The review documents as a board sees them: `vidare doc --format html`
//! and `vidare graph --format svg` of violence-seven 2.0.0 and 2.1.0, in
//! Swedish and English, rendered to PNG by Debian's headless Chromium and
//! saved under `target/review-artifacts/` for people to look at. Checks
//! what a machine can: the SVG is XML, every referral is drawn in its
//! urgency's colour, the legend lies inside the picture, the page names
//! every referral's urgency, and the pictures are not empty.
//!
//! Ignored unless asked for: it needs /usr/bin/chromium.
//! `crates/vidare-server/browser-tests/run.sh` runs it with
//! `VIDARE_BROWSER_TESTS=1 cargo test -p vidare-cli --test review_render -- --ignored`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{output, vidare};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The versions to render: 2.0.0, and 2.1.0 where it exists.
fn versions() -> Vec<&'static str> {
    ["2.0.0", "2.1.0"]
        .into_iter()
        .filter(|v| {
            common::root()
                .join(format!("questionnaires/violence-seven/{v}.yaml"))
                .is_file()
        })
        .collect()
}

fn artifacts() -> PathBuf {
    let dir = common::root().join("target/review-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes what `vidare <args>` prints to `path`.
fn save(args: &[&str], path: &Path) -> String {
    let (code, stdout, stderr) = output(vidare().args(args));
    assert_eq!(code, 0, "vidare {args:?}: {stderr}");
    std::fs::write(path, &stdout).unwrap();
    stdout
}

/// Headless Chromium with its own profile, told to do `what` with `page`.
fn chromium(page: &Path, what: &[String]) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(what)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed on {}: {}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Renders `page` to `png` at `width` × `height`.
fn screenshot(page: &Path, png: &Path, width: u32, height: u32) {
    chromium(
        page,
        &[
            format!("--screenshot={}", png.display()),
            format!("--window-size={width},{height}"),
        ],
    );
    let bytes = std::fs::read(png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{}", png.display());
    // The size in the IHDR chunk.
    let be =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    assert_eq!((be(16), be(20)), (width, height), "{}", png.display());
    // A white page of this size compresses to a few kilobytes.
    assert!(bytes.len() > 20_000, "{} looks empty", png.display());
}

/// How many pages `page` prints on (Chromium's default, US Letter).
fn printed_pages(page: &Path) -> usize {
    let pdf = page.with_extension("pdf");
    chromium(
        page,
        &[
            "--no-pdf-header-footer".to_owned(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    let bytes = std::fs::read(&pdf).unwrap();
    // Each page object says `/Type /Page`; the page tree says `/Pages`.
    bytes
        .windows(12)
        .filter(|w| w.starts_with(b"/Type /Page") && w[11] != b's')
        .count()
}

/// A size in whole pixels, rounded up.
fn pixels(size: f64) -> u32 {
    format!("{:.0}", size.ceil()).parse().unwrap()
}

fn number(node: roxmltree::Node<'_, '_>, name: &str) -> f64 {
    node.attribute(name).unwrap().parse().unwrap()
}

/// The SVG's own checks; returns its size.
fn check_svg(svg: &str, q: &vidare::Questionnaire, what: &str) -> (f64, f64) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{what}: not XML: {e}"));
    let root = doc.root_element();
    let (width, height) = (number(root, "width"), number(root, "height"));
    let colours = [
        ("immediate", "#c62828"),
        ("soon", "#d9730d"),
        ("routine", "#2f5fae"),
    ];
    for t in &q.document().triggers {
        let urgency = t.urgency.value.as_str();
        let (_, stroke) = colours.iter().find(|(u, _)| *u == urgency).unwrap();
        let node = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some(&format!("trigger urgency-{urgency}")))
            .find(|n| {
                n.descendants().any(|x| {
                    x.has_tag_name("title")
                        && x.text().is_some_and(|s| s.ends_with(t.id.value.as_str()))
                })
            })
            .unwrap_or_else(|| panic!("{what}: no {urgency} node for `{}`", t.id.value));
        assert!(
            node.descendants()
                .any(|n| n.attribute("stroke") == Some(*stroke)),
            "{what}: `{}` not in {stroke}",
            t.id.value
        );
        let legend = doc
            .descendants()
            .find(|n| n.attribute("class") == Some(&format!("legend-urgency-{urgency}")));
        assert!(legend.is_some(), "{what}: no legend entry for {urgency}");
    }
    let legend = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("legend"))
        .unwrap();
    let rect = legend.children().find(|n| n.has_tag_name("rect")).unwrap();
    assert!(
        number(rect, "x") + number(rect, "width") <= width,
        "{what}: legend too wide"
    );
    assert!(
        number(rect, "y") + number(rect, "height") <= height,
        "{what}: legend below the picture"
    );
    (width, height)
}

#[test]
#[ignore = "needs Chromium: VIDARE_BROWSER_TESTS=1 cargo test -p vidare-cli --test review_render -- --ignored"]
fn review_documents_render_in_headless_chromium() {
    assert_eq!(
        std::env::var("VIDARE_BROWSER_TESTS").as_deref(),
        Ok("1"),
        "set VIDARE_BROWSER_TESTS=1: this test needs {CHROMIUM} (crates/vidare-server/browser-tests/run.sh installs it)"
    );
    let dir = artifacts();
    let versions = versions();
    assert!(versions.contains(&"2.0.0"));
    for version in versions {
        let path = format!("questionnaires/violence-seven/{version}.yaml");
        let q = vidare::load(common::root().join(&path)).unwrap();
        for lang in ["sv", "en"] {
            let name = format!("violence-seven-{version}-{lang}");
            let svg_path = dir.join(format!("{name}-graph.svg"));
            let svg = save(
                &["graph", &path, "--format", "svg", "--lang", lang],
                &svg_path,
            );
            let (w, h) = check_svg(&svg, &q, &name);
            screenshot(
                &svg_path,
                &dir.join(format!("{name}-graph.png")),
                pixels(w),
                pixels(h),
            );

            let html_path = dir.join(format!("{name}-doc.html"));
            let html = save(
                &["doc", &path, "--format", "html", "--lang", lang],
                &html_path,
            );
            for t in &q.document().triggers {
                let urgency = t.urgency.value.as_str();
                assert!(
                    html.contains(&format!("<span class=\"urgency urgency-{urgency}\">")),
                    "{name}: no {urgency} in the page"
                );
            }
            // The summary prints on one page, the whole document on six.
            let summary = &html[..html.find("<h2 id=\"details\">").unwrap()];
            let summary_path = dir.join(format!("{name}-summary.html"));
            std::fs::write(&summary_path, format!("{summary}</body>\n</html>\n")).unwrap();
            assert_eq!(printed_pages(&summary_path), 1, "{name}: the summary");
            let pages = printed_pages(&html_path);
            assert!(pages <= 6, "{name}: {pages} printed pages");
            // The first screen is the summary; the second the whole page.
            screenshot(&html_path, &dir.join(format!("{name}-doc.png")), 1280, 1800);
            screenshot(
                &html_path,
                &dir.join(format!("{name}-doc-full.png")),
                1280,
                6400,
            );
        }
    }
}
