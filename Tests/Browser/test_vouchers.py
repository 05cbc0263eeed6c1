"""Vouchers in the browser: a customer applies a code to a hold and sees the new total; an
organizer manages an event's vouchers. The seeding goes through the API, the flows through the UI."""
from selenium.webdriver.common.by import By

from helpers import click, find, make_event, make_venue, open_event, register, seat_css, sign_in, type_into, wait, wait_seat_state


def test_applying_a_voucher_reprices_the_hold_and_shows_the_new_total(stack, browsers):
    organizer = register(stack, "organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue)
    r = organizer.post(f"/api/venues/{venue}/events/{event['id']}/vouchers", json={"code": "HALF", "percentOff": 50})
    assert r.status_code == 201, r.text
    customer = register(stack)

    driver = browsers()
    sign_in(driver, stack, customer.email)
    open_event(driver, stack, venue, event["id"])
    click(driver, seat_css("stalls-A-2"))
    click(driver, '[data-test="hold"]')
    wait_seat_state(driver, "stalls-A-2", "mine")
    assert "45" in find(driver, '[data-test="hold-total"]').text

    type_into(driver, '[data-test="voucher-code"]', "nope")
    click(driver, '[data-test="apply-voucher"]')
    wait(driver).until(lambda d: "cannot be used" in d.find_element(By.CSS_SELECTOR, '[data-region="msg"]').text)
    assert "45" in find(driver, '[data-test="hold-total"]').text, "a refused code leaves the price"

    type_into(driver, '[data-test="voucher-code"]', "half")
    click(driver, '[data-test="apply-voucher"]')
    wait(driver).until(lambda d: "22" in d.find_element(By.CSS_SELECTOR, '[data-test="hold-total"]').text)
    assert "HALF" in find(driver, '[data-test="hold-discount"]').text
    assert "22" in find(driver, '[data-test="pay"]').text
    wait_seat_state(driver, "stalls-A-2", "mine")


def test_an_organizer_creates_lists_and_deletes_vouchers(stack, browsers):
    organizer = register(stack, "organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue)
    driver = browsers()
    sign_in(driver, stack, organizer.email)
    driver.get(stack.url(f"/#/organizer/venues/{venue}/events/{event['id']}"))
    type_into(driver, '[data-test="voucher-new-code"]', "TENOFF")
    type_into(driver, '[data-test="voucher-new-value"]', "10")
    click(driver, '[data-test="voucher-create"]')
    item = find(driver, '[data-test="voucher"][data-code="TENOFF"]')
    assert "10 % off" in item.text and "0 used" in item.text
    click(driver, '[data-delete-voucher="TENOFF"]')
    wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-test="voucher"]'))
    assert organizer.get(f"/api/venues/{venue}/events/{event['id']}/vouchers").json()["vouchers"] == []
