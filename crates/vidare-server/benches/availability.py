#!/usr/bin/env python3
"""Availability measurements of vidare-server (docs/benchmarks.md,
"Availability"). Standard library only; the server runs on loopback.

    availability.py startup BINARY DATA_FILE   # time to the printed URL per --startup-check
    availability.py list URL [TOKEN]           # the session list: size and median time
    availability.py events URL                 # a session taken to 10,000 events
"""

import http.client
import json
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request


def startup(binary, data):
    for check in ["off", "quick", "full"]:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            p = subprocess.Popen(
                [binary, "--bind", "127.0.0.1:0", "--data", data, "--questionnaires",
                 "questionnaires", "--close-after-hours", "0", "--startup-check", check],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            line = p.stdout.readline()
            times.append(time.perf_counter() - start)
            p.terminate()
            p.wait()
            assert "listening" in line, line
        print(f"--startup-check {check}: " + ", ".join(f"{t:.2f} s" for t in times))


def median_get(url, headers, n=15):
    times, size = [], 0
    for _ in range(n):
        start = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
            size = len(r.read())
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def list_sessions(base, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for path in ["/api/v1/sessions", "/api/v1/sessions?limit=1000"]:
        t, size = median_get(base + path, headers)
        print(f"GET {path}: {size} bytes, median {t * 1000:.1f} ms")
    # Walk every page of 1000 and time the last one.
    path, pages, sessions = "/api/v1/sessions?limit=1000", 0, 0
    while True:
        with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers)) as r:
            page = json.load(r)
        pages += 1
        sessions += len(page["sessions"])
        if page["next"] is None:
            break
        path = page["next"]
    t, size = median_get(base + path, headers)
    print(f"{pages} pages, {sessions} sessions; the last page: {size} bytes, median {t * 1000:.1f} ms")


def events(base):
    url = urllib.parse.urlparse(base)
    c = http.client.HTTPConnection(url.hostname, url.port)

    def call(method, path, body=None):
        c.request(method, path, body=json.dumps(body) if body is not None else None,
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        return r.status, json.loads(r.read())

    def read_time(sid):
        times = []
        for _ in range(20):
            start = time.perf_counter()
            call("GET", f"/api/v1/sessions/{sid}")
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    _, state = call("POST", "/api/v1/sessions", {"questionnaire": "violence-seven@1.0.0"})
    sid, n, start = state["id"], 0, time.perf_counter()
    while n < 10000:
        if n % 2 == 0:
            status, state = call("POST", f"/api/v1/sessions/{sid}/answer",
                                 {"expected_events": n, "item": "alone", "value": True})
        else:
            status, state = call("POST", f"/api/v1/sessions/{sid}/back", {"expected_events": n})
        assert status == 200, (status, state)
        n += 1
        if n in (100, 1000):
            print(f"{n} events: GET median {read_time(sid):.1f} ms")
    print(f"10000 steps (answer, back, ...) in {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    status, problem = call("POST", f"/api/v1/sessions/{sid}/answer",
                           {"expected_events": 10000, "item": "alone", "value": True})
    print(f"step 10001: {status} {problem['type'].rsplit('/', 1)[1]} "
          f"in {(time.perf_counter() - start) * 1000:.1f} ms")
    print(f"10000 events: GET median {read_time(sid):.1f} ms")


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    {"startup": startup, "list": list_sessions, "events": events}[command](*rest)
