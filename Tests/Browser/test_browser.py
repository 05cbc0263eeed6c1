"""Browser tests: headless chromium against the real stack (nginx + workers).

Data that is not what a test is about (organizers, venues, other customers' bookings) is
seeded through the API; the flows under test go through the UI only."""
import re

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from helpers import (PASSWORD, book, click, find, make_event, make_venue, open_event, present, register,
                     seat_css, seat_states, set_value, sign_in, type_into, unique, wait, wait_seat_state)


@pytest.fixture
def show(stack):
    """An organizer's venue (stalls rows A-B x 6 seats at 45.00, floor GA at 20.00) and event."""
    organizer = register(stack, "organizer")
    venue_id = make_venue(organizer)
    event = make_event(organizer, venue_id)
    return {"organizer": organizer, "venue": venue_id, "event": event, "id": event["id"]}


def test_customer_books_two_seats_while_a_second_browser_watches(stack, browsers, show):
    venue, event_id = show["venue"], show["id"]
    seats = ["stalls-A-3", "stalls-A-4"]

    watcher = browsers()
    open_event(watcher, stack, venue, event_id)
    for s in seats:
        assert watcher.find_element(By.CSS_SELECTOR, seat_css(s)).get_attribute("data-state") == "available"

    # A new customer signs up through the UI and finds the event in the list.
    customer = browsers()
    customer.get(stack.url("/#/signup"))
    type_into(customer, '[data-test="signup-form"] [data-test="name"]', "Ada Customer")
    type_into(customer, '[data-test="signup-form"] [data-test="email"]', unique("ada") + "@example.com")
    type_into(customer, '[data-test="signup-form"] [data-test="password"]', PASSWORD)
    click(customer, '[data-test="signup-submit"]')
    assert find(customer, '[data-test="nav-user"]').text == "Ada Customer"
    type_into(customer, '[data-test="filter-q"]', show["event"]["title"])
    click(customer, f'[data-event-id="{event_id}"] [data-test="event-link"]')
    present(customer, '[data-test="seat-map"] .seat')

    # Two seats picked on the map: selected, in the list, and a running total.
    for s in seats:
        click(customer, seat_css(s))
        wait(customer).until(lambda d, s=s: d.find_element(By.CSS_SELECTOR, seat_css(s)).get_attribute("aria-pressed") == "true")
    assert len(customer.find_elements(By.CSS_SELECTOR, '[data-test="selected-seat"]')) == 2
    assert "90" in find(customer, '[data-test="total"]').text

    click(customer, '[data-test="hold"]')
    assert re.match(r"^\d+:\d\d$", find(customer, '[data-test="countdown"]').text)
    for s in seats:
        wait_seat_state(customer, s, "mine")
        wait_seat_state(watcher, s, "held")  # without a reload

    click(customer, '[data-test="pay"]')
    find(customer, '[data-test="booking-confirmed"]')
    codes = [el.text for el in customer.find_elements(By.CSS_SELECTOR, '[data-test="ticket-code"]')]
    assert len(codes) == 2 and all(len(c) >= 12 for c in codes), codes
    # The QR codes are real images served by the API.
    wait(customer).until(lambda d: all(d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img)
                                       for img in d.find_elements(By.CSS_SELECTOR, '[data-test="ticket-qr"]')))
    booking_id = find(customer, '[data-test="booking-id"]').text

    for s in seats:
        wait_seat_state(watcher, s, "sold")

    click(customer, '[data-test="nav-bookings"]')
    row = find(customer, f'[data-test="booking-row"][data-booking-id="{booking_id}"]')
    assert "Confirmed" in row.text and show["event"]["title"] in row.text

    # Only the HttpOnly cookie holds the session: nothing token-like in web storage.
    storage = customer.execute_script(
        "return {local: Object.keys(localStorage), session: Object.keys(sessionStorage)}")
    assert storage["local"] == []
    assert all(k.startswith("booking.hold.") for k in storage["session"]), storage


