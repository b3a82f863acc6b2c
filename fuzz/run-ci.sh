#!/usr/bin/env bash
# Runs every fuzz target for a short while (30 seconds each by default), for
# CI. Exits non-zero when a target finds a crash, a panic, a timeout or an
# out-of-memory; the input that did it is left in fuzz/artifacts/<target>/.
#
# Environment:
#   FUZZ_SECONDS    time per target (default 30)
#   FUZZ_TOOLCHAIN  the nightly toolchain cargo-fuzz builds with (default nightly)
#   FUZZ_TARGETS    the targets to run (default "yaml expr session")
#
# The seed corpora are generated from the repository's YAML (questionnaires,
# invalid fixtures, expansion and diff fixtures) by `examples/seed.rs`, so
# nothing generated is committed; inputs the fuzzer adds stay in
# fuzz/corpus/ (ignored by git) and make later local runs start further.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-30}"
toolchain="${FUZZ_TOOLCHAIN:-nightly}"
targets="${FUZZ_TARGETS:-yaml expr session}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz/run-ci.sh: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

cargo "+$toolchain" run --quiet --manifest-path fuzz/Cargo.toml --example seed

status=0
for target in $targets; do
    echo "== fuzz target $target: ${seconds}s" >&2
    # -a: debug assertions and overflow checks on. The timeout is per input
    # and generous: under AddressSanitizer the YAML alias-bomb fixture alone
    # takes about 15 s (its cost is bounded, see docs/robustness.md).
    # cargo-fuzz reads and grows fuzz/corpus/<target> and writes crashing
    # inputs to fuzz/artifacts/<target>/.
    if ! cargo "+$toolchain" fuzz run -a "$target" -- \
        -max_total_time="$seconds" \
        -timeout=60 \
        -rss_limit_mb=4096 \
        -print_final_stats=1; then
        echo "fuzz/run-ci.sh: target $target failed; see fuzz/artifacts/$target/" >&2
        status=1
    fi
done
exit "$status"
