"""Venues, events, holds, bookings, tickets and check-in through the real stack."""
import time
import uuid

import pytest
import requests

from api import Client, error_code, make_event, make_venue, register
from stack import Stack, wait_for


@pytest.fixture(scope="module")
def world(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue)
    return {"organizer": organizer, "venue": venue, "event": event}


def seat_states(stack, venue, event):
    r = requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats"))
    assert r.status_code == 200
    return {s["id"]: s["state"] for s in r.json()["seats"]}, r.json()


def test_a_customer_holds_pays_gets_tickets_and_cancels(stack, world):
    venue, event = world["venue"], world["event"]
    customer = register(stack)
    r = customer.post(f"/api/venues/{venue}/events/{event}/holds",
                      json={"seats": ["stalls-A-1", "stalls-A-2"], "ga": [{"section": "floor", "quantity": 1}]})
    assert r.status_code == 201, r.text
    hold = r.json()["hold"]
    assert hold["total"] == 2 * 4500 + 2000 and hold["currency"] == "EUR"
    assert seat_states(stack, venue, event)[0]["stalls-A-1"] == "held"

    r = customer.post(f"/api/venues/{venue}/bookings", json={"holdId": hold["id"], "payment": {"method": "test", "token": "tok_ok"}})
    assert r.status_code == 201, r.text
    booking = r.json()["booking"]
    assert booking["status"] == "confirmed" and booking["venueId"] == venue and booking["eventId"] == event
    assert len(booking["tickets"]) == 3
    assert all(len(t["code"]) >= 12 for t in booking["tickets"])
    assert seat_states(stack, venue, event)[0]["stalls-A-2"] == "sold"

    mine = customer.get("/api/bookings").json()["bookings"]
    assert [b["id"] for b in mine] == [booking["id"]]
    qr = customer.get(f"/api/venues/{venue}/tickets/{booking['tickets'][0]['code']}/qr.svg")
    assert qr.status_code == 200 and qr.headers["Content-Type"] == "image/svg+xml" and qr.text.startswith("<svg")

    r = customer.post(f"/api/venues/{venue}/bookings/{booking['id']}/cancel")
    assert r.status_code == 200 and r.json()["booking"]["status"] == "cancelled"
    assert seat_states(stack, venue, event)[0]["stalls-A-1"] == "available"
    assert customer.post(f"/api/venues/{venue}/bookings/{booking['id']}/cancel").status_code == 409
    assert customer.get("/api/bookings").json()["bookings"][0]["status"] == "cancelled"


def test_a_taken_seat_is_409_naming_it_and_nothing_is_held(stack, world):
    venue, event = world["venue"], world["event"]
    first, second = register(stack), register(stack)
    assert first.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-B-1"]}).status_code == 201
    r = second.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-B-2", "stalls-B-1"]})
    assert r.status_code == 409 and error_code(r) == "seat_unavailable"
    assert r.json()["error"]["details"]["seats"] == ["stalls-B-1"]
    assert seat_states(stack, venue, event)[0]["stalls-B-2"] == "available"


def test_ga_sold_out_is_409(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer, ga=2)
    event = make_event(organizer, venue)
    customer = register(stack)
    r = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"ga": [{"section": "floor", "quantity": 3}]})
    assert r.status_code == 409 and error_code(r) == "sold_out"


def test_a_decline_leaves_no_booking_and_the_hold_can_be_paid_again(stack, world):
    venue, event = world["venue"], world["event"]
    customer = register(stack)
    hold = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-A-5"]}).json()["hold"]
    r = customer.post(f"/api/venues/{venue}/bookings", json={"holdId": hold["id"], "payment": {"method": "test", "token": "tok_decline"}})
    assert r.status_code == 402 and error_code(r) == "payment_declined"
    assert customer.get("/api/bookings").json()["bookings"] == []
    assert seat_states(stack, venue, event)[0]["stalls-A-5"] == "held"
    r = customer.post(f"/api/venues/{venue}/bookings", json={"holdId": hold["id"], "payment": {"method": "test"}})
    assert r.status_code == 201


