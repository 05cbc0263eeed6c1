"""public/openapi.json against the running server.

- the document names exactly the server's routes (`booking-fcgi routes`);
- nginx serves it at /openapi.json;
- it is a valid OpenAPI 3.0 document;
- a realistic flow (organizer, customers, holds, bookings, check-in, waiting list, errors)
  gets only statuses the document lists for each operation, and bodies and headers that
  match the document. Here the document's response schemas are read strictly: a field the
  server sends must be documented (the published document itself lets answers grow).

The fuzzer (Tests/Fuzz/run_fuzz.py) covers the same ground with generated requests.
"""
import base64
import copy
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import time
import uuid
from urllib.parse import urlparse

import pytest
import requests

from api import PASSWORD, Client, solve_proof, unique_email
from stack import ROOT, wait_for

SPEC_PATH = os.path.join(ROOT, "public", "openapi.json")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def load_document():
    with open(SPEC_PATH) as f:
        return json.load(f)


def server_routes(stack):
    binary = os.path.join(ROOT, ".build", "release", "booking-fcgi")
    out = subprocess.run([binary, "routes"], capture_output=True, text=True, check=True,
                         env=dict(os.environ, BOOKING_DATA_DIR=stack.data_dir)).stdout
    return {tuple(line.split(" ", 1)) for line in out.splitlines() if line}


def document_routes(document):
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item if method in METHODS}


def test_the_document_names_exactly_the_servers_routes(stack):
    documented, served = document_routes(load_document()), server_routes(stack)
    assert documented == served, (f"only in openapi.json: {sorted(documented - served)}; "
                                  f"only in the server: {sorted(served - documented)}")


def test_the_document_is_served_by_nginx(stack):
    r = requests.get(stack.url("/openapi.json"), timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == "application/json"
    assert r.json() == load_document()


def test_the_document_is_valid_openapi():
    validator = pytest.importorskip(
        "openapi_spec_validator",
        reason="openapi-spec-validator is not installed: pip install -r Tests/Integration/requirements-fuzz.txt")
    document = load_document()
    assert document["openapi"].startswith("3.0.")
    validator.validate(document)


# ---- conformance of a realistic flow ------------------------------------------------------------


def strict(schema):
    """The schema with `additionalProperties: false` on every object that lists its
    properties and says nothing about others: undocumented fields then fail."""
    if isinstance(schema, dict):
        out = {k: strict(v) for k, v in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


class Contract:
    """Checks responses against the document: status listed for the operation, media type,
    required headers, and the body against the (strict) schema."""

    def __init__(self, document):
        oas = pytest.importorskip(
            "openapi_schema_validator",
            reason="openapi-schema-validator is not installed: pip install -r Tests/Integration/requirements-fuzz.txt")
        self.oas = oas
        self.document = document
        self.components = strict(copy.deepcopy(document["components"]))
        self.templates = []
        for path in document["paths"]:
            segments = ["[^/]+" if s.startswith("{") else re.escape(s) for s in path.split("/")]
            self.templates.append((re.compile("^" + "/".join(segments) + "$"), path))
        self.seen = set()

    def operation(self, method, path):
        for pattern, template in self.templates:
            if pattern.match(path) and method.lower() in self.document["paths"][template]:
                return template, self.document["paths"][template][method.lower()]
        return None, None

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            parts = node["$ref"].lstrip("#/").split("/")
            node = self.document
            for part in parts:
                node = node[part]
        return node

    def check(self, response):
        method, path = response.request.method, urlparse(response.request.url).path
        template, operation = self.operation(method, path)
        if operation is None:
            if response.status_code == 405:
                declared = self.resolve({"$ref": "#/components/responses/MethodNotAllowed"})
                assert "Allow" in response.headers, f"{method} {path}: 405 without Allow"
                self._body(f"{method} {path}", response, declared)
                return response
            raise AssertionError(f"{method} {path} is not in the document")
        status = str(response.status_code)
        label = f"{method} {template} -> {status}"
        assert status in operation["responses"], (
            f"{method} {template} answered {status}, which the document does not list: {response.text[:300]}")
        declared = self.resolve(operation["responses"][status])
        for name, header in declared.get("headers", {}).items():
            header = self.resolve(header)
            if header.get("required"):
                assert name in response.headers, f"{label}: the required header {name} is missing"
        self._body(label, response, declared)
        self.seen.add((method, template, status))
        return response

    def _body(self, label, response, declared):
        content = declared.get("content")
        if not content:
            assert response.content == b"", f"{label}: the document declares no body but got {response.text[:200]}"
            return
        media = response.headers.get("Content-Type", "").split(";")[0].strip()
        assert media in content, f"{label}: Content-Type {media!r} is not one of {sorted(content)}"
        if media != "application/json":
            return
        schema = strict(copy.deepcopy(content[media]["schema"]))
        root = {"components": self.components, "allOf": [schema]}
        validator = self.oas.OAS30Validator(root, format_checker=self.oas.oas30_format_checker)
        errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.absolute_path))
        assert not errors, f"{label}: the body does not match the document:\n" + "\n".join(
            f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]) + f"\nbody: {response.text[:500]}"


