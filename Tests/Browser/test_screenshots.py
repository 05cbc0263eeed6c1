"""Screenshots of the main pages on the demo data of `make run`, taken with headless Chromium.

They go to $SCREENSHOT_DIR (a temporary folder by default); `make screenshots` writes them to
docs/screenshots/, which the README shows.
"""
import os
import subprocess
import tempfile
import time

import pytest
import requests
from selenium.webdriver.common.by import By

from helpers import click, find, open_event, present, sign_in
from stack import ROOT, Stack

DEMO_PASSWORD = "demo-password-123"


@pytest.fixture(scope="module")
def demo_stack():
    stack = Stack()
    subprocess.run([os.path.join(ROOT, ".build", "release", "booking-fcgi"), "demo"], check=True, capture_output=True,
                   env=dict(os.environ, BOOKING_DATA_DIR=stack.data_dir))
    yield stack
    stack.stop()


def test_screenshots_of_the_main_pages(demo_stack, browsers):
    out = os.environ.get("SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="booking-screenshots-")
    os.makedirs(out, exist_ok=True)
    stack = demo_stack
    events = requests.get(stack.url("/api/events")).json()["events"]
    arena = next(e for e in events if e["venueId"] == "city-arena")
    shots = []

    def shot(driver, name):
        time.sleep(0.4)  # let transitions settle
        path = os.path.join(out, name + ".png")
        driver.save_screenshot(path)
        shots.append(path)

    customer = browsers(1280, 900)
    customer.get(stack.url("/"))
    present(customer, '[data-test="event-card"], .event-card, article')
    shot(customer, "events")
    sign_in(customer, stack, "customer@example.com", DEMO_PASSWORD)
    open_event(customer, stack, "city-arena", arena["id"])
    shot(customer, "event-seat-map")
    # Free seats as a list by section and row, for keyboard and screen-reader users.
    click(customer, '[data-test="list-toggle"]')
    customer.execute_script("arguments[0].scrollIntoView({block: 'center'})", find(customer, '[data-test="seat-list"]'))
    shot(customer, "seat-list")
    click(customer, '[data-test="list-toggle"]')
    customer.execute_script("window.scrollTo(0, 0)")
    free = customer.find_elements(By.CSS_SELECTOR, '[data-test="seat-map"] .seat[data-state="available"]')
    for seat in free[200:202]:
        customer.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", seat)
    click(customer, '[data-test="hold"]')
    find(customer, '[data-test="pay-form"]')
    shot(customer, "hold-and-pay")
    click(customer, '[data-test="pay"]')
    find(customer, '[data-test="tickets"]')
    shot(customer, "tickets")
    customer.get(stack.url("/#/bookings"))
    time.sleep(1)
    shot(customer, "my-bookings")
    # The demo's on-sale: joining its waiting room before the sales open (a real proof of work).
    on_sale = next(e for e in events if e["title"] == "Winter Pop Festival")
    customer.get(stack.url(f"/#/events/city-arena/{on_sale['id']}/queue"))
    click(customer, '[data-test="join-queue"]')
    find(customer, '[data-test="queue-joined"]', timeout=60)
    shot(customer, "waiting-room")

    organizer = browsers(1280, 900)
    sign_in(organizer, stack, "organizer@example.com", DEMO_PASSWORD)
    organizer.get(stack.url("/#/organizer"))
    time.sleep(1)
    shot(organizer, "organizer")
    organizer.get(stack.url(f"/#/organizer/venues/city-arena/events/{arena['id']}"))
    time.sleep(1)
    shot(organizer, "event-stats")
    # The sales report (table and sales by hour) and the vouchers below the figures.
    organizer.execute_script("arguments[0].scrollIntoView({block: 'start'})", find(organizer, '[data-test="report-sections"]'))
    shot(organizer, "event-report")
    organizer.execute_script("arguments[0].scrollIntoView({block: 'start'})", find(organizer, '[data-test="voucher-new"]'))
    shot(organizer, "vouchers")
    organizer.get(stack.url(f"/#/organizer/venues/city-arena/events/{arena['id']}/checkin"))
    time.sleep(1)
    shot(organizer, "check-in")

    phone = browsers(390, 844)
    open_event(phone, stack, "city-arena", arena["id"])
    shot(phone, "phone-event")

    assert all(os.path.getsize(p) > 10_000 for p in shots), shots
