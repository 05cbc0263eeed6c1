"""Browser tests: headless chromium against the real stack (nginx + workers).

Data that is not what a test is about (organizers, venues, other customers' bookings) is
seeded through the API; the flows under test go through the UI only."""
import re

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
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
    click(driver, '[data-test="ga-section"][data-section="floor"] [data-step="1"]')
    assert "110" in find(driver, '[data-test="total"]').text  # 2 x 45.00 + 20.00
    click(driver, '[data-test="hold"]')
    find(driver, '[data-test="countdown"]')
    assert "1 × Floor" in find(driver, '[data-test="held-ga"]').text

    # A reload keeps the hold (its id is in sessionStorage; the session is the cookie).
    driver.refresh()
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


def test_a_hold_refused_with_seat_unavailable_marks_the_taken_seat(stack, browsers, show):
    venue, event_id = show["venue"], show["id"]
    customer = register(stack, "customer")
    rival = register(stack, "customer")
    driver = browsers()
    sign_in(driver, stack, customer.email)
    # The page must not learn about the rival in advance: no live channel, no polling.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/live/*"]})
    open_event(driver, stack, venue, event_id)
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/live/*", "*/seats"]})
    click(driver, seat_css("stalls-A-5"))
    click(driver, seat_css("stalls-A-6"))
    book(rival, venue, event_id, ["stalls-A-6"])
    click(driver, '[data-test="hold"]')
    error = find(driver, '[data-test="error"][data-code="seat_unavailable"]')
    assert "row A seat 6" in error.text.replace("·", "").replace("  ", " ") and "taken" in error.text
    assert driver.find_element(By.CSS_SELECTOR, seat_css("stalls-A-6")).get_attribute("data-state") == "held"
    assert driver.find_element(By.CSS_SELECTOR, seat_css("stalls-A-6")).get_attribute("aria-pressed") == "false"
    # The free seat stays selected, ready for another try.
    assert driver.find_element(By.CSS_SELECTOR, seat_css("stalls-A-5")).get_attribute("aria-pressed") == "true"
    assert [e.get_attribute("data-id") for e in driver.find_elements(By.CSS_SELECTOR, '[data-test="selected-seat"]')] == ["stalls-A-5"]


def test_a_selected_seat_taken_by_someone_else_is_dropped_live(stack, browsers, show):
    venue, event_id = show["venue"], show["id"]
    customer = register(stack, "customer")
    rival = register(stack, "customer")
    driver = browsers()
    sign_in(driver, stack, customer.email)
    open_event(driver, stack, venue, event_id)
    click(driver, seat_css("stalls-B-3"))
    click(driver, seat_css("stalls-B-4"))
    book(rival, venue, event_id, ["stalls-B-4"])
    wait_seat_state(driver, "stalls-B-4", "sold")
    assert "just taken" in find(driver, '[data-test="hint"]').text
    assert driver.find_element(By.CSS_SELECTOR, seat_css("stalls-B-4")).get_attribute("aria-pressed") == "false"
    assert find(driver, '[data-test="hold"]').text == "Hold 1 ticket"