class Checked(Client):
    """An API client whose every response is checked against the document. It keeps no
    cookies: it is signed in by its bearer token or not at all."""

    def __init__(self, stack, contract, token=None, user=None):
        super().__init__(stack, token, user)
        self.contract = contract

    def call(self, method, path, json=None, headers=None, **kwargs):
        self.session.cookies.clear()
        return self.contract.check(super().call(method, path, json=json, headers=headers, **kwargs))


@pytest.fixture(scope="module")
def contract():
    return Contract(load_document())


def code(response):
    return response.json()["error"]["code"]


def signed_up(stack, contract, role="customer"):
    anonymous = Checked(stack, contract)
    r = anonymous.post("/api/auth/register", json={"email": unique_email(role), "password": PASSWORD,
                                                   "name": f"A {role}", "role": role})
    assert r.status_code == 201, r.text
    return Checked(stack, contract, r.json()["token"], r.json()["user"])


def test_a_realistic_flow_conforms_to_the_document(stack, contract):
    anonymous = Checked(stack, contract)
    assert anonymous.get("/api/health").status_code == 200

    # Accounts.
    organizer = signed_up(stack, contract, "organizer")
    customer = signed_up(stack, contract)
    other = signed_up(stack, contract)
    email = customer.user["email"]
    assert code(anonymous.post("/api/auth/register", json={"email": email, "password": PASSWORD, "name": "Again"})) == "email_taken"
    assert anonymous.post("/api/auth/register", json={"email": unique_email(), "password": "short", "name": "X"}).status_code == 422
    assert anonymous.post("/api/auth/register", json={"email": unique_email(), "password": PASSWORD, "name": "X",
                                                      "role": "admin"}).status_code == 422
    assert anonymous.post("/api/auth/register", data="{", headers={"Content-Type": "application/json"}).status_code == 400
    assert anonymous.post("/api/auth/register", data="x", headers={"Content-Type": "text/plain"}).status_code == 415
    login = anonymous.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200 and "booking_session=" in login.headers["Set-Cookie"]
    assert customer.get("/api/me").json()["user"]["id"] == customer.user["id"]
    assert anonymous.get("/api/me").status_code == 401
    assert Checked(stack, contract, token="not-a-token").get("/api/me").status_code == 401

    # Venues.
    venue = "oa-" + uuid.uuid4().hex[:10]
    layout = {"sections": [
        {"id": "stalls", "name": "Stalls", "kind": "seated", "rows": [{"label": "A", "seats": 4}]},
        {"id": "box", "name": "Box", "kind": "seated",
         "rows": [{"label": "1", "seats": [{"number": 1, "x": 0, "y": 0}, {"number": 2, "x": 10.5, "y": -3}]}]},
        {"id": "floor", "name": "Floor", "kind": "ga", "capacity": 3}]}
    body = {"id": venue, "name": "Open Hall", "city": "Lyon", "timezone": "Europe/Paris", "layout": layout}
    created = organizer.post("/api/venues", json=body)
    assert created.status_code == 201 and created.json()["venue"]["layout"]["sections"][1]["rows"] == [{"label": "1", "seats": 2}]
    assert code(organizer.post("/api/venues", json=body)) == "venue_exists"
    assert code(customer.post("/api/venues", json=dict(body, id=venue + "-c"))) == "forbidden"
    assert anonymous.post("/api/venues", json=dict(body, id=venue + "-a")).status_code == 401
    assert organizer.post("/api/venues", json=dict(body, id=venue + "-x", timezone="Mars/Olympus")).status_code == 422
    assert organizer.post("/api/venues", json=dict(body, id="Bad Id")).status_code == 422
    plain = organizer.post("/api/venues", json={"id": venue + "-p", "name": "Plain", "timezone": "UTC",
                                                "layout": {"sections": [{"id": "floor", "name": "Floor", "kind": "ga", "capacity": 1}]}})
    assert plain.status_code == 201 and "city" not in plain.json()["venue"]
    page = anonymous.get("/api/venues", params={"limit": 1})
    assert page.status_code == 200 and len(page.json()["venues"]) == 1 and page.json()["nextCursor"]
    assert anonymous.get("/api/venues", params={"limit": 1, "cursor": page.json()["nextCursor"]}).status_code == 200
    assert anonymous.get("/api/venues", params={"owner": organizer.user["id"], "limit": 100}).json()["nextCursor"] is None
    assert code(anonymous.get("/api/venues", params={"limit": 0})) == "invalid_parameter"
    assert code(anonymous.get("/api/venues", params={"cursor": "%%%"})) == "invalid_parameter"
    assert anonymous.get(f"/api/venues/{venue}").json()["venue"]["id"] == venue
    assert anonymous.get("/api/venues/no-such-venue").status_code == 404

    # Events.
    prices = {"stalls": 4500, "box": 9000, "floor": 2000}
    events_path = f"/api/venues/{venue}/events"
    made = organizer.post(events_path, json={
        "title": "Opening night", "description": "First show", "startsAt": "2031-05-01T19:00:00Z",
        "endsAt": "2031-05-01T22:00:00+02:00", "currency": "EUR", "prices": prices, "maxTicketsPerCustomer": 6,
        "salesStartAt": "2026-01-01T00:00:00Z", "salesEndAt": "2031-05-01T18:00:00Z"})
    assert made.status_code == 201, made.text
    event = made.json()["event"]["id"]
    sold_out = organizer.post(events_path, json={"title": "Tiny", "startsAt": "2031-05-02T19:00:00Z", "currency": "EUR",
                                                 "prices": prices}).json()["event"]["id"]
    doomed = organizer.post(events_path, json={"title": "Doomed", "startsAt": "2031-05-03T19:00:00Z", "currency": "EUR",
                                               "prices": prices}).json()["event"]["id"]
    assert organizer.post(events_path, json={"title": "Past", "startsAt": "2001-01-01T00:00:00Z", "currency": "EUR",
                                             "prices": prices}).status_code == 422
    assert organizer.post(events_path, json={"title": "No prices", "startsAt": "2031-01-01T00:00:00Z", "currency": "EUR",
                                             "prices": {"stalls": 1}}).status_code == 422
    assert organizer.post(events_path, json={"title": "Bad time", "startsAt": "tomorrow", "currency": "EUR",
                                             "prices": prices}).status_code == 400
    assert signed_up(stack, contract, "organizer").post(events_path, json={
        "title": "Not mine", "startsAt": "2031-01-01T00:00:00Z", "currency": "EUR", "prices": prices}).status_code == 403
    assert organizer.post("/api/venues/no-such-venue/events", json={}).status_code == 404
    listed = anonymous.get("/api/events", params={"venue": venue, "q": "Opening"})
    assert [e["id"] for e in listed.json()["events"]] == [event]
    paged = anonymous.get("/api/events", params={"venue": venue, "limit": 1, "from": "2030-01-01T00:00:00Z",
                                                 "to": "2032-01-01T00:00:00Z"})
    assert paged.json()["nextCursor"]
    assert anonymous.get("/api/events", params={"venue": venue, "limit": 1, "cursor": paged.json()["nextCursor"]}).status_code == 200
    assert code(anonymous.get("/api/events", params={"from": "yesterday"})) == "invalid_parameter"
    filtered = anonymous.get("/api/events", params={"venue": venue, "q": "openin", "minPrice": 0, "maxPrice": 1000000, "available": "true"})
    assert [e["id"] for e in filtered.json()["events"]] == [event]
    assert code(anonymous.get("/api/events", params={"minPrice": "2", "maxPrice": "1"})) == "invalid_parameter"
    assert code(anonymous.get("/api/events", params={"available": "maybe"})) == "invalid_parameter"
    assert anonymous.get(f"{events_path}/{event}").json()["event"]["sections"]
    assert anonymous.get(f"{events_path}/e_nosuchevent").status_code == 404
    changed = organizer.patch(f"{events_path}/{event}", json={"description": "Changed", "prices": {"floor": 2500}})
    assert changed.status_code == 200 and changed.json()["event"]["prices"]["floor"] == 2500
    assert organizer.patch(f"{events_path}/{event}", json={"startsAt": "2001-01-01T00:00:00Z"}).status_code == 422
    assert customer.patch(f"{events_path}/{event}", json={"title": "Mine now"}).status_code == 403
    assert organizer.patch(f"{events_path}/{event}", data="{}").status_code == 415

    # Seat map and its ETag.
    seats = anonymous.get(f"{events_path}/{event}/seats")
    assert seats.status_code == 200 and {s["state"] for s in seats.json()["seats"]} == {"available"}
    assert anonymous.get(f"{events_path}/{event}/seats", headers={"If-None-Match": seats.headers["ETag"]}).status_code == 304
    assert anonymous.get(f"{events_path}/e_nosuchevent/seats").status_code == 404

    # Holds.
    holds_path = f"{events_path}/{event}/holds"
    hold_body = {"seats": ["stalls-A-1", "box-1-2"], "ga": [{"section": "floor", "quantity": 1}]}
    key = {"Idempotency-Key": "oa-" + uuid.uuid4().hex}
    hold = customer.post(holds_path, json=hold_body, headers=key)
    assert hold.status_code == 201, hold.text
    assert customer.post(holds_path, json=hold_body, headers=key).json() == hold.json()
    assert code(customer.post(holds_path, json={"seats": ["stalls-A-4"]}, headers=key)) == "idempotency_mismatch"
    assert code(customer.post(holds_path, json={"seats": ["stalls-A-4"]}, headers={"Idempotency-Key": "bad key"})) == "invalid_idempotency_key"
    taken = other.post(holds_path, json={"seats": ["stalls-A-1", "stalls-A-2"]})
    assert code(taken) == "seat_unavailable" and taken.json()["error"]["details"]["seats"] == ["stalls-A-1"]
    assert code(other.post(holds_path, json={"ga": [{"section": "floor", "quantity": 3}]})) == "sold_out"
    assert code(other.post(holds_path, json={"ga": [{"section": "floor", "quantity": 7}]})) == "ticket_limit"
    assert code(other.post(holds_path, json={"seats": ["stalls-Z-9"]})) == "validation_failed"
    assert code(other.post(holds_path, json={})) == "validation_failed"
    assert other.post(holds_path, json={"seats": "stalls-A-2"}).status_code == 400
    assert other.post(holds_path, data="{}").status_code == 415
    assert organizer.post(holds_path, json={"seats": ["stalls-A-2"]}).status_code == 403
    assert code(other.post(f"{events_path}/{event}/holds".replace(event, "e_nosuchevent"), json={"seats": ["stalls-A-2"]})) == "not_found"
    spare = other.post(holds_path, json={"seats": ["stalls-A-3"]}).json()["hold"]["id"]
    assert customer.delete(f"/api/venues/{venue}/holds/{spare}").status_code == 404
    assert other.delete(f"/api/venues/{venue}/holds/{spare}").status_code == 204

    # Bookings.
    bookings_path = f"/api/venues/{venue}/bookings"
    hold_id = hold.json()["hold"]["id"]
    assert code(customer.post(bookings_path, json={"holdId": hold_id, "payment": {"method": "test", "token": "tok_decline"}})) == "payment_declined"
    booked = customer.post(bookings_path, json={"holdId": hold_id, "payment": {"method": "test", "token": "tok_ok"}},
                           headers={"Idempotency-Key": "oa-" + uuid.uuid4().hex})
    assert booked.status_code == 201, booked.text
    booking = booked.json()["booking"]
    assert len(booking["tickets"]) == 3 and any("seatId" not in t for t in booking["tickets"])
    one_call = other.post(bookings_path, json={"eventId": event, "seats": ["stalls-A-2"], "payment": {"method": "test"}})
    assert one_call.status_code == 201, one_call.text
    assert code(other.post(bookings_path, json={"eventId": event, "seats": ["stalls-A-2"], "payment": {"method": "test"}})) == "seat_unavailable"
    assert code(other.post(bookings_path, json={"payment": {"method": "test"}})) == "validation_failed"
    assert code(other.post(bookings_path, json={"holdId": hold_id, "payment": {"method": "cash"}})) == "invalid_payment_method"
    assert other.post(bookings_path, json={"holdId": "h_nosuchhold", "payment": {"method": "test"}}).status_code == 404
    assert other.post(bookings_path, json={"holdId": hold_id}).status_code == 400
    assert organizer.post(bookings_path, json={"holdId": hold_id, "payment": {"method": "test"}}).status_code == 403
    mine = customer.get("/api/bookings", params={"limit": 1})
    assert [b["id"] for b in mine.json()["bookings"]] == [booking["id"]] and mine.json()["nextCursor"] is None
    assert customer.get("/api/bookings", params={"limit": 101}).status_code == 400
    assert anonymous.get("/api/bookings").status_code == 401
    assert customer.get(f"{bookings_path}/{booking['id']}").json()["booking"]["id"] == booking["id"]
    assert organizer.get(f"{bookings_path}/{booking['id']}").status_code == 200
    assert other.get(f"{bookings_path}/{booking['id']}").status_code == 404
    ticket = booking["tickets"][0]["code"]
    qr = customer.get(f"/api/venues/{venue}/tickets/{ticket}/qr.svg")
    assert qr.status_code == 200 and qr.text.startswith("<svg")
    assert other.get(f"/api/venues/{venue}/tickets/{ticket}/qr.svg").status_code == 404
    pdf = customer.get(f"{bookings_path}/{booking['id']}/tickets.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    ics = customer.get(f"{bookings_path}/{booking['id']}/event.ics")
    assert ics.status_code == 200 and ics.content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert other.get(f"{bookings_path}/{booking['id']}/tickets.pdf").status_code == 404
    assert anonymous.get(f"{bookings_path}/{booking['id']}/event.ics").status_code == 401

    # Check-in and stats.
    checkins = f"{events_path}/{event}/checkins"
    first = organizer.post(checkins, json={"code": ticket})
    assert first.status_code == 200 and first.json()["ticket"]["checkedInAt"]
    assert code(organizer.post(checkins, json={"code": ticket})) == "already_checked_in"
    assert organizer.post(checkins, json={"code": "0000000000000"}).status_code == 404
    assert customer.post(checkins, json={"code": ticket}).status_code == 403
    stats = organizer.get(f"{events_path}/{event}/stats")
    assert stats.status_code == 200 and stats.json()["checkedIn"] == 1
    assert customer.get(f"{events_path}/{event}/stats").status_code == 403
    report = organizer.get(f"{events_path}/{event}/report")
    assert report.status_code == 200 and report.json()["checkedIn"] == 1
    assert customer.get(f"{events_path}/{event}/report").status_code == 403
    attendees = organizer.get(f"{events_path}/{event}/attendees.csv")
    assert attendees.status_code == 200 and attendees.text.startswith("code,name,email,")
    assert anonymous.get(f"{events_path}/{event}/attendees.csv").status_code == 401

    # Vouchers, and a hidden section they unlock.
    presale = organizer.post(events_path, json={"title": "Presale", "startsAt": "2031-05-04T19:00:00Z", "currency": "EUR",
                                                "prices": prices, "hiddenSections": ["box"]})
    assert presale.status_code == 201 and presale.json()["event"]["hiddenSections"] == ["box"]
    vouchers_path = f"{events_path}/{presale.json()['event']['id']}/vouchers"
    voucher = organizer.post(vouchers_path, json={"code": "Flow10", "percentOff": 10, "sections": ["floor", "box"],
                                                  "maxUses": 5, "validUntil": "2031-05-01T00:00:00Z"})
    assert voucher.status_code == 201 and voucher.json()["voucher"]["code"] == "FLOW10", voucher.text
    assert code(organizer.post(vouchers_path, json={"code": "flow10", "amountOff": 100})) == "voucher_exists"
    assert code(organizer.post(vouchers_path, json={"code": "TWO", "percentOff": 10, "price": 0})) == "validation_failed"
    assert customer.post(vouchers_path, json={"code": "MINE", "percentOff": 1}).status_code == 403
    buyer = signed_up(stack, contract)
    presale_holds = f"{events_path}/{presale.json()['event']['id']}/holds"
    assert code(buyer.post(presale_holds, json={"seats": ["box-1-1"]})) == "voucher_required"
    assert code(buyer.post(presale_holds, json={"seats": ["box-1-1"], "voucher": "nope"})) == "invalid_voucher"
    discounted = buyer.post(presale_holds, json={"seats": ["box-1-1"], "ga": [{"section": "floor", "quantity": 1}], "voucher": "flow10"})
    assert discounted.status_code == 201, discounted.text
    assert discounted.json()["hold"]["total"] == 9900 and discounted.json()["hold"]["voucher"] == {"code": "FLOW10", "discount": 1100}
    listed = organizer.get(vouchers_path)
    assert listed.status_code == 200 and [v["uses"] for v in listed.json()["vouchers"]] == [2]
    assert customer.get(vouchers_path).status_code == 403
    assert organizer.delete(f"{vouchers_path}/flow10").status_code == 204
    assert organizer.delete(f"{vouchers_path}/flow10").status_code == 404

    # Cancelling a booking.
    cancelled = customer.post(f"{bookings_path}/{booking['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["booking"]["status"] == "cancelled"
    assert "cancelledAt" in cancelled.json()["booking"]
    assert code(customer.post(f"{bookings_path}/{booking['id']}/cancel")) == "already_cancelled"
    assert code(organizer.post(checkins, json={"code": booking["tickets"][1]["code"]})) == "ticket_cancelled"
    assert other.post(f"{bookings_path}/{booking['id']}/cancel").status_code == 404

    # Waiting list: sell out a small event first.
    assert other.post(bookings_path, json={"eventId": sold_out, "ga": [{"section": "floor", "quantity": 3}],
                                           "payment": {"method": "test"}}).status_code == 201
    waitlist = f"{events_path}/{sold_out}/waitlist"
    entry = customer.post(waitlist, json={"section": "floor", "quantity": 2})
    assert entry.status_code == 201 and entry.json()["entry"]["section"] == "floor"
    anywhere = customer.post(waitlist, json={"quantity": 5})
    assert anywhere.status_code == 201 and "section" not in anywhere.json()["entry"]
    assert code(customer.post(f"{events_path}/{event}/waitlist", json={"section": "stalls", "quantity": 1})) == "places_available"
    assert customer.post(waitlist, json={"section": "nowhere", "quantity": 1}).status_code == 422
    assert organizer.post(waitlist, json={"quantity": 1}).status_code == 403
    entry_id = entry.json()["entry"]["id"]
    assert other.delete(f"/api/venues/{venue}/waitlist/{entry_id}").status_code == 404
    assert customer.delete(f"/api/venues/{venue}/waitlist/{entry_id}").status_code == 204
    assert customer.delete(f"/api/venues/{venue}/waitlist/{entry_id}").status_code == 404

    # The on-sale queue (the whole waiting room: test_waiting_room.py).
    queued = organizer.post(events_path, json={
        "title": "Big on-sale", "startsAt": "2031-05-04T19:00:00Z", "currency": "EUR", "prices": prices,
        "queue": {"opensAt": "2026-01-01T00:00:00Z", "admitPerMinute": 600, "passMinutes": 5}})
    assert queued.status_code == 201 and queued.json()["event"]["queue"]["admitPerMinute"] == 600, queued.text
    assert anonymous.get(f"{events_path}/{event}").json()["event"]["queue"] is None
    queue_path = f"{events_path}/{queued.json()['event']['id']}/queue"
    status = anonymous.get(queue_path)
    assert status.status_code == 200 and "entry" not in status.json()
    challenge = status.json()["challenge"]
    assert code(customer.post(queue_path, json={"nonce": "wrong"})) == "bad_proof"
    nonce = solve_proof(challenge["value"], customer.user["id"], challenge["difficulty"])
    joined = customer.post(queue_path, json={"nonce": nonce})
    assert joined.status_code == 201, joined.text
    assert customer.post(queue_path, json={"nonce": nonce}).status_code == 200
    queued_holds = f"{events_path}/{queued.json()['event']['id']}/holds"
    assert code(customer.post(queued_holds, json={"ga": [{"section": "floor", "quantity": 1}]})) == "queue_required"
    assert code(customer.post(queued_holds, json={"ga": [{"section": "floor", "quantity": 1}]},
                              headers={"Queue-Pass": "qp1.local.1.4102444800.AAAA"})) == "invalid_pass"
    wait_for(lambda: customer.get(queue_path).json().get("entry", {}).get("state") == "admitted", message="admission")
    admitted = customer.get(queue_path).json()["entry"]
    held = customer.post(queued_holds, json={"ga": [{"section": "floor", "quantity": 1}]}, headers={"Queue-Pass": admitted["pass"]})
    assert held.status_code == 201, held.text
    assert code(other.post(queued_holds, json={"ga": [{"section": "floor", "quantity": 1}]},
                           headers={"Queue-Pass": admitted["pass"]})) == "invalid_pass"
    paused = organizer.patch(queue_path, json={"paused": True, "admitPerMinute": 60})
    assert paused.status_code == 200 and paused.json()["queue"]["state"] == "paused"
    assert customer.patch(queue_path, json={"paused": False}).status_code == 403
    assert anonymous.get(f"{events_path}/{event}/queue").status_code == 404

    # Cancelling an event.
    assert organizer.post(f"{events_path}/{doomed}/cancel").json()["event"]["status"] == "cancelled"
    assert code(organizer.post(f"{events_path}/{doomed}/cancel")) == "event_cancelled"
    assert code(customer.post(f"{events_path}/{doomed}/holds", json={"seats": ["stalls-A-4"]})) == "event_cancelled"
    assert code(organizer.patch(f"{events_path}/{doomed}", json={"title": "Back"})) == "event_cancelled"
    assert customer.post(f"{events_path}/{event}/cancel").status_code == 403

    # Cookie sessions need the CSRF token on writes; the bearer token needs none.
    browser = requests.Session()
    signed_in = browser.post(stack.url("/api/auth/login"), json={"email": email, "password": PASSWORD}, timeout=30)
    contract.check(signed_in)
    me = contract.check(browser.get(stack.url("/api/me"), timeout=30))
    refused = contract.check(browser.post(stack.url(holds_path), json={"seats": ["stalls-A-4"]}, timeout=30))
    assert refused.status_code == 403 and code(refused) == "csrf_failed"
    allowed = contract.check(browser.post(stack.url(holds_path), json={"seats": ["stalls-A-4"]},
                                          headers={"X-CSRF-Token": me.json()["csrfToken"]}, timeout=30))
    assert allowed.status_code == 201, allowed.text
    assert contract.check(browser.post(stack.url("/api/auth/logout"), headers={"X-CSRF-Token": me.json()["csrfToken"]},
                                       timeout=30)).status_code == 204

    # Own data: who is signed in (for anyone), the export, and deleting an account.
    assert anonymous.get("/api/session").json() == {"signedIn": False}
    assert customer.get("/api/session").json()["signedIn"] is True
    exported = customer.get("/api/me/export")
    assert exported.status_code == 200 and exported.json()["account"]["id"] == customer.user["id"]
    leaving = signed_up(stack, contract)
    assert code(leaving.delete("/api/me", json={"password": "not the password"})) == "wrong_password"
    assert code(organizer.delete("/api/me", json={"password": PASSWORD})) == "owns_venues"
    assert leaving.delete("/api/me", json={"password": PASSWORD}).status_code == 204
    assert leaving.get("/api/me").status_code == 401

    # Account recovery and signed-in changes (the whole flow through email: test_password_reset.py).
    assert anonymous.post("/api/auth/password-reset", json={"email": leaving.user["email"]}).status_code == 202
    assert code(anonymous.post("/api/auth/password-reset", json={"email": "not an address"})) == "invalid_email"
    recovering = signed_up(stack, contract)
    token = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    with sqlite3.connect(os.path.join(stack.data_dir, "auth.sqlite")) as db:
        db.execute("INSERT INTO password_reset (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
                   (hashlib.sha256(token.encode()).hexdigest(), recovering.user["id"], int(time.time()) + 600))
    assert code(anonymous.post("/api/auth/password-reset/confirm", json={"token": token, "password": "short"})) == "weak_password"
    assert anonymous.post("/api/auth/password-reset/confirm", json={"token": token, "password": PASSWORD}).status_code == 200
    assert code(anonymous.post("/api/auth/password-reset/confirm", json={"token": token, "password": PASSWORD})) == "invalid_token"
    assert customer.patch("/api/me", json={"name": "Renamed"}).json()["user"]["name"] == "Renamed"
    assert code(customer.patch("/api/me", json={"password": "another passphrase", "currentPassword": "wrong!"})) == "wrong_password"
    assert code(customer.patch("/api/me", json={"email": organizer.user["email"], "currentPassword": PASSWORD})) == "email_taken"

    # Readiness, as monitoring asks for it.
    ready = contract.check(requests.get(stack.url("/api/health/ready"), timeout=10))
    assert ready.status_code == 200, ready.text

    # Methods, sizes and signing out.
    wrong = contract.check(requests.delete(stack.url("/api/health"), timeout=10))
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "GET"
    assert organizer.post("/api/venues", data=b"x" * (1024 * 1024 + 10),
                          headers={"Content-Type": "application/json"}).status_code == 413
    assert customer.post("/api/auth/logout").status_code == 204
    assert customer.get("/api/me").status_code == 401

    # Every operation of the document was met at least once, with a success.
    succeeded = {(m, t) for m, t, s in contract.seen if s.startswith("2")}
    missing = sorted(route for route in document_routes(contract.document) if route not in succeeded
                     and route != ("GET", "/api/metrics"))
    assert not missing, f"the flow never got a 2xx from {missing}"


def test_metrics_and_health_conform(stack, contract):
    r = contract.check(requests.get(stack.url("/api/metrics"), timeout=10))
    assert r.status_code == 200 and "booking_http_requests_total" in r.text
    contract.check(requests.get(stack.url("/api/health"), timeout=10))

