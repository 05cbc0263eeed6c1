"""Issue 21 in the browser: best available with a quantity picker, and the accessible
filter and list view operated by keyboard alone (a wheelchair space with its companion seat
held in one step)."""
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from helpers import find, make_event, make_venue, open_event, present, register, seat_css, seat_states, sign_in, unique, wait


def tab_to(driver, css, limit=80):
    """Presses Tab until the focused element matches `css` (keyboard only, no clicks)."""
    for _ in range(limit):
        active = driver.switch_to.active_element
        if driver.execute_script("return arguments[0].matches(arguments[1])", active, css):
            return active
        active.send_keys(Keys.TAB)
    raise AssertionError(f"Tab never reached {css}")


def test_best_available_holds_adjacent_seats_from_the_quantity_picker(stack, browsers):
    organizer = register(stack, "organizer")
    venue = make_venue(organizer, rows=("A", "B"), seats=6)
    event = make_event(organizer, venue)
    customer = register(stack)
    driver = browsers()
    sign_in(driver, stack, customer.email)
    open_event(driver, stack, venue, event["id"])
    Select(find(driver, '[data-test="best-qty"]')).select_by_value("3")
    find(driver, '[data-test="best"]').click()
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-test="held-seat"]')) == 3)
    held = [el.get_attribute("data-id") for el in driver.find_elements(By.CSS_SELECTOR, '[data-test="held-seat"]')]
    assert held == ["stalls-A-2", "stalls-A-3", "stalls-A-4"]
    states = seat_states(stack, venue, event["id"])
    assert all(states[s] == "held" for s in held)
    assert sum(1 for state in states.values() if state == "held") == 3


def test_the_wheelchair_filter_and_the_list_view_work_by_keyboard_alone(stack, browsers):
    organizer = register(stack, "organizer")
    venue = unique("hall")
    row_a = [{"number": 1, "x": 0, "y": 0, "attributes": ["wheelchair", "aisle"]},
             {"number": 2, "x": 12, "y": 0, "attributes": ["companion"]}] + \
            [{"number": n, "x": 12 * (n - 1), "y": 0} for n in (3, 4)]
    row_b = [{"number": n, "x": 12 * (n - 1), "y": 14, "attributes": ["restricted-view"] if n == 4 else []} for n in (1, 2, 3, 4)]
    r = organizer.post("/api/venues", json={"id": venue, "name": "Access Hall", "timezone": "UTC", "layout": {"sections": [
        {"id": "stalls", "name": "Stalls", "kind": "seated", "rows": [{"label": "A", "seats": row_a}, {"label": "B", "seats": row_b}]}]}})
    assert r.status_code == 201, r.text
    event = make_event(organizer, venue, prices={"stalls": 3000})
    customer = register(stack)
    driver = browsers()
    sign_in(driver, stack, customer.email)
    open_event(driver, stack, venue, event["id"])

    # Symbols and a legend, not colour alone.
    wheelchair = present(driver, seat_css("stalls-A-1"))
    assert wheelchair.find_element(By.CSS_SELECTOR, ".seat-symbol").text == "♿"
    assert "wheelchair space" in wheelchair.get_attribute("aria-label")
    legend = find(driver, '[data-test="attribute-legend"]').text
    assert "Wheelchair space" in legend and "Companion seat" in legend and "Restricted view" in legend

    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    tab_to(driver, '[data-test="filter-wheelchair"]').send_keys(Keys.SPACE)
    wait(driver).until(lambda d: "filtered-out" in d.find_element(By.CSS_SELECTOR, seat_css("stalls-A-3")).get_attribute("class"))
    assert "filtered-out" not in driver.find_element(By.CSS_SELECTOR, seat_css("stalls-A-1")).get_attribute("class")

    tab_to(driver, '[data-test="list-toggle"]').send_keys(Keys.ENTER)
    listing = find(driver, '[data-test="seat-list"]')
    assert driver.find_element(By.CSS_SELECTOR, '[data-test="list-toggle"]').get_attribute("aria-expanded") == "true"
    # Filtered: only the wheelchair space, alone or with its companion seat.
    seats = [b.get_attribute("data-seat") for b in listing.find_elements(By.CSS_SELECTOR, "button")]
    assert seats == ["stalls-A-1", "stalls-A-1 stalls-A-2"]
    assert "Stalls, row A" in listing.text

    tab_to(driver, '[data-test="list-pair"]').send_keys(Keys.ENTER)
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-test="selected-seat"]')) == 2)
    selected = {el.get_attribute("data-id") for el in driver.find_elements(By.CSS_SELECTOR, '[data-test="selected-seat"]')}
    assert selected == {"stalls-A-1", "stalls-A-2"}

    tab_to(driver, '[data-test="hold"]').send_keys(Keys.ENTER)
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-test="held-seat"]')) == 2)
    states = seat_states(stack, venue, event["id"])
    assert states["stalls-A-1"] == "held" and states["stalls-A-2"] == "held"
    assert sum(1 for s in states.values() if s == "held") == 2


def test_the_list_view_groups_every_free_seat_by_section_and_row(stack, browsers):
    organizer = register(stack, "organizer")
    venue = make_venue(organizer, rows=("A", "B"), seats=3, ga=0)
    event = make_event(organizer, venue, prices={"stalls": 3000})
    driver = browsers()
    open_event(driver, stack, venue, event["id"])
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    tab_to(driver, '[data-test="list-toggle"]').send_keys(Keys.ENTER)
    rows = find(driver, '[data-test="seat-list"]').find_elements(By.CSS_SELECTOR, '[data-test="seat-list-row"]')
    assert [r.find_element(By.TAG_NAME, "h3").text for r in rows] == ["Stalls, row A", "Stalls, row B"]
    assert [len(r.find_elements(By.CSS_SELECTOR, '[data-test="list-seat"]')) for r in rows] == [3, 3]
    assert re.match(r"Seat 1", rows[0].find_element(By.CSS_SELECTOR, "button").text)