def test_without_the_live_channel_the_map_falls_back_to_polling(stack, browsers, show):
    venue, event_id = show["venue"], show["id"]
    rival = register(stack, "customer")
    driver = browsers()
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/live/*"]})
    open_event(driver, stack, venue, event_id)
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, '[data-test="live-status"]').get_attribute("data-mode") == "polling")
    book(rival, venue, event_id, ["stalls-B-6"])
    wait_seat_state(driver, "stalls-B-6", "sold")


def test_an_open_live_channel_that_hears_nothing_still_shows_changes(dead_nchan_stack, browsers):
    stack = dead_nchan_stack
    organizer = register(stack, "organizer")
    venue = make_venue(organizer)
    event_id = make_event(organizer, venue)["id"]
    driver = browsers()
    open_event(driver, stack, venue, event_id)
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, '[data-test="live-status"]').get_attribute("data-mode") == "live")
    book(register(stack, "customer"), venue, event_id, ["stalls-A-2"])
    # No message comes through nchan; the page's check of the seat map (every 30 s) shows it.
    wait_seat_state(driver, "stalls-A-2", "sold", timeout=45)


def test_event_list_filters_and_pages(stack, browsers):
    organizer = register(stack, "organizer")
    venue_id = make_venue(organizer, name="Filter Hall")
    tag = unique("gala")
    for day in range(22):
        r = organizer.post(f"/api/venues/{venue_id}/events", json={
            "title": f"{tag} night {day}", "startsAt": f"2031-06-{day + 1:02d}T19:00:00Z", "currency": "EUR",
            "prices": {"stalls": 4500 + day, "floor": 2000}})
        assert r.status_code == 201, r.text
    driver = browsers()
    driver.get(stack.url("/#/"))
    Select(find(driver, f'[data-test="filter-venue"] option[value="{venue_id}"]').find_element(By.XPATH, "..")).select_by_value(venue_id)
    cards = '[data-test="event-card"]'
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, cards)) == 20)
    first = driver.find_element(By.CSS_SELECTOR, cards)
    assert f"{tag} night 0" in first.text and "from" in first.text and "20.00" in first.text and "available" in first.text
    click(driver, '[data-test="load-more"]')
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, cards)) == 22)
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-test="load-more"]')
    assert f"venue={venue_id}" in driver.current_url  # shareable

    set_value(driver, '[data-test="filter-from"]', "2031-06-20")
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, cards)) == 3)
    set_value(driver, '[data-test="filter-to"]', "2031-06-20")
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, cards)) == 1)
    click(driver, '[data-test="filter-reset"]')
    type_into(driver, '[data-test="filter-q"]', f"{tag} night 17")
    wait(driver).until(lambda d: [c.find_element(By.CSS_SELECTOR, '[data-test="event-title"]').text
                                  for c in d.find_elements(By.CSS_SELECTOR, cards)] == [f"{tag} night 17"])
    type_into(driver, '[data-test="filter-q"]', unique("nothing-like-this"))
    find(driver, '[data-test="no-events"]')


def test_signing_in_to_hold_keeps_the_selection(stack, browsers, show):
    customer = register(stack, "customer")
    driver = browsers()
    open_event(driver, stack, show["venue"], show["id"])
    click(driver, seat_css("stalls-A-2"))
    click(driver, '[data-test="signin-to-hold"]')
    type_into(driver, '[data-test="signin-form"] [data-test="email"]', customer.email)
    type_into(driver, '[data-test="signin-form"] [data-test="password"]', PASSWORD)
    click(driver, '[data-test="signin-submit"]')
    present(driver, '[data-test="seat-map"] .seat')
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, seat_css("stalls-A-2")).get_attribute("aria-pressed") == "true")
    assert find(driver, '[data-test="hold"]').text == "Hold 1 ticket"


def test_expired_holds_are_explained(short_hold_stack, browsers):
    stack = short_hold_stack
    organizer = register(stack, "organizer")
    venue_id = make_venue(organizer)
    event_id = make_event(organizer, venue_id)["id"]
    customer = register(stack, "customer")
    driver = browsers()
    sign_in(driver, stack, customer.email)

    # The countdown runs out: the hold is gone and the seat is free again.
    open_event(driver, stack, venue_id, event_id)
    click(driver, seat_css("stalls-A-1"))
    click(driver, '[data-test="hold"]')
    find(driver, '[data-test="countdown"]')
    find(driver, '[data-test="hold-expired"]', timeout=15)
    wait_seat_state(driver, "stalls-A-1", "available")

    # Paying for a hold the server has already expired answers 410: say so, free the seats.
    click(driver, seat_css("stalls-A-2"))
    click(driver, '[data-test="hold"]')
    find(driver, '[data-test="countdown"]')
    # Pretend this browser's clock is behind: it still believes in the hold after the server expired it.
    driver.execute_script("""
      for (const k of Object.keys(sessionStorage)) {
        const h = JSON.parse(sessionStorage.getItem(k));
        h.expiresAt = new Date(Date.now() + 3600e3).toISOString();
        sessionStorage.setItem(k, JSON.stringify(h));
      }""")
    driver.refresh()
    find(driver, '[data-test="countdown"]')
    wait(driver, 15).until(lambda d: seat_states(stack, venue_id, event_id)["stalls-A-2"] == "available")
    click(driver, '[data-test="pay"]')
    error = find(driver, '[data-test="error"][data-code="hold_expired"]')
    assert "expired" in error.text
    wait_seat_state(driver, "stalls-A-2", "available")
    assert customer.get("/api/bookings").json()["bookings"] == []


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


def test_map_zooms_and_pans_without_selecting_seats(stack, browsers, show):
    driver = browsers()
    open_event(driver, stack, show["venue"], show["id"])
    svg = find(driver, '[data-test="seat-map"] svg')

    def view_box():
        return [float(v) for v in svg.get_dom_attribute("viewBox").split()]

    full = view_box()
    click(driver, '[data-zoom="in"]')
    zoomed = view_box()
    assert zoomed[2] < full[2]
    ActionChains(driver).scroll_from_origin(ScrollOrigin.from_element(svg), 0, -300).perform()
    wait(driver).until(lambda d: view_box()[2] < zoomed[2])
    before = view_box()
    ActionChains(driver).move_to_element(driver.find_element(By.CSS_SELECTOR, seat_css("stalls-A-3"))) \
        .click_and_hold().move_by_offset(60, 25).move_by_offset(40, 10).release().perform()
    after = view_box()
    assert after[0] < before[0] and after[2] == before[2], (before, after)
    assert driver.find_elements(By.CSS_SELECTOR, '[data-test="selected-seat"]') == []  # a drag is not a click

    click(driver, '[data-zoom="fit"]')
    assert view_box() == full
    # Two fingers spreading apart zoom in (touch events from the DevTools protocol).
    rect = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]", svg)
    cx, cy = rect

    def touch(kind, spread):
        points = [] if kind == "touchEnd" else [{"x": cx - spread, "y": cy, "id": 1}, {"x": cx + spread, "y": cy, "id": 2}]
        driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 20)
    for spread in (40, 60, 80):
        touch("touchMove", spread)
    touch("touchEnd", 0)
    pinched = view_box()
    assert pinched[2] < full[2] * 0.5, (full, pinched)
    assert driver.find_elements(By.CSS_SELECTOR, '[data-test="selected-seat"]') == []


def test_phone_layout_has_no_sideways_scrolling(stack, browsers, show):
    driver = browsers(390, 844)
    no_overflow = "return document.documentElement.scrollWidth <= window.innerWidth + 1"
    driver.get(stack.url("/#/"))
    present(driver, '[data-test="event-card"]')
    assert driver.execute_script(no_overflow), "event list"
    open_event(driver, stack, show["venue"], show["id"])
    click(driver, seat_css("stalls-A-1"))
    assert "1 ticket" in find(driver, '[data-test="mobile-bar"]').text
    assert driver.execute_script(no_overflow), "event page"
    sign_in(driver, stack, show["organizer"].email)
    for route, ready in ((f"/#/organizer/venues/new", '[data-test="venue-form"]'),
                         (f"/#/organizer/venues/{show['venue']}/events/{show['id']}", '[data-test="stat-sold"]'),
                         (f"/#/organizer/venues/{show['venue']}/events/{show['id']}/checkin", '[data-test="checkin-form"]')):
        driver.get(stack.url(route))
        find(driver, ready)
        assert driver.execute_script(no_overflow), route


def test_sign_in_mistakes_are_explained_and_sign_out_ends_the_session(stack, browsers):
    customer = register(stack, "customer", name="Sam Customer")
    driver = browsers()
    driver.get(stack.url("/#/signin"))
    type_into(driver, '[data-test="signin-form"] [data-test="email"]', customer.email)
    type_into(driver, '[data-test="signin-form"] [data-test="password"]', "not the password")
    click(driver, '[data-test="signin-submit"]')
    find(driver, '[data-test="error"][data-code="invalid_credentials"]')

    sign_in(driver, stack, customer.email)
    assert find(driver, '[data-test="nav-user"]').text == "Sam Customer"
    click(driver, '[data-test="sign-out"]')
    find(driver, '[data-test="nav-signin"]')
    driver.refresh()
    find(driver, '[data-test="nav-signin"]')
    # Pages that need an account send the visitor to sign in.
    driver.get(stack.url("/#/bookings"))
    find(driver, '[data-test="signin-form"]')


def test_customer_cancels_a_booking_from_my_bookings(stack, browsers, show):
    venue, event_id = show["venue"], show["id"]
    customer = register(stack, "customer")
    booking = book(customer, venue, event_id, ["stalls-B-5"])
    driver = browsers()
    sign_in(driver, stack, customer.email, next_route="%23%2Fbookings")
    row = f'[data-test="booking-row"][data-booking-id="{booking["id"]}"]'
    find(driver, row)
    click(driver, row + ' [data-test="cancel-booking"]')  # arms
    click(driver, row + ' [data-test="cancel-booking"]')  # confirms
    find(driver, row + ' [data-test="booking-cancelled"]')
    assert find(driver, row + ' [data-test="booking-status"]').text == "Cancelled"
    assert seat_states(stack, venue, event_id)["stalls-B-5"] == "available"


def test_organizer_edits_prices_and_cancels_an_event(stack, browsers, show):
    venue, event_id, organizer = show["venue"], show["id"], show["organizer"]
    driver = browsers()
    sign_in(driver, stack, organizer.email)
    driver.get(stack.url(f"/#/organizer/venues/{venue}/events/{event_id}"))
    click(driver, '[data-test="edit-event"]')
    type_into(driver, '[data-test="event-title-input"]', "Renamed show")
    price = find(driver, '[data-test="price-input"][data-section="stalls"]')
    assert price.get_attribute("value") == "45.00"
    price.clear()
    price.send_keys("49.90")
    click(driver, '[data-test="save-event"]')
    find(driver, '[data-test="event-saved"]')
    event = organizer.get(f"/api/venues/{venue}/events/{event_id}").json()["event"]
    assert event["title"] == "Renamed show" and event["prices"]["stalls"] == 4990
    assert event["startsAt"] == show["event"]["startsAt"]  # untouched fields are not sent

    click(driver, '[data-test="cancel-event"]')
    click(driver, '[data-test="cancel-event"]')
    find(driver, '[data-test="event-cancelled"]')
    assert find(driver, '[data-test="event-status"]').text == "Cancelled"
    assert organizer.get(f"/api/venues/{venue}/events/{event_id}").json()["event"]["status"] == "cancelled"


def test_front_end_helpers(stack, browsers):
    """The pure modules (escaping, money, time zones, live-update ordering), run in the browser."""
    driver = browsers()
    driver.get(stack.url("/#/"))
    present(driver, '[data-test="event-filters"]')
    driver.set_script_timeout(20)
    result = driver.execute_async_script("""
      const done = arguments[arguments.length - 1];
      (async () => {
        const { html, raw } = await import('/lib/html.js');
        const f = await import('/lib/format.js');
        const { parseSeatId } = await import('/lib/tickets.js');
        const { slugify, layoutProblems } = await import('/pages/venue-new.js');
        const { LiveSeats } = await import('/lib/live.js');
        const out = {};
        const evil = '"><img src=x onerror=alert(1)>';
        out.escaped = html`<p title="${evil}">${evil}${[evil, html`<b>${'&'}</b>`]}${null}${false}${raw('<i>ok</i>')}</p>`.toString();
        out.money = [f.formatMoney(4500, 'EUR'), f.formatMoney(4500, 'JPY'), f.formatMoney(4500, 'KWD')];
        out.minor = [f.toMinorUnits('45.5', 'EUR'), f.toMinorUnits('0.29', 'EUR'), f.toMinorUnits('12', 'JPY'),
                     f.toMinorUnits('1.234', 'KWD'), f.toMinorUnits('1.2345', 'KWD'), f.toMinorUnits('abc', 'EUR'),
                     f.fromMinorUnits(4990, 'EUR'), f.fromMinorUnits(500, 'JPY')];
        out.zones = [f.zonedLocalToRFC3339('2031-05-04T20:00', 'Europe/Paris'),
                     f.zonedLocalToRFC3339('2031-01-10T20:00', 'Europe/Paris'),
                     f.zonedLocalToRFC3339('2031-07-01T09:30', 'America/New_York'),
                     f.rfc3339ToZonedLocal('2031-05-04T18:00:00Z', 'Europe/Paris'),
                     f.formatDateTime('2031-05-04T18:00:00Z', 'Asia/Tokyo')];
        out.seats = [parseSeatId('stalls-A-7', 'stalls'), parseSeatId('upper-circle-AA-12', 'upper-circle')];
        out.slug = slugify('Salle Pléyel & Co!');
        out.layout = layoutProblems([{ name: 'A', id: 'a', kind: 'seated', rows: [{ label: 'A', seats: 0 }] },
                                     { name: 'B', id: 'a', kind: 'ga', capacity: 0 }]);
        // Live ordering: next version applied, old ignored, a gap re-reads /seats.
        const applied = []; let resyncs = 0;
        const live = new LiveSeats({ venueId: 'v', eventId: 'e', version: 5, etag: null,
                                     onSnapshot() {}, onChange: (m) => applied.push(m.version) });
        live.resync = () => { resyncs += 1; };
        for (const v of [6, 6, 4, 7, 9]) live.message(JSON.stringify({ version: v, seats: [], ga: [] }));
        live.message('not json');
        out.live = { applied, resyncs, version: live.version };
        return out;
      })().then(done, (e) => done({ error: String(e && e.stack || e) }));
    """)
    assert "error" not in result, result.get("error")
    assert "<img" not in result["escaped"] and "&lt;img" in result["escaped"] and "&quot;&gt;" in result["escaped"]
    assert "<b>&amp;</b>" in result["escaped"] and "<i>ok</i>" in result["escaped"] and "null" not in result["escaped"]
    eur, jpy, kwd = result["money"]
    assert "45.00" in eur and "4,500" in jpy and "4.500" in kwd, result["money"]
    assert result["minor"] == [4550, 29, 12, 1234, None, None, "49.90", "500"]
    assert result["zones"][:4] == ["2031-05-04T18:00:00Z", "2031-01-10T19:00:00Z", "2031-07-01T13:30:00Z", "2031-05-04T20:00"]
    assert "3:00" in result["zones"][4] or "03:00" in result["zones"][4], result["zones"][4]  # 03:00 next day in Tokyo
    assert result["seats"] == [{"row": "A", "number": "7"}, {"row": "AA", "number": "12"}]
    assert result["slug"] == "salle-pleyel-co"
    assert any("1–500 seats" in p for p in result["layout"]) and any("used twice" in p for p in result["layout"])
    assert any("capacity" in p for p in result["layout"])
    assert result["live"] == {"applied": [6, 7], "resyncs": 1, "version": 7}
