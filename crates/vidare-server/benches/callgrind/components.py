"""The server's instructions per request by component, from a callgrind
profile made with server.sh (docs/benchmarks.md, "What a request costs").

usage: python3 components.py PROFILE REQUESTS [BASELINE_PROFILE BASELINE_REQUESTS]

Each function's own (exclusive) count is put in the group of the crate or
library it belongs to; start-up (compiling the questionnaires) is left
out. With a baseline profile of the same run without closes, it also
prints what one close costs beyond the requests of the baseline.
"""
import re
import subprocess
import sys
from collections import defaultdict

GROUPS = [
    ("start-up: compiling the questionnaires", r"vidare::(compile|yaml|registry|format)|serde_saphyr|granit_parser|sha2::"),
    ("engine (the vidare crate)", r"vidare::"),
    ("SQLite and rusqlite", r"sqlite3|rusqlite|pcache|pager|btree|vdbe|wal[A-Z]|unix[A-Z]"),
    ("JSON (serde_json)", r"serde_json|serde_core|serde::"),
    ("request log (tracing)", r"tracing|sharded_slab|nu_ansi"),
    ("HTTP (hyper, http, axum, tower)", r"hyper|http|httparse|axum|tower|matchit|form_urlencoded|percent_encoding|bytes::"),
    ("Tokio, locks and hand-overs", r"tokio|mio|parking_lot|crossbeam|std::sync|std::thread|futures|pthread_"),
    ("server glue (vidare_server)", r"vidare_server"),
    ("allocator (malloc, free) and memcpy", r"_?mi_|malloc|free|_int_|realloc|calloc|memcpy|memmove|memset|memcmp|__mem|strlen|__strlen|tcache|unlink_chunk"),
    ("formatting and strings (core, alloc)", r"core::fmt|alloc::|core::str|<alloc|<core::fmt"),
]


def groups(profile):
    out = subprocess.run(["callgrind_annotate", "--threshold=100", profile],
                         capture_output=True, text=True, check=True).stdout
    sums = defaultdict(int)
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+\S*?:(.*?) \[.*\]$", line)
        if not m:
            continue
        n, name = int(m.group(1).replace(",", "")), m.group(2).lstrip("<")
        label = next((l for l, p in GROUPS if re.match(p, name)), "other")
        sums[label] += n
    sums.pop(GROUPS[0][0], None)
    return sums


def main():
    sums, requests = groups(sys.argv[1]), int(sys.argv[2])
    base = groups(sys.argv[3]) if len(sys.argv) > 4 else None
    work = sum(sums.values())
    print(f"per request: {work / requests:,.0f} instructions")
    for label, n in sorted(sums.items(), key=lambda kv: -kv[1]):
        line = f"  {label:40s} {n / requests:>9,.0f}  {100 * n / work:4.1f}%"
        print(line)
    if base:
        base_requests = int(sys.argv[4])
        closes = requests - base_requests
        extra = work - sum(base.values())
        print(f"per close: {extra / closes:,.0f} instructions ({closes} closes)")
        for label, n in sorted(sums.items(), key=lambda kv: -kv[1]):
            print(f"  {label:40s} {(n - base.get(label, 0)) / closes:>9,.0f}")


main()