def test_declined_payment_keeps_the_hold_and_release_frees_the_seats(stack, browsers, show):
    venue, event_id = show["venue"], show["id"]
    seats = ["stalls-B-1", "stalls-B-2"]
    customer = register(stack, "customer")
    driver = browsers()
    sign_in(driver, stack, customer.email)
    open_event(driver, stack, venue, event_id)
    for s in seats:
        click(driver, seat_css(s))
    click(driver, '[data-test="hold"]')
    find(driver, '[data-test="countdown"]')

    type_into(driver, '[data-test="card-token"]', "tok_decline")
    click(driver, '[data-test="pay"]')
    error = find(driver, '[data-test="error"][data-code="payment_declined"]')
    assert "declined" in error.text.lower()
    # The hold stays: the customer may retry.
    find(driver, '[data-test="countdown"]')
    assert all(seat_states(stack, venue, event_id)[s] == "held" for s in seats)
    for s in seats:
        assert driver.find_element(By.CSS_SELECTOR, seat_css(s)).get_attribute("data-state") == "mine"

    click(driver, '[data-test="release"]')
    find(driver, '[data-test="released"]')
    for s in seats:
        wait_seat_state(driver, s, "available")
    assert all(seat_states(stack, venue, event_id)[s] == "available" for s in seats)
    assert customer.get("/api/bookings").json()["bookings"] == []


def test_a_seat_taken_meanwhile_is_marked_and_explained(stack, browsers, show):
    venue, event_id = show["venue"], show["id"]
    customer = register(stack, "customer")
    rival = register(stack, "customer")
    driver = browsers()
    sign_in(driver, stack, customer.email)
    open_event(driver, stack, venue, event_id)
    click(driver, seat_css("stalls-A-5"))
    click(driver, seat_css("stalls-A-6"))
    book(rival, venue, event_id, ["stalls-A-6"])
    click(driver, '[data-test="hold"]')
    # Either the hold answers 409 seat_unavailable, or a live update got there first;
    # both tell the customer and mark the seat as taken.
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-test="error"][data-code="seat_unavailable"]')
                       or d.find_elements(By.CSS_SELECTOR, '[data-test="hint"]'))
    assert "taken" in driver.find_element(By.CSS_SELECTOR, '[data-region="msg"]').text
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, seat_css("stalls-A-6")).get_attribute("data-state") in ("held", "sold"))
    assert driver.find_element(By.CSS_SELECTOR, seat_css("stalls-A-6")).get_attribute("aria-pressed") == "false"


