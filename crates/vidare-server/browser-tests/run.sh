#!/usr/bin/env bash
# The web page's browser test, for CI: installs Debian's Chromium and Noto
# fonts if they are missing, and playwright-core from package-lock.json, then runs the Rust
# test that starts the server binary and drives an interview through the
# page in headless Chromium. Screenshots land in target/browser-artifacts/.
# Then renders the review documents (vidare doc, vidare graph) to PNG in
# target/review-artifacts/ (crates/vidare-cli/tests/review_render.rs).
set -euo pipefail
cd "$(dirname "$0")"

# Chromium, and the fonts of the scripts the interpreter-mode test reads:
# fonts-noto-core holds Noto Naskh Arabic and Noto Sans Arabic (Arabic,
# Persian, Dari, Sorani) and Noto Sans Ethiopic (Tigrinya). Without them the
# test fails on its font checks rather than pass with boxes.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-noto-core >/dev/null 2>&1 || missing+=(fonts-noto-core)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing ${missing[*]} (Debian)"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

echo "== npm ci (playwright-core; it never downloads a browser of its own)"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund

echo "== browser test"
cd ../../..
VIDARE_BROWSER_TESTS=1 cargo test --locked -p vidare-server --test server browser:: -- --nocapture

echo "== review documents (vidare doc and graph of violence-seven, PNGs in target/review-artifacts/)"
VIDARE_BROWSER_TESTS=1 cargo test --locked -p vidare-cli --test review_render -- --ignored --nocapture
