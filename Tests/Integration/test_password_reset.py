"""Password reset by email, through the real SMTP server: the link works once, for 30 minutes,
ends every other session and tells the address; known and unknown addresses get the same
answer; requests are limited per address and per client. Signed-in changes of password and
email need the current password and tell the old address."""
import hashlib
import http.client
import json
import os
import re
import sqlite3

import requests

from api import PASSWORD, Client, error_code, register, unique_email
from mail import text_of
from stack import wait_for

NEW_PASSWORD = "a new passphrase 2026"
LINK = re.compile(r"/#/reset\?token=([A-Za-z0-9_-]{43})")


def ask_for_reset(stack, email):
    return requests.post(stack.url("/api/auth/password-reset"), json={"email": email}, timeout=10)


def confirm(stack, token, password=NEW_PASSWORD):
    return requests.post(stack.url("/api/auth/password-reset/confirm"), json={"token": token, "password": password}, timeout=10)


def reset_links(inbox, email):
    return [m["message"] for m in inbox.to(email) if m["message"]["Subject"] == "Choose a new password"]


def the_link_in_the_email(inbox, email, count=1):
    wait_for(lambda: len(reset_links(inbox, email)) >= count, message=f"reset email {count} to {email}")
    message = reset_links(inbox, email)[count - 1]
    text = text_of(message)
    html = message.get_body(preferencelist=("html",)).get_content()
    token = LINK.search(text).group(1)
    assert token in html, "the link is in both parts"
    return token


def login(stack, email, password):
    return requests.post(stack.url("/api/auth/login"), json={"email": email, "password": password}, timeout=10)


def test_the_emailed_link_sets_a_new_password_once_and_ends_every_other_session(mailed):
    stack, inbox = mailed
    customer = register(stack)
    email = customer.user["email"]
    second = Client(stack, login(stack, email, PASSWORD).json()["token"])

    r = ask_for_reset(stack, email)
    assert r.status_code == 202, r.text
    token = the_link_in_the_email(inbox, email)

    weak = confirm(stack, token, "short")
    assert weak.status_code == 422 and error_code(weak) == "weak_password"
    r = confirm(stack, token)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["id"] == customer.user["id"] and "booking_session=" in r.headers["Set-Cookie"]
    signed_in = Client(stack, r.json()["token"])
    assert signed_in.get("/api/me").status_code == 200, "the reset signs in"
    for old in (customer, second):
        assert old.get("/api/me").status_code == 401, "every other session ends"
    assert login(stack, email, PASSWORD).status_code == 401
    assert login(stack, email, NEW_PASSWORD).status_code == 200

    again = confirm(stack, token, "yet another passphrase")
    assert again.status_code == 422 and error_code(again) == "invalid_token", "the link works once"
    assert login(stack, email, NEW_PASSWORD).status_code == 200
    wait_for(lambda: "Your password was changed" in inbox.subjects(email), message="the notice of the change")


def test_a_link_stops_working_after_thirty_minutes_and_using_one_ends_the_others(mailed):
    stack, inbox = mailed
    email = register(stack).user["email"]
    assert ask_for_reset(stack, email).status_code == 202
    first = the_link_in_the_email(inbox, email, 1)
    assert ask_for_reset(stack, email).status_code == 202
    second = the_link_in_the_email(inbox, email, 2)
    assert first != second
    # Thirty minutes pass for the second link (its stored expiry moves into the past).
    with sqlite3.connect(os.path.join(stack.data_dir, "auth.sqlite")) as db:
        db.execute("UPDATE password_reset SET expires_at = expires_at - 1800 WHERE token_hash = ?",
                   (hashlib.sha256(second.encode()).hexdigest(),))
    expired = confirm(stack, second)
    assert expired.status_code == 422 and error_code(expired) == "invalid_token"
    assert confirm(stack, first).status_code == 200
    for token in (first, second):
        assert error_code(confirm(stack, token)) == "invalid_token"
    for forged in ("x" * 43, "not a token", ""):
        r = confirm(stack, forged)
        assert r.status_code == 422 and error_code(r) == "invalid_token"


