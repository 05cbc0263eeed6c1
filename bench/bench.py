#!/usr/bin/env python3
"""The benchmark: starts the real stack (nginx + worker pool) on loopback with a fresh data
dir and rate limits lifted, builds a 5,000-seat venue and a GA venue, runs bounded wrk
scenarios and prints a table. Afterwards it checks the databases (no double sale).

    make bench                       # both synchronous settings
    python3 bench/bench.py --seconds 5 --sync FULL
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "Tests", "Integration"))
from stack import Stack  # noqa: E402

PASSWORD = "bench password 123"


def register(stack, email, role="customer"):
    r = requests.post(stack.url("/api/auth/register"), json={"email": email, "password": PASSWORD, "name": "Bench", "role": role})
    assert r.status_code == 201, r.text
    return r.json()["token"]


def setup(stack, customers, events):
    org = {"Authorization": "Bearer " + register(stack, "organizer@bench.example", "organizer")}
    rows = [{"label": f"R{i:02d}", "seats": 50} for i in range(100)]  # 5,000 seats
    r = requests.post(stack.url("/api/venues"), headers=org, json={
        "id": "arena", "name": "Arena", "timezone": "Europe/Paris",
        "layout": {"sections": [{"id": "stalls", "name": "Stalls", "kind": "seated", "rows": rows},
                                {"id": "standing", "name": "Standing", "kind": "ga", "capacity": 2000}]}})
    assert r.status_code == 201, r.text
    arena_event = requests.post(stack.url("/api/venues/arena/events"), headers=org, json={
        "title": "Big Show", "startsAt": "2031-01-01T19:00:00Z", "currency": "EUR", "prices": {"stalls": 5000, "standing": 2500}}).json()["event"]["id"]
    r = requests.post(stack.url("/api/venues"), headers=org, json={
        "id": "festival", "name": "Festival", "timezone": "Europe/Paris",
        "layout": {"sections": [{"id": "field", "name": "Field", "kind": "ga", "capacity": 1000000}]}})
    assert r.status_code == 201, r.text
    festival_events = [requests.post(stack.url("/api/venues/festival/events"), headers=org, json={
        "title": f"Day {i}", "startsAt": "2031-02-01T12:00:00Z", "currency": "EUR", "prices": {"field": 3000},
        "maxTicketsPerCustomer": 100}).json()["event"]["id"] for i in range(events)]
    tokens = [register(stack, f"c{i}@bench.example") for i in range(customers)]
    return arena_event, festival_events, tokens


BOOKING_LUA = textwrap.dedent("""
    local tokens = {%(tokens)s}
    local events = {%(events)s}
    local counter = 0
    local id = 0
    local threads = {}
    function setup(thread)
      thread:set("id", #threads)
      table.insert(threads, thread)
    end
    function init(args)
      statuses = {}
    end
    request = function()
      local n = counter * %(threads)d + id
      counter = counter + 1
      local token = tokens[(n %% #tokens) + 1]
      local event = events[(math.floor(n / #tokens) %% #events) + 1]
      local body = '{"eventId":"' .. event .. '","ga":[{"section":"field","quantity":1}],"payment":{"method":"test"}}'
      return wrk.format("POST", "/api/venues/festival/bookings",
        {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
    end
    response = function(status)
      statuses[status] = (statuses[status] or 0) + 1
    end
    function done(summary, latency, requests)
      local total = {}
      for _, thread in ipairs(threads) do
        for status, count in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + count end
      end
      for status, count in pairs(total) do io.write(string.format("STATUS %%d %%d\\n", status, count)) end
    end
""")

GET_LUA = textwrap.dedent("""
    local etag = [[%(etag)s]]
    request = function()
      if etag ~= "" then return wrk.format("GET", nil, {["If-None-Match"] = etag}) end
      return wrk.format("GET")
    end
""")


def wrk(url, seconds, connections, threads=2, script=None):
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s"]
    path = None
    if script:
        fd, path = tempfile.mkstemp(suffix=".lua")
        os.write(fd, script.encode())
        os.close(fd)
        args += ["-s", path]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    if path:
        os.unlink(path)
    def latency(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    maximum = re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)", out)
    max_ms = float(maximum.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[maximum.group(2)]
    statuses = {int(a): int(b) for a, b in re.findall(r"STATUS (\d+) (\d+)", out)}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": latency("50"), "p99": latency("99"), "max": max_ms, "statuses": statuses,
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(1) if errors else ""}


def worker_rss_mib(stack):
    total = []
    for pid in stack.worker_pids():
        with open(f"/proc/{pid}/status") as f:
            total.append(int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024)
    return max(total) if total else 0


def check(stack):
    r = subprocess.run([os.path.join(ROOT, ".build", "release", "booking-fcgi"), "check"], capture_output=True, text=True,
                       env=dict(os.environ, BOOKING_DATA_DIR=stack.data_dir))
    return r.returncode == 0, r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr


def run(sync, seconds, rows):
    stack = Stack(SYNCHRONOUS=sync, WORKERS=os.environ.get("WORKERS", "4"), AUTH_RATE="100000r/s", AUTH_BURST="100000",
                  WRITE_RATE="1000000r/s", WRITE_BURST="1000000")
    try:
        arena_event, festival_events, tokens = setup(stack, customers=200, events=50)
        rss_before = worker_rss_mib(stack)
        base = stack.base
        seats_url = f"{base}/api/venues/arena/events/{arena_event}/seats"
        if sync == "FULL":
            etag = requests.get(seats_url).headers["ETag"]
            rows.append(("health", sync, wrk(base + "/api/health", seconds, 32)))
            rows.append(("event page", sync, wrk(f"{base}/api/venues/arena/events/{arena_event}", seconds, 32)))
            rows.append(("seat map 5,000 seats (full)", sync, wrk(seats_url, seconds, 32, script=GET_LUA % {"etag": ""})))
            rows.append(("seat map (304)", sync, wrk(seats_url, seconds, 32, script=GET_LUA % {"etag": etag})))
            rows.append(("event list", sync, wrk(f"{base}/api/events", seconds, 32)))
        script = BOOKING_LUA % {"tokens": ",".join(f'"{t}"' for t in tokens), "events": ",".join(f'"{e}"' for e in festival_events), "threads": 2}
        rows.append(("bookings (one call, 1 venue)", sync, wrk(base + "/", seconds, 32, script=script)))
        rss_after = worker_rss_mib(stack)
        ok, summary = check(stack)
        return rss_before, rss_after, ok, summary
    finally:
        stack.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--sync", choices=["FULL", "NORMAL", "both"], default="both")
    args = parser.parse_args()
    rows, notes = [], []
    for sync in (["FULL", "NORMAL"] if args.sync == "both" else [args.sync]):
        before, after, ok, summary = run(sync, args.seconds, rows)
        notes.append(f"synchronous={sync}: worker RSS (largest) {before:.1f} MiB before, {after:.1f} MiB after; "
                     f"database check: {'OK' if ok else 'FAILED'} ({summary})")
    print(f"\n{'scenario':34} {'sync':6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses")
    for name, sync, r in rows:
        statuses = r["statuses"] or ({"non-2xx": r["non2xx"]} if r["non2xx"] else {"2xx/3xx": "all"})
        print(f"{name:34} {sync:6} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['max']:8.1f}  {statuses} {r['socket_errors']}")
    for note in notes:
        print(note)
    print(f"machine: {os.cpu_count()} cores, {os.popen('uname -srm').read().strip()}; {args.seconds} s per scenario, 32 connections, wrk")
    sys.exit(0 if all("OK" in n for n in notes) else 1)


if __name__ == "__main__":
    main()
