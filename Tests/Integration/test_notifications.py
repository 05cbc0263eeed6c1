"""Emails through msmtp to a real SMTP server and the waiting list (faults of mail: test_faults.py)."""
import time

import pytest

from api import make_event, make_venue, register
from mail import MailServer, text_of
from stack import Stack, wait_for



@pytest.fixture(scope="module")
def mailed():
    server = MailServer()
    stack = Stack(SENDMAIL=server.sendmail, BOOKING_NOTIFIER_INTERVAL_MS="100", BOOKING_MAIL_FROM="bookings@test.example")
    yield stack, server.inbox
    stack.stop()
    server.stop()


def test_a_confirmation_email_carries_the_tickets(mailed):
    stack, inbox = mailed
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue, title="Café Carmen — première")
    customer = register(stack)
    booking = customer.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": ["stalls-A-1", "stalls-A-2"],
                                                                  "payment": {"method": "test"}}).json()["booking"]
    address = customer.user["email"]
    wait_for(lambda: inbox.to(address), message="the confirmation")
    mail = inbox.to(address)[0]
    message = mail["message"]
    assert mail["from"] == "bookings@test.example"
    assert str(message["Subject"]) == "Your tickets for Café Carmen — première"
    headers = mail["raw"].split(b"\r\n\r\n")[0]
    assert b"Subject: =?UTF-8?B?" in headers, "a non-ASCII subject is RFC 2047-encoded"
    assert all(byte < 0x80 for byte in headers), "headers are plain ASCII on the wire"
    body = text_of(message)
    for ticket in booking["tickets"]:
        assert ticket["code"] in body
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Café Carmen" in html and "<script" not in html


def test_cancellation_and_event_changes_are_emailed_to_each_holder(mailed):
    stack, inbox = mailed
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue, title="Moving Show")
    first, second = register(stack), register(stack)
    for customer, seats in [(first, ["stalls-A-1"]), (first, ["stalls-A-2"]), (second, ["stalls-B-1"])]:
        assert customer.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": seats, "payment": {"method": "test"}}).status_code == 201
    cancelled = first.get("/api/bookings").json()["bookings"][0]
    first.post(f"/api/venues/{venue}/bookings/{cancelled['id']}/cancel")
    wait_for(lambda: "Booking cancelled: Moving Show" in inbox.subjects(first.user["email"]), message="the cancellation")

    organizer.patch(f"/api/venues/{venue}/events/{event}", json={"startsAt": "2030-09-01T20:00:00Z"})
    for customer in (first, second):
        wait_for(lambda: "New date for Moving Show" in inbox.subjects(customer.user["email"]), message="the move")
    assert "1 September 2030" in text_of(inbox.to(second.user["email"])[-1]["message"])

    organizer.post(f"/api/venues/{venue}/events/{event}/cancel")
    for customer in (first, second):
        wait_for(lambda: "Cancelled: Moving Show" in inbox.subjects(customer.user["email"]), message="the cancellation of the event")
    time.sleep(0.5)
    assert inbox.subjects(first.user["email"]).count("Cancelled: Moving Show") == 1, "one email per ticket holder"


def test_a_waitlist_match_holds_the_freed_seat_and_emails_in_order(mailed):
    stack, inbox = mailed
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer, rows=1, seats=1, ga=0)
    event = make_event(organizer, venue, title="Tiny Room", prices={"stalls": 1000})
    holder, early, late = register(stack), register(stack), register(stack)
    booking = holder.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": ["stalls-A-1"], "payment": {"method": "test"}}).json()["booking"]
    r = early.post(f"/api/venues/{venue}/events/{event}/waitlist", json={"section": "stalls", "quantity": 1})
    assert r.status_code == 201 and r.json()["entry"]["quantity"] == 1
    time.sleep(1.1)
    late.post(f"/api/venues/{venue}/events/{event}/waitlist", json={"quantity": 1})

    holder.post(f"/api/venues/{venue}/bookings/{booking['id']}/cancel")
    wait_for(lambda: "Tickets are free for Tiny Room" in inbox.subjects(early.user["email"]), message="the waitlist match")
    assert "Tickets are free for Tiny Room" not in inbox.subjects(late.user["email"]), "the earliest entry is served first"
    assert "stalls-A-1" in text_of(inbox.to(early.user["email"])[-1]["message"])
    seats = {s["id"]: s["state"] for s in early.get(f"/api/venues/{venue}/events/{event}/seats").json()["seats"]}
    assert seats["stalls-A-1"] == "held", "the freed seat is held for the first in line"
    taken = late.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": ["stalls-A-1"], "payment": {"method": "test"}})
    assert taken.status_code == 409


def test_joining_the_waitlist_of_an_event_with_free_places_is_refused(mailed):
    stack, _ = mailed
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue)
    r = register(stack).post(f"/api/venues/{venue}/events/{event}/waitlist", json={"quantity": 2})
    assert r.status_code == 409 and r.json()["error"]["code"] == "places_available"


def test_the_confirmation_email_shows_the_voucher_and_the_discounted_prices(mailed):
    stack, inbox = mailed
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue, title="Half-price night")
    assert organizer.post(f"/api/venues/{venue}/events/{event}/vouchers", json={"code": "half", "percentOff": 50}).status_code == 201
    customer = register(stack)
    booked = customer.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": ["stalls-A-1"], "voucher": "HALF",
                                                                 "payment": {"method": "test"}})
    assert booked.status_code == 201 and booked.json()["booking"]["total"] == 2250
    address = customer.user["email"]
    wait_for(lambda: inbox.to(address), message="the confirmation")
    body = text_of(inbox.to(address)[0]["message"])
    assert "Voucher HALF" in body and "22.50" in body
