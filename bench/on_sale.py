"""The "on-sale" scenario of `make bench` (issue 17; README, "On-sale queue").

ACCOUNTS customers (cheap Argon2 for the set-up) join the pre-queue of a SEATS-seat event:
a wrk flood in which every request is another account with its own proof of work, while a
separate process samples GET /api/health. Then, still before the sale, holds without a
pass (403 queue_required) against reads of the event page, each for a few seconds.
WAITERS idle SSE subscribers (two client processes) follow the queue's channel. At the
sales start the notifier draws the order and admits ADMIT_PER_MINUTE a minute; each
admitted buyer reads its pass, holds a seat and books it, until everything is sold.

It reports joins/s, refused holds/s against event pages/s, health p99 during the flood,
now-serving latency to the waiters (from the first waiter's receipt of a value to each
other's: the publish itself is not visible to a client) with nginx's memory, and checks
exactly SEATS seats sold, none twice, nobody booked before every earlier place had been
admitted, and the sold-out state reaching every waiter."""
import asyncio
import hashlib
from http.client import HTTPConnection
import json
import multiprocessing
import os
import re
import resource
import shutil
import time

import requests

from common import check, connect, http, lua_list, register_many, run_wrk, sold_seats, venue_db

ACCOUNTS, SEATS, WAITERS = 20_000, 1_000, 10_000
ADMIT_PER_MINUTE = 6_000
# The browser's default is 18 bits; the bench measures the server, so its clients solve cheap proofs.
DIFFICULTY = 8
JOIN_SECONDS, COMPARE_SECONDS = 10, 5
SUBSCRIBER_PROCESSES, BUYER_CONNECTIONS = 2, 50
VENUE = "onsale"

JOIN_LUA = """
local tokens = %(tokens)s
local nonces = %(nonces)s
request = function()
  local n = next_n() %% #tokens + 1
  return post("%(path)s", tokens[n], '{"nonce":"' .. nonces[n] .. '"}')
end
response = function(status) count(status) end
"""

REFUSED_LUA = """
local tokens = %(tokens)s
request = function()
  return post("%(path)s", tokens[next_n() %% #tokens + 1], '{"seats":["floor-R01-1"]}')
end
response = function(status) count(status) end
"""


def solve(args):
    """A nonce with DIFFICULTY zero bits for (challenge, user) (API.md, "On-sale queue")."""
    challenge, user = args
    prefix, target, nonce = f"{challenge}:{user}:".encode(), 1 << (256 - DIFFICULTY), 0
    while int.from_bytes(hashlib.sha256(prefix + str(nonce).encode()).digest(), "big") >= target:
        nonce += 1
    return str(nonce)


def sample_health(port, stop, results):
    """In a process of its own (its own interpreter lock): GET /api/health every 10 ms."""
    connection = HTTPConnection("127.0.0.1", port, timeout=10)
    latencies = []
    while not stop.is_set():
        start = time.monotonic()
        connection.request("GET", "/api/health")
        connection.getresponse().read()
        latencies.append((time.monotonic() - start) * 1000)
        time.sleep(0.01)
    results.put(sorted(latencies))


def subscribe_many(port, path, first_index, count, ready, stop, results):
    """In a process of its own: `count` SSE subscribers, numbered from `first_index`. Tells `ready` (connected, failures)
    once all have tried; answers [(subscriber, raw data, monotonic time)] when stopped."""
    arrivals = []

    async def open_channel():
        reader, writer = await connect(port)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.split(b"\r\n")[0].decode())
        return reader, writer

    async def listen(index, reader, writer):
        try:
            while line := await reader.readline():
                if line.startswith(b"data:"):
                    arrivals.append((index, line[5:], time.monotonic()))
        except asyncio.CancelledError:
            writer.close()

    async def main():
        channels = []
        for first in range(0, count, 250):
            channels += await asyncio.gather(*(open_channel() for _ in range(first, min(first + 250, count))), return_exceptions=True)
        opened = [c for c in channels if not isinstance(c, BaseException)]
        failures = sorted({f"{type(c).__name__}: {c}" for c in channels if isinstance(c, BaseException)})
        tasks = [asyncio.create_task(listen(first_index + i, *c)) for i, c in enumerate(opened)]
        ready.put((len(opened), failures))
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    asyncio.run(main())
    results.put(arrivals)


