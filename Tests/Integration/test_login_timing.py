"""Logging in with an unknown email costs a real Argon2 verification, like a wrong password,
so response times do not reveal which emails have accounts."""
import statistics
import time

import requests

from api import register, unique_email
from stack import Stack


def test_unknown_email_costs_the_same_as_a_wrong_password():
    stack = Stack()
    try:
        known = [register(stack).user["email"] for _ in range(3)]

        def median_time(emails):
            times = []
            for email in emails:
                start = time.perf_counter()
                r = requests.post(stack.url("/api/auth/login"), json={"email": email, "password": "not the password"})
                times.append(time.perf_counter() - start)
                assert r.status_code == 401
            return statistics.median(times)

        wrong_password = median_time(known * 3)
        unknown_email = median_time([unique_email() for _ in range(9)])
        # Both run one Argon2id verification (~25 ms at the defaults); without the dummy
        # verification the unknown email would answer in well under a millisecond.
        assert wrong_password > 0.005
        assert 0.5 < unknown_email / wrong_password < 2.0, (unknown_email, wrong_password)
    finally:
        stack.stop()
