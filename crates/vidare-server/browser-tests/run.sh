#!/usr/bin/env bash
# The web page's browser test, for CI: installs Debian's Chromium if it is
# missing and playwright-core from package-lock.json, then runs the Rust
# test that starts the server binary and drives an interview through the
# page in headless Chromium. Screenshots land in target/browser-artifacts/.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium (Debian)"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi

echo "== npm ci (playwright-core; it never downloads a browser of its own)"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund

echo "== browser test"
cd ../../..
VIDARE_BROWSER_TESTS=1 cargo test --locked -p vidare-server --test browser -- --nocapture