def test_one_call_booking_and_its_decline_releases_the_seats(stack, world):
    venue, event = world["venue"], world["event"]
    customer = register(stack)
    r = customer.post(f"/api/venues/{venue}/bookings",
                      json={"eventId": event, "seats": ["stalls-A-4"], "payment": {"method": "test", "token": "tok_decline"}})
    assert r.status_code == 402
    assert seat_states(stack, venue, event)[0]["stalls-A-4"] == "available"
    r = customer.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": ["stalls-A-4"], "payment": {"method": "test"}})
    assert r.status_code == 201 and r.json()["booking"]["tickets"][0]["seatId"] == "stalls-A-4"


def test_idempotency_key_replays_and_refuses_a_different_body(stack, world):
    venue, event = world["venue"], world["event"]
    customer = register(stack)
    key = {"Idempotency-Key": "hold-" + uuid.uuid4().hex}
    first = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-B-3"]}, headers=key)
    again = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-B-3"]}, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    other = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-B-4"]}, headers=key)
    assert other.status_code == 422 and error_code(other) == "idempotency_mismatch"
    bad = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-B-4"]}, headers={"Idempotency-Key": "x" * 256})
    assert bad.status_code == 400

    pay_key = {"Idempotency-Key": "pay-" + uuid.uuid4().hex}
    body = {"holdId": first.json()["hold"]["id"], "payment": {"method": "test"}}
    paid = customer.post(f"/api/venues/{venue}/bookings", json=body, headers=pay_key)
    repeat = customer.post(f"/api/venues/{venue}/bookings", json=body, headers=pay_key)
    assert paid.status_code == repeat.status_code == 201
    assert paid.json()["booking"]["id"] == repeat.json()["booking"]["id"]
    assert len(customer.get("/api/bookings").json()["bookings"]) == 1


def test_seat_map_etag_and_304(stack, world):
    venue, event = world["venue"], world["event"]
    r = requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats"))
    etag = r.headers["ETag"]
    assert requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats"), headers={"If-None-Match": etag}).status_code == 304
    register(stack).post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-B-5"]})
    changed = requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats"), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json()["version"] > r.json()["version"]


def test_a_large_seat_map_is_gzipped_once_per_version_by_the_worker(stack):
    # nginx compresses a body as it streams it out (chunked, no Content-Length); the worker's
    # copy, made once per version, comes whole with its length.
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer, rows=20, seats=30, ga=0)
    event = make_event(organizer, venue, prices={"stalls": 4500})
    url = stack.url(f"/api/venues/{venue}/events/{event}/seats")
    plain = requests.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.headers.get("Content-Encoding") is None and plain.headers["Vary"] == "Accept-Encoding"
    assert len(plain.content) > 1024 and plain.headers["ETag"].startswith('"')

    zipped = requests.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.headers["Vary"] == "Accept-Encoding"
    assert int(zipped.headers["Content-Length"]) < len(plain.content) / 4
    assert zipped.json() == plain.json()  # requests un-gzips once: nginx did not compress it again
    assert zipped.headers["ETag"] == "W/" + plain.headers["ETag"]

    refused = requests.get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert refused.headers.get("Content-Encoding") is None and refused.content == plain.content
    head = requests.head(url, headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.headers["Content-Encoding"] == "gzip" and head.content == b""

    # Either tag is the current version's: 304, naming the tag the client holds, until the
    # map changes. A 304 has no Content-Length (it would have to be the 200's).
    for tag in (plain.headers["ETag"], zipped.headers["ETag"]):
        same = requests.get(url, headers={"If-None-Match": tag, "Accept-Encoding": "gzip"})
        assert same.status_code == 304 and same.headers["ETag"] == tag and same.headers["Vary"] == "Accept-Encoding"
        assert "Content-Length" not in same.headers
    register(stack).post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-C-7"]})
    changed = requests.get(url, headers={"If-None-Match": zipped.headers["ETag"], "Accept-Encoding": "gzip"})
    assert changed.status_code == 200 and changed.headers["Content-Encoding"] == "gzip"
    assert {s["id"]: s["state"] for s in changed.json()["seats"]}["stalls-C-7"] == "held"


def test_visibility_of_other_peoples_holds_and_bookings(stack, world):
    venue, event = world["venue"], world["event"]
    owner, stranger = register(stack), register(stack)
    r = owner.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "ga": [{"section": "floor", "quantity": 1}], "payment": {"method": "test"}})
    booking = r.json()["booking"]
    assert stranger.get(f"/api/venues/{venue}/bookings/{booking['id']}").status_code == 404
    assert stranger.post(f"/api/venues/{venue}/bookings/{booking['id']}/cancel").status_code == 404
    assert world["organizer"].get(f"/api/venues/{venue}/bookings/{booking['id']}").status_code == 200
    hold = owner.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-B-2"]}).json()["hold"]
    assert stranger.delete(f"/api/venues/{venue}/holds/{hold['id']}").status_code == 404
    assert owner.delete(f"/api/venues/{venue}/holds/{hold['id']}").status_code == 204


