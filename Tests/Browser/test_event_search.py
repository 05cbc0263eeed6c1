"""The events page's search and filters (issue 20): typing filters the list, the URL carries
the search, a reload and back/forward show the same results."""
from urllib.parse import parse_qs, urlsplit

from selenium.webdriver.common.by import By

from helpers import click, find, register, type_into, unique, wait

CARDS = '[data-test="event-card"]'


def titles(driver):
    return [c.find_element(By.CSS_SELECTOR, '[data-test="event-title"]').text for c in driver.find_elements(By.CSS_SELECTOR, CARDS)]


def page_query(driver):
    """The list's state as the URL carries it: the query of the hash (#/?q=...)."""
    return {k: v[0] for k, v in parse_qs(urlsplit(urlsplit(driver.current_url).fragment).query).items()}


def venue(organizer, name, city, ga):
    venue_id = unique("hall")
    r = organizer.post("/api/venues", json={"id": venue_id, "name": name, "city": city, "timezone": "Europe/Zurich",
                                            "layout": {"sections": [{"id": "floor", "name": "Floor", "kind": "ga", "capacity": ga}]}})
    assert r.status_code == 201, r.text
    return venue_id


def event(organizer, venue_id, title, description, price, day):
    r = organizer.post(f"/api/venues/{venue_id}/events", json={
        "title": title, "description": description, "startsAt": f"2031-07-{day:02d}T19:00:00Z", "currency": "EUR",
        "prices": {"floor": price}})
    assert r.status_code == 201, r.text
    return r.json()["event"]["id"]


def test_searching_and_filtering_the_list_lives_in_the_url(stack, browsers):
    organizer = register(stack, "organizer")
    tag = unique("fest").replace("-", "")
    city = f"Zürich{tag}"
    tonhalle = venue(organizer, "Tonhalle", city, ga=50)
    cellar = venue(organizer, "Cellar", city, ga=1)
    event(organizer, tonhalle, f"Symphony {tag}", "An evening of Beethoven", 9000, 1)
    event(organizer, tonhalle, f"Quartet {tag}", "Haydn, then Beethoven again", 3000, 2)
    jazz = event(organizer, cellar, f"Jazz {tag}", "A trio", 2500, 3)
    customer = register(stack, "customer")
    r = customer.post(f"/api/venues/{cellar}/bookings",
                      json={"eventId": jazz, "ga": [{"section": "floor", "quantity": 1}], "payment": {"method": "test"}})
    assert r.status_code == 201, r.text

    driver = browsers()
    driver.get(stack.url("/#/"))
    # Typed words search the description too; the list follows after a pause in typing.
    type_into(driver, '[data-test="filter-q"]', f"beethoven {tag}")
    wait(driver).until(lambda d: titles(d) == [f"Symphony {tag}", f"Quartet {tag}"])
    assert page_query(driver) == {"q": f"beethoven {tag}"}
    assert city in find(driver, CARDS).text, "each card names its city"

    driver.refresh()
    wait(driver).until(lambda d: titles(d) == [f"Symphony {tag}", f"Quartet {tag}"])
    assert find(driver, '[data-test="filter-q"]').get_attribute("value") == f"beethoven {tag}"

    # The city (without its accent or case), a top price and "has tickets" combine.
    type_into(driver, '[data-test="filter-q"]', "")
    type_into(driver, '[data-test="filter-city"]', city.upper())
    wait(driver).until(lambda d: titles(d) == [f"Symphony {tag}", f"Quartet {tag}", f"Jazz {tag}"])
    type_into(driver, '[data-test="filter-max-price"]', "30")
    wait(driver).until(lambda d: titles(d) == [f"Quartet {tag}", f"Jazz {tag}"])
    click(driver, '[data-test="filter-available"]')
    wait(driver).until(lambda d: titles(d) == [f"Quartet {tag}"], "the sold-out jazz leaving the list")
    assert page_query(driver) == {"city": city.upper(), "maxPrice": "30", "available": "true"}

    driver.refresh()
    wait(driver).until(lambda d: titles(d) == [f"Quartet {tag}"])
    assert find(driver, '[data-test="filter-available"]').is_selected()
    assert find(driver, '[data-test="filter-max-price"]').get_attribute("value") == "30"

    # Back steps through the searches: before "has tickets", the jazz is listed again.
    driver.back()
    wait(driver).until(lambda d: titles(d) == [f"Quartet {tag}", f"Jazz {tag}"])
    assert not find(driver, '[data-test="filter-available"]').is_selected()
    driver.forward()
    wait(driver).until(lambda d: titles(d) == [f"Quartet {tag}"])
