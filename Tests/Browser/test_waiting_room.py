"""The waiting room in the browser: two buyers join before the sale opens and each is
numbered at the opening; the first is taken to the seat map by itself, holds and pays with
the pass's time in view; the second watches the people ahead of them go down. The
organizer follows the queue and pauses it. The stack is the module's own: a real proof of
work (low difficulty, solved in the page's Web Worker) and a fast notifier."""
import datetime
import time

import pytest
import requests

from helpers import click, find, make_venue, present, register, seat_css, sign_in, wait

RATE = 6  # buyers per minute: one every 10 s, time enough to see each step


@pytest.fixture(scope="module")
def queue_stack():
    from stack import Stack  # Tests/Integration/stack.py
    s = Stack(QUEUE_DIFFICULTY="12", BOOKING_NOTIFIER_INTERVAL_MS="100")
    yield s
    s.stop()


def rfc3339(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def queued_event(organizer, venue, sales_start):
    r = organizer.post(f"/api/venues/{venue}/events", json={
        "title": "Big on-sale", "startsAt": "2031-06-01T19:00:00Z", "currency": "EUR",
        "prices": {"stalls": 4500, "floor": 2000}, "maxTicketsPerCustomer": 10, "salesStartAt": rfc3339(sales_start),
        "queue": {"opensAt": rfc3339(time.time() - 60), "admitPerMinute": RATE, "passMinutes": 5}})
    assert r.status_code == 201, r.text
    return r.json()["event"]["id"]


def my_place(customer, venue, event_id):
    return customer.get(f"/api/venues/{venue}/events/{event_id}/queue").json().get("entry")


def text_of(driver, css):
    elements = driver.find_elements("css selector", css)
    return elements[0].text if elements else None


def test_two_buyers_are_numbered_at_the_opening_and_the_first_is_taken_to_the_seat_map(queue_stack, browsers):
    stack = queue_stack
    organizer = register(stack, "organizer")
    venue = make_venue(organizer)
    sales_start = time.time() + 25
    event_id = queued_event(organizer, venue, sales_start)
    buyers = [register(stack, name="Early Bird"), register(stack, name="Night Owl")]
    drivers = []
    for buyer in buyers:
        driver = browsers()
        sign_in(driver, stack, buyer.email)
        # The event page stays readable and sends the buyer to the waiting room.
        driver.get(stack.url(f"/#/events/{venue}/{event_id}"))
        present(driver, '[data-test="seat-map"] .seat')
        find(driver, '[data-test="queue-banner"]')
        click(driver, '[data-test="to-queue"]')
        click(driver, '[data-test="join-queue"]')
        find(driver, '[data-test="queue-joined"]')
        assert "one random draw" in find(driver, '[data-test="queue"]').text
        drivers.append(driver)
    assert time.time() < sales_start, "the joins took longer than the pre-queue lasted: raise the margin"
    assert all(my_place(b, venue, event_id) == {"position": None, "state": "waiting"} for b in buyers)

    # At the opening both are numbered, by the draw, and their pages show it by themselves.
    for driver in drivers:
        find(driver, '[data-test="queue-position"]', timeout=sales_start - time.time() + 15)
    positions = [my_place(b, venue, event_id)["position"] for b in buyers]
    assert sorted(positions) == [1, 2]
    first, second = (0, 1) if positions[0] == 1 else (1, 0)
    assert text_of(drivers[second], '[data-test="queue-position"]') == "2"
    assert text_of(drivers[second], '[data-test="queue-ahead"]') == "1"
    assert "minute" in text_of(drivers[second], '[data-test="queue-wait"]')

    # The first is admitted and lands on the seat map with the pass's time in view.
    driver = drivers[first]
    find(driver, '[data-test="queue-welcome"]', timeout=30)
    present(driver, '[data-test="seat-map"] .seat')
    assert find(driver, '[data-test="pass-countdown"]').text.startswith("4:") or \
        find(driver, '[data-test="pass-countdown"]').text.startswith("5:")
    # Meanwhile the second sees nobody ahead any more, and is still waiting.
    wait(drivers[second], 10).until(lambda d: text_of(d, '[data-test="queue-ahead"]') == "0")
    assert my_place(buyers[second], venue, event_id)["state"] == "waiting"

    click(driver, seat_css("stalls-A-3"))
    click(driver, '[data-test="hold"]')
    find(driver, '[data-test="countdown"]')
    find(driver, '[data-test="pass-countdown"]')
    click(driver, '[data-test="pay"]')
    find(driver, '[data-test="booking-confirmed"]')
    states = requests.get(stack.url(f"/api/venues/{venue}/events/{event_id}/seats"), timeout=10).json()["seats"]
    assert {s["id"]: s["state"] for s in states}["stalls-A-3"] == "sold"

    # Then the second's turn comes, and their page opens the seat map too.
    find(drivers[second], '[data-test="queue-welcome"]', timeout=30)
    present(drivers[second], '[data-test="seat-map"] .seat')


def test_the_organizer_follows_the_queue_and_pauses_admission(queue_stack, browsers):
    stack = queue_stack
    organizer = register(stack, "organizer")
    venue = make_venue(organizer)
    event_id = queued_event(organizer, venue, time.time() - 1)
    path = f"/api/venues/{venue}/events/{event_id}/queue"
    buyer = register(stack)
    driver = browsers()
    sign_in(driver, stack, organizer.email)
    driver.get(stack.url(f"/#/organizer/venues/{venue}/events/{event_id}"))
    assert find(driver, '[data-test="queue-length"]').text == "0"
    assert find(driver, '[data-test="queue-rate"]').text == f"{RATE} per minute"

    # A buyer joins (through the API: the buyer's side is the test above); the panel hears it live.
    from api import solve_proof  # Tests/Integration/api.py
    challenge = requests.get(stack.url(path), timeout=10).json()["challenge"]
    nonce = solve_proof(challenge["value"], buyer.user["id"], challenge["difficulty"])
    assert buyer.post(path, json={"nonce": nonce}).status_code == 201
    wait(driver).until(lambda d: text_of(d, '[data-test="queue-length"]') == "1")

    click(driver, '[data-test="queue-pause"]')
    find(driver, '[data-test="queue-saved"]')
    find(driver, '[data-test="queue-resume"]')
    assert requests.get(stack.url(path), timeout=10).json()["queue"]["state"] == "paused"
    click(driver, '[data-test="queue-resume"]')
    find(driver, '[data-test="queue-pause"]')
    assert requests.get(stack.url(path), timeout=10).json()["queue"]["state"] == "open"

    rate = find(driver, '[data-test="queue-rate-input"]')
    rate.clear()
    rate.send_keys("120")
    click(driver, '[data-test="queue-rate-save"]')
    wait(driver).until(lambda d: text_of(d, '[data-test="queue-rate"]') == "120 per minute")
    assert requests.get(stack.url(path), timeout=10).json()["queue"]["admitPerMinute"] == 120


def test_the_event_form_sets_up_a_waiting_room(queue_stack, browsers):
    stack = queue_stack
    organizer = register(stack, "organizer")
    venue = make_venue(organizer)
    r = organizer.post(f"/api/venues/{venue}/events", json={
        "title": "Plain show", "startsAt": "2031-06-01T19:00:00Z", "currency": "EUR", "prices": {"stalls": 4500, "floor": 2000}})
    event_id = r.json()["event"]["id"]
    driver = browsers()
    sign_in(driver, stack, organizer.email)
    driver.get(stack.url(f"/#/organizer/venues/{venue}/events/{event_id}/edit"))
    click(driver, '[data-test="queue-on"]')
    opens = find(driver, '[data-test="queue-opens"]')
    driver.execute_script("arguments[0].value = '2031-05-01T10:00'", opens)
    rate = find(driver, '[data-test="queue-rate"]')
    rate.clear()
    rate.send_keys("300")
    click(driver, '[data-test="save-event"]')
    find(driver, '[data-test="event-saved"]')
    queue = organizer.get(f"/api/venues/{venue}/events/{event_id}").json()["event"]["queue"]
    # Typed in the venue's zone (Europe/Paris, UTC+2 in May).
    assert queue == {"opensAt": "2031-05-01T08:00:00Z", "admitPerMinute": 300, "passMinutes": 10}
    find(driver, '[data-test="queue-panel"]')

    # Unticked, the waiting room is removed.
    driver.get(stack.url(f"/#/organizer/venues/{venue}/events/{event_id}/edit"))
    click(driver, '[data-test="queue-on"]')
    click(driver, '[data-test="save-event"]')
    find(driver, '[data-test="event-saved"]')
    assert organizer.get(f"/api/venues/{venue}/events/{event_id}").json()["event"]["queue"] is None
