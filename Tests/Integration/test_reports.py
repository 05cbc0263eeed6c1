"""An event's report and attendees.csv through nginx (API.md, "Seats, best available, reports")."""
import csv
import io
import re

import pytest
import requests

from api import PASSWORD, Client, make_event, make_venue, register, unique_email

PRICES = {"stalls": 4500, "floor": 2000}


def customer(stack, name):
    r = requests.post(stack.url("/api/auth/register"), timeout=30,
                      json={"email": unique_email("fan"), "password": PASSWORD, "name": name})
    assert r.status_code == 201, r.text
    return Client(stack, r.json()["token"], r.json()["user"])


def book(client, venue, event, seats=(), ga=0):
    body = {"eventId": event, "seats": list(seats), "payment": {"method": "test"}}
    if ga:
        body["ga"] = [{"section": "floor", "quantity": ga}]
    r = client.post(f"/api/venues/{venue}/bookings", json=body)
    assert r.status_code == 201, r.text
    return r.json()["booking"]


@pytest.fixture(scope="module")
def sales(stack):
    """On a hall of 10 seats and 3 GA places: customers with formula-like names book, one booking
    is cancelled (refunded), one buyer erases their account, a hold is live, a ticket checked in."""
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue, prices=PRICES)
    link, plus, minus, at = (customer(stack, n) for n in ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"))
    quoted, erased, holder = customer(stack, 'Zoë "Q", Lee'), customer(stack, "Gone Soon"), customer(stack, "Holder")
    bookings = [
        (link, book(link, venue, event, seats=["stalls-A-1", "stalls-A-2"])),
        (plus, book(plus, venue, event, ga=2)),
        (at, book(at, venue, event, seats=["stalls-B-1"])),
        (quoted, book(quoted, venue, event, seats=["stalls-B-4"])),
        (erased, book(erased, venue, event, seats=["stalls-B-3"])),
    ]
    cancelled = book(minus, venue, event, seats=["stalls-A-3"])
    assert minus.post(f"/api/venues/{venue}/bookings/{cancelled['id']}/cancel").status_code == 200
    r = holder.post(f"/api/venues/{venue}/events/{event}/holds",
                    json={"seats": ["stalls-B-2"], "ga": [{"section": "floor", "quantity": 1}]})
    assert r.status_code == 201, r.text
    first = bookings[0][1]["tickets"][0]["code"]
    r = organizer.post(f"/api/venues/{venue}/events/{event}/checkins", json={"code": first})
    assert r.status_code == 200, r.text
    checked_in = {first: r.json()["ticket"]["checkedInAt"]}
    assert erased.delete("/api/me", json={"password": PASSWORD}).status_code == 204
    return {"stack": stack, "organizer": organizer, "venue": venue, "event": event, "bookings": bookings,
            "erased": erased, "checkedIn": checked_in, "path": f"/api/venues/{venue}/events/{event}"}


def test_the_report_has_the_exact_figures(sales):
    r = sales["organizer"].get(sales["path"] + "/report")
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["sections"] == [
        {"section": "stalls", "capacity": 10, "sold": 5, "held": 1, "free": 4, "checkedIn": 1, "revenue": 5 * 4500},
        {"section": "floor", "capacity": 3, "sold": 2, "held": 1, "free": 0, "checkedIn": 0, "revenue": 2 * 2000},
    ]
    assert report["refunded"] == 4500, "the cancelled booking's payment"
    assert report["checkedIn"] == 1
    assert report["sold"] == 7 and report["revenue"] == 5 * 4500 + 2 * 2000
    assert report["currency"] == "EUR"


def test_sales_by_hour_are_hour_starts_that_add_up_to_the_tickets_sold(sales):
    report = sales["organizer"].get(sales["path"] + "/report").json()
    hours = report["salesByHour"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00:00Z", h["hour"]) for h in hours), hours
    assert [h["hour"] for h in hours] == sorted({h["hour"] for h in hours})
    assert sum(h["tickets"] for h in hours) == report["sold"] == 7
    assert sum(h["revenue"] for h in hours) == report["revenue"]
    expected = {}
    for _, booking in sales["bookings"]:
        hour = booking["createdAt"][:13] + ":00:00Z"
        expected[hour] = expected.get(hour, 0) + len(booking["tickets"])
    assert {h["hour"]: h["tickets"] for h in hours} == expected


def neutralised(cell):
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def test_the_csv_opens_as_the_bookings_rows_with_formulas_neutralised(sales):
    r = sales["organizer"].get(sales["path"] + "/attendees.csv")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/csv")
    assert r.headers["Content-Disposition"] == f'attachment; filename="{sales["event"]}-attendees.csv"'
    text = r.content.decode("utf-8")
    assert text.startswith("code,name,email,section,seat,price,bookedAt,checkedInAt\r\n") and text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["code", "name", "email", "section", "seat", "price", "bookedAt", "checkedInAt"]
    expected = []
    for client, booking in sales["bookings"]:
        gone = client is sales["erased"]
        for ticket in booking["tickets"]:
            expected.append([
                ticket["code"], "" if gone else neutralised(client.user["name"]), "" if gone else client.user["email"],
                ticket["section"], ticket.get("seatId") or "", str(PRICES[ticket["section"]]), booking["createdAt"],
                sales["checkedIn"].get(ticket["code"], "")])
    assert sorted(rows[1:]) == sorted(expected)
    names = {row[1] for row in rows[1:]}
    assert {"'=HYPERLINK(\"http://x\")", "'+1", "'@SUM(A1)", 'Zoë "Q", Lee'} <= names
    assert not any(cell[:1] in "=+-@" for row in rows[1:] for cell in row if cell)
    assert '"\'=HYPERLINK(""http://x"")"' in text, "quoted per RFC 4180, quotes doubled"


def test_a_cancelled_booking_has_no_attendees_and_an_erased_buyer_keeps_an_anonymous_row(sales):
    rows = list(csv.reader(io.StringIO(sales["organizer"].get(sales["path"] + "/attendees.csv").text, newline="")))
    seats = [row[4] for row in rows[1:]]
    assert "stalls-A-3" not in seats, "the cancelled booking's seat"
    assert [row[1:3] for row in rows[1:] if row[4] == "stalls-B-3"] == [["", ""]]


@pytest.mark.parametrize("suffix", ["/report", "/attendees.csv"])
def test_only_the_owner_and_admins_may_read_them(sales, suffix):
    stack, path = sales["stack"], sales["path"] + suffix
    assert register(stack, role="organizer").get(path).status_code == 403
    assert register(stack).get(path).status_code == 403
    anonymous = Client(stack).get(path)
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "unauthenticated"
    unknown = sales["organizer"].get(f"/api/venues/{sales['venue']}/events/e_unknown{suffix}")
    assert unknown.status_code == 404
