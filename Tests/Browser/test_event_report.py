"""The organizer's event page shows the sales report: the per-section table, refunds and
check-ins, the sales-by-hour chart (inline SVG with a text alternative) and the CSV link."""
import os
import sqlite3

from selenium.webdriver.common.by import By

from helpers import book, find, make_event, make_venue, present, register, sign_in, wait


def move_booking_back(stack, venue_id, booking_id, hours):
    """As if the booking had been made `hours` earlier (a sale of another hour)."""
    with sqlite3.connect(os.path.join(stack.data_dir, "venues", venue_id + ".sqlite")) as db:
        db.execute("UPDATE booking SET created_at = created_at - ? WHERE id = ?", (hours * 3600, booking_id))


def test_the_organizer_sees_the_table_and_a_bar_per_hour_with_sales(stack, browsers):
    organizer = register(stack, role="organizer")
    venue_id = make_venue(organizer)
    event = make_event(organizer, venue_id)
    buyer = register(stack)
    early = book(buyer, venue_id, event["id"], ["stalls-A-1", "stalls-A-2"])
    book(buyer, venue_id, event["id"], ["stalls-A-3"])
    hours = 1
    if hasattr(stack, "data_dir"):  # a stack of our own: its files can be reached
        move_booking_back(stack, venue_id, early["id"], 3)
        hours = 2
    report = organizer.get(f"/api/venues/{venue_id}/events/{event['id']}/report").json()
    assert len(report["salesByHour"]) == hours

    driver = browsers()
    sign_in(driver, stack, organizer.email)
    driver.get(stack.url(f"/#/organizer/venues/{venue_id}/events/{event['id']}"))
    stalls = find(driver, '[data-test="report-row"][data-section="stalls"]')
    assert stalls.find_element(By.CSS_SELECTOR, '[data-test="report-sold"]').text == "3"
    assert stalls.find_element(By.CSS_SELECTOR, '[data-test="report-free"]').text == "9"
    assert "135.00" in stalls.find_element(By.CSS_SELECTOR, '[data-test="report-revenue"]').text
    assert "Stalls" in stalls.text, "sections by name"
    floor = find(driver, '[data-test="report-row"][data-section="floor"]')
    assert floor.find_element(By.CSS_SELECTOR, '[data-test="report-free"]').text == "20"
    assert find(driver, '[data-test="report-checked-in"]').text == "0"

    chart = find(driver, 'svg[data-test="sales-chart"]')
    bars = chart.find_elements(By.CSS_SELECTOR, 'rect[data-test="chart-bar"]')
    assert len(bars) == hours
    assert [b.get_attribute("data-hour") for b in bars] == [h["hour"] for h in report["salesByHour"]]
    heights = [b.size["height"] for b in bars]  # as drawn, after the page's CSS
    assert all(h > 20 for h in heights), heights
    if hours == 2:
        assert heights[0] > heights[1], "two tickets in the earlier hour, one in the later"
    assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-labelledby")
    assert "3 tickets sold" in chart.find_element(By.CSS_SELECTOR, "desc").get_attribute("textContent")
    table = present(driver, '[data-test="chart-table"]')
    assert len(table.find_elements(By.CSS_SELECTOR, "tbody tr")) == hours

    link = find(driver, '[data-test="attendees-csv"]')
    assert link.get_attribute("href").endswith(f"/api/venues/{venue_id}/events/{event['id']}/attendees.csv")
    assert link.get_attribute("download") is not None

    # A check-in shows after Refresh.
    r = organizer.post(f"/api/venues/{venue_id}/events/{event['id']}/checkins", json={"code": early["tickets"][0]["code"]})
    assert r.status_code == 200, r.text
    find(driver, '[data-test="refresh-stats"]').click()
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, '[data-test="report-checked-in"]').text == "1")
