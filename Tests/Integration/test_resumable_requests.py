"""Requests that survive a crash (DESIGN.md, "Resumable requests"): workers are killed every
300 ms while 32 clients book, each request with an Idempotency-Key and retried with the same
key after a 5xx or a broken connection, as Retry-After says. Every key gets its final answer
within seconds; the provider's books show no payment charged twice and no money kept without
a booking; no hold is left paying; every 201 is readable; no seat is sold without one."""
import os
import random
import signal
import sqlite3
import threading
import time
import uuid

import requests

from api import make_event, make_venue, register
from stack import Stack
from test_concurrency import assert_database_is_sound, venue_db

CLIENTS = 32
KILL_SECONDS = 6
FINAL_ANSWER_WITHIN = 10
MAX_PER_CUSTOMER = 100


def book_until_answered(customer, path, body, key, deadline):
    """Sends the request until it gets an answer that is not "try again"; returns
    (response, seconds from the first try) or (None, seconds) when the deadline passed."""
    started = time.time()
    while time.time() < deadline:
        try:
            r = customer.post(path, json=body, headers={"Idempotency-Key": key})
        except requests.RequestException:
            time.sleep(0.05)  # the connection died with its worker: the outcome is unknown
            continue
        if r.status_code >= 500 or (r.status_code == 409 and r.json()["error"]["code"] == "request_in_progress"):
            time.sleep(min(float(r.headers.get("Retry-After", "1")), 1.0))
            continue
        return r, time.time() - started
    return None, time.time() - started


def test_killed_workers_strand_no_request_and_charge_no_payment_twice():
    stack = Stack(WORKERS="3")
    try:
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer, rows=26, seats=80, ga=0)
        event = make_event(organizer, venue, max_per_customer=MAX_PER_CUSTOMER, prices={"stalls": 1000})
        customers = [register(stack) for _ in range(CLIENTS)]
        seats = [f"stalls-{chr(65 + r)}-{n}" for r in range(26) for n in range(1, 81)]
        random.shuffle(seats)
        path = f"/api/venues/{venue}/bookings"
        answers, unanswered, slowest = {}, [], [0.0]
        lock = threading.Lock()
        stop_at = time.time() + KILL_SECONDS

        def client(index):
            customer = customers[index]
            # Two buyers per seat, so that some answers are a refusal, not a booking; no more
            # seats than one customer may buy, so that every refusal is a seat taken.
            for seat in seats[index % (CLIENTS // 2)::CLIENTS // 2][:MAX_PER_CUSTOMER]:
                if time.time() > stop_at:
                    return
                key = uuid.uuid4().hex
                body = {"eventId": event, "seats": [seat], "payment": {"method": "test"}}
                r, took = book_until_answered(customer, path, body, key, time.time() + 60)
                with lock:
                    slowest[0] = max(slowest[0], took)
                    if r is None:
                        unanswered.append(key)
                    else:
                        answers[key] = (customer, seat, r.status_code, r.json())

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        kills = 0
        while time.time() < stop_at:
            time.sleep(0.3)
            workers = stack.worker_pids()
            if workers:
                os.kill(random.choice(workers), signal.SIGKILL)
                kills += 1
        for t in threads:
            t.join()

        assert kills >= 10
        assert not unanswered, f"{len(unanswered)} keys never got a final answer"
        assert slowest[0] <= FINAL_ANSWER_WITHIN, f"a key took {slowest[0]:.1f} s to get its final answer"
        statuses = [status for (_, _, status, _) in answers.values()]
        assert statuses.count(201) > 50
        assert set(statuses) <= {201, 409}, sorted(set(statuses))

        # Every 201 is readable, with the seat it was for; no seat is sold without a 201.
        acknowledged = {}
        for customer, seat, status, body in answers.values():
            if status == 201:
                booking = body["booking"]
                assert customer.get(f"/api/venues/{venue}/bookings/{booking['id']}").status_code == 200
                assert [t["seatId"] for t in booking["tickets"]] == [seat]
                acknowledged[booking["id"]] = seat
        db = venue_db(stack, venue)
        confirmed = dict(db.execute(
            "SELECT b.id, t.seat_id FROM booking b JOIN ticket t ON t.booking_id = b.id WHERE b.status = 'confirmed'"))
        assert confirmed == acknowledged, "bookings on disk and bookings answered 201 differ"
        assert db.execute("SELECT count(*) FROM hold WHERE state = 'paying'").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM payment WHERE state = 'charging'").fetchone()[0] == 0

        # The provider's books: money kept only for a captured payment, each payment id once.
        ledger = sqlite3.connect(os.path.join(stack.data_dir, "simulated-payments.sqlite"))
        kept = {pid for (pid,) in ledger.execute("SELECT payment_id FROM charge WHERE outcome = 'charged'")}
        captured = {pid for (pid,) in db.execute("SELECT id FROM payment WHERE state = 'captured'")}
        assert kept == captured
        assert len(captured) == len(acknowledged)
        repeats = ledger.execute("SELECT count(*) FROM charge WHERE attempts > 1").fetchone()[0]
        print(f"{kills} kills, {len(answers)} keys, {statuses.count(201)} booked, {repeats} charges asked again, "
              f"slowest final answer {slowest[0]:.1f} s")
        assert_database_is_sound(stack)
    finally:
        stack.stop()
