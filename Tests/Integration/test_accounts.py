"""Accounts, sessions, CSRF and throttling through the real stack."""
import time

import requests

from api import PASSWORD, Client, error_code, register, unique_email


def test_register_returns_user_token_csrf_and_a_safe_cookie(stack):
    email = unique_email("Alice").replace("alice", "Alice")
    r = requests.post(stack.url("/api/auth/register"), json={"email": email, "password": PASSWORD, "name": "Alice"})
    assert r.status_code == 201
    body = r.json()
    assert body["user"]["email"] == email.lower()
    assert body["user"]["role"] == "customer"
    assert len(body["token"]) >= 43 and body["csrfToken"] and body["csrfToken"] != body["token"]
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and body["token"] in cookie


def test_the_same_email_cannot_register_twice(stack):
    email = unique_email()
    register(stack, email=email)
    r = requests.post(stack.url("/api/auth/register"), json={"email": email.upper(), "password": PASSWORD, "name": "Again"})
    assert r.status_code == 409 and error_code(r) == "email_taken"


def test_registration_rules(stack):
    cases = [
        ({"email": unique_email(), "password": "short", "name": "X"}, "weak_password"),
        ({"email": "not-an-email", "password": PASSWORD, "name": "X"}, "invalid_email"),
        ({"email": unique_email(), "password": PASSWORD, "name": "X", "role": "admin"}, "invalid_role"),
        ({"email": unique_email(), "password": PASSWORD, "name": ""}, "validation_failed"),
        ({"email": unique_email(), "password": PASSWORD, "name": "x" * 201}, "validation_failed"),
    ]
    for body, code in cases:
        r = requests.post(stack.url("/api/auth/register"), json=body)
        assert r.status_code == 422, (body, r.text)
        assert error_code(r) == code


def test_login_and_me_with_bearer_and_with_cookie(stack):
    email = unique_email()
    register(stack, email=email)
    r = requests.post(stack.url("/api/auth/login"), json={"email": email, "password": PASSWORD})
    assert r.status_code == 200
    token = r.json()["token"]
    me = requests.get(stack.url("/api/me"), headers={"Authorization": "Bearer " + token})
    assert me.status_code == 200 and me.json()["user"]["email"] == email
    browser = requests.Session()
    browser.post(stack.url("/api/auth/login"), json={"email": email, "password": PASSWORD})
    me = browser.get(stack.url("/api/me"))
    assert me.status_code == 200 and me.json()["csrfToken"]


def test_unknown_email_and_wrong_password_get_the_same_answer(stack):
    email = unique_email()
    register(stack, email=email)
    wrong = requests.post(stack.url("/api/auth/login"), json={"email": email, "password": "wrong password!!"})
    unknown = requests.post(stack.url("/api/auth/login"), json={"email": unique_email(), "password": "wrong password!!"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_anonymous_requests_to_me_are_401(stack):
    assert requests.get(stack.url("/api/me")).status_code == 401


def test_a_cookie_authenticated_write_needs_the_csrf_token(stack):
    organizer = register(stack, role="organizer")
    browser = requests.Session()
    browser.post(stack.url("/api/auth/login"), json={"email": organizer.user["email"], "password": PASSWORD})
    body = {"id": "csrf-" + organizer.user["id"][2:12], "name": "Hall", "timezone": "Europe/Paris",
            "layout": {"sections": [{"id": "floor", "name": "Floor", "kind": "ga", "capacity": 5}]}}
    r = browser.post(stack.url("/api/venues"), json=body, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and error_code(r) == "csrf_failed"
    assert requests.get(stack.url("/api/venues/" + body["id"])).status_code == 404, "nothing was created"
    csrf = browser.get(stack.url("/api/me")).json()["csrfToken"]
    r = browser.post(stack.url("/api/venues"), json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201


def test_an_authorization_header_is_judged_alone(stack):
    customer = register(stack)
    browser = requests.Session()
    browser.post(stack.url("/api/auth/login"), json={"email": customer.user["email"], "password": PASSWORD})
    r = browser.get(stack.url("/api/me"), headers={"Authorization": "Bearer " + "x" * 43})
    assert r.status_code == 401


def test_logout_revokes_the_token(stack):
    customer = register(stack)
    assert customer.get("/api/me").status_code == 200
    assert customer.post("/api/auth/logout").status_code == 204
    assert customer.get("/api/me").status_code == 401


def test_failed_logins_back_off_with_retry_after(stack):
    email = unique_email()
    register(stack, email=email)

    def attempt(password="wrong password!!"):
        return requests.post(stack.url("/api/auth/login"), json={"email": email, "password": password})

    assert [attempt().status_code for _ in range(5)] == [401] * 5, "five free attempts"
    time.sleep(1.2)
    assert attempt().status_code == 401, "after the 1 s back-off one more attempt is allowed"
    r = attempt()
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1, "now the back-off is 2 s"
    assert error_code(r) == "too_many_attempts"
    assert attempt(PASSWORD).status_code == 429, "even the right password waits out the back-off"
    time.sleep(2.2)
    assert attempt(PASSWORD).status_code == 200, "never a lock-out"


def test_no_password_hash_or_token_reaches_the_logs(stack):
    email = unique_email()
    secret = "a very secret password 123"
    r = requests.post(stack.url("/api/auth/register"), json={"email": email, "password": secret, "name": "Quiet"})
    token = r.json()["token"]
    requests.post(stack.url("/api/auth/login"), json={"email": email, "password": secret})
    requests.get(stack.url("/api/me"), headers={"Authorization": "Bearer " + token})
    logs = stack.log_text()
    assert secret not in logs
    assert token not in logs
    assert "$argon2id$" not in logs
