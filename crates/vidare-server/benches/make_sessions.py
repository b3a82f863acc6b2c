#!/usr/bin/env python3
"""Adds finished violence-seven sessions to a vidare-server data file, for
the availability measurements in docs/benchmarks.md (the session list, the
start-up check). Standard library only.

    vidare-server --data big.sqlite3 ...   # once, so the schema exists; stop it
    python3 crates/vidare-server/benches/make_sessions.py big.sqlite3 24000

Each session has 12 events of the shapes the server stores, one second
apart in creation time, tenant `local`.
"""

import datetime
import json
import sqlite3
import sys
import uuid

ANSWERS = [
    ("alone", True), ("interpreter", "none"), ("psychological", True),
    ("psychological_when", "ongoing"), ("physical", False), ("sexual", False),
    ("childhood", True), ("childhood_when", "earlier"), ("used_violence", False),
    ("ongoing", True), ("children", False), ("children_witness", False),
]


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def main():
    path, count = sys.argv[1], int(sys.argv[2])
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    with db:
        for n in range(count):
            sid = uuid.uuid4().hex
            at = stamp(start + datetime.timedelta(seconds=n))
            db.execute(
                "INSERT INTO sessions (id, tenant, questionnaire, version, digest, language, "
                "created_at, updated_at, event_count) VALUES (?, 'local', 'violence-seven', "
                "'1.0.0', 'sha256:generated', 'en', ?, ?, ?)",
                (sid, at, at, len(ANSWERS)),
            )
            db.executemany(
                "INSERT INTO events (session_id, seq, event, created_at) VALUES (?, ?, ?, ?)",
                [
                    (sid, seq, json.dumps({"event": "respond", "item": item,
                                           "response": {"answer": value}}), at)
                    for seq, (item, value) in enumerate(ANSWERS)
                ],
            )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


if __name__ == "__main__":
    main()
