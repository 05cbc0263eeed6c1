"""Every page, signed out and signed in as each role, loads without a console error: no
failing request (a signed-out visitor's page does not ask for /api/me and get 401), no
uncaught error, no CSP violation."""
import time

from helpers import book, find, make_event, make_venue, register, sign_in


def severe(driver):
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def visit_all(driver, stack, routes):
    """Opens each route in turn; answers the console errors each one logged."""
    problems = {}
    for route in routes:
        driver.get(stack.url("/#" + route))
        find(driver, "#main h1")
        time.sleep(0.5)  # what the page asks for after its first paint
        if errors := severe(driver):
            problems[route] = errors
    return problems


def test_no_page_logs_a_console_error_signed_out_or_signed_in(stack, browsers):
    organizer = register(stack, "organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue)["id"]
    customer = register(stack)
    booking = book(customer, venue, event, ["stalls-A-1"])
    queued = organizer.post(f"/api/venues/{venue}/events", json={
        "title": "Queued show", "startsAt": "2031-06-01T19:00:00Z", "currency": "EUR", "prices": {"stalls": 4500, "floor": 2000},
        "salesStartAt": "2031-05-01T10:00:00Z", "queue": {"opensAt": "2031-05-01T09:00:00Z", "admitPerMinute": 60, "passMinutes": 10}})
    assert queued.status_code == 201, queued.text
    queued = queued.json()["event"]["id"]
    public = ["/", f"/events/{venue}/{event}", f"/events/{venue}/{queued}", f"/events/{venue}/{queued}/queue",
              f"/events/{venue}/{event}/queue", "/signin", "/signup", "/forgot", "/reset", "/no-such-page"]
    private = ["/bookings", f"/bookings/{venue}/{booking['id']}", "/account"]
    organizing = ["/organizer", "/organizer/venues/new", f"/organizer/venues/{venue}/events/new",
                  f"/organizer/venues/{venue}/events/{event}", f"/organizer/venues/{venue}/events/{event}/edit",
                  f"/organizer/venues/{venue}/events/{event}/checkin", f"/organizer/venues/{venue}/events/{queued}",
                  f"/organizer/venues/{venue}/events/{queued}/edit"]

    driver = browsers()
    assert visit_all(driver, stack, public + private + organizing) == {}, "signed out"
    sign_in(driver, stack, customer.email)
    assert visit_all(driver, stack, public + private) == {}, "signed in as a customer"
    other = browsers()
    sign_in(other, stack, organizer.email)
    assert visit_all(other, stack, public + ["/bookings"] + organizing) == {}, "signed in as the organizer"
