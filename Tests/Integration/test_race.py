"""The multi-process race: 8 client processes, 64 requests in flight, all after the same
seats and GA places while short holds expire mid-run. Every request gets 201 or 409, and
the database shows each seat at most once and GA never over capacity."""
import multiprocessing
import os
import random
import sqlite3
import subprocess
import time

import requests

from api import make_event, make_venue, register
from stack import ROOT, Stack

PROCESSES = 8
THREADS_PER_PROCESS = 8
SECONDS = 8


def racer(args):
    base, venue, event, tokens, seed = args
    import threading
    rng = random.Random(seed)
    seats = [f"stalls-{row}-{n}" for row in "ABCD" for n in range(1, 9)]
    results = []
    lock = threading.Lock()
    deadline = time.time() + SECONDS

    def worker(token):
        session = requests.Session()
        headers = {"Authorization": "Bearer " + token}
        while time.time() < deadline:
            kind = rng.random()
            if kind < 0.4:   # hold and walk away: the hold expires mid-run
                path, body = f"/api/venues/{venue}/events/{event}/holds", {"seats": rng.sample(seats, 2)}
            elif kind < 0.8:  # one-call booking of seats
                path, body = f"/api/venues/{venue}/bookings", {"eventId": event, "seats": rng.sample(seats, 2), "payment": {"method": "test"}}
            else:             # GA
                path, body = f"/api/venues/{venue}/bookings", {"eventId": event, "ga": [{"section": "floor", "quantity": rng.randint(1, 3)}],
                                                                "payment": {"method": "test"}}
            r = session.post(base + path, json=body, headers=headers, timeout=30)
            with lock:
                results.append((r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else None))

    threads = [threading.Thread(target=worker, args=(token,)) for token in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_eight_processes_race_for_the_same_seats_while_holds_expire():
    stack = Stack(HOLD_TTL="5", WORKERS="4")
    try:
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer, rows=4, seats=8, ga=40)
        event = make_event(organizer, venue, max_per_customer=100)
        tokens = [register(stack).token for _ in range(PROCESSES * THREADS_PER_PROCESS)]
        jobs = [(stack.base, venue, event, tokens[i * THREADS_PER_PROCESS:(i + 1) * THREADS_PER_PROCESS], i) for i in range(PROCESSES)]
        with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
            results = [r for chunk in pool.map(racer, jobs) for r in chunk]

        statuses = {s for s, _ in results}
        assert statuses <= {201, 409}, f"every request got 201 or 409: {sorted(statuses)}"
        assert len(results) > 200
        codes = {c for _, c in results if c}
        assert codes <= {"seat_unavailable", "sold_out"}, codes

        db = sqlite3.connect(os.path.join(stack.data_dir, "venues", venue + ".sqlite"))
        assert db.execute("""SELECT count(*) FROM (SELECT seat_id FROM ticket t JOIN booking b ON b.id = t.booking_id
                             WHERE b.status = 'confirmed' AND seat_id IS NOT NULL GROUP BY seat_id HAVING count(*) > 1)""").fetchone()[0] == 0
        ga_sold = db.execute("SELECT count(*) FROM ticket WHERE seat_id IS NULL").fetchone()[0]
        assert ga_sold <= 40
        assert db.execute("SELECT count(*) FROM seat_claim c LEFT JOIN hold h ON h.id = c.hold_id WHERE c.booking_id IS NULL AND h.id IS NULL").fetchone()[0] == 0
        check = subprocess.run([os.path.join(ROOT, ".build", "release", "booking-fcgi"), "check"], capture_output=True, text=True,
                               env=dict(os.environ, BOOKING_DATA_DIR=stack.data_dir))
        assert check.returncode == 0, check.stdout
    finally:
        stack.stop()