def test_check_in_once_and_never_for_a_cancelled_booking(stack, world):
    venue, event, organizer = world["venue"], world["event"], world["organizer"]
    customer = register(stack)
    booking = customer.post(f"/api/venues/{venue}/bookings",
                            json={"eventId": event, "seats": ["stalls-A-3"], "ga": [{"section": "floor", "quantity": 1}],
                                  "payment": {"method": "test"}}).json()["booking"]
    code, other = booking["tickets"][0]["code"], booking["tickets"][1]["code"]
    typed = code.lower()[:4] + "-" + code.lower()[4:]
    assert organizer.post(f"/api/venues/{venue}/events/{event}/checkins", json={"code": typed}).status_code == 200
    again = organizer.post(f"/api/venues/{venue}/events/{event}/checkins", json={"code": code})
    assert again.status_code == 409 and error_code(again) == "already_checked_in"
    customer.post(f"/api/venues/{venue}/bookings/{booking['id']}/cancel")
    cancelled = organizer.post(f"/api/venues/{venue}/events/{event}/checkins", json={"code": other})
    assert cancelled.status_code == 409 and error_code(cancelled) == "ticket_cancelled"
    assert organizer.post(f"/api/venues/{venue}/events/{event}/checkins", json={"code": "0000000000000Z"}).status_code == 404
    stats = organizer.get(f"/api/venues/{venue}/events/{event}/stats").json()
    assert stats["checkedIn"] >= 0 and set(stats) == {"sold", "held", "available", "revenue", "checkedIn"}


