#!/usr/bin/env python3
"""The benchmark: starts the real stack (nginx + worker pool) on loopback with a fresh data
dir and rate limits lifted, builds the venues it needs, runs bounded scenarios and prints
a table. Afterwards it checks the databases (no double sale) and says so.

Scenarios (names for --only; wrk with Lua scripts unless said otherwise):
  health          GET /api/health
  event-page      GET one event of the 5,000-seat arena
  seat-map        GET the arena's 5,000-seat map (full body, no gzip)
  seat-map-gzip   the same as a browser asks for it (Accept-Encoding: gzip)
  seat-map-304    the same with If-None-Match (304)
  event-list      GET /api/events
  book-1-venue    one-call GA bookings on one venue
  book-4-venues   one-call GA bookings spread over 4 venues (4 database files)
  book-seated     one-call bookings of one seat each on 5,000-seat events; every request
                  asks for a different seat (wrk threads interleave one global sequence)
  hold-then-book  POST holds, then POST bookings with the holdId (one connection per wrk
                  thread, so each connection alternates); the rate is completed bookings/s
  contention      10,000 buyers (10,000 accounts) race for 100 seats over 1,000 connections
                  (a Python asyncio client); checks exactly 100 seats sold, none twice
  event-list-1000 the front page of 1,000 venues of 5 events each against one event page
                  (bench/event_list.py)
  venue-churn-1000 seat maps, then one-call GA bookings, spread over the same 1,000 venues
                  against 5 of them: most requests open a venue outside each worker's LRU
                  (bench/venue_churn.py)
  on-sale         20,000 accounts join a 1,000-seat event's waiting room, 10,000 idle SSE
                  waiters, admission at 6,000/min, every admitted buyer holds and books
                  (bench/on_sale.py says what it measures and checks)
Group names: reads (the first six), bookings (the next four).

Every run starts with this machine's limits (bench/limits.py): SQLite commits/s at FULL and
NORMAL (bench/sqlite_commits.c, compiled by the run), nginx static requests/s and nginx ->
FastCGI answers/s of /api/health, the cheapest route. Each row prints its rate as a ratio to
the limit that bounds it: bookings (and the other writes) to the commit rate of the row's
synchronous mode, reads to the FastCGI answers. Shared machines move absolute figures by 2x
between days; the ratios of one run hold still.

Bookings run at each --sync setting; reads and contention run once, at the first one.
Contention runs on a stack of its own whose accounts are hashed with cheap Argon2
(registering 10,000 accounts at the production cost would take minutes; the booking path
does not hash), so the other scenarios keep production hashing and worker RSS.

With --replica the booking scenarios run twice at each setting, in the same run: without
replication, then with Litestream replicating to a temporary directory (sync "FULL+R"); the
notes give the replication lag the app reports (booking_replication_lag_seconds of the
venues the scenario books, sampled every 100 ms from 1.5 s into it: a venue idle before
reads, until its first new LTX lands, the age of its previous one) as p50/p99/max, the
largest WAL, and what
Litestream's log says (warnings, errors, snapshots per database: more than one means its
WAL stream broke and it started over).

    make bench                                   # everything, both synchronous settings
    python3 bench/bench.py --seconds 5 --sync FULL --only book-seated,contention
    python3 bench/bench.py --seconds 4 --sync FULL --only book-1-venue,book-seated --replica
"""
import argparse
import asyncio
import collections
import math
import os
import re
import shutil
import resource
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "Tests", "Integration"))
from stack import Stack  # noqa: E402

import event_list  # noqa: E402
import limits  # noqa: E402
import venue_churn  # noqa: E402
import on_sale  # noqa: E402
from common import PASSWORD, check, connect, http, lua_list, register_many, run_wrk, sold_seats  # noqa: E402

READS = ["health", "event-page", "seat-map", "seat-map-gzip", "seat-map-304", "event-list"]
BOOKINGS = ["book-1-venue", "book-4-venues", "book-seated", "hold-then-book"]
SCENARIOS = READS + BOOKINGS + ["contention", "on-sale", "event-list-1000", "venue-churn-1000"]
GROUPS = {"reads": READS, "bookings": BOOKINGS}
# Rows bounded by the commit rate; every other row is bounded by empty FastCGI answers.
WRITE_ROWS = set(BOOKINGS) | {"contention", "on-sale-joins", "churn-book-5", "churn-book-1000"}

