"""The "event-list-1000" scenario of `make bench` (issue 20): the front page of an install
with VENUES venues of EVENTS events each, some places of every venue sold, against one
event page of the same stack, each read by wrk for the scenario's seconds.

The list (`GET /api/events?limit=20`) reads the catalog; the places left of each event come
from the catalog too, counted by the notifier when the event's seats change, so the list's
cost should not grow with venues or seats. The event page is the yardstick: the list
should answer at least half as many requests."""
import asyncio
import json
import os
import sqlite3
import time

import requests

from common import connect, http, run_wrk

VENUES, EVENTS, CONNECTIONS = 1_000, 5, 16


async def populate(port, organizer, customer, standing=50, max_per_customer=None):
    """VENUES venues of 20 seats and `standing` places ("floor"), EVENTS events each, and
    one booking of a seat and two places in every venue's first event. Answers the venue
    ids and their event ids (venue id -> list)."""
    venues = [f"hall-{n:04d}" for n in range(VENUES)]
    events_of = {venue: [] for venue in venues}

    async def client(index):
        reader, writer = await connect(port)
        for venue in venues[index::CONNECTIONS]:
            layout = {"sections": [{"id": "stalls", "name": "Stalls", "kind": "seated", "rows": [{"label": "A", "seats": 10}, {"label": "B", "seats": 10}]},
                                   {"id": "floor", "name": "Floor", "kind": "ga", "capacity": standing}]}
            body = json.dumps({"id": venue, "name": venue.title(), "city": "Lyon", "timezone": "Europe/Paris", "layout": layout})
            status, payload = await http(reader, writer, "POST", "/api/venues", organizer, body.encode())
            assert status == 201, payload
            for e in range(EVENTS):
                event = json.dumps({"title": f"Show {e} at {venue}", "startsAt": f"2031-0{e + 1}-01T19:00:00Z", "currency": "EUR",
                                    "prices": {"stalls": 4500, "floor": 2000}, "maxTicketsPerCustomer": max_per_customer})
                status, payload = await http(reader, writer, "POST", f"/api/venues/{venue}/events", organizer, event.encode())
                assert status == 201, payload
                events_of[venue].append(json.loads(payload)["event"]["id"])
            booking = json.dumps({"eventId": events_of[venue][0], "seats": ["stalls-A-1"], "ga": [{"section": "floor", "quantity": 2}],
                                  "payment": {"method": "test"}})
            status, payload = await http(reader, writer, "POST", f"/api/venues/{venue}/bookings", customer, booking.encode())
            assert status == 201, payload
        writer.close()
    await asyncio.gather(*(client(i) for i in range(CONNECTIONS)))
    return venues, events_of


def wait_counted(stack, timeout=300):
    """Until the notifier has counted every event into the catalog (a binary from before
    the catalog's counts has no such column: nothing to wait for)."""
    catalog = sqlite3.connect(f"file:{os.path.join(stack.data_dir, 'catalog.sqlite')}?mode=ro", uri=True)
    deadline = time.time() + timeout
    try:
        while time.time() < deadline and catalog.execute("SELECT count(*) FROM event_index WHERE counted_version IS NULL").fetchone()[0]:
            time.sleep(0.5)
    except sqlite3.OperationalError:
        pass
    finally:
        catalog.close()


def run(stack, seconds, rows, label, notes, register):
    """Fills `stack`, waits until the notifier has counted every event, then reads."""
    organizer = register(stack, "organizer@list.example", "organizer")
    customer = register(stack, "customer@list.example")
    started = time.monotonic()
    venues, events_of = asyncio.run(populate(stack.port, organizer, customer))
    event = events_of[venues[0]][0]
    filling = time.monotonic() - started
    page = stack.url(f"/api/venues/{venues[0]}/events/{event}")
    listed = stack.url("/api/events?limit=20")
    wait_counted(stack)
    counted = time.monotonic() - started - filling
    front = run_wrk(listed, seconds, "", connections=32)
    single = run_wrk(page, seconds, "", connections=32)
    # How far behind the list is now: one booking, then the list of that venue until it shows.
    venue_list = stack.url(f"/api/events?venue={venues[0]}")
    before = {e["id"]: e["available"] for e in requests.get(venue_list, timeout=30).json()["events"]}[event]
    booked = requests.post(stack.url(f"/api/venues/{venues[0]}/bookings"), headers={"Authorization": "Bearer " + customer}, timeout=30,
                           json={"eventId": event, "ga": [{"section": "floor", "quantity": 1}], "payment": {"method": "test"}})
    assert booked.status_code == 201, booked.text
    sent = time.monotonic()
    while {e["id"]: e["available"] for e in requests.get(venue_list, timeout=30).json()["events"]}[event] != before - 1:
        time.sleep(0.02)
    lag = time.monotonic() - sent
    rows += [("event-list-1000", label, front), ("event-page-1000", label, single)]
    notes.append(f"event list at {VENUES:,} venues ({label}): {VENUES * EVENTS:,} events made and a booking in every venue in "
                 f"{filling:.0f} s, counted in the list {counted:.1f} s later; a booking showed in the list {lag:.2f} s after its 201; the list answers {front['rps'] / single['rps']:.2f} "
                 f"event pages ({front['rps']:.0f}/s against {single['rps']:.0f}/s)")
    return front["rps"] >= 0.5 * single["rps"]