def nginx_memory(stack):
    """The resident memory of nginx's processes (MiB)."""
    with open(os.path.join(stack.run_dir, "nginx.pid")) as f:
        master = f.read().strip()
    pids = [master] + [pid for pid in os.listdir("/proc") if pid.isdigit() and _parent(pid) == master]
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            total += int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
    return total / 1024


def _parent(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[1]
    except OSError:
        return None


def create_on_sale(stack, organizer, sales_start):
    rows = [{"label": f"R{r:02d}", "seats": 100} for r in range(1, SEATS // 100 + 1)]
    headers = {"Authorization": "Bearer " + organizer}
    r = requests.post(stack.url("/api/venues"), headers=headers, json={
        "id": VENUE, "name": "On-sale Hall", "timezone": "Europe/Paris",
        "layout": {"sections": [{"id": "floor", "name": "Floor", "kind": "seated", "rows": rows}]}})
    assert r.status_code == 201, r.text
    stamp = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))  # noqa: E731
    r = requests.post(stack.url(f"/api/venues/{VENUE}/events"), headers=headers, json={
        "title": "The Big On-sale", "startsAt": "2031-01-01T19:00:00Z", "currency": "EUR", "prices": {"floor": 5000},
        "maxTicketsPerCustomer": 10, "salesStartAt": stamp(sales_start),
        "queue": {"opensAt": stamp(time.time() - 1), "admitPerMinute": ADMIT_PER_MINUTE, "passMinutes": 5}})
    assert r.status_code == 201, r.text
    return r.json()["event"]["id"]


async def buy(port, queue_path, tokens, positions, free_seats, bookings):
    """Buyers, BUYER_CONNECTIONS at a time, each as soon as its position is served: pass, hold, book."""
    pending = asyncio.Queue()
    served = [0]
    done = asyncio.Event()

    async def follow():
        # What every waiter sees, on the same channel: the now-serving value and the state.
        reader, writer = await connect(port)
        writer.write(f"GET /live{queue_path[4:]} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
        await reader.readuntil(b"\r\n\r\n")
        while line := await reader.readline():
            if not line.startswith(b"data:"):
                continue
            message = json.loads(line[5:])
            for position in range(served[0] + 1, message["nowServing"] + 1):
                if position in positions:
                    pending.put_nowait(position)
            served[0] = max(served[0], message["nowServing"])
            if message["state"] in ("sold_out", "closed"):
                done.set()
                writer.close()
                return

    async def buyer():
        reader, writer = await connect(port)
        while not done.is_set():
            try:
                position = await asyncio.wait_for(pending.get(), 0.5)
            except asyncio.TimeoutError:
                continue
            token = tokens[positions[position]]
            while True:
                status, body = await http(reader, writer, "GET", queue_path, token)
                entry = json.loads(body).get("entry") or {}
                if entry.get("pass") or entry.get("state") == "expired":
                    break
                await asyncio.sleep(0.05)
            while entry.get("pass") and free_seats:
                seat = free_seats.pop()
                hold = json.dumps({"seats": [seat]}).encode()
                status, body = await http(reader, writer, "POST", queue_path[:-len("/queue")] + "/holds", token, hold,
                                          {"Queue-Pass": entry["pass"]})
                if status != 201:
                    continue  # taken meanwhile: the next free seat
                booking = json.dumps({"holdId": json.loads(body)["hold"]["id"], "payment": {"method": "test"}}).encode()
                status, body = await http(reader, writer, "POST", f"/api/venues/{VENUE}/bookings", token, booking)
                if status == 201:
                    bookings[position] = seat
                break
        writer.close()

    await asyncio.wait_for(asyncio.gather(follow(), *(buyer() for _ in range(BUYER_CONNECTIONS))), 300)


def order_violations(stack, event):
    """Bookings made before every earlier place had been admitted (seconds of the database)."""
    db = venue_db(stack, VENUE)
    try:
        entries = db.execute("SELECT position, admitted_at FROM queue_entry WHERE event_id = ? AND position IS NOT NULL "
                             "ORDER BY position", (event,)).fetchall()
        booked = dict(db.execute("SELECT q.position, min(b.created_at) FROM booking b JOIN queue_entry q "
                                 "ON q.customer_id = b.customer_id AND q.event_id = b.event_id "
                                 "WHERE b.event_id = ? AND b.status = 'confirmed' GROUP BY q.position", (event,)))
    finally:
        db.close()
    violations, latest_earlier = 0, 0
    for position, admitted_at in entries:
        if position in booked and booked[position] < latest_earlier:
            violations += 1
        # A place never admitted ahead of a booked one is a violation for every later booking.
        latest_earlier = max(latest_earlier, admitted_at if admitted_at is not None else float("inf"))
    return violations, len(booked)


def percentiles(values):
    values = sorted(values)
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")  # noqa: E731
    return pick(0.5), pick(0.99), values[-1] if values else float("nan")


def run(sync, rows, notes, settings):
    """One stack of its own; appends table rows and notes; answers whether every check passed."""
    from stack import Stack  # Tests/Integration/stack.py
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65535)), hard))
    stack = Stack(SYNCHRONOUS=sync, ARGON2_MEMORY_KIB="8", ARGON2_ITERATIONS="1", QUEUE_DIFFICULTY=str(DIFFICULTY), **settings)
    processes = []
    try:
        organizer = requests.post(stack.url("/api/auth/register"), json={
            "email": "organizer@onsale.example", "password": "bench password 123", "name": "O", "role": "organizer"}).json()["token"]
        started = time.monotonic()
        accounts = asyncio.run(register_many(stack.port, ACCOUNTS, prefix="fan"))
        registering = time.monotonic() - started
        sales_start = int(time.time()) + 75
        event = create_on_sale(stack, organizer, sales_start)
        queue_path = f"/api/venues/{VENUE}/events/{event}/queue"
        challenge = requests.get(stack.url(queue_path)).json()["challenge"]["value"]
        with multiprocessing.Pool(2) as pool:
            nonces = pool.map(solve, [(challenge, user) for _, user in accounts], chunksize=500)
        tokens = [token for token, _ in accounts]

        # The join flood, with health sampled beside it.
        stop, results = multiprocessing.Event(), multiprocessing.Queue()
        sampler = multiprocessing.Process(target=sample_health, args=(stack.port, stop, results))
        sampler.start()
        joins = run_wrk(stack.base + "/", JOIN_SECONDS, JOIN_LUA % {"tokens": lua_list(tokens), "nonces": lua_list(nonces),
                                                                    "path": queue_path}, connections=64)
        stop.set()
        health = results.get()
        sampler.join()
        length = requests.get(stack.url(queue_path)).json()["queue"]["length"]
        joins["rps"] = sum(n for status, n in joins["statuses"].items() if status in (200, 201)) / joins["duration"]
        rows.append(("on-sale-joins", sync, joins))

        # Refused holds (no pass) against event pages, in the same minute.
        refused = run_wrk(stack.base + "/", COMPARE_SECONDS, REFUSED_LUA % {
            "tokens": lua_list(tokens[:1000]), "path": queue_path[:-len("/queue")] + "/holds"}, connections=32)
        page = run_wrk(stack.url(f"/api/venues/{VENUE}/events/{event}"), COMPARE_SECONDS, "", connections=32)
        rows += [("on-sale-refused", sync, refused), ("on-sale-event-page", sync, page)]

        # The idle waiters, in two processes of their own.
        nginx_before = nginx_memory(stack)
        ready, stop_waiters, arrivals_queue = multiprocessing.Queue(), multiprocessing.Event(), multiprocessing.Queue()
        share = WAITERS // SUBSCRIBER_PROCESSES
        for n in range(SUBSCRIBER_PROCESSES):
            process = multiprocessing.Process(target=subscribe_many, args=(stack.port, "/live" + queue_path[4:], n * share, share,
                                                                          ready, stop_waiters, arrivals_queue))
            process.start()
            processes.append(process)
        waiting, failures = 0, []
        for _ in processes:
            opened, failed = ready.get(timeout=300)
            waiting, failures = waiting + opened, failures + failed
        nginx_after = nginx_memory(stack)
        before_sale = sales_start - time.time()

        # The sale: the draw, admission at the rate, every admitted buyer holds and books.
        while time.time() < sales_start + 1:
            time.sleep(0.2)
        db = venue_db(stack, VENUE)
        while not db.execute("SELECT numbered_at FROM queue WHERE event_id = ?", (event,)).fetchone()[0]:
            time.sleep(0.1)
        positions = dict(db.execute("SELECT position, customer_id FROM queue_entry WHERE event_id = ? AND position IS NOT NULL",
                                    (event,)))
        db.close()
        index = {user: i for i, (_, user) in enumerate(accounts)}
        positions = {p: index[user] for p, user in positions.items()}
        free_seats = [f"floor-R{r:02d}-{n}" for r in range(SEATS // 100, 0, -1) for n in range(100, 0, -1)]
        bookings = {}
        selling = time.monotonic()
        asyncio.run(buy(stack.port, queue_path, tokens, positions, free_seats, bookings))
        selling = time.monotonic() - selling
        time.sleep(2)
        stop_waiters.set()
        arrivals = [item for _ in processes for item in arrivals_queue.get(timeout=120)]
        for process in processes:
            process.join(30)

        tickets, distinct = sold_seats(stack, event, venue=VENUE)
        violations, booked = order_violations(stack, event)
        ok, summary = check(stack)
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
        stack.stop()
        shutil.rmtree(stack.data_dir, ignore_errors=True)

    first_seen, latencies, sold_out_seen = {}, [], set()
    parsed = [(subscriber, json.loads(data), at) for subscriber, data, at in arrivals]
    for _, message, at in parsed:
        key = (message["nowServing"], message["state"])
        first_seen[key] = min(first_seen.get(key, at), at)
    for subscriber, message, at in parsed:
        latencies.append((at - first_seen[(message["nowServing"], message["state"])]) * 1000)
        if message["state"] == "sold_out":
            sold_out_seen.add(subscriber)
    p50, p99, worst = percentiles(latencies)
    h50, h99, hmax = percentiles(health)
    verified = (ok and tickets == distinct == SEATS and booked == SEATS and violations == 0 and length == ACCOUNTS
                and waiting == WAITERS and len(sold_out_seen) == WAITERS)
    notes.append(f"on-sale ({sync}): {ACCOUNTS:,} accounts registered in {registering:.1f} s (cheap Argon2); {length:,} of them "
                 f"joined by the flood ({joins['statuses']}); proof of work {DIFFICULTY} bits; health during the flood p50 "
                 f"{h50:.1f} ms, p99 {h99:.1f} ms, max {hmax:.1f} ms ({len(health)} samples from another process)")
    notes.append(f"on-sale ({sync}): a refused hold costs {page['rps'] / refused['rps']:.2f} event pages "
                 f"({refused['rps']:.0f} refused/s {refused['statuses']} against {page['rps']:.0f} event pages/s)")
    notes.append(f"on-sale ({sync}): {waiting:,} of {WAITERS:,} idle SSE waiters connected {failures or ''} (nginx {nginx_before:.0f} MiB before, {nginx_after:.0f} MiB with "
                 f"them); {len({key for key in first_seen}):,} queue messages, {len(parsed):,} receipts; now serving from the first "
                 f"waiter's receipt to each other's: p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {worst:.0f} ms; sold out reached "
                 f"{len(sold_out_seen):,} of them; {before_sale:.0f} s to spare before the sale")
    notes.append(f"on-sale ({sync}): admitted at {ADMIT_PER_MINUTE:,}/min, {booked:,} buyers booked in {selling:.1f} s; database: "
                 f"{tickets} tickets for {distinct} distinct seats, {violations} bookings before an earlier place was admitted -> "
                 f"{'OK' if verified else 'FAILED'}; check: {'OK' if ok else 'FAILED'} ({summary})")
    return verified
