"""The FastCGI connections between nginx and the workers: a worker closes each connection
as soon as its answer is out (without libfcgi's half-close and wait), so nginx must get
every answer whole and never see a connection reset or cut short."""
import os
from concurrent.futures import ThreadPoolExecutor

import requests

from api import make_event, make_venue, register

UPSTREAM_TROUBLE = ("upstream", "reset by peer", "recv() failed", "readv() failed", "writev() failed",
                    "prematurely closed", "broken pipe")


def test_a_burst_of_mixed_requests_gets_whole_answers_and_no_upstream_error(private_stack):
    stack = private_stack
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer, rows=2, seats=10, ga=200)
    event = make_event(organizer, venue, max_per_customer=100)
    # Buyers never hold (a one-call booking is a live hold for a moment, and a customer may
    # have 5 live holds per event); holders run into that limit and are told so.
    buyers, holders = [register(stack) for _ in range(4)], [register(stack) for _ in range(4)]

    def one(i):
        kind = i % 6
        customer = (holders if kind == 4 else buyers)[i % 4]
        if kind == 0:  # a batched write
            r = customer.post(f"/api/venues/{venue}/bookings",
                              json={"eventId": event, "ga": [{"section": "floor", "quantity": 1}], "payment": {"method": "test"}})
            return r.status_code == 201 and r.json()["booking"]["eventId"] == event
        if kind == 1:  # a read with a body worth reading whole
            r = requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats"), timeout=30)
            return r.status_code == 200 and len(r.json()["seats"]) == 20
        if kind == 2:  # no body in the answer
            r = requests.head(stack.url("/api/events"), timeout=30)
            return r.status_code == 200 and r.content == b""
        if kind == 3:  # a body the API refuses
            r = customer.call("POST", f"/api/venues/{venue}/bookings", data=b'{"eventId": ',
                              headers={"Content-Type": "application/json"})
            return r.status_code == 400 and r.json()["error"]["code"] == "invalid_body"
        if kind == 4:  # a hold, also batched (a customer may have 5 live holds per event)
            r = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"ga": [{"section": "floor", "quantity": 1}]})
            return r.status_code == 201 or (r.status_code == 422 and r.json()["error"]["code"] == "too_many_holds")
        r = requests.get(stack.url("/api/health"), timeout=30)
        return r.status_code == 200 and r.json() == {"status": "ok"}

    with ThreadPoolExecutor(max_workers=24) as pool:
        outcomes = list(pool.map(one, range(600)))

    assert all(outcomes), f"{outcomes.count(False)} of {len(outcomes)} answers were wrong or cut short"
    with open(os.path.join(stack.run_dir, "nginx-error.log"), encoding="utf-8", errors="replace") as f:
        trouble = [line for line in f if any(word in line.lower() for word in UPSTREAM_TROUBLE)]
    assert trouble == [], "".join(trouble[:5])


def test_a_5000_seat_map_arrives_whole_to_many_clients_at_once(stack):
    # Bodies of 32 KB and more leave the worker in 64 KB records written straight to the
    # connection (StdoutRecords), not through libfcgi's 8 KB buffer.
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer, rows=25, seats=200, ga=0)
    event = make_event(organizer, venue, prices={"stalls": 4500})
    url = stack.url(f"/api/venues/{venue}/events/{event}/seats")

    def fetch(i):
        encoding = "gzip" if i % 2 else "identity"
        r = requests.get(url, headers={"Accept-Encoding": encoding}, timeout=30)
        seats = r.json()["seats"]
        return (r.status_code, r.headers.get("Content-Encoding"), len(seats), len({s["id"] for s in seats}), seats[-1]["number"])

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(fetch, range(64)))
    assert set(answers) == {(200, None, 5000, 5000, 200), (200, "gzip", 5000, 5000, 200)}
    head = requests.head(url, timeout=30)
    assert head.status_code == 200 and head.content == b""
