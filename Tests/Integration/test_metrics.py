"""/api/metrics: Prometheus text summed over every worker of the pool."""
import re
from concurrent.futures import ThreadPoolExecutor

import requests

from api import make_event, make_venue, register
from stack import Stack


def sample(text, name, **labels):
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)"
    match = re.search("^" + pattern + "$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_counters_add_up_across_workers():
    stack = Stack(WORKERS="3")
    try:
        before = requests.get(stack.url("/api/metrics")).text
        workers = set()
        # /api/events: no readiness probe calls it, so only these 300 count. From 8 threads:
        # one client at a time is served by whichever worker waited first, every time.
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: requests.get(stack.url("/api/events")), range(300)))
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer)
        event = make_event(organizer, venue)
        customer = register(stack)
        assert customer.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": ["stalls-A-1"], "payment": {"method": "test"}}).status_code == 201
        assert customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-A-1"]}).status_code == 409
        r = requests.get(stack.url("/api/metrics"))
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
        text = r.text
        listed = sample(text, "booking_http_requests_total", method="GET", route="/api/events", status="200")
        assert listed - sample(before, "booking_http_requests_total", method="GET", route="/api/events", status="200") == 300
        assert sample(text, "booking_http_request_duration_seconds_count", method="GET", route="/api/events") == 300
        assert sample(text, "booking_bookings_confirmed_total") == 1
        assert sample(text, "booking_conflicts_total") == 1
        assert "booking_sqlite_wal_bytes{database=\"auth\"}" in text
        assert "booking_outbox_pending" in text
        # Every worker served some of the 300: the sum really spans processes.
        for line in stack.log_text().splitlines():
            if '"route":"GET /api/events"' in line:
                workers.add(re.search(r'"worker":"(\d+)"', line).group(1))
        assert len(workers) >= 2
    finally:
        stack.stop()
