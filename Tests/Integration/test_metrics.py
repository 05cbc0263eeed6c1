"""/api/metrics: Prometheus text summed over every worker of the pool, linted by promtool,
and who may read it (loopback, or another host with BOOKING_METRICS_TOKEN)."""
import os
import re
import signal
import subprocess
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from api import make_event, make_venue, register
from mail import MailServer
from stack import Stack, wait_for

TOKEN = "scrape-" + "0123456789abcdef" * 2
# nginx trusts X-Forwarded-For from loopback in this stack, so a request that names another
# address in it reaches the worker as that address: how a test on loopback is another host.
ELSEWHERE = {"X-Forwarded-For": "203.0.113.9"}


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
        assert 'booking_outbox_messages{state="pending"}' in text
        # Every worker served some of the 300: the sum really spans processes.
        for line in stack.log_text().splitlines():
            if '"route":"GET /api/events"' in line:
                workers.add(re.search(r'"worker":"(\d+)"', line).group(1))
        assert len(workers) >= 2
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def mailing_stack():
    """A stack that mails through a real SMTP server and knows a metrics token."""
    server = MailServer()
    stack = Stack(WORKERS="2", SENDMAIL=server.sendmail, BOOKING_NOTIFIER_INTERVAL_MS="100",
                  TRUSTED_PROXIES="127.0.0.1", BOOKING_METRICS_TOKEN=TOKEN)
    yield stack, server.inbox
    stack.stop()
    server.stop()


def metrics(stack):
    r = requests.get(stack.url("/api/metrics"), timeout=10)
    assert r.status_code == 200, r.text
    return r.text


def book_one(stack, seat="stalls-A-1"):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue)
    customer = register(stack)
    assert customer.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": [seat], "payment": {"method": "test"}}).status_code == 201
    assert customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": [seat]}).status_code == 409
    return customer


def test_promtool_finds_nothing_to_say(mailing_stack):
    stack, _ = mailing_stack
    book_one(stack)
    text = metrics(stack)
    lint = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    assert lint.returncode == 0 and lint.stdout == "" and lint.stderr == "", lint.stdout + lint.stderr
    # Every family says what it is and what it means, once.
    types = re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M)
    helps = re.findall(r"^# HELP (\S+) ", text, re.M)
    assert sorted(name for name, _ in types) == sorted(helps) and len(set(helps)) == len(helps)
    for name, kind in types:
        assert (kind == "counter") == name.endswith("_total"), name
    # The old names are gone.
    for old in ["booking_write_lock_waits_total", "booking_write_lock_wait_microseconds_total", "booking_outbox_pending "]:
        assert old not in text


def test_histograms_are_cumulative_and_count_their_inf_bucket(mailing_stack):
    stack, _ = mailing_stack
    book_one(stack)
    text = metrics(stack)
    buckets = defaultdict(list)
    counts = {}
    for name, labels, value in re.findall(r"^(\w+)(?:\{(.*)\})? (\S+)$", text, re.M):
        pairs = re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', labels)
        rest = tuple(p for p in pairs if p[0] != "le")
        if name.endswith("_bucket"):
            le = dict(pairs)["le"]
            buckets[(name[:-7], rest)].append((float(le), float(value)))
        elif name.endswith("_count"):
            counts[(name[:-6], rest)] = float(value)
    families = {family for family, _ in buckets}
    assert {"booking_http_request_duration_seconds", "booking_write_lock_wait_seconds"} <= families
    for series, points in buckets.items():
        bounds = [le for le, _ in points]
        assert bounds == sorted(bounds) and bounds[-1] == float("inf"), series
        values = [v for _, v in points]
        assert values == sorted(values), f"{series} is not cumulative: {values}"
        assert counts[series] == values[-1], series
    lock = [le for le, _ in buckets[("booking_write_lock_wait_seconds", ())]]
    assert lock[0] == 0.0005 and 1.0 in lock


def test_build_info_names_the_version_the_cli_prints(mailing_stack):
    stack, _ = mailing_stack
    version = subprocess.run([os.path.join(os.path.dirname(__file__), "..", "..", ".build", "release", "booking-fcgi"), "--version"],
                             capture_output=True, text=True, timeout=30).stdout.strip()
    match = re.search(r'^booking_build_info\{version="([^"]+)",swift="(\d+\.\d+\+?)"\} 1$', metrics(stack), re.M)
    assert match and match.group(1) == version


def test_another_host_needs_the_token(mailing_stack):
    stack, _ = mailing_stack
    url = stack.url("/api/metrics")
    right = requests.get(url, headers={**ELSEWHERE, "Authorization": "Bearer " + TOKEN}, timeout=10)
    assert right.status_code == 200 and "booking_build_info{" in right.text
    missing = requests.get(url, headers=ELSEWHERE, timeout=10)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "unauthenticated"
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    for wrong in ["Bearer " + TOKEN[:-1] + "x", "Bearer " + TOKEN[:-1], "Basic " + TOKEN]:
        refused = requests.get(url, headers={**ELSEWHERE, "Authorization": wrong}, timeout=10)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "invalid_token", wrong
    # A customer's session token is not the metrics token.
    customer = register(stack)
    assert requests.get(url, headers={**ELSEWHERE, "Authorization": "Bearer " + customer.token}, timeout=10).status_code == 403
    # Loopback needs none, as before.
    assert requests.get(url, timeout=10).status_code == 200


def test_a_killed_worker_is_counted_as_restarted(mailing_stack):
    stack, _ = mailing_stack
    def restarts():
        return sample(metrics(stack), "booking_worker_restarts_total")
    before = restarts()
    victim = stack.worker_pids()[0]
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: victim not in stack.worker_pids() and len(stack.worker_pids()) == 2, message="the worker replaced")
    wait_for(lambda: restarts() == before + 1, timeout=10, message="the restart counted")


def test_a_delivered_confirmation_counts_as_an_email_sent(mailing_stack):
    stack, inbox = mailing_stack
    def sent():
        return sample(metrics(stack), "booking_emails_sent_total", result="ok")
    before = sent()
    customer = book_one(stack, seat="stalls-B-2")
    wait_for(lambda: inbox.to(customer.user["email"]), timeout=30, message="the confirmation email")
    wait_for(lambda: sent() >= before + 1, timeout=10, message="the email counted")
    assert sample(metrics(stack), "booking_emails_sent_total", result="failed") == 0
