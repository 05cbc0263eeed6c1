"""Vouchers and hidden sections (issue 21, API.md "Vouchers") through nginx and the worker pool.

Each bug the issue cites from other ticket shops is a test of its own here:
- alf.io #1355: a section-restricted code that discounts the whole order, or exceeds its uses;
- Hi.Events #699: a 100 % code that still charges something;
- pretix #1163: a cancelled booking that makes a used-up code usable twice over, or not at all.
"""
import os
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from api import error_code, make_event, make_venue, register
from stack import Stack
from test_concurrency import assert_database_is_sound, venue_db

PAY = {"method": "test"}


def world(stack, ga=30, hidden=None, max_per_customer=10):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer, rows=2, seats=5, ga=ga)
    event = make_event(organizer, venue, max_per_customer=max_per_customer)
    if hidden:
        r = organizer.patch(f"/api/venues/{venue}/events/{event}", json={"hiddenSections": hidden})
        assert r.status_code == 200 and r.json()["event"]["hiddenSections"] == hidden, r.text
    return organizer, venue, event


def make_voucher(organizer, venue, event, **body):
    r = organizer.post(f"/api/venues/{venue}/events/{event}/vouchers", json=body)
    assert r.status_code == 201, r.text
    return r.json()["voucher"]


def uses(organizer, venue, event, code):
    listed = organizer.get(f"/api/venues/{venue}/events/{event}/vouchers").json()["vouchers"]
    return next(v["uses"] for v in listed if v["code"] == code.upper())


def book(customer, venue, event, **body):
    return customer.post(f"/api/venues/{venue}/bookings", json=dict(body, eventId=event, payment=body.get("payment", PAY)))


def test_the_three_kinds_reprice_each_ticket_and_codes_ignore_case(stack):
    organizer, venue, event = world(stack)
    make_voucher(organizer, venue, event, code="Pct25", percentOff=25)
    make_voucher(organizer, venue, event, code="off500", amountOff=500)
    make_voucher(organizer, venue, event, code="FIXED", price=1000)
    customer = register(stack)
    expected = {"pct25": ("stalls-A-1", 3375), "OFF500": ("stalls-A-2", 4000), "fixed": ("stalls-A-3", 1000)}
    for code, (seat, price) in expected.items():
        r = book(customer, venue, event, seats=[seat], voucher=code)
        assert r.status_code == 201, r.text
        booking = r.json()["booking"]
        assert [t["price"] for t in booking["tickets"]] == [price]
        assert booking["total"] == price and booking["voucher"] == {"code": code.upper(), "discount": 4500 - price}
    again = customer.get(f"/api/venues/{venue}/bookings/{booking['id']}").json()["booking"]
    assert again["voucher"]["code"] == "FIXED" and again["tickets"][0]["price"] == 1000


def test_alf_io_1355_a_section_code_discounts_only_its_section_and_never_exceeds_its_uses(stack):
    organizer, venue, event = world(stack)
    make_voucher(organizer, venue, event, code="FLOORHALF", percentOff=50, sections=["floor"], maxUses=2)
    customer = register(stack)
    hold = customer.post(f"/api/venues/{venue}/events/{event}/holds",
                         json={"seats": ["stalls-A-1"], "ga": [{"section": "floor", "quantity": 2}], "voucher": "floorhalf"})
    assert hold.status_code == 201, hold.text
    assert hold.json()["hold"]["total"] == 4500 + 2 * 1000, "the stalls seat keeps its price"
    assert hold.json()["hold"]["voucher"] == {"code": "FLOORHALF", "discount": 2000}
    booked = customer.post(f"/api/venues/{venue}/bookings", json={"holdId": hold.json()["hold"]["id"], "payment": PAY})
    prices = sorted((t["section"], t["price"]) for t in booked.json()["booking"]["tickets"])
    assert prices == [("floor", 1000), ("floor", 1000), ("stalls", 4500)]
    refused = book(register(stack), venue, event, ga=[{"section": "floor", "quantity": 1}], voucher="FLOORHALF")
    assert refused.status_code == 409 and error_code(refused) == "voucher_used_up"
    assert uses(organizer, venue, event, "floorhalf") == 2
    stats = organizer.get(f"/api/venues/{venue}/events/{event}/stats").json()
    assert stats["revenue"] == 4500 + 2 * 1000, "the organizer's revenue is what was paid"
    discounted = venue_db(stack, venue).execute(
        "SELECT count(*) FROM ticket WHERE event_id = ? AND price < 2000 AND section_id = 'floor'", (event,)).fetchone()[0]
    assert discounted == 2


