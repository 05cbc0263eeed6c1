"""A user's own data: the export of every record about them, and account deletion (sessions
end, personal data erased, bookings kept anonymous for the organizer, email stops)."""
import os
import sqlite3

import requests

from api import PASSWORD, Client, error_code, make_event, make_venue, register
from stack import wait_for


def book(customer, venue, event, seats):
    r = customer.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": seats, "payment": {"method": "test"}})
    assert r.status_code == 201, r.text
    return r.json()["booking"]


def venue_rows(stack, venue, sql, *args):
    with sqlite3.connect(os.path.join(stack.data_dir, "venues", venue + ".sqlite")) as db:
        return db.execute(sql, args).fetchall()


def a_customer_with_records_in_three_venues(stack):
    """Booked in the first venue, holding seats in the second, waiting in the third (for more
    floor places than it has)."""
    organizer = register(stack, role="organizer")
    venues = [make_venue(organizer) for _ in range(3)]
    events = [make_event(organizer, venue, title=f"Show {i}") for i, venue in enumerate(venues)]
    customer = register(stack)
    booking = book(customer, venues[0], events[0], ["stalls-A-1", "stalls-A-2"])
    hold = customer.post(f"/api/venues/{venues[1]}/events/{events[1]}/holds", json={"seats": ["stalls-B-3"]}).json()["hold"]
    entry = customer.post(f"/api/venues/{venues[2]}/events/{events[2]}/waitlist", json={"section": "floor", "quantity": 4}).json()["entry"]
    return organizer, customer, venues, events, booking, hold, entry


def test_the_session_endpoint_answers_signed_out_visitors_without_an_error(mailed):
    stack, _ = mailed
    anonymous = requests.get(stack.url("/api/session"), timeout=10)
    assert anonymous.status_code == 200 and anonymous.json() == {"signedIn": False}
    customer = register(stack)
    signed_in = customer.get("/api/session").json()
    assert signed_in["signedIn"] is True and signed_in["user"]["id"] == customer.user["id"] and signed_in["csrfToken"]
    forged = requests.get(stack.url("/api/session"), headers={"Authorization": "Bearer forged"}, timeout=10)
    assert forged.status_code == 401, "a request with an Authorization header is judged by it alone"


def test_the_export_holds_every_record_about_the_caller_and_nothing_of_others(mailed):
    stack, _ = mailed
    organizer, customer, venues, events, booking, hold, entry = a_customer_with_records_in_three_venues(stack)
    other = register(stack)
    book(other, venues[0], events[0], ["stalls-A-5"])

    r = customer.get("/api/me/export")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    assert "attachment" in r.headers["Content-Disposition"] and r.headers["Cache-Control"] == "no-store"
    data = r.json()
    assert data["account"] == {"id": customer.user["id"], "email": customer.user["email"], "name": customer.user["name"],
                               "role": "customer", "createdAt": data["account"]["createdAt"]}
    assert [s["current"] for s in data["sessions"]] == [True]
    assert [b["id"] for b in data["bookings"]] == [booking["id"]]
    assert sorted(t["code"] for t in data["bookings"][0]["tickets"]) == sorted(t["code"] for t in booking["tickets"])
    assert [(h["venueId"], h["hold"]["id"], h["hold"]["seats"]) for h in data["holds"]] == [(venues[1], hold["id"], ["stalls-B-3"])]
    assert [(w["venueId"], w["entry"]["id"], w["entry"]["quantity"]) for w in data["waitlist"]] == [(venues[2], entry["id"], 4)]
    assert [(p["venueId"], p["bookingId"], p["amount"], p["state"]) for p in data["payments"]] == \
        [(venues[0], booking["id"], booking["total"], "captured")]
    text = r.text
    assert other.user["id"] not in text and other.user["email"] not in text
    assert "password" not in text.lower() and customer.token not in text, "no hash and no token in the export"

    assert sorted(organizer.get("/api/me/export").json()["venuesOwned"]) == sorted(venues)
    assert requests.get(stack.url("/api/me/export"), timeout=10).status_code == 401


