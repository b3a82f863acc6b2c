#!/bin/sh
# The server under callgrind, for `load --server` (docs/benchmarks.md,
# "What a request costs"). It runs valgrind as a child rather than in its
# place: the load benchmark ends its server with SIGKILL, which valgrind
# cannot catch, so the profile is written when `pkill -TERM -f callgrind`
# stops the server after the run. VIDARE_SERVER_BINARY and CALLGRIND_OUT
# say which binary and where the profile goes.
valgrind --tool=callgrind --callgrind-out-file="${CALLGRIND_OUT:-callgrind.out}" \
  "${VIDARE_SERVER_BINARY:?the server binary to profile}" "$@"