def test_hi_events_699_a_100_percent_code_books_without_the_payment_provider(stack):
    organizer, venue, event = world(stack)
    make_voucher(organizer, venue, event, code="FREE", percentOff=100)
    customer = register(stack)
    # A declining card would refuse any charge: a free order must not reach the provider at all.
    r = book(customer, venue, event, seats=["stalls-A-1", "stalls-A-2"], voucher="free",
             payment={"method": "test", "token": "tok_decline"})
    assert r.status_code == 201, r.text
    booking = r.json()["booking"]
    assert booking["total"] == 0 and [t["price"] for t in booking["tickets"]] == [0, 0]
    payment = venue_db(stack, venue).execute("SELECT id, amount, state FROM payment WHERE booking_id = ?", (booking["id"],)).fetchone()
    assert payment[1:] == (0, "captured")
    ledger_path = os.path.join(stack.data_dir, "simulated-payments.sqlite")
    if os.path.exists(ledger_path):
        charged = sqlite3.connect(ledger_path).execute("SELECT count(*) FROM charge WHERE payment_id = ?", (payment[0],)).fetchone()[0]
        assert charged == 0, "the provider was never asked"
    cancelled = customer.post(f"/api/venues/{venue}/bookings/{booking['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["booking"]["status"] == "cancelled"


def test_pretix_1163_a_cancelled_booking_gives_its_uses_back_exactly_once(stack):
    organizer, venue, event = world(stack)
    make_voucher(organizer, venue, event, code="ONCE", amountOff=1000, maxUses=1)
    first, second, third = register(stack), register(stack), register(stack)
    booked = book(first, venue, event, seats=["stalls-A-1"], voucher="once")
    assert booked.status_code == 201
    assert error_code(book(second, venue, event, seats=["stalls-A-2"], voucher="once")) == "voucher_used_up"
    assert first.post(f"/api/venues/{venue}/bookings/{booked.json()['booking']['id']}/cancel").status_code == 200
    assert error_code(first.post(f"/api/venues/{venue}/bookings/{booked.json()['booking']['id']}/cancel")) == "already_cancelled"
    assert uses(organizer, venue, event, "ONCE") == 0
    again = book(second, venue, event, seats=["stalls-A-2"], voucher="once")
    assert again.status_code == 201, "usable again, once"
    assert error_code(book(third, venue, event, seats=["stalls-A-3"], voucher="once")) == "voucher_used_up", "not twice over"
    assert uses(organizer, venue, event, "ONCE") == 1


def test_a_released_hold_gives_its_uses_back_and_a_customer_has_their_own_limit(stack):
    organizer, venue, event = world(stack)
    make_voucher(organizer, venue, event, code="TWOEACH", percentOff=10, maxUsesPerCustomer=2)
    customer = register(stack)
    holds = f"/api/venues/{venue}/events/{event}/holds"
    hold = customer.post(holds, json={"ga": [{"section": "floor", "quantity": 2}], "voucher": "twoeach"})
    assert hold.status_code == 201
    assert error_code(customer.post(holds, json={"seats": ["stalls-A-1"], "voucher": "TWOEACH"})) == "voucher_used_up"
    assert register(stack).post(holds, json={"seats": ["stalls-A-1"], "voucher": "TWOEACH"}).status_code == 201, "another customer's own"
    assert customer.delete(f"/api/venues/{venue}/holds/{hold.json()['hold']['id']}").status_code == 204
    assert customer.post(holds, json={"seats": ["stalls-A-2"], "voucher": "TWOEACH"}).status_code == 201


def test_an_expired_hold_gives_its_uses_back():
    stack = Stack(HOLD_TTL="5")
    try:
        organizer, venue, event = world(stack)
        make_voucher(organizer, venue, event, code="SHORT", percentOff=10, maxUses=1)
        holds = f"/api/venues/{venue}/events/{event}/holds"
        assert register(stack).post(holds, json={"seats": ["stalls-A-1"], "voucher": "short"}).status_code == 201
        other = register(stack)
        assert error_code(other.post(holds, json={"seats": ["stalls-A-2"], "voucher": "short"})) == "voucher_used_up"
        time.sleep(6)
        assert uses(organizer, venue, event, "SHORT") == 0
        assert other.post(holds, json={"seats": ["stalls-A-2"], "voucher": "short"}).status_code == 201
    finally:
        stack.stop()


def test_unknown_other_events_expired_and_future_codes_are_invalid(stack):
    organizer, venue, event = world(stack)
    other_event = make_event(organizer, venue, title="Other")
    make_voucher(organizer, venue, other_event, code="ELSEWHERE", percentOff=10)
    make_voucher(organizer, venue, event, code="OLD", percentOff=10, validUntil="2020-01-01T00:00:00Z")
    make_voucher(organizer, venue, event, code="LATER", percentOff=10, validFrom="2029-01-01T00:00:00Z")
    customer = register(stack)
    for code in ["nosuch", "ELSEWHERE", "old", "later", "x" * 200, "has space"]:
        r = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-A-1"], "voucher": code})
        assert r.status_code == 422 and error_code(r) == "invalid_voucher", (code, r.text)
    assert venue_db(stack, venue).execute("SELECT count(*) FROM hold").fetchone()[0] == 0


def test_hidden_sections_need_a_voucher_that_names_them_and_show_unavailable(stack):
    organizer, venue, event = world(stack, hidden=["stalls", "floor"])
    make_voucher(organizer, venue, event, code="PRESALE", percentOff=0, sections=["stalls"])
    make_voucher(organizer, venue, event, code="ANYTHING", percentOff=10)
    seats = requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats")).json()
    assert {s["state"] for s in seats["seats"]} == {"sold"}, "hidden seats are not for the public"
    assert [g["available"] for g in seats["ga"]] == [0]
    customer = register(stack)
    holds = f"/api/venues/{venue}/events/{event}/holds"
    for body in [{"seats": ["stalls-A-1"]}, {"seats": ["stalls-A-1"], "voucher": "anything"},
                 {"ga": [{"section": "floor", "quantity": 1}], "voucher": "presale"}]:
        r = customer.post(holds, json=body)
        assert r.status_code == 422 and error_code(r) == "voucher_required", (body, r.text)
    sold = book(customer, venue, event, seats=["stalls-A-1"], voucher="presale")
    assert sold.status_code == 201 and sold.json()["booking"]["total"] == 4500


def test_the_event_list_keeps_a_hidden_tier_out_of_its_price_and_places(stack):
    organizer, venue, event = world(stack, ga=30, hidden=["floor"])  # stalls 45.00 x 10 seats, floor 20.00 x 30 hidden
    title = requests.get(stack.url(f"/api/venues/{venue}/events/{event}")).json()["event"]["title"]
    deadline = time.time() + 10
    listed = None
    while time.time() < deadline:
        found = [e for e in requests.get(stack.url("/api/events"), params={"venue": venue}).json()["events"] if e["id"] == event]
        listed = found[0] if found else None
        if listed and listed["available"] == 10 and listed["minPrice"] == 4500:
            break
        time.sleep(0.2)
    assert listed and listed["title"] == title
    assert listed["minPrice"] == 4500, "the presale's price is not shown"
    assert listed["available"] == 10, "the hidden tier's places are not counted"


def test_bad_voucher_bodies_are_refused_and_change_nothing(stack):
    organizer, venue, event = world(stack)
    path = f"/api/venues/{venue}/events/{event}/vouchers"
    cases = [
        ({"code": "A", "percentOff": "ten"}, 400, "invalid_body"),
        ({"code": 5, "percentOff": 10}, 400, "invalid_body"),
        ({"percentOff": 10}, 400, "invalid_body"),
        ({"code": "NEG", "percentOff": -1}, 422, "validation_failed"),
        ({"code": "BIG", "percentOff": 101}, 422, "validation_failed"),
        ({"code": "NEGAMT", "amountOff": -5}, 422, "validation_failed"),
        ({"code": "TWO", "percentOff": 10, "amountOff": 100}, 422, "validation_failed"),
        ({"code": "NONE"}, 422, "validation_failed"),
        ({"code": "has space", "percentOff": 10}, 422, "validation_failed"),
        ({"code": "X" * 200, "percentOff": 10}, 422, "validation_failed"),
        ({"code": "", "percentOff": 10}, 422, "validation_failed"),
        ({"code": "SEC", "percentOff": 10, "sections": ["nowhere"]}, 422, "validation_failed"),
        ({"code": "USES", "percentOff": 10, "maxUses": 0}, 422, "validation_failed"),
        ({"code": "WIN", "percentOff": 10, "validFrom": "2030-01-01T00:00:00Z", "validUntil": "2029-01-01T00:00:00Z"}, 422,
         "validation_failed"),
    ]
    for body, status, code in cases:
        r = organizer.post(path, json=body)
        assert r.status_code == status and error_code(r) == code, (body, r.text)
        assert set(r.json()["error"]) <= {"code", "message", "details"}
    assert organizer.get(path).json()["vouchers"] == []
    make_voucher(organizer, venue, event, code="Taken", percentOff=10)
    assert error_code(organizer.post(path, json={"code": "TAKEN", "price": 100})) == "voucher_exists"
    bad_hold = register(stack).post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-A-1"], "voucher": 7})
    assert bad_hold.status_code == 400 and error_code(bad_hold) == "invalid_body"
    assert len(organizer.get(path).json()["vouchers"]) == 1


def test_a_deleted_voucher_leaves_its_bookings_prices_and_its_code_free(stack):
    organizer, venue, event = world(stack)
    make_voucher(organizer, venue, event, code="GONE", price=100)
    customer = register(stack)
    booked = book(customer, venue, event, seats=["stalls-A-1"], voucher="gone").json()["booking"]
    assert organizer.delete(f"/api/venues/{venue}/events/{event}/vouchers/gone").status_code == 204
    assert error_code(book(customer, venue, event, seats=["stalls-A-2"], voucher="GONE")) == "invalid_voucher"
    kept = customer.get(f"/api/venues/{venue}/bookings/{booked['id']}").json()["booking"]
    assert kept["total"] == 100 and kept["tickets"][0]["price"] == 100
    assert make_voucher(organizer, venue, event, code="GONE", percentOff=5)["uses"] == 0


def test_200_concurrent_bookings_with_a_10_use_code_give_exactly_10_discounted_tickets(stack):
    organizer, venue, event = world(stack, ga=300)
    make_voucher(organizer, venue, event, code="TEN", percentOff=50, maxUses=10)
    customers = [register(stack) for _ in range(40)]

    def buy(i):
        r = book(customers[i % len(customers)], venue, event, ga=[{"section": "floor", "quantity": 1}], voucher="ten")
        return r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(buy, range(200)))
    statuses = [s for s, _ in results]
    assert set(statuses) <= {201, 409}, set(statuses)
    won = [body["booking"] for s, body in results if s == 201]
    assert len(won) == 10 and all(b["total"] == 1000 for b in won)
    assert all(body["error"]["code"] == "voucher_used_up" for s, body in results if s == 409)
    db = venue_db(stack, venue)
    assert db.execute("SELECT count(*) FROM ticket WHERE event_id = ? AND voucher_id IS NOT NULL", (event,)).fetchone()[0] == 10
    assert db.execute("SELECT count(*) FROM ticket WHERE event_id = ? AND price = 1000", (event,)).fetchone()[0] == 10
    assert uses(organizer, venue, event, "TEN") == 10
    assert_database_is_sound(stack)
