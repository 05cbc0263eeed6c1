"""Faults of what the stack depends on: a full data disk, nchan unreachable, the mail server
down, the notifier killed while it sends. Each shows what customers see and that nothing
is lost or half-written."""
import collections
import errno
import os
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid

import pytest
import requests

from api import PASSWORD, make_event, make_venue, register, unique_email
from mail import MailServer
from sse import Subscriber
from stack import ROOT, Stack, wait_for

BINARY = os.path.join(ROOT, ".build", "release", "booking-fcgi")



def book(customer, venue, event, seats, key=None):
    headers = {"Idempotency-Key": key or uuid.uuid4().hex}
    return customer.post(f"/api/venues/{venue}/bookings", headers=headers,
                         json={"eventId": event, "seats": seats, "payment": {"method": "test"}})


def seat_states(stack, venue, event):
    return {s["id"]: s["state"] for s in requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats"), timeout=30).json()["seats"]}


def assert_unavailable(response):
    """A refusal to write for now: 503, JSON, and when to come back."""
    assert response.status_code == 503, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["error"]["code"] in ("unavailable", "busy")


# A full data disk


@pytest.fixture
def small_disk():
    """A 24 MiB tmpfs for the data directory, unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    path = tempfile.mkdtemp(prefix="booking-small-disk-")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m,mode=0755", "booking-faults", path], capture_output=True, text=True)
    if mounted.returncode != 0:
        os.rmdir(path)
        pytest.skip("cannot mount a tmpfs here: " + mounted.stderr.strip())
    try:
        yield path
    finally:
        if subprocess.run(["umount", path]).returncode != 0:
            subprocess.run(["umount", "-l", path])
        os.rmdir(path)


def fill(directory):
    """Writes a filler file until the file system has no byte left; returns its path."""
    path = os.path.join(directory, "filler")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 4096, 1):
            chunk = b"\0" * size
            while True:
                try:
                    os.write(fd, chunk)
                except OSError as error:
                    assert error.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    return path


def test_a_full_data_disk_refuses_writes_with_503_keeps_reads_and_resumes_when_space_returns(small_disk):
    stack = Stack(data_dir=small_disk, BOOKING_NOTIFIER_INTERVAL_MS="100")
    try:
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer, rows=10, seats=25, ga=0)
        event = make_event(organizer, venue, prices={"stalls": 100}, max_per_customer=100)
        buyers = [register(stack) for _ in range(4)]
        seats = [f"stalls-{chr(65 + n // 25)}-{n % 25 + 1}" for n in range(250)]
        answers = []  # (buyer index, seat, response), in the order they came
        phase = {"now": "before"}
        resumed = {i: threading.Event() for i in range(len(buyers))}
        stop = threading.Event()

        def buy(index):
            for seat in seats[index::len(buyers)]:
                if stop.is_set():
                    return
                r = book(buyers[index], venue, event, [seat])
                answers.append((index, seat, r))
                if r.status_code == 201 and phase["now"] == "freed":
                    resumed[index].set()
                if r.status_code != 201:
                    time.sleep(0.1)

        threads = [threading.Thread(target=buy, args=(i,)) for i in range(len(buyers))]
        for t in threads:
            t.start()
        wait_for(lambda: sum(r.status_code == 201 for _, _, r in answers) >= 8, message="bookings before the disk fills")
        filler = fill(small_disk)
        phase["now"] = "full"
        filled_at = len(answers)
        wait_for(lambda: sum(r.status_code == 503 for _, _, r in answers[filled_at:]) >= 8, message="writes refused on the full disk")

        # Reads go on: the seat map, the event list, a booking made before.
        assert requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats"), timeout=30).status_code == 200
        assert requests.get(stack.url("/api/events"), timeout=30).status_code == 200
        index, _, first = next(a for a in answers if a[2].status_code == 201)
        assert buyers[index].get(f"/api/venues/{venue}/bookings/{first.json()['booking']['id']}").status_code == 200
        # Accounts too: a new account or a new session needs a write, refused the same way.
        email = unique_email("late")
        assert_unavailable(requests.post(stack.url("/api/auth/register"), timeout=30,
                                         json={"email": email, "password": PASSWORD, "name": "Late", "role": "customer"}))
        assert_unavailable(requests.post(stack.url("/api/auth/login"), timeout=30,
                                         json={"email": buyers[0].user["email"], "password": PASSWORD}))
        assert buyers[0].get("/api/me").status_code == 200, "an existing session still works"

        os.unlink(filler)
        phase["now"] = "freed"
        for event_resumed in resumed.values():
            assert event_resumed.wait(30), "every buyer books again once there is space"
        stop.set()
        for t in threads:
            t.join()
        assert requests.post(stack.url("/api/auth/register"), timeout=30,
                             json={"email": email, "password": PASSWORD, "name": "Late", "role": "customer"}).status_code == 201
        assert requests.post(stack.url("/api/auth/login"), timeout=30, json={"email": email, "password": PASSWORD}).status_code == 200

        statuses = collections.Counter(r.status_code for _, _, r in answers)
        print(f"\nanswers on the small disk: {dict(statuses)}")
        assert set(statuses) <= {201, 503}, "a full disk is never a 500, a 409 or a hang"
        for _, _, r in answers:
            if r.status_code == 503:
                assert_unavailable(r)
        # Nothing half-written: every 201 is there, and every sold seat has its 201.
        confirmed = {}
        for index, seat, r in answers:
            if r.status_code == 201:
                booking = r.json()["booking"]
                stored = buyers[index].get(f"/api/venues/{venue}/bookings/{booking['id']}")
                assert stored.status_code == 200 and stored.json()["booking"]["status"] == "confirmed"
                confirmed[seat] = booking["id"]
        sold = {seat for seat, state in seat_states(stack, venue, event).items() if state == "sold"}
        assert sold == set(confirmed), "no seat sold without a 201, none answered 201 and not sold"
    finally:
        stack.stop()
    check = subprocess.run([BINARY, "check"], capture_output=True, text=True, env=dict(os.environ, BOOKING_DATA_DIR=small_disk))
    assert check.returncode == 0 and "ok:" in check.stdout, check.stdout + check.stderr
    auth = sqlite3.connect(os.path.join(small_disk, "auth.sqlite"))
    assert auth.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    auth.close()


# nchan unreachable


def test_with_nchan_unreachable_bookings_go_on_and_the_seat_map_is_polled_with_its_etag():
    # A socket file nobody listens on: every publish is refused at once.
    dead = os.path.join(tempfile.mkdtemp(prefix="booking-nchan-"), "nchan.sock")
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(dead)
    stack = Stack(BOOKING_NCHAN_SOCKET=dead)
    try:
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer, rows=2, seats=10, ga=0)
        event = make_event(organizer, venue, prices={"stalls": 100})
        seats_url = stack.url(f"/api/venues/{venue}/events/{event}/seats")
        before = requests.get(seats_url, timeout=30)
        etag = before.headers["ETag"]
        assert requests.get(seats_url, headers={"If-None-Match": etag}, timeout=30).status_code == 304
        subscriber = Subscriber(stack.port, f"/live/venues/{venue}/events/{event}")

        customer = register(stack)
        booked = {}
        for n in range(1, 11):
            r = book(customer, venue, event, [f"stalls-A-{n}"])
            assert r.status_code == 201, r.text
            booked[f"stalls-A-{n}"] = r.json()["booking"]["id"]
        for booking in booked.values():
            assert customer.get(f"/api/venues/{venue}/bookings/{booking}").status_code == 200

        # What a browser's fallback reads: the seat map changed, so the old ETag gets a 200.
        polled = requests.get(seats_url, headers={"If-None-Match": etag}, timeout=30)
        assert polled.status_code == 200 and polled.headers["ETag"] != etag
        assert polled.json()["version"] >= before.json()["version"] + 10
        assert {s["id"] for s in polled.json()["seats"] if s["state"] == "sold"} == set(booked)
        # The live channel stays silent (nothing reaches nchan), which is why the page checks
        # the seat map now and then even while its channel is open (public/lib/live.js).
        if subscriber.status == 200:
            with pytest.raises((TimeoutError, OSError)):
                subscriber.next_message(timeout=1)
        subscriber.sock.close()
        metrics = requests.get(stack.url("/api/metrics"), timeout=30).text
        failures = [line for line in metrics.splitlines() if line.startswith("booking_live_publish_failures_total")]
        assert failures and float(failures[0].split()[-1]) >= 10, "every publish failed, and was counted"
    finally:
        stack.stop()


# The mail server down


def outbox(stack, venue):
    db = sqlite3.connect(os.path.join(stack.data_dir, "venues", venue + ".sqlite"))
    try:
        return db.execute("SELECT status, attempts FROM outbox WHERE kind = 'booking_confirmed'").fetchall()
    finally:
        db.close()


def test_with_the_mail_server_down_the_outbox_retries_and_every_confirmation_arrives_once():
    server = MailServer()
    server.stop()  # msmtp cannot connect: sendmail exits 75, "try again later"
    # Two attempts would be the whole budget of a refused message: an outage is not one.
    stack = Stack(SENDMAIL=server.sendmail, BOOKING_NOTIFIER_INTERVAL_MS="100", BOOKING_MAIL_MAX_ATTEMPTS="2")
    try:
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer, rows=1, seats=10, ga=0)
        event = make_event(organizer, venue, prices={"stalls": 100})
        customers = [register(stack) for _ in range(6)]
        for n, customer in enumerate(customers, start=1):
            assert book(customer, venue, event, [f"stalls-A-{n}"]).status_code == 201
        wait_for(lambda: len(outbox(stack, venue)) == 6 and all(status == "pending" and attempts >= 3 for status, attempts in outbox(stack, venue)),
                 timeout=30, message="three failed attempts of every confirmation, backing off")
        assert not server.inbox.messages

        server.start()
        addresses = [c.user["email"] for c in customers]
        wait_for(lambda: all(server.inbox.to(a) for a in addresses), timeout=40, message="every confirmation")
        time.sleep(1)  # a few more rounds: nothing is sent twice
        for address in addresses:
            assert len(server.inbox.to(address)) == 1
        assert {status for status, _ in outbox(stack, venue)} == {"delivered"}
    finally:
        stack.stop()
        server.stop()


# The notifier killed while it sends


def test_a_notifier_killed_while_sending_sends_only_that_message_again_with_the_same_message_id():
    server = MailServer()
    # sendmail marks that it has started; once `slow` exists it takes 2 s, so the notifier
    # can be killed with a message in flight (sendmail, in its own process group, finishes).
    flags = tempfile.mkdtemp(prefix="booking-flags-")
    slow = os.path.join(server.dir, "slow-sendmail")
    with open(slow, "w") as f:
        f.write(f'#!/bin/sh\ntouch {flags}/started-$$\n[ -e {flags}/slow ] && sleep 2\nexec {server.sendmail} "$@"\n')
    os.chmod(slow, 0o755)
    stack = Stack(SENDMAIL=slow, BOOKING_NOTIFIER_INTERVAL_MS="100")
    try:
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer, rows=2, seats=10, ga=0)
        event = make_event(organizer, venue, prices={"stalls": 100})
        customers = [register(stack) for _ in range(20)]
        for n, customer in enumerate(customers):
            assert book(customer, venue, event, [f"stalls-{'AB'[n // 10]}-{n % 10 + 1}"]).status_code == 201
        wait_for(lambda: len(server.inbox.messages) >= 3, message="the first emails")
        open(os.path.join(flags, "slow"), "w").close()
        started = set(os.listdir(flags))
        wait_for(lambda: set(os.listdir(flags)) - started, message="a sendmail started slowly")
        os.unlink(os.path.join(flags, "slow"))
        victim = stack.notifier_pid
        os.kill(victim, 9)
        wait_for(lambda: stack.notifier_pid != victim, message="the notifier to be restarted")

        addresses = {c.user["email"] for c in customers}
        wait_for(lambda: {a for m in server.inbox.messages for a in m["to"]} >= addresses, timeout=40, message="every email")
        time.sleep(1)
        by_recipient = collections.defaultdict(list)
        for m in server.inbox.messages:
            by_recipient[m["to"][0]].append(m["message"])
        twice = {a: ms for a, ms in by_recipient.items() if len(ms) > 1}
        assert len(twice) == 1 and len(next(iter(twice.values()))) == 2, "only the message in flight is sent again"
        for messages in by_recipient.values():
            assert len({str(m["Message-ID"]) for m in messages}) == 1, "a duplicate carries the same Message-ID"
            assert len({str(m["Subject"]) + m.get_body(preferencelist=("plain",)).get_content() for m in messages}) == 1
        assert len({str(ms[0]["Message-ID"]) for ms in by_recipient.values()}) == len(customers), "one Message-ID per message"
    finally:
        stack.stop()
        server.stop()
