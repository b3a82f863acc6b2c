//! Turns on the browser test (`tests/browser.rs`) when the crate is built
//! with `VIDARE_BROWSER_TESTS=1`; it is ignored otherwise.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(vidare_browser_tests)");
    println!("cargo::rerun-if-env-changed=VIDARE_BROWSER_TESTS");
    if std::env::var("VIDARE_BROWSER_TESTS").is_ok_and(|v| v == "1") {
        println!("cargo::rustc-cfg=vidare_browser_tests");
    }
}