LIMITS_LIFTED = dict(AUTH_RATE="100000r/s", AUTH_BURST="100000", WRITE_RATE="1000000r/s", WRITE_BURST="1000000",
                     JOIN_RATE="1000000r/s", JOIN_BURST="1000000")
CONNECTIONS = 32                 # wrk connections of every wrk scenario
# The pool's own default worker count (one per core) unless WORKERS is set (an empty value
# makes scripts/stack.sh leave the server's default alone).
WORKERS_OVERRIDE = {"WORKERS": os.environ.get("WORKERS", "")}
CUSTOMERS = 200                  # accounts the wrk booking scenarios rotate through
GA_VENUES, GA_EVENTS = 4, 20     # GA venues "festival-1".."festival-4", events on each
ARENA_ROWS, ARENA_ROW_SEATS = 100, 50
ARENA_SEATS = ARENA_ROWS * ARENA_ROW_SEATS
SEATED_MAX_RATE = 10_000         # seated events are made for this many bookings/s
RACE_BUYERS, RACE_SEATS, RACE_CONNECTIONS = 10_000, 100, 1_000


# ---------------------------------------------------------------- set-up through the API

def register(stack, email, role="customer"):
    r = requests.post(stack.url("/api/auth/register"), json={"email": email, "password": PASSWORD, "name": "Bench", "role": role})
    assert r.status_code == 201, r.text
    return r.json()["token"]


def auth(token):
    return {"Authorization": "Bearer " + token}


def create_venue(stack, org, venue_id, sections):
    r = requests.post(stack.url("/api/venues"), headers=org, json={
        "id": venue_id, "name": venue_id.title(), "timezone": "Europe/Paris", "layout": {"sections": sections}})
    assert r.status_code == 201, r.text


def create_event(stack, org, venue_id, title, prices):
    r = requests.post(stack.url(f"/api/venues/{venue_id}/events"), headers=org, json={
        "title": title, "startsAt": "2031-01-01T19:00:00Z", "currency": "EUR", "prices": prices, "maxTicketsPerCustomer": 100})
    assert r.status_code == 201, r.text
    return r.json()["event"]["id"]


def setup(stack, seconds):
    """The arena (5,000 seats + GA; one event for reads, enough events for seated bookings),
    4 GA venues with GA_EVENTS events each, and CUSTOMERS customers."""
    org = auth(register(stack, "organizer@bench.example", "organizer"))
    rows = [{"label": f"R{i:02d}", "seats": ARENA_ROW_SEATS} for i in range(ARENA_ROWS)]
    create_venue(stack, org, "arena", [{"id": "stalls", "name": "Stalls", "kind": "seated", "rows": rows},
                                       {"id": "standing", "name": "Standing", "kind": "ga", "capacity": 2000}])
    arena_prices = {"stalls": 5000, "standing": 2500}
    arena_event = create_event(stack, org, "arena", "Big Show", arena_prices)
    seated_events = [create_event(stack, org, "arena", f"Seated {i}", arena_prices)
                     for i in range(math.ceil(seconds * SEATED_MAX_RATE / ARENA_SEATS))]
    ga_events = {}
    for v in range(1, GA_VENUES + 1):
        venue = f"festival-{v}"
        create_venue(stack, org, venue, [{"id": "field", "name": "Field", "kind": "ga", "capacity": 1000000}])
        ga_events[venue] = [create_event(stack, org, venue, f"Day {i}", {"field": 3000}) for i in range(GA_EVENTS)]
    with ThreadPoolExecutor(4) as pool:
        tokens = list(pool.map(lambda i: register(stack, f"c{i}@bench.example"), range(CUSTOMERS)))
    return {"arena_event": arena_event, "seated_events": seated_events, "ga_events": ga_events, "tokens": tokens}


# ---------------------------------------------------------------- wrk and its Lua scripts

# Plain GETs (a static request, as without a script); with an ETag, conditional ones whose
# statuses are tallied (200 versus 304). The others tally nothing: a response() callback
# makes wrk copy every 515 KB seat map into Lua.
GET_LUA = """
local etag = [[%(etag)s]]
if [[%(encoding)s]] ~= "" then wrk.headers["Accept-Encoding"] = [[%(encoding)s]] end
if etag ~= "" then
  wrk.headers["If-None-Match"] = etag
  response = function(status) count(status) end
end
"""

