"""Tickets as PDF and the calendar file from "My bookings" and the booking's page: a click
downloads the file with the page's own cookie."""
import os
import tempfile
import time

from helpers import book, click, find, make_event, make_venue, register, sign_in


def downloaded(directory, suffix, timeout=15):
    """The bytes of the first finished download ending in `suffix` (Chromium writes
    `.crdownload` until it is done)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        names = [n for n in os.listdir(directory) if n.endswith(suffix)]
        if names:
            with open(os.path.join(directory, names[0]), "rb") as f:
                return names[0], f.read()
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} download in {directory}: {os.listdir(directory)}")


def test_download_tickets_and_add_to_calendar_from_my_bookings(stack, browsers):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue, title="Downloadable Dances")
    customer = register(stack, name="Dee Download")
    booking = book(customer, venue, event["id"], ["stalls-A-1", "stalls-A-2"])

    driver = browsers()
    directory = tempfile.mkdtemp(prefix="booking-downloads-")
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": directory})
    sign_in(driver, stack, customer.email)
    driver.get(stack.url("/#/bookings"))
    row = f'[data-test="booking-row"][data-booking-id="{booking["id"]}"]'
    assert find(driver, f'{row} [data-test="download-tickets"]').text == "Download tickets (PDF)"
    click(driver, f'{row} [data-test="download-tickets"]')
    name, pdf = downloaded(directory, ".pdf")
    assert name == f"tickets-{booking['id']}.pdf"
    assert pdf.startswith(b"%PDF-")

    click(driver, f'{row} [data-test="add-to-calendar"]')
    name, ics = downloaded(directory, ".ics")
    assert name == f"event-{booking['id']}.ics"
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n") and b"SUMMARY:Downloadable Dances" in ics

    # The booking's own page has the same links.
    driver.get(stack.url(f"/#/bookings/{venue}/{booking['id']}"))
    link = find(driver, '[data-test="download-tickets"]')
    assert link.get_attribute("href").endswith(f"/api/venues/{venue}/bookings/{booking['id']}/tickets.pdf")
    assert find(driver, '[data-test="add-to-calendar"]').get_attribute("href").endswith("/event.ics")