def test_event_list_search_filters_and_pagination(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    tag = uuid.uuid4().hex[:8]
    ids = [make_event(organizer, venue, title=f"Gala {tag} {i}") for i in range(3)]
    page = requests.get(stack.url("/api/events"), params={"q": tag, "limit": 2}).json()
    assert len(page["events"]) == 2 and page["nextCursor"]
    rest = requests.get(stack.url("/api/events"), params={"q": tag, "limit": 2, "cursor": page["nextCursor"]}).json()
    assert len(rest["events"]) == 1 and rest["nextCursor"] is None
    assert sorted(e["id"] for e in page["events"] + rest["events"]) == sorted(ids)
    first = page["events"][0]
    assert first["minPrice"] == 2000 and first["currency"] == "EUR" and first["available"] == 13
    assert requests.get(stack.url("/api/events"), params={"venue": venue, "q": tag}).json()["events"]
    assert requests.get(stack.url("/api/events"), params={"limit": 0}).status_code == 400
    assert requests.get(stack.url("/api/events"), params={"cursor": "!!!"}).status_code == 400


def test_paging_the_list_while_events_are_created_neither_skips_nor_repeats(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)

    def create(day):
        r = organizer.post(f"/api/venues/{venue}/events", json={
            "title": f"Day {day}", "startsAt": f"2031-03-{day:02d}T19:00:00Z", "currency": "EUR", "prices": {"stalls": 100, "floor": 100}})
        assert r.status_code == 201, r.text
        return r.json()["event"]["id"]
    existing = {create(day) for day in range(2, 29, 2)}  # 14 events, every other day
    seen, cursor, added = [], None, set()
    for round_ in range(20):
        page = requests.get(stack.url("/api/events"), params={"venue": venue, "limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [e["id"] for e in page["events"]]
        # Between pages, events appear before the cursor and after it.
        added |= {create(1 + 2 * round_), create(min(27, 5 + 2 * round_))} if round_ < 3 else set()
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)), "no event twice"
    assert existing <= set(seen), "every event that was there from the start is on some page"
    assert set(seen) <= existing | added


def test_an_unchanged_event_list_is_a_304(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    make_event(organizer, venue, title="Tagged one")
    url = stack.url(f"/api/events?venue={venue}")
    first = requests.get(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    tag = first.headers["ETag"]
    again = requests.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == tag
    make_event(organizer, venue, title="Tagged two")
    changed = requests.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag and len(changed.json()["events"]) == 2


def test_the_event_list_counts_free_places_per_event_across_venues(stack):
    # The notifier counts each event's places when its seats change; every count is its own.
    organizer = register(stack, role="organizer")
    first, second = make_venue(organizer), make_venue(organizer, rows=1, seats=4, ga=0)
    tag = uuid.uuid4().hex[:8]
    busy = make_event(organizer, first, title=f"Fair {tag} busy")
    quiet = make_event(organizer, first, title=f"Fair {tag} quiet")
    small = make_event(organizer, second, title=f"Fair {tag} small", prices={"stalls": 1000})
    called_off = make_event(organizer, second, title=f"Fair {tag} called off", prices={"stalls": 1000})
    customer = register(stack)
    r = customer.post(f"/api/venues/{first}/bookings", json={"eventId": busy, "seats": ["stalls-A-1", "stalls-A-2"],
                                                          "ga": [{"section": "floor", "quantity": 1}], "payment": {"method": "test"}})
    assert r.status_code == 201
    assert customer.post(f"/api/venues/{second}/events/{small}/holds", json={"seats": ["stalls-A-1"]}).status_code == 201
    assert organizer.post(f"/api/venues/{second}/events/{called_off}/cancel").status_code == 200
    expected = {busy: (13 - 3, "scheduled"), quiet: (13, "scheduled"), small: (4 - 1, "scheduled"), called_off: (0, "cancelled")}

    def listed():
        return {e["id"]: (e["available"], e["status"]) for e in requests.get(stack.url("/api/events"), params={"q": tag}).json()["events"]}
    # The list may lag the venue by a notifier round (the seat map and holds stay exact).
    wait_for(lambda: listed() == expected, timeout=5, message=f"the list's counts {listed()}")

    # A booking shows in the list within a round.
    again = customer.post(f"/api/venues/{first}/bookings", json={"eventId": quiet, "ga": [{"section": "floor", "quantity": 2}],
                                                              "payment": {"method": "test"}})
    assert again.status_code == 201, again.text
    expected[quiet] = (13 - 2, "scheduled")
    wait_for(lambda: listed() == expected, timeout=5, message="the booking counted in the list")


def test_changing_and_cancelling_an_event(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue)
    r = organizer.patch(f"/api/venues/{venue}/events/{event}", json={"title": "Renamed", "startsAt": "2030-07-01T19:00:00Z"})
    assert r.status_code == 200 and r.json()["event"]["title"] == "Renamed"
    customer = register(stack)
    customer.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": ["stalls-A-1"], "payment": {"method": "test"}})
    r = organizer.post(f"/api/venues/{venue}/events/{event}/cancel")
    assert r.status_code == 200 and r.json()["event"]["status"] == "cancelled"
    assert customer.get("/api/bookings").json()["bookings"][0]["status"] == "cancelled"
    r = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-A-2"]})
    assert r.status_code == 409 and error_code(r) == "event_cancelled"


def test_bad_input_gets_a_clear_4xx_and_changes_nothing(stack, world):
    venue, event = world["venue"], world["event"]
    customer = register(stack)
    holds = f"/api/venues/{venue}/events/{event}/holds"
    assert customer.call("POST", holds, data=b"{not json", headers={"Content-Type": "application/json"}).status_code == 400
    assert customer.call("POST", holds, data=b'{"seats": "stalls-A-1"}', headers={"Content-Type": "application/json"}).status_code == 400
    assert customer.call("POST", holds, data=b'{"seats": ["stalls-A-1"]}', headers={"Content-Type": "text/plain"}).status_code == 415
    assert customer.post(holds, json={"seats": [f"stalls-A-{i}" for i in range(101)]}).status_code == 422
    assert customer.post(holds, json={"ga": [{"section": "floor", "quantity": 10**30}]}).status_code == 400
    deep = b"[" * 10000 + b"]" * 10000
    assert customer.call("POST", holds, data=deep, headers={"Content-Type": "application/json"}).status_code == 400
    for venue_id in ["..%2F..%2Fetc%2Fpasswd", "UPPER", "a" * 64, "%00", "..", "-dash"]:
        r = requests.get(stack.url(f"/api/venues/{venue_id}"))
        assert r.status_code in (400, 404), venue_id
        assert r.headers["Content-Type"].startswith("application/json")
    assert requests.get(stack.url(f"/api/venues/{venue}/events/e_unknown")).status_code == 404
    assert seat_states(stack, venue, event)[1]["version"] >= 1


def test_hostile_hold_and_booking_bodies_get_4xx_and_change_nothing(stack, world):
    venue, event = world["venue"], world["event"]
    customer = register(stack)
    before = requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats")).json()
    holds = f"/api/venues/{venue}/events/{event}/holds"
    cases = [
        {"seats": ["stalls-A-1", "stalls-A-1"]},                       # duplicate seat
        {"seats": ["stalls-Q-99"]},                                    # unknown seat
        {"seats": ["x" * 100000]},                                     # huge string
        {"seats": [f"s{i}" for i in range(10000)]},                    # 10k-element list
        {"ga": [{"section": "floor", "quantity": -1}]},                # negative quantity
        {"ga": [{"section": "floor", "quantity": 0}]},
        {"ga": [{"section": "floor", "quantity": 1}, {"section": "floor", "quantity": 1}]},
        {"ga": [{"section": "nowhere", "quantity": 1}]},
        {"ga": [{"section": "floor", "quantity": "1"}]},               # wrong type
        {"seats": None, "ga": None},                                   # nothing asked
        {"seats": [1, 2]},
        [],
    ]
    for body in cases:
        r = customer.post(holds, json=body)
        assert 400 <= r.status_code < 500, (str(body)[:80], r.status_code)
        assert r.json()["error"]["code"]
    bookings = f"/api/venues/{venue}/bookings"
    for body in [{"payment": {"method": "test"}}, {"holdId": "h_nope", "payment": {"method": "test"}},
                 {"holdId": 5, "payment": {"method": "test"}}, {"eventId": event, "seats": ["stalls-A-1"], "payment": {"method": "card"}},
                 {"eventId": event, "seats": ["stalls-A-1"]}, {"eventId": "e_nope", "seats": ["stalls-A-1"], "payment": {"method": "test"}}]:
        r = customer.post(bookings, json=body)
        assert 400 <= r.status_code < 500, (body, r.status_code)
    after = requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats")).json()
    assert after == before, "nothing changed"
    assert customer.get("/api/bookings").json()["bookings"] == []


def test_rule_violations_are_422(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue, max_per_customer=2)
    customer = register(stack)
    r = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-A-1", "stalls-A-2", "stalls-A-3"]})
    assert r.status_code == 422 and error_code(r) == "ticket_limit"
    r = organizer.post(f"/api/venues/{venue}/events", json={"title": "Past", "startsAt": "2020-01-01T19:00:00Z", "currency": "EUR",
                                                           "prices": {"stalls": 1, "floor": 1}})
    assert r.status_code == 422
    r = organizer.post(f"/api/venues/{venue}/events", json={"title": "No price", "startsAt": "2031-01-01T19:00:00Z", "currency": "EUR",
                                                           "prices": {"stalls": 1}})
    assert r.status_code == 422
    r = organizer.post(f"/api/venues/{venue}/events", json={"title": "Later", "startsAt": "2031-01-01T19:00:00Z", "currency": "EUR",
                                                           "prices": {"stalls": 1, "floor": 1}, "salesStartAt": "2030-12-01T00:00:00Z"})
    later = r.json()["event"]["id"]
    r = customer.post(f"/api/venues/{venue}/events/{later}/holds", json={"seats": ["stalls-A-1"]})
    assert r.status_code == 422 and error_code(r) == "not_on_sale"
    r = organizer.post("/api/venues", json={"id": venue, "name": "Again", "timezone": "Europe/Paris",
                                            "layout": {"sections": [{"id": "f", "name": "F", "kind": "ga", "capacity": 1}]}})
    assert r.status_code == 409 and error_code(r) == "venue_exists"
    r = organizer.post("/api/venues", json={"id": "tz-" + venue, "name": "Bad zone", "timezone": "Mars/Olympus",
                                            "layout": {"sections": [{"id": "f", "name": "F", "kind": "ga", "capacity": 1}]}})
    assert r.status_code == 422


def test_an_expired_hold_frees_seats_and_changes_the_etag():
    stack = Stack(HOLD_TTL="5")
    try:
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer)
        event = make_event(organizer, venue)
        customer = register(stack)
        hold = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-A-1"]}).json()["hold"]
        held = requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats"))
        assert {s["id"]: s["state"] for s in held.json()["seats"]}["stalls-A-1"] == "held"
        time.sleep(6)
        after = requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats"), headers={"If-None-Match": held.headers["ETag"]})
        assert after.status_code == 200, "no 304 once a hold expired"
        assert {s["id"]: s["state"] for s in after.json()["seats"]}["stalls-A-1"] == "available"
        r = customer.post(f"/api/venues/{venue}/bookings", json={"holdId": hold["id"], "payment": {"method": "test"}})
        assert r.status_code == 410 and error_code(r) == "hold_expired"
        other = register(stack)
        assert other.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-A-1"]}).status_code == 201
    finally:
        stack.stop()


def test_my_bookings_shows_a_booking_at_once_even_before_the_notifier_indexes_it():
    """The notifier feeds the cross-venue catalog; with it asleep for a minute, a booking in a
    new venue is still listed right away, because listing first catches up with venues that
    were just written."""
    stack = Stack(BOOKING_NOTIFIER_INTERVAL_MS="60000")
    try:
        organizer, customer = register(stack, role="organizer"), register(stack)
        time.sleep(0.5)  # the notifier's first round is over: it sleeps until long after the test
        bookings = []
        for _ in range(2):
            venue = make_venue(organizer)
            event = make_event(organizer, venue)
            r = customer.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": ["stalls-A-1"], "payment": {"method": "test"}})
            assert r.status_code == 201, r.text
            bookings.append(r.json()["booking"]["id"])
            # (both in the same second: their order is the ids')
            assert sorted(b["id"] for b in customer.get("/api/bookings").json()["bookings"]) == sorted(bookings)
    finally:
        stack.stop()


def test_a_booking_body_that_mixes_a_hold_with_one_call_fields_is_refused(stack, world):
    """Paying a hold and booking in one call are different requests: a body with holdId and
    seats (here listed twice) is a 422, and the hold is still there to pay."""
    venue = make_venue(world["organizer"])
    event = make_event(world["organizer"], venue)
    customer = register(stack)
    hold = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-B-4"]}).json()["hold"]
    before = seat_states(stack, venue, event)[0]
    for extra in ({"seats": ["stalls-B-5", "stalls-B-5"]}, {"eventId": event}, {"ga": [{"section": "floor", "quantity": 1}]}):
        r = customer.post(f"/api/venues/{venue}/bookings", json={"holdId": hold["id"], "payment": {"method": "test"}, **extra})
        assert r.status_code == 422 and error_code(r) == "validation_failed", r.text
    assert seat_states(stack, venue, event)[0] == before
    r = customer.post(f"/api/venues/{venue}/bookings", json={"holdId": hold["id"], "payment": {"method": "test"}})
    assert r.status_code == 201, r.text