# One-call GA bookings: request n goes to venue n mod V; within a venue the customers and
# then the events rotate, keeping every customer far below the per-event limit.
GA_BOOKING_LUA = """
local tokens = %(tokens)s
local venues = %(venues)s
local events = %(events)s
request = function()
  local n = next_n()
  local v = n %% #venues + 1
  local m = math.floor(n / #venues)
  local event = events[v][math.floor(m / #tokens) %% #events[v] + 1]
  return book_ga(venues[v], event, "field", tokens[m %% #tokens + 1])
end
response = function(status) count(status) end
"""

# One-call seated bookings: request n books seat n mod 5,000 of event n div 5,000, so no
# two requests ask for the same seat (once every event is sold out they would get 409).
SEATED_BOOKING_LUA = """
local tokens = %(tokens)s
local events = %(events)s
request = function()
  local n = next_n()
  local event = events[math.floor(n / %(seats)d) %% #events + 1]
  local i = n %% %(seats)d
  local seat = string.format("stalls-R%%02d-%%d", math.floor(i / %(row_seats)d), i %% %(row_seats)d + 1)
  local body = '{"eventId":"' .. event .. '","seats":["' .. seat .. '"],"payment":{"method":"test"}}'
  return post("/api/venues/arena/bookings", tokens[n %% #tokens + 1], body)
end
response = function(status) count(status) end
"""

# Two steps on one connection per thread: a hold of one GA place, then the booking of that
# hold by the same customer. Statuses are tallied as "hold:201", "booking:201", ...
HOLD_THEN_BOOK_LUA = """
local tokens = %(tokens)s
local events = %(events)s
local step, token, hold = "hold", nil, nil
request = function()
  if hold then
    step = "booking"
    local body = '{"holdId":"' .. hold .. '","payment":{"method":"test"}}'
    hold = nil
    return post("/api/venues/%(venue)s/bookings", token, body)
  end
  local n = next_n()
  step, token = "hold", tokens[n %% #tokens + 1]
  local event = events[math.floor(n / #tokens) %% #events + 1]
  return post("/api/venues/%(venue)s/events/" .. event .. "/holds", token, '{"ga":[{"section":"field","quantity":1}]}')
end
response = function(status, headers, body)
  count(step .. ":" .. status)
  if step == "hold" and status == 201 then hold = string.match(body, '"id"%%s*:%%s*"([^"]+)"') end
end
"""


def wrk(url, seconds, script, threads=2, connections=None):
    return run_wrk(url, seconds, script, connections or CONNECTIONS, threads)


# ---------------------------------------------------------------- the wrk scenarios

def read_scenario(stack, world, name, seconds):
    event_url = f"{stack.base}/api/venues/arena/events/{world['arena_event']}"
    url, etag = {"health": (stack.base + "/api/health", ""), "event-page": (event_url, ""),
                 "seat-map": (event_url + "/seats", ""), "seat-map-gzip": (event_url + "/seats", ""),
                 "event-list": (stack.base + "/api/events", ""),
                 "seat-map-304": (event_url + "/seats", requests.get(event_url + "/seats").headers["ETag"])}[name]
    return wrk(url, seconds, GET_LUA % {"etag": etag, "encoding": "gzip" if name == "seat-map-gzip" else ""})


def ga_bookings(stack, world, venues, seconds):
    events = "{" + ",".join(lua_list(world["ga_events"][v]) for v in venues) + "}"
    script = GA_BOOKING_LUA % {"tokens": lua_list(world["tokens"]), "venues": lua_list(venues), "events": events}
    return wrk(stack.base + "/", seconds, script)


def seated_bookings(stack, world, seconds):
    script = SEATED_BOOKING_LUA % {"tokens": lua_list(world["tokens"]), "events": lua_list(world["seated_events"]),
                                   "seats": ARENA_SEATS, "row_seats": ARENA_ROW_SEATS}
    return wrk(stack.base + "/", seconds, script)


