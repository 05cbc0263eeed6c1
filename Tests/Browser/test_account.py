"""The account in the browser: "Forgot password?" from the sign-in page through the emailed
link to a new password; the account page's changes, data download and deletion."""
import re

import pytest
import requests

from helpers import PASSWORD, click, find, register, sign_in, type_into, wait

NEW_PASSWORD = "a new passphrase 2026"


@pytest.fixture(scope="module")
def mailed_stack():
    """A stack of the module's own whose notifier mails a real SMTP server: (stack, inbox)."""
    from mail import MailServer  # Tests/Integration/mail.py
    from stack import Stack
    server = MailServer()
    s = Stack(SENDMAIL=server.sendmail, BOOKING_NOTIFIER_INTERVAL_MS="100", BOOKING_MAIL_FROM="bookings@test.example")
    yield s, server.inbox
    s.stop()
    server.stop()


def reset_link(inbox, email):
    from mail import text_of
    from stack import wait_for
    wait_for(lambda: any(m["message"]["Subject"] == "Choose a new password" for m in inbox.to(email)), message="the reset email")
    message = [m["message"] for m in inbox.to(email) if m["message"]["Subject"] == "Choose a new password"][-1]
    return re.search(r"/#/reset\?token=([A-Za-z0-9_-]{43})", text_of(message)).group(1)


def test_forgot_password_from_the_sign_in_page_to_a_new_password(mailed_stack, browsers):
    stack, inbox = mailed_stack
    customer = register(stack, name="Forgetful Fay")
    driver = browsers()
    driver.get(stack.url("/#/signin"))
    click(driver, '[data-test="to-forgot"]')
    type_into(driver, '[data-test="forgot-form"] [data-test="email"]', customer.email)
    click(driver, '[data-test="forgot-submit"]')
    assert "a link to choose a new password is on its way" in find(driver, '[data-test="reset-sent"]').text

    token = reset_link(inbox, customer.email)
    driver.get(stack.url(f"/#/reset?token={token}"))
    type_into(driver, '[data-test="reset-form"] [data-test="password"]', NEW_PASSWORD)
    assert "token" not in driver.current_url, "the key to the account leaves the address bar"
    click(driver, '[data-test="reset-submit"]')
    assert "new password is set" in find(driver, '[data-test="reset-done"]').text
    assert find(driver, '[data-test="nav-user"]').text == "Forgetful Fay"
    assert customer.get("/api/me").status_code == 401, "the old session ended"
    login = requests.post(stack.url("/api/auth/login"), json={"email": customer.email, "password": NEW_PASSWORD}, timeout=10)
    assert login.status_code == 200

    # The link worked once: opened again, the page says so and offers a new one.
    driver.get(stack.url(f"/#/reset?token={token}"))
    type_into(driver, '[data-test="reset-form"] [data-test="password"]', "yet another passphrase")
    click(driver, '[data-test="reset-submit"]')
    assert "used or expired" in find(driver, '[data-test="error"]').text
    find(driver, '[data-test="new-link"]')


def test_the_account_page_renames_downloads_the_data_and_deletes(mailed_stack, browsers):
    stack, inbox = mailed_stack
    customer = register(stack, name="Ren Amed")
    driver = browsers()
    sign_in(driver, stack, customer.email)
    click(driver, '[data-test="nav-user"]')
    type_into(driver, '[data-test="profile-form"] [data-test="name"]', "Ren Renamed")
    click(driver, '[data-test="profile-submit"]')
    find(driver, '[data-test="profile-form"] [data-test="saved"]')
    wait(driver).until(lambda d: d.find_element("css selector", '[data-test="nav-user"]').text == "Ren Renamed")
    assert customer.get("/api/me").json()["user"]["name"] == "Ren Renamed"

    # The download link answers the export to the page's own cookie.
    href = find(driver, '[data-test="export"]').get_attribute("href")
    exported = driver.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0]).then(async r => done({status: r.status, type: r.headers.get('content-type'),"
        " body: await r.json()})).catch(e => done({error: String(e)}));", href)
    assert exported["status"] == 200 and exported["type"].startswith("application/json")
    assert exported["body"]["account"]["email"] == customer.email

    # A new password from the account page keeps this browser signed in and ends the others.
    type_into(driver, '[data-test="password-form"] [data-test="current-password"]', PASSWORD)
    type_into(driver, '[data-test="password-form"] [data-test="new-password"]', NEW_PASSWORD)
    click(driver, '[data-test="password-submit"]')
    find(driver, '[data-test="password-form"] [data-test="saved"]')
    assert customer.get("/api/me").status_code == 401

    type_into(driver, '[data-test="delete-form"] [data-test="delete-password"]', NEW_PASSWORD)
    click(driver, '[data-test="delete-submit"]')
    click(driver, '[data-test="delete-submit"]')  # the second click confirms
    assert "erased" in find(driver, '[data-test="deleted"]').text
    find(driver, '[data-test="nav-signin"]')
    login = requests.post(stack.url("/api/auth/login"), json={"email": customer.email, "password": NEW_PASSWORD}, timeout=10)
    assert login.status_code == 401
