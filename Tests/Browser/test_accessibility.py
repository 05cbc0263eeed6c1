"""An automated accessibility check of every page people book and sell on: axe-core (the
copy PyPI's axe-playwright-python ships, injected through Selenium) finds no serious or
critical violation of WCAG 2.1 A/AA on the events, event, checkout, bookings, sign-in and
organizer pages."""
import importlib.util
import os

import pytest
from selenium.webdriver.common.by import By

from helpers import book, click, find, make_event, make_venue, open_event, present, register, seat_css, sign_in

RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_script():
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None:
        pytest.fail("axe-core is missing: pip install --no-deps axe-playwright-python (scripts/install-deps.sh --test does)")
    with open(os.path.join(spec.submodule_search_locations[0], "axe.min.js"), encoding="utf-8") as f:
        return f.read()


def serious_violations(driver):
    """axe's violations of impact serious or critical on the page as it is now."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(axe_script())
    driver.set_script_timeout(60)
    results = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations), e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));",
        RULES)
    return [v for v in results if v["impact"] in ("serious", "critical")]


def describe(violations):
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"  {n['target']}: {n.get('failureSummary', '')[:200]}" for n in v["nodes"][:5]]
    return "\n".join(lines)


@pytest.fixture
def sold_show(stack):
    organizer = register(stack, "organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue)
    customer = register(stack, "customer")
    booking = book(customer, venue, event["id"], ["stalls-A-1"])
    return {"organizer": organizer, "venue": venue, "event": event["id"], "customer": customer, "booking": booking}


def test_the_customers_pages_have_no_serious_accessibility_violation(stack, browsers, sold_show):
    venue, event, customer = sold_show["venue"], sold_show["event"], sold_show["customer"]
    driver = browsers()
    pages = {}
    driver.get(stack.url("/#/signin"))
    find(driver, '[data-test="signin-form"]')
    pages["sign-in"] = serious_violations(driver)
    sign_in(driver, stack, customer.email)
    driver.get(stack.url("/#/"))
    present(driver, f'[data-event-id="{event}"]')
    pages["events"] = serious_violations(driver)
    open_event(driver, stack, venue, event)
    pages["event"] = serious_violations(driver)
    click(driver, seat_css("stalls-B-2"))
    click(driver, '[data-test="hold"]')
    find(driver, '[data-test="countdown"]')
    pages["checkout"] = serious_violations(driver)
    driver.get(stack.url("/#/bookings"))
    find(driver, f'[data-booking-id="{sold_show["booking"]["id"]}"]')
    pages["bookings"] = serious_violations(driver)
    driver.get(stack.url(f"/#/bookings/{venue}/{sold_show['booking']['id']}"))
    present(driver, "main h1")
    pages["booking"] = serious_violations(driver)
    failing = {page: found for page, found in pages.items() if found}
    assert not failing, "\n\n".join(f"{page}:\n{describe(found)}" for page, found in failing.items())


def test_the_organizers_pages_have_no_serious_accessibility_violation(stack, browsers, sold_show):
    venue, event, organizer = sold_show["venue"], sold_show["event"], sold_show["organizer"]
    driver = browsers()
    sign_in(driver, stack, organizer.email)
    pages = {}
    driver.get(stack.url("/#/organizer"))
    present(driver, "main h1")
    find(driver, f'a[href*="{event}"]')
    pages["organizer"] = serious_violations(driver)
    driver.get(stack.url(f"/#/organizer/venues/{venue}/events/{event}"))
    present(driver, "main h1")
    pages["event-manage"] = serious_violations(driver)
    driver.get(stack.url(f"/#/organizer/venues/{venue}/events/{event}/edit"))
    present(driver, "main form")
    pages["event-form"] = serious_violations(driver)
    driver.get(stack.url("/#/organizer/venues/new"))
    present(driver, "main form")
    pages["venue-new"] = serious_violations(driver)
    assert driver.find_elements(By.CSS_SELECTOR, "main")
    failing = {page: found for page, found in pages.items() if found}
    assert not failing, "\n\n".join(f"{page}:\n{describe(found)}" for page, found in failing.items())
