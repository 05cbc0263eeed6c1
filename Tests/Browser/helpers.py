"""Seeding through the API (where the UI is not under test) and small UI helpers."""
import uuid

import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "correct horse battery staple"
WAIT = 15  # seconds; live updates fall back to 2 s polling, so a few cycles fit


# ---- API ----

class Api:
    """Bearer-token client (scripts may use the token; the browser app never does)."""

    def __init__(self, stack, token=None, user=None, email=None):
        self.stack, self.token, self.user, self.email = stack, token, user, email

    def call(self, method, path, json=None, headers=None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        return requests.request(method, self.stack.url(path), json=json, headers=headers, timeout=30)

    def post(self, path, json=None, **kw):
        return self.call("POST", path, json=json, **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def register(stack, role="customer", name=None):
    email = unique(role) + "@example.com"
    r = requests.post(stack.url("/api/auth/register"), timeout=30, json={
        "email": email, "password": PASSWORD, "name": name or f"A {role}", "role": role})
    assert r.status_code == 201, r.text
    body = r.json()
    return Api(stack, body["token"], body["user"], email)


def make_venue(organizer, name="Test Hall", rows=("A", "B"), seats=6, ga=20):
    venue_id = unique("hall")
    sections = [{"id": "stalls", "name": "Stalls", "kind": "seated",
                 "rows": [{"label": label, "seats": seats} for label in rows]}]
    if ga:
        sections.append({"id": "floor", "name": "Floor", "kind": "ga", "capacity": ga})
    r = organizer.post("/api/venues", json={"id": venue_id, "name": name, "city": "Lyon",
                                            "timezone": "Europe/Paris", "layout": {"sections": sections}})
    assert r.status_code == 201, r.text
    return venue_id


def make_event(organizer, venue_id, title=None, prices=None):
    r = organizer.post(f"/api/venues/{venue_id}/events", json={
        "title": title or unique("Show"), "startsAt": "2031-06-01T19:00:00Z", "currency": "EUR",
        "prices": prices or {"stalls": 4500, "floor": 2000}, "maxTicketsPerCustomer": 10})
    assert r.status_code == 201, r.text
    return r.json()["event"]


def seat_states(stack, venue_id, event_id):
    r = requests.get(stack.url(f"/api/venues/{venue_id}/events/{event_id}/seats"), timeout=30)
    assert r.status_code == 200, r.text
    return {s["id"]: s["state"] for s in r.json()["seats"]}


def book(customer, venue_id, event_id, seats):
    """Hold and pay through the API; returns the booking."""
    r = customer.post(f"/api/venues/{venue_id}/events/{event_id}/holds", json={"seats": seats},
                      headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    r = customer.post(f"/api/venues/{venue_id}/bookings",
                      json={"holdId": r.json()["hold"]["id"], "payment": {"method": "test", "token": "tok_ok"}},
                      headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()["booking"]


# ---- UI ----

def wait(driver, timeout=WAIT):
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))


def find(driver, css, timeout=WAIT):
    """Waits for a visible element."""
    return wait(driver, timeout).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def present(driver, css, timeout=WAIT):
    return wait(driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def click(driver, css, timeout=WAIT):
    el = wait(driver, timeout).until(EC.element_to_be_clickable((By.CSS_SELECTOR, css)))
    el.click()
    return el


def seat_css(seat_id):
    return f'[data-test="seat-map"] .seat[data-id="{seat_id}"]'


def wait_seat_state(driver, seat_id, state, timeout=WAIT):
    wait(driver, timeout).until(
        lambda d: d.find_element(By.CSS_SELECTOR, seat_css(seat_id)).get_attribute("data-state") == state,
        f"seat {seat_id} never became {state}")


def type_into(driver, css, text):
    el = find(driver, css)
    el.clear()
    el.send_keys(text)
    return el


def set_value(driver, css, value):
    """For inputs whose typing format depends on the locale (datetime-local)."""
    el = present(driver, css)
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", el, value)


def sign_in(driver, stack, email, password=PASSWORD, next_route=None):
    driver.get(stack.url("/#/signin" + (f"?next={next_route}" if next_route else "")))
    type_into(driver, '[data-test="signin-form"] [data-test="email"]', email)
    type_into(driver, '[data-test="signin-form"] [data-test="password"]', password)
    click(driver, '[data-test="signin-submit"]')
    find(driver, '[data-test="nav-user"]')


def open_event(driver, stack, venue_id, event_id):
    driver.get(stack.url(f"/#/events/{venue_id}/{event_id}"))
    present(driver, '[data-test="seat-map"] .seat')