def hold_then_book(stack, world, seconds):
    """One connection per wrk thread, so each connection's requests alternate hold, booking.
    The rate reported is completed bookings (201) per second."""
    script = HOLD_THEN_BOOK_LUA % {"tokens": lua_list(world["tokens"]), "venue": "festival-1",
                                   "events": lua_list(world["ga_events"]["festival-1"])}
    result = wrk(stack.base + "/", seconds, script, threads=CONNECTIONS)
    result["rps"] = result["statuses"].get("booking:201", 0) / result["duration"]
    return result


def booking_scenario(stack, world, name, seconds):
    venues = [f"festival-{v}" for v in range(1, GA_VENUES + 1)]
    if name == "book-1-venue":
        return ga_bookings(stack, world, venues[:1], seconds)
    if name == "book-4-venues":
        return ga_bookings(stack, world, venues, seconds)
    if name == "book-seated":
        return seated_bookings(stack, world, seconds)
    return hold_then_book(stack, world, seconds)


LABELS = {"health": "health", "event-page": "event page", "seat-map": "seat map 5,000 seats (full)",
          "seat-map-gzip": "seat map 5,000 seats (gzip)", "seat-map-304": "seat map (304)", "event-list": "event list",
          "book-1-venue": "bookings GA (one call, 1 venue)", "book-4-venues": "bookings GA (one call, 4 venues)",
          "book-seated": "bookings seated (one call, 1 seat)", "hold-then-book": "hold, then book (bookings/s)",
          "contention": "contention 10,000 -> 100 seats", "on-sale-joins": "on-sale: joins (20,000 accounts)",
          "on-sale-refused": "on-sale: holds refused (no pass)", "on-sale-event-page": "on-sale: event page (same minute)",
          "event-list-1000": "event list, 1,000 venues", "event-page-1000": "event page, same stack",
          "churn-seats-5": "seat maps over 5 venues", "churn-seats-1000": "seat maps over 1,000 venues",
          "churn-book-5": "bookings GA over 5 venues", "churn-book-1000": "bookings GA over 1,000 venues"}


# ---------------------------------------------------------------- contention: an asyncio client

async def race(port, event, tokens, seat_ids):
    """Opens RACE_CONNECTIONS connections, then lets buyer i (token i) book seat i mod 100;
    each connection sends its buyers one after the other. Returns statuses, latencies, wall time."""
    statuses, latencies = collections.Counter(), []
    go = asyncio.Event()

    async def client(first, connection):
        reader, writer = connection
        await go.wait()
        for i in range(first, len(tokens), RACE_CONNECTIONS):
            body = f'{{"eventId":"{event}","seats":["{seat_ids[i % len(seat_ids)]}"],"payment":{{"method":"test"}}}}'
            start = time.perf_counter()
            try:
                status, payload = await http(reader, writer, "POST", "/api/venues/race/bookings", tokens[i], body.encode())
                code = re.search(rb'"code"\s*:\s*"([^"]+)"', payload) if status != 201 else None
                statuses[f"{status} {code.group(1).decode()}" if code else status] += 1
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                statuses["error " + type(error).__name__] += 1
                writer.close()
                reader, writer = await connect(port)
            latencies.append((time.perf_counter() - start) * 1000)
        writer.close()

    connections = []
    for batch in range(0, RACE_CONNECTIONS, 250):
        connections += await asyncio.gather(*(connect(port) for _ in range(batch, min(batch + 250, RACE_CONNECTIONS))))
    tasks = [asyncio.create_task(client(c, connections[c])) for c in range(RACE_CONNECTIONS)]
    await asyncio.sleep(0.1)
    start = time.perf_counter()
    go.set()
    await asyncio.gather(*tasks)
    return statuses, sorted(latencies), time.perf_counter() - start


