"""The authorization matrix: every endpoint x every kind of caller -> the expected status.

The table must name every route the server has (`booking-fcgi routes`), so a new endpoint
without a row fails this test. Destructive cells get fresh objects of their own.
"""
import base64
import hashlib
import os
import sqlite3
import subprocess
import time
import uuid

import pytest

from api import PASSWORD, Client, make_event, make_venue, register, solve_proof, unique_email
from stack import ROOT

ACTORS = ["anonymous", "customer", "other_customer", "organizer", "other_organizer", "admin"]
OK = "2xx"


def expect(anonymous, customer, other_customer, organizer, other_organizer, admin):
    return dict(zip(ACTORS, [anonymous, customer, other_customer, organizer, other_organizer, admin]))


EVERYONE = expect(OK, OK, OK, OK, OK, OK)
SIGNED_IN = expect(401, OK, OK, OK, OK, OK)
OWNER_ONLY = expect(401, 403, 403, OK, 403, OK)
CUSTOMER_ONLY = expect(401, OK, OK, 403, 403, 403)
ITS_CUSTOMER_OWNER_ADMIN = expect(401, OK, 404, OK, 404, OK)

# (method, route) -> (expected statuses, how to make the request for one actor in world w)
MATRIX = {
    ("GET", "/api/health"): (EVERYONE, lambda w, a: ("GET", "/api/health", None)),
    ("GET", "/api/health/ready"): (EVERYONE, lambda w, a: ("GET", "/api/health/ready", None)),
    # Loopback only (nginx), whoever the caller is: the tests run on loopback.
    ("GET", "/api/metrics"): (EVERYONE, lambda w, a: ("GET", "/api/metrics", None)),
    ("POST", "/api/auth/register"): (EVERYONE, lambda w, a: ("POST", "/api/auth/register",
                                     {"email": unique_email(), "password": PASSWORD, "name": "New"})),
    ("POST", "/api/auth/login"): (EVERYONE, lambda w, a: ("POST", "/api/auth/login",
                                  {"email": w["customer"].user["email"], "password": PASSWORD})),
    ("POST", "/api/auth/logout"): (SIGNED_IN, lambda w, a: ("POST", "/api/auth/logout", None)),
    ("POST", "/api/auth/password-reset"): (EVERYONE, lambda w, a: ("POST", "/api/auth/password-reset", {"email": unique_email()})),
    ("POST", "/api/auth/password-reset/confirm"): (EVERYONE, lambda w, a: (
        "POST", "/api/auth/password-reset/confirm", {"token": reset_token(w), "password": PASSWORD})),
    ("PATCH", "/api/me"): (SIGNED_IN, lambda w, a: ("PATCH", "/api/me", {"name": "Renamed"})),
    ("GET", "/api/me"): (SIGNED_IN, lambda w, a: ("GET", "/api/me", None)),
    ("GET", "/api/session"): (EVERYONE, lambda w, a: ("GET", "/api/session", None)),
    ("GET", "/api/me/export"): (SIGNED_IN, lambda w, a: ("GET", "/api/me/export", None)),
    # Each actor but the organizer deletes an account of its own kind made for the cell; the
    # organizer owns the world's venue, so its deletion is refused (409) and nothing changes.
    ("DELETE", "/api/me"): (expect(401, OK, OK, 409, OK, OK), lambda w, a: ("DELETE", "/api/me", {"password": PASSWORD})),
    ("POST", "/api/venues"): (expect(401, 403, 403, OK, OK, OK), lambda w, a: ("POST", "/api/venues", {
        "id": "m-" + uuid.uuid4().hex[:12], "name": "Hall", "timezone": "Europe/Paris",
        "layout": {"sections": [{"id": "floor", "name": "Floor", "kind": "ga", "capacity": 5}]}})),
    ("GET", "/api/venues"): (EVERYONE, lambda w, a: ("GET", "/api/venues", None)),
    ("GET", "/api/venues/{venueId}"): (EVERYONE, lambda w, a: ("GET", f"/api/venues/{w['venue']}", None)),
    ("POST", "/api/venues/{venueId}/events"): (OWNER_ONLY, lambda w, a: ("POST", f"/api/venues/{w['venue']}/events", {
        "title": "New", "startsAt": "2031-01-01T19:00:00Z", "currency": "EUR", "prices": {"stalls": 100, "floor": 50}})),
    ("GET", "/api/events"): (EVERYONE, lambda w, a: ("GET", "/api/events", None)),
    ("GET", "/api/venues/{venueId}/events/{eventId}"): (EVERYONE, lambda w, a: ("GET", f"/api/venues/{w['venue']}/events/{w['event']}", None)),
    ("PATCH", "/api/venues/{venueId}/events/{eventId}"): (OWNER_ONLY, lambda w, a: (
        "PATCH", f"/api/venues/{w['venue']}/events/{w['event']}", {"description": "changed by " + a})),
    ("POST", "/api/venues/{venueId}/events/{eventId}/cancel"): (OWNER_ONLY, lambda w, a: (
        "POST", f"/api/venues/{w['venue']}/events/{fresh_event(w)}/cancel", None)),
    ("GET", "/api/venues/{venueId}/events/{eventId}/seats"): (EVERYONE, lambda w, a: (
        "GET", f"/api/venues/{w['venue']}/events/{w['event']}/seats", None)),
    ("GET", "/api/venues/{venueId}/events/{eventId}/stats"): (OWNER_ONLY, lambda w, a: (
        "GET", f"/api/venues/{w['venue']}/events/{w['event']}/stats", None)),
    ("GET", "/api/venues/{venueId}/events/{eventId}/report"): (OWNER_ONLY, lambda w, a: (
        "GET", f"/api/venues/{w['venue']}/events/{w['event']}/report", None)),
    ("GET", "/api/venues/{venueId}/events/{eventId}/attendees.csv"): (OWNER_ONLY, lambda w, a: (
        "GET", f"/api/venues/{w['venue']}/events/{w['event']}/attendees.csv", None)),
    ("POST", "/api/venues/{venueId}/events/{eventId}/vouchers"): (OWNER_ONLY, lambda w, a: (
        "POST", f"/api/venues/{w['venue']}/events/{w['event']}/vouchers", {"code": unique_code(), "percentOff": 10})),
    ("GET", "/api/venues/{venueId}/events/{eventId}/vouchers"): (OWNER_ONLY, lambda w, a: (
        "GET", f"/api/venues/{w['venue']}/events/{w['event']}/vouchers", None)),
    ("DELETE", "/api/venues/{venueId}/events/{eventId}/vouchers/{code}"): (OWNER_ONLY, lambda w, a: (
        "DELETE", f"/api/venues/{w['venue']}/events/{w['event']}/vouchers/{fresh_voucher(w)}", None)),
    ("POST", "/api/venues/{venueId}/events/{eventId}/holds"): (CUSTOMER_ONLY, lambda w, a: (
        "POST", f"/api/venues/{w['venue']}/events/{w['event']}/holds", {"ga": [{"section": "floor", "quantity": 1}]})),
    ("DELETE", "/api/venues/{venueId}/holds/{holdId}"): (expect(401, OK, 404, 404, 404, 404), lambda w, a: (
        "DELETE", f"/api/venues/{w['venue']}/holds/{fresh_hold(w)}", None)),
    ("POST", "/api/venues/{venueId}/bookings"): (expect(401, OK, 404, 403, 403, 403), lambda w, a: (
        "POST", f"/api/venues/{w['venue']}/bookings", {"holdId": fresh_hold(w), "payment": {"method": "test"}})),
    ("GET", "/api/bookings"): (SIGNED_IN, lambda w, a: ("GET", "/api/bookings", None)),
    ("GET", "/api/venues/{venueId}/bookings/{bookingId}"): (ITS_CUSTOMER_OWNER_ADMIN, lambda w, a: (
        "GET", f"/api/venues/{w['venue']}/bookings/{w['booking']['id']}", None)),
    ("GET", "/api/venues/{venueId}/bookings/{bookingId}/tickets.pdf"): (ITS_CUSTOMER_OWNER_ADMIN, lambda w, a: (
        "GET", f"/api/venues/{w['venue']}/bookings/{w['booking']['id']}/tickets.pdf", None)),
    ("GET", "/api/venues/{venueId}/bookings/{bookingId}/event.ics"): (ITS_CUSTOMER_OWNER_ADMIN, lambda w, a: (
        "GET", f"/api/venues/{w['venue']}/bookings/{w['booking']['id']}/event.ics", None)),
    ("POST", "/api/venues/{venueId}/bookings/{bookingId}/cancel"): (ITS_CUSTOMER_OWNER_ADMIN, lambda w, a: (
        "POST", f"/api/venues/{w['venue']}/bookings/{fresh_booking(w)['id']}/cancel", None)),
    ("GET", "/api/venues/{venueId}/tickets/{code}/qr.svg"): (ITS_CUSTOMER_OWNER_ADMIN, lambda w, a: (
        "GET", f"/api/venues/{w['venue']}/tickets/{w['booking']['tickets'][0]['code']}/qr.svg", None)),
    ("POST", "/api/venues/{venueId}/events/{eventId}/waitlist"): (CUSTOMER_ONLY, lambda w, a: (
        "POST", f"/api/venues/{w['venue']}/events/{w['sold_out']}/waitlist", {"section": "stalls", "quantity": 1})),
    ("DELETE", "/api/venues/{venueId}/waitlist/{entryId}"): (expect(401, OK, 404, 404, 404, 404), lambda w, a: (
        "DELETE", f"/api/venues/{w['venue']}/waitlist/{fresh_waitlist_entry(w)}", None)),
    ("GET", "/api/venues/{venueId}/events/{eventId}/queue"): (EVERYONE, lambda w, a: (
        "GET", f"/api/venues/{w['venue']}/events/{w['queued']}/queue", None)),
    ("POST", "/api/venues/{venueId}/events/{eventId}/queue"): (CUSTOMER_ONLY, lambda w, a: (
        "POST", f"/api/venues/{w['venue']}/events/{w['queued']}/queue", {"nonce": queue_proof(w, a)})),
    ("PATCH", "/api/venues/{venueId}/events/{eventId}/queue"): (OWNER_ONLY, lambda w, a: (
        "PATCH", f"/api/venues/{w['venue']}/events/{w['queued']}/queue", {"paused": False})),
    ("POST", "/api/venues/{venueId}/events/{eventId}/checkins"): (OWNER_ONLY, lambda w, a: (
        "POST", f"/api/venues/{w['venue']}/events/{w['event']}/checkins", {"code": fresh_booking(w)["tickets"][0]["code"]})),
}