def test_deleting_the_account_ends_sessions_erases_the_person_and_keeps_bookings_anonymous(mailed):
    stack, inbox = mailed
    organizer, customer, venues, events, booking, hold, entry = a_customer_with_records_in_three_venues(stack)
    email = customer.user["email"]
    second_session = Client(stack, requests.post(stack.url("/api/auth/login"), json={"email": email, "password": PASSWORD},
                                                 timeout=10).json()["token"])
    wait_for(lambda: inbox.to(email), message="the confirmation before the deletion")

    r = customer.delete("/api/me", json={"password": PASSWORD})
    assert r.status_code == 204, r.text
    for client in (customer, second_session):
        assert client.get("/api/me").status_code == 401, "every session ends"
    login = requests.post(stack.url("/api/auth/login"), json={"email": email, "password": PASSWORD}, timeout=10)
    assert login.status_code == 401 and error_code(login) == "invalid_credentials"

    # The organizer keeps the booking (and its revenue) under the bare id; nothing names the person.
    kept = organizer.get(f"/api/venues/{venues[0]}/bookings/{booking['id']}")
    assert kept.status_code == 200 and kept.json()["booking"]["status"] == "confirmed"
    assert organizer.get(f"/api/venues/{venues[0]}/events/{events[0]}/stats").json()["sold"] == 2
    with sqlite3.connect(os.path.join(stack.data_dir, "auth.sqlite")) as db:
        assert db.execute("SELECT count(*) FROM user WHERE id = ? OR email = ?", (customer.user["id"], email)).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM session WHERE user_id = ?", (customer.user["id"],)).fetchone() == (0,)
    # What was pending is forgotten: the held seat is free at once, the waiting-list entry gone.
    seats = requests.get(stack.url(f"/api/venues/{venues[1]}/events/{events[1]}/seats"), timeout=10).json()["seats"]
    assert {s["id"]: s["state"] for s in seats}["stalls-B-3"] == "available"
    assert venue_rows(stack, venues[1], "SELECT count(*) FROM hold WHERE id = ?", hold["id"]) == [(0,)]
    assert venue_rows(stack, venues[2], "SELECT count(*) FROM waitlist WHERE customer_id = ?", customer.user["id"]) == [(0,)]

    # Email stops: a move of the event reaches another ticket holder, not the deleted account.
    witness = register(stack)
    book(witness, venues[0], events[0], ["stalls-B-1"])
    before = len(inbox.to(email))
    assert organizer.patch(f"/api/venues/{venues[0]}/events/{events[0]}", json={"startsAt": "2030-09-01T20:00:00Z"}).status_code == 200
    wait_for(lambda: "New date for Show 0" in inbox.subjects(witness.user["email"]), message="the witness's move email")
    assert len(inbox.to(email)) == before

    # The address is free again, for an account that starts empty.
    again = register(stack, email=email)
    assert again.user["id"] != customer.user["id"]
    assert again.get("/api/bookings").json()["bookings"] == []


def test_deletion_needs_the_password_and_a_refusal_changes_nothing(mailed):
    stack, _ = mailed
    customer = register(stack)
    for body, status, code in [({"password": "wrong password here"}, 403, "wrong_password"),
                               ({"password": 12}, 400, "invalid_body"), ({}, 400, "invalid_body")]:
        r = customer.delete("/api/me", json=body)
        assert (r.status_code, error_code(r)) == (status, code), r.text
    r = customer.delete("/api/me", data=b'{"password": "x"', headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert customer.delete("/api/me").status_code == 415
    assert requests.delete(stack.url("/api/me"), json={"password": PASSWORD}, timeout=10).status_code == 401
    assert customer.get("/api/me").status_code == 200, "the account is untouched"
    login = requests.post(stack.url("/api/auth/login"), json={"email": customer.user["email"], "password": PASSWORD}, timeout=10)
    assert login.status_code == 200


def test_an_organizer_who_owns_venues_is_told_to_hand_them_over_first(mailed):
    stack, _ = mailed
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    r = organizer.delete("/api/me", json={"password": PASSWORD})
    assert r.status_code == 409 and error_code(r) == "owns_venues" and r.json()["error"]["details"]["venues"] == 1
    assert organizer.get("/api/me").status_code == 200
    assert requests.get(stack.url(f"/api/venues/{venue}"), timeout=10).status_code == 200
