"""A small client for the booking API, for integration tests."""
import hashlib
import uuid

import requests

PASSWORD = "correct horse battery staple"


class Client:
    """An API client that authenticates with a bearer token (or anonymously)."""

    def __init__(self, stack, token=None, user=None):
        self.stack = stack
        self.token = token
        self.user = user
        self.session = requests.Session()

    def call(self, method, path, json=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        return self.session.request(method, self.stack.url(path), json=json, headers=headers, timeout=30, **kwargs)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.call("POST", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.call("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


def unique_email(prefix="user"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def register(stack, role="customer", email=None, password=PASSWORD):
    r = requests.post(stack.url("/api/auth/register"), timeout=30,
                      json={"email": email or unique_email(role), "password": password, "name": f"A {role}", "role": role})
    assert r.status_code == 201, r.text
    body = r.json()
    return Client(stack, body["token"], body["user"])


def make_venue(organizer, venue_id=None, rows=2, seats=5, ga=3):
    venue_id = venue_id or "v-" + uuid.uuid4().hex[:10]
    sections = [{"id": "stalls", "name": "Stalls", "kind": "seated",
                 "rows": [{"label": chr(65 + i), "seats": seats} for i in range(rows)]}]
    if ga:
        sections.append({"id": "floor", "name": "Floor", "kind": "ga", "capacity": ga})
    r = organizer.post("/api/venues", json={"id": venue_id, "name": "Hall " + venue_id, "city": "Lyon",
                                            "timezone": "Europe/Paris", "layout": {"sections": sections}})
    assert r.status_code == 201, r.text
    return venue_id


def make_event(organizer, venue_id, title="Show", max_per_customer=10, prices=None, currency="EUR"):
    r = organizer.post(f"/api/venues/{venue_id}/events", json={
        "title": title, "startsAt": "2030-06-01T19:00:00Z", "currency": currency,
        "prices": prices or {"stalls": 4500, "floor": 2000}, "maxTicketsPerCustomer": max_per_customer})
    assert r.status_code == 201, r.text
    return r.json()["event"]["id"]


def error_code(response):
    return response.json()["error"]["code"]


def solve_proof(challenge, user_id, difficulty):
    """A nonce for a queue's challenge (API.md, "On-sale queue"): SHA-256 of
    challenge:user:nonce begins with `difficulty` zero bits. About 2**difficulty hashes."""
    prefix = f"{challenge}:{user_id}:".encode()
    target = 1 << (256 - difficulty)
    nonce = 0
    while int.from_bytes(hashlib.sha256(prefix + str(nonce).encode()).digest(), "big") >= target:
        nonce += 1
    return str(nonce)