def fresh_event(w):
    return make_event(w["organizer"], w["venue"])


def unique_code():
    return "AUTH-" + uuid.uuid4().hex[:10].upper()


def fresh_voucher(w):
    code = unique_code()
    r = w["organizer"].post(f"/api/venues/{w['venue']}/events/{w['event']}/vouchers", json={"code": code, "percentOff": 5})
    assert r.status_code == 201, r.text
    return code


def fresh_hold(w):
    r = w["customer"].post(f"/api/venues/{w['venue']}/events/{w['event']}/holds", json={"ga": [{"section": "floor", "quantity": 1}]})
    assert r.status_code == 201, r.text
    hold_id = r.json()["hold"]["id"]
    w["holds"].append(hold_id)
    return hold_id


def fresh_waitlist_entry(w):
    r = w["customer"].post(f"/api/venues/{w['venue']}/events/{w['sold_out']}/waitlist", json={"section": "stalls", "quantity": 1})
    assert r.status_code == 201, r.text
    return r.json()["entry"]["id"]


def fresh_booking(w):
    r = w["customer"].post(f"/api/venues/{w['venue']}/bookings",
                           json={"eventId": w["event"], "ga": [{"section": "floor", "quantity": 1}], "payment": {"method": "test"}})
    assert r.status_code == 201, r.text
    return r.json()["booking"]


