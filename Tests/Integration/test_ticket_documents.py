"""Tickets as PDF and the event as a calendar file (issue 22), through the real stack: the
PDF read back by poppler (pdftotext, pdftoppm) and its QR codes by zbar (zbarimg), the
calendar file by Python's icalendar, the emails through msmtp to a real SMTP server."""
import datetime
import os
import subprocess
import tempfile
import urllib.parse
import uuid

import icalendar
import pytest

from api import Client, make_event, register
from mail import text_of
from stack import wait_for

ZONE = "America/New_York"
# make_event's start, 2030-06-01T19:00:00Z: 15:00 daylight time in New York.
STARTS_AT = datetime.datetime(2030, 6, 1, 19, 0, tzinfo=datetime.timezone.utc)
TITLE = "Carmen, Act 1; \\ encore"


def make_venue(organizer):
    """A venue in New York (make_venue's are in Paris), two rows of five seats and 3 GA places."""
    venue_id = "nyc-" + uuid.uuid4().hex[:10]
    r = organizer.post("/api/venues", json={
        "id": venue_id, "name": "Met Hall", "city": "New York", "timezone": ZONE,
        "layout": {"sections": [
            {"id": "stalls", "name": "Stalls", "kind": "seated", "rows": [{"label": "A", "seats": 5}, {"label": "B", "seats": 5}]},
            {"id": "floor", "name": "Floor", "kind": "ga", "capacity": 3}]}})
    assert r.status_code == 201, r.text
    return venue_id


def book(customer, venue, event, seats=(), ga=0):
    body = {"eventId": event, "payment": {"method": "test"}}
    if seats:
        body["seats"] = list(seats)
    if ga:
        body["ga"] = [{"section": "floor", "quantity": ga}]
    r = customer.post(f"/api/venues/{venue}/bookings", json=body)
    assert r.status_code == 201, r.text
    return r.json()["booking"]


def new_booking(stack, title, **items):
    """An organizer's New York venue and event `title`, and a new customer's booking of `items`:
    (organizer, venue, event, customer, booking)."""
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue, title=title)
    customer = register(stack)
    return organizer, venue, event, customer, book(customer, venue, event, **items)


