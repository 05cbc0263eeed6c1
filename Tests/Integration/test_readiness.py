"""The readiness check (GET /api/health/ready): ready on a working stack, and not ready,
naming the cause, when the notifier stops, nchan's publisher socket is dead, mail cannot
leave or the data disk is nearly full; ready again when the cause is gone. /api/health, the
load balancer's check, stays 200 meanwhile."""
import os
import signal
import socket
import tempfile

import requests

from stack import Stack, wait_for
from test_faults import fill, small_disk  # noqa: F401 (a fixture)

FAST = dict(BOOKING_NOTIFIER_INTERVAL_MS="100", BOOKING_READY_NOTIFIER_LAG="2")


def readiness(stack):
    r = requests.get(stack.url("/api/health/ready"), timeout=10)
    assert r.status_code in (200, 503) and r.headers["Content-Type"].startswith("application/json"), r.text
    body = r.json()
    assert (r.status_code == 200) == (body["status"] == "ready")
    return r.status_code, {check["name"]: check for check in body["checks"]}


def failing(stack):
    status, checks = readiness(stack)
    return {name for name, check in checks.items() if not check["ok"]}


def test_a_working_stack_is_ready_and_a_stopped_notifier_makes_it_not_ready():
    stack = Stack(**FAST)
    try:
        wait_for(lambda: readiness(stack)[0] == 200, message="ready")
        status, checks = readiness(stack)
        assert set(checks) == {"notifier", "mail", "disk", "nchan"}, checks
        assert checks["notifier"]["value"] <= 2 and checks["disk"]["unit"] == "MiB free"
        os.kill(stack.notifier_pid, signal.SIGSTOP)
        try:
            wait_for(lambda: failing(stack) == {"notifier"}, timeout=10, message="the stopped notifier noticed")
            assert "is booking-notifier running?" in readiness(stack)[1]["notifier"]["message"]
            assert requests.get(stack.url("/api/health"), timeout=10).status_code == 200, "liveness is another question"
        finally:
            os.kill(stack.notifier_pid, signal.SIGCONT)
        wait_for(lambda: readiness(stack)[0] == 200, message="ready again")
    finally:
        stack.stop()


def test_a_dead_nchan_socket_and_mail_that_cannot_leave_are_not_ready():
    dead = os.path.join(tempfile.mkdtemp(prefix="booking-nchan-"), "nchan.sock")
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(dead)
    refusing = os.path.join(tempfile.mkdtemp(prefix="booking-sendmail-"), "sendmail")
    with open(refusing, "w") as f:
        f.write("#!/bin/sh\nexit 75\n")  # EX_TEMPFAIL: the mail server is down
    os.chmod(refusing, 0o755)
    stack = Stack(BOOKING_NCHAN_SOCKET=dead, SENDMAIL=refusing, BOOKING_READY_MAIL_AGE="1", **FAST)
    try:
        from api import make_event, make_venue, register
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer, rows=1, seats=2, ga=0)
        event = make_event(organizer, venue, prices={"stalls": 100})
        customer = register(stack)
        booked = customer.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": ["stalls-A-1"], "payment": {"method": "test"}})
        assert booked.status_code == 201, booked.text
        wait_for(lambda: failing(stack) == {"nchan", "mail"}, timeout=15, message="nchan and mail reported")
        checks = readiness(stack)[1]
        assert "messages waiting" in checks["mail"]["message"] and checks["mail"]["value"] > 1
        assert dead in checks["nchan"]["message"]
    finally:
        stack.stop()


def test_a_nearly_full_data_disk_is_not_ready_until_space_returns(small_disk):  # noqa: F811
    stack = Stack(data_dir=small_disk, BOOKING_READY_MIN_FREE_MB="8", **FAST)
    try:
        wait_for(lambda: readiness(stack)[0] == 200, message="ready")
        filler = fill(small_disk)
        wait_for(lambda: "disk" in failing(stack), message="the full disk reported")
        assert "MiB free on the data disk" in readiness(stack)[1]["disk"]["message"]
        os.unlink(filler)
        wait_for(lambda: readiness(stack)[0] == 200, message="ready again")
    finally:
        stack.stop()