def test_organizer_creates_a_venue_and_an_event_and_checks_in_a_ticket(stack, browsers):
    organizer = register(stack, "organizer", name="Olga Organizer")
    driver = browsers()
    sign_in(driver, stack, organizer.email)
    click(driver, '[data-test="nav-organizer"]')
    click(driver, '[data-test="new-venue"]')

    venue_name = "Salle " + unique("Pleyel")
    type_into(driver, '[data-test="venue-name"]', venue_name)
    venue_id = find(driver, '[data-test="venue-id"]').get_attribute("value")
    assert re.match(r"^[a-z0-9][a-z0-9-]{0,62}$", venue_id), venue_id
    type_into(driver, '[data-test="venue-city"]', "Paris")
    Select(find(driver, '[data-test="venue-timezone"]')).select_by_value("Europe/Paris")
    type_into(driver, '[data-test="quick-rows"]', "3")
    type_into(driver, '[data-test="quick-seats"]', "8")
    click(driver, '[data-test="quick-apply"]')
    click(driver, '[data-test="add-ga"]')
    editors = driver.find_elements(By.CSS_SELECTOR, '[data-test="section-editor"]')
    capacity = editors[1].find_element(By.CSS_SELECTOR, '[data-test="section-capacity"]')
    capacity.clear()
    capacity.send_keys("50")
    wait(driver).until(lambda d: "24 seats and 50 standing" in d.find_element(By.CSS_SELECTOR, '[data-test="preview-summary"]').text)
    assert len(driver.find_elements(By.CSS_SELECTOR, '.preview .seat')) == 24
    click(driver, '[data-test="create-venue"]')

    find(driver, '[data-test="venue-created"]')
    title = unique("Quartet night")
    type_into(driver, '[data-test="event-title-input"]', title)
    set_value(driver, '[data-test="event-starts"]', "2031-05-04T20:00")
    prices = driver.find_elements(By.CSS_SELECTOR, '[data-test="price-input"]')
    prices[0].send_keys("45")
    prices[1].send_keys("20.5")
    click(driver, '[data-test="save-event"]')
    find(driver, '[data-test="event-created"]')
    assert find(driver, '[data-test="stat-sold"]').text == "0"

    venue = organizer.get(f"/api/venues/{venue_id}").json()["venue"]
    assert venue["timezone"] == "Europe/Paris" and venue["city"] == "Paris"
    assert [s["kind"] for s in venue["layout"]["sections"]] == ["seated", "ga"]
    event_id = driver.current_url.split("/events/")[1].split("?")[0]
    event = organizer.get(f"/api/venues/{venue_id}/events/{event_id}").json()["event"]
    assert event["startsAt"] == "2031-05-04T18:00:00Z"  # 20:00 in Paris (CEST)
    assert sorted(event["prices"].values()) == [2050, 4500]

    # Customers see it in the list.
    driver.get(stack.url("/#/?q=" + title))
    card = find(driver, f'[data-test="event-card"][data-event-id="{event_id}"]')
    assert title in card.text and "20.50" in card.text

    # A customer books a seat (through the API); the organizer checks the ticket in.
    customer = register(stack, "customer")
    seat_id = next(s for s in seat_states(stack, venue_id, event_id))
    code = book(customer, venue_id, event_id, [seat_id])["tickets"][0]["code"]

    driver.get(stack.url(f"/#/organizer/venues/{venue_id}/events/{event_id}"))
    click(driver, '[data-test="checkin-link"]')
    result = '[data-test="checkin-result"]'
    for expected in ("accepted", "already_checked_in"):
        type_into(driver, '[data-test="checkin-code"]', code)
        click(driver, '[data-test="checkin-submit"]')
        wait(driver).until(lambda d, e=expected: d.find_element(By.CSS_SELECTOR, result).get_attribute("data-result") == e)
    assert "Already checked in" in find(driver, result).text
    type_into(driver, '[data-test="checkin-code"]', "NOSUCHTICKET00")
    click(driver, '[data-test="checkin-submit"]')
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, result).get_attribute("data-result") == "unknown")


def test_event_titles_are_text_not_markup(stack, browsers):
    organizer = register(stack, "organizer")
    probe = '<img src=x onerror=alert(1)>'
    venue_id = make_venue(organizer, name='<b id="xss-venue">Hall</b>')
    event = make_event(organizer, venue_id, title=probe + " " + unique("x"))
    driver = browsers()

    driver.get(stack.url(f"/#/?venue={venue_id}"))
    card = find(driver, f'[data-event-id="{event["id"]}"]')
    assert card.find_element(By.CSS_SELECTOR, '[data-test="event-title"]').text == event["title"]
    assert '<b id="xss-venue">Hall</b>' in card.text

    open_event(driver, stack, venue_id, event["id"])
    assert find(driver, 'h1[data-test="event-title"]').text == event["title"]
    assert driver.find_elements(By.CSS_SELECTOR, 'img[src="x"], #xss-venue') == []
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 (the access itself raises)


def test_seats_can_be_chosen_with_the_keyboard(stack, browsers, show):
    driver = browsers()
    open_event(driver, stack, show["venue"], show["id"])
    first = present(driver, '[data-test="seat-map"] .seat[tabindex="0"]')
    assert first.get_attribute("data-id") == "stalls-A-1"
    assert "row A seat 1" in first.get_attribute("aria-label")
    driver.execute_script("arguments[0].focus()", first)
    active = driver.switch_to.active_element
    active.send_keys(Keys.ARROW_RIGHT)
    assert driver.switch_to.active_element.get_attribute("data-id") == "stalls-A-2"
    driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert driver.switch_to.active_element.get_attribute("data-id") == "stalls-B-2"
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, seat_css("stalls-B-2")).get_attribute("aria-pressed") == "true")
    assert find(driver, '[data-test="selected-seat"]').get_attribute("data-id") == "stalls-B-2"


def test_phone_layout_has_no_sideways_scrolling(stack, browsers, show):
    driver = browsers(390, 844)
    for route in ("/#/", f"/#/events/{show['venue']}/{show['id']}"):
        driver.get(stack.url(route))
        present(driver, '[data-test="event-card"], [data-test="seat-map"] .seat')
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), route