def queue_proof(w, actor):
    """The proof of work of the cell's caller (only customers get as far as its check)."""
    client = w["client"]
    if actor not in ("customer", "other_customer"):
        return "not checked: the role is refused first"
    challenge = Client(w["stack"]).get(f"/api/venues/{w['venue']}/events/{w['queued']}/queue").json()["challenge"]
    return solve_proof(challenge["value"], client.user["id"], challenge["difficulty"])


def reset_token(w):
    """A reset link's token for a new account, stored as the notifier stores the one it emails
    (the whole flow through real email is test_password_reset.py)."""
    token = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    user = register(w["stack"]).user["id"]
    with sqlite3.connect(os.path.join(w["stack"].data_dir, "auth.sqlite")) as db:
        db.execute("INSERT INTO password_reset (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
                   (hashlib.sha256(token.encode()).hexdigest(), user, int(time.time()) + 600))
    return token


def disposable_account(stack, actor):
    """A new account with the actor's role, for a cell that deletes its caller."""
    if actor != "admin":
        return register(stack, role="organizer" if actor == "other_organizer" else "customer")
    return make_admin(stack)


def make_admin(stack):
    email = unique_email("admin")
    subprocess.run([os.path.join(ROOT, ".build", "release", "booking-fcgi"), "create-admin", "--email", email, "--name", "Root"],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True,
                   env=dict(os.environ, BOOKING_DATA_DIR=stack.data_dir))
    login = Client(stack).post("/api/auth/login", json={"email": email, "password": PASSWORD}).json()
    return Client(stack, login["token"], login["user"])