def test_known_and_unknown_addresses_get_the_same_answer_and_only_the_known_one_mail(mailed):
    stack, inbox = mailed
    known = register(stack).user["email"]
    unknown = unique_email("nobody")
    answers = []
    for email in (unknown, known):
        r = ask_for_reset(stack, email)
        headers = {k: v for k, v in r.headers.items() if k.lower() not in ("date", "x-request-id")}
        answers.append((r.status_code, headers, r.content))
    assert answers[0] == answers[1] and answers[0][0] == 202
    the_link_in_the_email(inbox, known)
    assert inbox.to(unknown) == [], "nothing is sent to an address without an account"
    bad = ask_for_reset(stack, "not an address")
    assert bad.status_code == 422 and error_code(bad) == "invalid_email"


def test_requests_are_limited_per_address_whether_or_not_it_has_an_account(mailed):
    stack, inbox = mailed
    for email in (register(stack).user["email"], unique_email("nobody")):
        for _ in range(5):
            assert ask_for_reset(stack, email).status_code == 202
        r = ask_for_reset(stack, email)
        assert r.status_code == 429 and error_code(r) == "too_many_attempts" and int(r.headers["Retry-After"]) > 3000


def test_requests_are_limited_per_client_address(mailed):
    """From 127.0.0.9, so the other tests' client address keeps its budget."""
    stack, _ = mailed

    def ask(email):
        connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10, source_address=("127.0.0.9", 0))
        connection.request("POST", "/api/auth/password-reset", json.dumps({"email": email}), {"Content-Type": "application/json"})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, body

    for _ in range(30):
        assert ask(unique_email("spray"))[0] == 202
    status, body = ask(unique_email("spray"))
    assert status == 429 and json.loads(body)["error"]["code"] == "too_many_attempts"
    assert ask_for_reset(stack, unique_email("elsewhere")).status_code == 202, "other clients are not affected"


def test_changing_the_password_signed_in_needs_the_current_one_and_ends_other_sessions(mailed):
    stack, inbox = mailed
    customer = register(stack)
    email = customer.user["email"]
    other = Client(stack, login(stack, email, PASSWORD).json()["token"])
    for body, status, code in [({"password": NEW_PASSWORD}, 422, "validation_failed"),
                               ({"password": NEW_PASSWORD, "currentPassword": "wrong password!"}, 403, "wrong_password"),
                               ({"password": "short", "currentPassword": PASSWORD}, 422, "weak_password"),
                               ({}, 422, "validation_failed")]:
        r = customer.patch("/api/me", json=body)
        assert (r.status_code, error_code(r)) == (status, code), r.text
    assert other.get("/api/me").status_code == 200, "a refusal changes nothing"

    r = customer.patch("/api/me", json={"password": NEW_PASSWORD, "currentPassword": PASSWORD})
    assert r.status_code == 200 and r.json()["user"]["email"] == email
    assert customer.get("/api/me").status_code == 200, "the caller stays signed in"
    assert other.get("/api/me").status_code == 401, "every other session ends"
    assert login(stack, email, NEW_PASSWORD).status_code == 200
    wait_for(lambda: "Your password was changed" in inbox.subjects(email), message="the notice of the change")


def test_changing_the_email_tells_the_old_address_and_a_taken_one_is_refused(mailed):
    stack, inbox = mailed
    customer = register(stack)
    old, new = customer.user["email"], unique_email("moved")
    taken = register(stack).user["email"]
    r = customer.patch("/api/me", json={"email": taken, "currentPassword": PASSWORD})
    assert r.status_code == 409 and error_code(r) == "email_taken"
    r = customer.patch("/api/me", json={"email": new, "currentPassword": PASSWORD, "name": "Moved Person"})
    assert r.status_code == 200 and r.json()["user"]["email"] == new and r.json()["user"]["name"] == "Moved Person"
    wait_for(lambda: "Your email address was changed" in inbox.subjects(old), message="the notice to the old address")
    notice = [m for m in inbox.to(old) if m["message"]["Subject"] == "Your email address was changed"][0]
    assert new in text_of(notice["message"])
    assert login(stack, new, PASSWORD).status_code == 200 and login(stack, old, PASSWORD).status_code == 401
    # A reset now goes to the new address.
    assert ask_for_reset(stack, new).status_code == 202
    the_link_in_the_email(inbox, new)
    assert reset_links(inbox, old) == []