def pdf_pages(pdf):
    """The text of each page (pdftotext) and the QR code each page's picture holds (pdftoppm + zbarimg)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "tickets.pdf")
        with open(path, "wb") as f:
            f.write(pdf)
        info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
        count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        pages = []
        for page in range(1, count + 1):
            text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", path, "-"],
                                  capture_output=True, text=True, check=True).stdout
            prefix = os.path.join(tmp, f"page{page}")
            subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "150", "-png", "-singlefile", path, prefix], check=True)
            scan = subprocess.run(["zbarimg", "--quiet", "--raw", prefix + ".png"], capture_output=True, text=True)
            assert scan.returncode == 0, f"no QR code found on page {page}: {scan.stderr}"
            pages.append((text, scan.stdout.strip().splitlines()))
        return pages


def event_of(ics_bytes):
    calendar = icalendar.Calendar.from_ical(ics_bytes)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    return calendar, events[0]


def attachments(message):
    return {part.get_filename(): part for part in message.iter_attachments()}


def mails(inbox, customer, subject):
    return [m["message"] for m in inbox.to(customer.user["email"]) if str(m["message"]["Subject"]) == subject]


def uid_of(stack, booking_id, venue):
    """The booking's calendar UID: `<booking>.<venue>@<the public URL's host>`."""
    return f"{booking_id}.{venue}@{urllib.parse.urlsplit(stack.url('/')).hostname}"


def check_lines(ics_bytes):
    """RFC 5545 3.1: CRLF line endings, no line longer than 75 octets."""
    assert ics_bytes.endswith(b"\r\n")
    lines = ics_bytes.split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines), [line for line in lines if len(line) > 75]


@pytest.fixture(scope="module")
def booked(mailed):
    stack, inbox = mailed
    organizer, venue, event, customer, booking = new_booking(stack, TITLE, seats=["stalls-A-1", "stalls-A-2"])
    return {"stack": stack, "inbox": inbox, "organizer": organizer, "venue": venue, "event": event, "customer": customer,
            "booking": booking, "path": f"/api/venues/{venue}/bookings/{booking['id']}"}


def test_the_pdf_has_a_page_per_ticket_with_its_seat_code_and_qr_code(booked):
    r = booked["customer"].get(booked["path"] + "/tickets.pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == f'attachment; filename="tickets-{booked["booking"]["id"]}.pdf"'
    assert r.content.startswith(b"%PDF-")
    pages = pdf_pages(r.content)
    tickets = booked["booking"]["tickets"]
    assert len(pages) == len(tickets) == 2
    for (text, codes), ticket, seat in zip(pages, tickets, ["Row A, seat 1", "Row A, seat 2"]):
        flat = " ".join(text.split())
        assert TITLE in flat, flat
        assert "Met Hall, New York" in flat
        assert "Saturday 1 June 2030, 15:00 EDT" in flat
        assert "Stalls" in flat and seat in flat
        assert ticket["code"] in flat
        assert booked["booking"]["id"] in flat
        assert "45.00 EUR" in flat
        assert codes == [ticket["code"]], "the page's QR code decodes to its ticket's code"


def test_the_calendar_file_is_in_the_venues_zone_and_parses(booked):
    r = booked["customer"].get(booked["path"] + "/event.ics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.headers["content-disposition"] == f'attachment; filename="event-{booked["booking"]["id"]}.ics"'
    check_lines(r.content)
    calendar, event = event_of(r.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [ZONE]
    assert event["DTSTART"].params["TZID"] == ZONE
    assert event["DTSTART"].dt == STARTS_AT
    assert event["DTSTART"].dt.utcoffset() == datetime.timedelta(hours=-4)
    assert str(event["SUMMARY"]) == TITLE, "commas, semicolons and backslashes survive the escaping"
    assert str(event["LOCATION"]) == "Met Hall, New York"
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert str(event["UID"]) == uid_of(booked["stack"], booked["booking"]["id"], booked["venue"])
    assert event["DTSTAMP"].dt.tzinfo is not None


def test_the_confirmation_email_carries_the_pdf_and_the_calendar_file(booked):
    inbox, customer = booked["inbox"], booked["customer"]
    wait_for(lambda: mails(inbox, customer, f"Your tickets for {TITLE}"), message="the confirmation")
    message = mails(inbox, customer, f"Your tickets for {TITLE}")[0]
    assert message.get_content_type() == "multipart/mixed"
    assert text_of(message), "the text part is still there"
    files = attachments(message)
    booking_id = booked["booking"]["id"]
    assert sorted(files) == [f"event-{booking_id}.ics", f"tickets-{booking_id}.pdf"]
    pdf = files[f"tickets-{booking_id}.pdf"]
    assert pdf.get_content_type() == "application/pdf" and pdf["Content-Transfer-Encoding"] == "base64"
    raw = pdf.get_payload(decode=False)
    assert all(len(line) <= 76 for line in raw.splitlines())
    pages = pdf_pages(pdf.get_content())
    assert [codes for _, codes in pages] == [[t["code"]] for t in booked["booking"]["tickets"]]
    ics = files[f"event-{booking_id}.ics"]
    assert ics.get_content_type() == "text/calendar"
    check_lines(ics.get_payload(decode=True))
    calendar, event = event_of(ics.get_payload(decode=True))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == uid_of(booked["stack"], booking_id, booked["venue"])
    assert event["DTSTART"].dt == STARTS_AT and event["DTSTART"].params["TZID"] == ZONE


def test_a_move_and_a_cancellation_send_updates_of_the_same_entry(mailed):
    stack, inbox = mailed
    organizer, venue, event, customer, booking = new_booking(stack, "Moving Carmen", seats=["stalls-B-1"])
    wait_for(lambda: mails(inbox, customer, "Your tickets for Moving Carmen"), message="the confirmation")
    uid = uid_of(stack, booking["id"], venue)
    _, confirmed = event_of(attachments(mails(inbox, customer, "Your tickets for Moving Carmen")[0])[f"event-{booking['id']}.ics"]
                            .get_payload(decode=True))
    assert str(confirmed["UID"]) == uid and int(confirmed["SEQUENCE"]) == 0

    # No seat-change endpoint exists: the change a holder is told of is a new time.
    r = organizer.patch(f"/api/venues/{venue}/events/{event}", json={"startsAt": "2030-09-01T20:00:00Z"})
    assert r.status_code == 200, r.text
    wait_for(lambda: mails(inbox, customer, "New date for Moving Carmen"), message="the move")
    calendar, moved = event_of(attachments(mails(inbox, customer, "New date for Moving Carmen")[0])[f"event-{booking['id']}.ics"]
                               .get_payload(decode=True))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(moved["UID"]) == uid and int(moved["SEQUENCE"]) == 1
    assert moved["DTSTART"].dt == datetime.datetime(2030, 9, 1, 20, 0, tzinfo=datetime.timezone.utc)
    assert moved["DTSTART"].params["TZID"] == ZONE

    r = customer.post(f"/api/venues/{venue}/bookings/{booking['id']}/cancel")
    assert r.status_code == 200, r.text
    wait_for(lambda: mails(inbox, customer, "Booking cancelled: Moving Carmen"), message="the cancellation")
    message = mails(inbox, customer, "Booking cancelled: Moving Carmen")[0]
    calendar, cancelled = event_of(attachments(message)[f"event-{booking['id']}.ics"].get_payload(decode=True))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(cancelled["UID"]) == uid and int(cancelled["SEQUENCE"]) == 2
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert f"tickets-{booking['id']}.pdf" not in attachments(message), "a cancellation sends no tickets"

    # The download says the same as the last email.
    _, downloaded = event_of(customer.get(f"/api/venues/{venue}/bookings/{booking['id']}/event.ics").content)
    assert str(downloaded["UID"]) == uid and int(downloaded["SEQUENCE"]) == 2 and str(downloaded["STATUS"]) == "CANCELLED"


def test_an_event_cancelled_by_its_organizer_cancels_the_entry(mailed):
    stack, inbox = mailed
    organizer, venue, event, customer, booking = new_booking(stack, "Called-off Carmen", ga=1)
    assert organizer.post(f"/api/venues/{venue}/events/{event}/cancel").status_code == 200
    wait_for(lambda: mails(inbox, customer, "Cancelled: Called-off Carmen"), message="the event's cancellation")
    message = mails(inbox, customer, "Cancelled: Called-off Carmen")[0]
    calendar, cancelled = event_of(attachments(message)[f"event-{booking['id']}.ics"].get_payload(decode=True))
    assert str(calendar["METHOD"]) == "CANCEL" and str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 1


# price in minor units and how the API's clients, the email and the PDF write it.
CURRENCIES = {"JPY": (4500, "4500 JPY"), "CLP": (12000, "12000 CLP"), "EUR": (4550, "45.50 EUR"), "KWD": (4500, "4.500 KWD")}


@pytest.mark.parametrize("currency", sorted(CURRENCIES))
def test_an_amount_reads_the_same_in_the_pdf_the_email_and_the_api(mailed, currency):
    stack, inbox = mailed
    price, written = CURRENCIES[currency]
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    title = f"Priced in {currency}"
    event = make_event(organizer, venue, title=title, prices={"stalls": price, "floor": price}, currency=currency)
    customer = register(stack)
    booking = book(customer, venue, event, seats=["stalls-A-3"], ga=1)
    assert [t["price"] for t in booking["tickets"]] == [price, price] and booking["currency"] == currency
    pages = pdf_pages(customer.get(f"/api/venues/{venue}/bookings/{booking['id']}/tickets.pdf").content)
    assert len(pages) == 2
    for text, _ in pages:
        assert written in " ".join(text.split())
    assert "General admission" in " ".join(pages[1][0].split()) and "Floor" in pages[1][0]
    wait_for(lambda: mails(inbox, customer, f"Your tickets for {title}"), message="the confirmation")
    message = mails(inbox, customer, f"Your tickets for {title}")[0]
    assert text_of(message).count(written) == 2
    mailed_pages = pdf_pages(attachments(message)[f"tickets-{booking['id']}.pdf"].get_content())
    assert [" ".join(t.split()) for t, _ in mailed_pages] == [" ".join(t.split()) for t, _ in pages]


def test_only_its_customer_the_owner_and_admins_get_them(booked):
    stack = booked["stack"]
    other_customer, other_organizer = register(stack), register(stack, role="organizer")
    for suffix in ("/tickets.pdf", "/event.ics"):
        path = booked["path"] + suffix
        assert booked["organizer"].get(path).status_code == 200, "the venue's owner"
        for stranger in (other_customer, other_organizer):
            r = stranger.get(path)
            assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", r.text
        r = Client(stack).get(path)
        assert r.status_code == 401 and r.headers["content-type"].startswith("application/json"), r.text
        unknown = f"/api/venues/{booked['venue']}/bookings/b_unknown{suffix}"
        assert booked["customer"].get(unknown).status_code == 404