def setup_race(stack):
    """A venue of 100 seats with one event, and RACE_BUYERS customers (tokens)."""
    org = auth(register(stack, "organizer@bench.example", "organizer"))
    rows = [{"label": chr(65 + r), "seats": 10} for r in range(RACE_SEATS // 10)]
    create_venue(stack, org, "race", [{"id": "floor", "name": "Floor", "kind": "seated", "rows": rows}])
    event = create_event(stack, org, "race", "The Race", {"floor": 5000})
    seat_ids = [f"floor-{row['label']}-{n}" for row in rows for n in range(1, 11)]
    started = time.perf_counter()
    tokens = [token for token, _ in asyncio.run(register_many(stack.port, RACE_BUYERS))]
    return event, seat_ids, tokens, time.perf_counter() - started


def contention(sync, rows, notes):
    """Its own stack (cheap Argon2 for 10,000 registrations), a 100-seat venue, the race;
    then the database: exactly 100 tickets, for 100 distinct seats, and `booking-fcgi check`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65535)), hard))
    stack = Stack(SYNCHRONOUS=sync, **WORKERS_OVERRIDE, ARGON2_MEMORY_KIB="8", ARGON2_ITERATIONS="1",
                  **LIMITS_LIFTED)
    try:
        event, seat_ids, tokens, registering = setup_race(stack)
        before = WorkerMemory(stack)
        statuses, latencies, wall = asyncio.run(race(stack.port, event, tokens, seat_ids))
        after = WorkerMemory(stack)
        ok, summary = check(stack)
        tickets, distinct = sold_seats(stack, event)
    finally:
        stack.stop()
        shutil.rmtree(stack.data_dir, ignore_errors=True)  # a bench's WALs and databases run to GBs
    winners = statuses.get(201, 0)
    losers = sum(n for status, n in statuses.items() if str(status).startswith("409"))
    other = {k: v for k, v in statuses.items() if k != 201 and not str(k).startswith("409")}
    verified = ok and winners == tickets == distinct == RACE_SEATS and sum(statuses.values()) == RACE_BUYERS
    rows.append(("contention", sync, {"rps": RACE_BUYERS / wall, "p50": latencies[len(latencies) // 2],
                                      "p99": latencies[int(len(latencies) * 0.99) - 1], "max": latencies[-1],
                                      "statuses": dict(sorted(statuses.items(), key=lambda item: str(item[0]))), "errors": ""}))
    notes.append(f"contention ({sync}): {RACE_BUYERS:,} buyers, each its own account (registered in {registering:.1f} s, cheap "
                 f"Argon2), over {RACE_CONNECTIONS:,} connections for {RACE_SEATS} seats: {winners} winners (201), {losers:,} "
                 f"409, other {other or 'none'}; all answered in {wall:.2f} s (client: one Python event loop on the same cores)")
    notes.append(f"contention ({sync}): database: {tickets} tickets sold for {distinct} distinct seats -> "
                 f"{'OK, exactly 100 sold, none twice' if verified else 'FAILED'}; check: {'OK' if ok else 'FAILED'} "
                 f"({summary}); worker RSS (largest) {before} before, {after} after")
    return verified


def event_list_scale(sync, seconds, rows, notes):
    """The front page at 1,000 venues (bench/event_list.py), on a stack of its own."""
    stack = Stack(SYNCHRONOUS=sync, **WORKERS_OVERRIDE, **LIMITS_LIFTED, BOOKING_VENUE_QUOTA="5000")
    try:
        return event_list.run(stack, seconds, rows, sync, notes, register)
    finally:
        stack.stop()
        shutil.rmtree(stack.data_dir, ignore_errors=True)


def venue_churn_scale(sync, seconds, rows, notes):
    """Bookings and seat maps over 1,000 venues against 5 (bench/venue_churn.py), on a stack of its own."""
    stack = Stack(SYNCHRONOUS=sync, **WORKERS_OVERRIDE, **LIMITS_LIFTED, BOOKING_VENUE_QUOTA="5000")
    try:
        return venue_churn.run(stack, seconds, rows, sync, notes, register, WorkerMemory)
    finally:
        stack.stop()
        shutil.rmtree(stack.data_dir, ignore_errors=True)


def measure_limits(sync, seconds):
    """This machine's limits (bench/limits.py), first in every run, on an idle stack of its own."""
    stack = Stack(SYNCHRONOUS=sync, **WORKERS_OVERRIDE, **LIMITS_LIFTED)
    try:
        return limits.measure(stack, seconds, CONNECTIONS)
    finally:
        stack.stop()
        shutil.rmtree(stack.data_dir, ignore_errors=True)


# ---------------------------------------------------------------- runs

class WorkerMemory:
    """The largest worker's resident memory, and the largest private part (RssAnon): the rest
    is shared libraries, mapped once for every process."""

    def __init__(self, stack):
        self.rss = self.private = 0.0
        for pid in stack.worker_pids():
            with open(f"/proc/{pid}/status") as f:
                status = f.read()
            self.rss = max(self.rss, int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
            self.private = max(self.private, int(re.search(r"RssAnon:\s+(\d+)", status).group(1)) / 1024)

    def __format__(self, spec):
        return f"{self.rss:.1f} MiB ({self.private:.1f} private)"


def batch_summary(stack):
    """How many holds and bookings workers answered together (the pool's /api/metrics counters)."""
    text = requests.get(stack.url("/api/metrics"), timeout=10).text
    def counter(name):
        found = re.search(rf"^{name} (\d+)$", text, re.M)
        return int(found.group(1)) if found else 0
    batches, batched = counter("booking_request_batches_total"), counter("booking_batched_requests_total")
    return f"{batched:,} writes (holds, bookings) answered in {batches:,} batches (average {batched / batches:.1f})" if batches else "no batches"


def run(sync, seconds, scenarios, rows, notes, replicate=False, sample=False):
    """One stack at `sync` for the wrk scenarios (replicated by Litestream with `replicate`,
    its metrics sampled with `sample`); returns whether its database check passed."""
    replica = tempfile.mkdtemp(prefix="booking-bench-replica-") if replicate else None
    stack = Stack(SYNCHRONOUS=sync, **WORKERS_OVERRIDE, **LIMITS_LIFTED, **({"REPLICA": replica} if replica else {}))
    label = sync + ("+R" if replicate else "")
    sampler = None
    try:
        world = setup(stack, seconds)
        workers = len(stack.worker_pids())
        before = WorkerMemory(stack)
        sampler = MetricsSampler(stack) if sample or replicate else None
        for name in scenarios:
            scenario = read_scenario if name in READS else booking_scenario
            if sampler:
                sampler.watch(BOOKED_VENUES.get(name, []))
            rows.append((name, label, scenario(stack, world, name, seconds)))
        if sampler:
            sampler.stop()
        after = WorkerMemory(stack)
        batching = batch_summary(stack)
        ok, summary = check(stack)
    finally:
        if sampler:
            sampler.stop()
        stack.stop()
        litestream = litestream_summary(stack) if replicate else ""
        shutil.rmtree(stack.data_dir, ignore_errors=True)  # a bench's WALs and databases run to GBs
        if replica:
            shutil.rmtree(replica, ignore_errors=True)
    notes.append(f"synchronous={label}: {workers} workers; worker RSS (largest) {before} before, {after} after; {batching}; "
                 f"database check: {'OK' if ok else 'FAILED'} ({summary})")
    if sampler:
        lag = f"replication lag of the booked venues {sampler.lag_summary()}; " if replicate else ""
        notes.append(f"synchronous={label}: {lag}largest venue WAL {sampler.wal_max / 2**20:.1f} MiB"
                     + (f"; Litestream: {litestream}" if replicate else ""))
    return ok


# The venues each booking scenario writes (setup and booking_scenario).
BOOKED_VENUES = {"book-1-venue": ["festival-1"], "book-4-venues": [f"festival-{v}" for v in range(1, GA_VENUES + 1)],
                 "book-seated": ["arena"], "hold-then-book": ["festival-1"]}


class MetricsSampler:
    """Polls /api/metrics every 100 ms: the replication lag of the venues being booked, from
    1.5 s into their scenario, and the largest WAL of any venue."""

    def __init__(self, stack):
        self.stack, self.lags, self.wal_max = stack, [], 0
        self.venues, self.since = [], time.time()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def watch(self, venues):
        self.venues, self.since = [f"venue:{v}" for v in venues], time.time() + 1.5

    def loop(self):
        while not self.done.wait(0.1):
            try:
                text = requests.get(self.stack.url("/api/metrics"), timeout=5).text
            except requests.RequestException:
                continue
            wal = re.findall(r'^booking_sqlite_wal_bytes\{database="venue:[^"]+"\} (\S+)$', text, re.M)
            self.wal_max = max([self.wal_max, *map(float, wal)])
            if time.time() < self.since:
                continue
            for database, lag in re.findall(r'^booking_replication_lag_seconds\{database="(venue:[^"]+)"\} (\S+)$', text, re.M):
                if database in self.venues:
                    self.lags.append(float(lag))

    def stop(self):
        self.done.set()
        self.thread.join()

    def lag_summary(self):
        if not self.lags:
            return "not sampled"
        lags = sorted(self.lags)
        pick = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))]  # noqa: E731
        return f"p50 {pick(0.5):.2f} s, p99 {pick(0.99):.2f} s, max {lags[-1]:.2f} s ({len(lags)} samples)"


