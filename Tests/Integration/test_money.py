"""Money in every currency: amounts are integers of the currency's minor unit, and the API,
the confirmation email and the browser (Intl, checked in Tests/JS) read them the same."""
import pytest

from api import error_code, make_event, make_venue, register
from mail import text_of
from stack import wait_for

# price in minor units, its digits (CLDR's, as browsers use) and how the email writes it.
CURRENCIES = {
    "JPY": (4500, 0, "4500 JPY"),
    "CLP": (12000, 0, "12000 CLP"),
    "EUR": (4550, 2, "45.50 EUR"),
    "KWD": (4500, 3, "4.500 KWD"),
    "VND": (250000, 0, "250000 VND"),
    "XOF": (5000, 0, "5000 XOF"),
}


def written(minor, digits, code):
    return f"{minor / 10 ** digits:.{digits}f} {code}"


@pytest.mark.parametrize("currency", sorted(CURRENCIES))
def test_an_amount_reads_the_same_in_the_api_and_the_email(mailed, currency):
    stack, inbox = mailed
    price, digits, ticket_price = CURRENCIES[currency]
    assert written(price, digits, currency) == ticket_price
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue, title=f"Priced in {currency}", prices={"stalls": price, "floor": price}, currency=currency)
    assert organizer.get(f"/api/venues/{venue}/events/{event}").json()["event"]["currency"] == currency
    customer = register(stack)
    r = customer.post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": ["stalls-A-1", "stalls-A-2"],
                                                            "payment": {"method": "test"}})
    assert r.status_code == 201, r.text
    booking = r.json()["booking"]
    assert (booking["total"], booking["currency"]) == (2 * price, currency)
    assert [t["price"] for t in booking["tickets"]] == [price, price]
    wait_for(lambda: inbox.to(customer.user["email"]), message="the confirmation")
    message = inbox.to(customer.user["email"])[0]["message"]
    body = text_of(message)
    assert body.count(ticket_price) == 2, body
    assert f"Total: {written(2 * price, digits, currency)}" in body
    html = message.get_body(preferencelist=("html",)).get_content()
    assert ticket_price in html and written(2 * price, digits, currency) in html


@pytest.mark.parametrize("code", ["ABC", "XAU", "XXX", "DEM", "eur", "EU", "EURO", ""])
def test_a_code_that_is_no_currency_in_circulation_is_refused_and_nothing_is_made(mailed, code):
    stack, _ = mailed
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    r = organizer.post(f"/api/venues/{venue}/events", json={"title": "Odd money", "startsAt": "2030-06-01T19:00:00Z",
                                                          "currency": code, "prices": {"stalls": 100, "floor": 100}})
    assert r.status_code == 422, r.text
    assert error_code(r) == "validation_failed" and r.json()["error"]["details"]["field"] == "currency"
    assert organizer.get(f"/api/events?venue={venue}").json()["events"] == []