def server_routes(stack):
    binary = os.path.join(ROOT, ".build", "release", "booking-fcgi")
    out = subprocess.run([binary, "routes"], capture_output=True, text=True, check=True,
                         env=dict(os.environ, BOOKING_DATA_DIR=stack.data_dir)).stdout
    return {tuple(line.split(" ", 1)) for line in out.splitlines() if line}


@pytest.fixture(scope="module")
def world(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer, ga=10000)
    event = make_event(organizer, venue, max_per_customer=100)
    admin = make_admin(stack)
    w = {"stack": stack, "organizer": organizer, "venue": venue, "event": event, "customer": register(stack), "holds": []}
    w["booking"] = fresh_booking(w)
    # An event whose seats are all sold, for the waiting list.
    w["sold_out"] = make_event(organizer, venue, max_per_customer=100, prices={"stalls": 100, "floor": 50})
    seats = [f"stalls-{row}-{n}" for row in "AB" for n in range(1, 6)]
    assert w["customer"].post(f"/api/venues/{venue}/bookings", json={"eventId": w["sold_out"], "seats": seats,
                                                                     "payment": {"method": "test"}}).status_code == 201
    # An event selling through an open queue.
    w["queued"] = make_event(organizer, venue)
    assert organizer.patch(f"/api/venues/{venue}/events/{w['queued']}", json={
        "queue": {"opensAt": "2026-01-01T00:00:00Z", "admitPerMinute": 60, "passMinutes": 10}}).status_code == 200
    w["actors"] = {
        "anonymous": lambda: Client(stack),
        "customer": lambda: w["customer"],
        "other_customer": lambda: register(stack),
        "organizer": lambda: organizer,
        "other_organizer": lambda: register(stack, role="organizer"),
        "admin": lambda: admin,
    }
    return w


def test_every_route_has_a_row(stack):
    assert server_routes(stack) == set(MATRIX), "add a row to MATRIX for every route (and remove rows of removed routes)"


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_authorization(stack, world, route):
    expected, make_request = MATRIX[route]
    failures = []
    for actor in ACTORS:
        client = world["actors"][actor]()
        if route == ("POST", "/api/auth/logout") and actor != "anonymous":
            # Logging out revokes the token: use a session of its own.
            email = client.user["email"] if client.user else None
            if email:
                client = Client(stack, Client(stack).post("/api/auth/login", json={"email": email, "password": PASSWORD}).json()["token"])
        if route == ("DELETE", "/api/me") and actor not in ("anonymous", "organizer"):
            client = disposable_account(stack, actor)
        world["client"] = client
        method, path, body = make_request(world, actor)
        status = client.call(method, path, json=body).status_code
        # Release what the cell left held, so the customer stays under the per-event hold limit.
        for hold_id in world["holds"]:
            world["customer"].delete(f"/api/venues/{world['venue']}/holds/{hold_id}")
        world["holds"].clear()
        want = expected[actor]
        if (want == OK and not 200 <= status < 300) or (want != OK and status != want):
            failures.append(f"{actor}: expected {want}, got {status}")
    assert not failures, f"{route}: " + "; ".join(failures)