def litestream_summary(stack):
    try:
        with open(os.path.join(stack.run_dir, "litestream.log")) as f:
            log = f.read()
    except OSError:
        return "no log"
    snapshots = collections.Counter(re.findall(r'msg="snapshot complete".*? db=(\S+)', log))
    warnings = len(re.findall(r"level=(WARN|ERROR)", log))
    return (f"{warnings} warnings or errors, {sum(snapshots.values())} snapshots over {len(snapshots)} databases "
            f"(at most {max(snapshots.values(), default=0)} per database)")


def selected(only):
    names = []
    for name in (only.split(",") if only else SCENARIOS):
        if name not in SCENARIOS and name not in GROUPS:
            raise SystemExit(f"unknown scenario {name!r}; choose from {', '.join(SCENARIOS + list(GROUPS))}")
        names += GROUPS.get(name, [name])
    return [s for s in SCENARIOS if s in names]


def print_table(rows, notes, seconds, bounds):
    print(f"\n{bounds.line()}")
    print(f"\n{'scenario':36} {'sync':8} {'req/s':>9} {'ratio':>6} {'of':16} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses")
    for name, sync, r in rows:
        limit, of = bounds.bound(sync, name in WRITE_ROWS)
        print(f"{LABELS[name]:36} {sync:8} {r['rps']:9.0f} {r['rps'] / limit:6.2f} {of:16} {r['p50']:8.2f} {r['p99']:8.2f} "
              f"{r['max']:8.1f}  {r['statuses']} {r['errors']}")
    for note in notes:
        print(note)
    print(f"machine: {os.cpu_count()} cores, {os.popen('uname -srm').read().strip()}; {seconds} s per wrk scenario, "
          f"{CONNECTIONS} connections (hold-then-book: {CONNECTIONS} threads of 1 connection; its latencies mix holds and bookings)")


def main():
    global CONNECTIONS  # read by every wrk scenario and the notes
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk scenario")
    parser.add_argument("--sync", choices=["FULL", "NORMAL", "both"], default="both")
    parser.add_argument("--only", metavar="NAME[,NAME]", help="run only these scenarios (or groups)")
    parser.add_argument("--connections", type=int, default=CONNECTIONS,
                        help=f"wrk connections per scenario (default {CONNECTIONS}; more waiting clients make larger write batches)")
    parser.add_argument("--replica", action="store_true",
                        help="run the booking scenarios again with Litestream replicating (see above)")
    args = parser.parse_args()
    CONNECTIONS = args.connections
    scenarios = selected(args.only)
    syncs = ["FULL", "NORMAL"] if args.sync == "both" else [args.sync]
    rows, notes, ok = [], [], True
    bounds = measure_limits(syncs[0], min(args.seconds, 5))
    for i, sync in enumerate(syncs):
        once = [s for s in scenarios if s in READS] if i == 0 else []
        wrk_scenarios = once + [s for s in scenarios if s in BOOKINGS]
        if wrk_scenarios:
            # With --replica, sampled like the replicated run, so that the scrapes cost both the same.
            ok &= run(sync, args.seconds, wrk_scenarios, rows, notes, sample=args.replica)
        replicated = [s for s in scenarios if s in BOOKINGS]
        if args.replica and replicated:
            ok &= run(sync, args.seconds, replicated, rows, notes, replicate=True)
        if i == 0 and "contention" in scenarios:
            ok &= contention(sync, rows, notes)
        if i == 0 and "event-list-1000" in scenarios:
            ok &= event_list_scale(sync, args.seconds, rows, notes)
        if i == 0 and "venue-churn-1000" in scenarios:
            ok &= venue_churn_scale(sync, args.seconds, rows, notes)
        if i == 0 and "on-sale" in scenarios:
            ok &= on_sale.run(sync, rows, notes, dict(WORKERS_OVERRIDE, **LIMITS_LIFTED))
    print_table(rows, notes, args.seconds, bounds)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
