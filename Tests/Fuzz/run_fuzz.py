#!/usr/bin/env python3
"""Fuzzes the running API with schemathesis against public/openapi.json.

Starts the real stack (nginx + worker pool, Tests/Integration/stack.py) with rate limits out
of the way, makes a small world (a customer, an organizer, venues, events, holds, bookings,
waiting-list entries), then runs schemathesis several times:

  customer    every operation but logout, as the customer (bearer token)
  hostile     schema-violating bodies for the customer's holds, bookings and waiting list
  organizer   every operation but logout, as the organizer (bearer token)
  anonymous   every operation, signed out
  logout      POST /api/auth/logout with a throwaway session

Path parameters and a few body fields are drawn, most of the time, from the ids of that world
(schemathesis dictionaries bound to parameters), so requests reach real objects instead of
ending in 404; integer fields sometimes get edge values (0, -1, 2^31, 2^63-1, ...).
Checks (CHECKS below): no 5xx, every status is documented for its operation, every body,
content type and required header matches the document, requests that break the document's
constraints are refused with 4xx, secured operations refuse anonymous requests, and (in the
anonymous run) methods a path lacks get 405 with Allow. A worker that exits or logs an
unhandled error during the runs is a finding too. Exits non-zero on any finding; each one
is printed with a curl line that reproduces it.

    pip install -r Tests/Integration/requirements-fuzz.txt
    python3 Tests/Fuzz/run_fuzz.py              # about 3 minutes
    FUZZ_SECONDS=20 python3 Tests/Fuzz/run_fuzz.py   # a quicker pass

Settings (environment): FUZZ_SECONDS (time budget of each role's run, default 55),
FUZZ_SEED (default fixed, so runs repeat; "random" for a new one each time),
FUZZ_REPORT_DIR (where schemathesis writes JUnit and NDJSON reports; by default a temporary
directory, kept only when there are findings),
FUZZ_ROLES (comma-separated subset of customer,hostile,organizer,anonymous,logout),
FUZZ_EXTRA_ARGS (more `schemathesis run` options, e.g. "--checks all" or "--report har").
"""
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Integration"))

import requests  # noqa: E402

from stack import ROOT, Stack  # noqa: E402

SPEC = os.path.join(ROOT, "public", "openapi.json")
PASSWORD = "correct horse battery staple"

# Rate limits would answer 429 to the fuzzer's bursts; cheap Argon2 keeps the many
# registrations it makes quick. Nothing else differs from `make run`.
STACK_SETTINGS = dict(AUTH_RATE="100000r/s", AUTH_BURST="100000", WRITE_RATE="100000r/s", WRITE_BURST="100000",
                      JOIN_RATE="100000r/s", JOIN_BURST="100000",
                      ARGON2_MEMORY_KIB="1024", ARGON2_ITERATIONS="1")

# Every check but positive_data_acceptance: schema-valid requests that break a business rule
# (a start in the past, an unknown seat, a random cursor) rightly get 400/422.
CHECKS = ",".join([
    "not_a_server_error",              # no 5xx (a crashed worker shows as 503 through nginx)
    "status_code_conformance",         # every status is documented for its operation
    "response_schema_conformance",     # every body matches the documented schema
    "content_type_conformance",
    "response_headers_conformance",    # documented required headers (ETag, Retry-After, Allow)
    "negative_data_rejection",         # requests that break the document's constraints get 4xx
    "missing_required_header",
    "ignored_auth",                    # operations with `security` refuse requests without it
    "use_after_free",                  # stateful: a deleted object stays gone
    "ensure_resource_availability",    # stateful: a created object can be read
])
# Methods a path lacks answer 405 with Allow whoever asks (routing comes before
# authentication): checked in the anonymous run only, so one finding is reported once.
METHOD_CHECKS = "unsupported_method,allow_header_conformance"
DEFAULT_SEED = 20261123


class SetupError(RuntimeError):
    pass


class Api:
    def __init__(self, stack, token=None):
        self.stack, self.token = stack, token

    def call(self, method, path, json_body=None, expect=(200, 201, 204)):
        headers = {"Authorization": "Bearer " + self.token} if self.token else {}
        r = requests.request(method, self.stack.url(path), json=json_body, headers=headers, timeout=30)
        if r.status_code not in expect:
            raise SetupError(f"{method} {path} -> {r.status_code} {r.text}")
        return r.json() if r.content else None


def register(stack, role):
    body = Api(stack).call("POST", "/api/auth/register", {
        "email": f"fuzz-{role}-{uuid.uuid4().hex[:10]}@example.com", "password": PASSWORD, "name": f"Fuzz {role}",
        "role": role})
    return Api(stack, body["token"]), body["user"]


def make_world(stack):
    """Objects the fuzzer's path parameters can point at."""
    organizer, organizer_user = register(stack, "organizer")
    customer, customer_user = register(stack, "customer")
    helper, _ = register(stack, "customer")

    venue = "fuzz-hall"
    organizer.call("POST", "/api/venues", {
        "id": venue, "name": "Fuzz Hall", "city": "Lyon", "timezone": "Europe/Paris",
        "layout": {"sections": [
            {"id": "stalls", "name": "Stalls", "kind": "seated",
             "rows": [{"label": "A", "seats": 20}, {"label": "B", "seats": 20}]},
            {"id": "balcony", "name": "Balcony", "kind": "seated",
             "rows": [{"label": "1", "seats": [{"number": 1, "x": 0, "y": 0}, {"number": 2, "x": 10.5, "y": 0}]}]},
            {"id": "floor", "name": "Floor", "kind": "ga", "capacity": 5000}]}})
    small = "fuzz-club"
    organizer.call("POST", "/api/venues", {
        "id": small, "name": "Fuzz Club", "timezone": "UTC",
        "layout": {"sections": [{"id": "floor", "name": "Floor", "kind": "ga", "capacity": 2}]}})

    def event(venue_id, prices, title, **extra):
        body = {"title": title, "startsAt": "2031-06-01T19:00:00Z", "currency": "EUR", "prices": prices,
                "maxTicketsPerCustomer": 100, **extra}
        return organizer.call("POST", f"/api/venues/{venue_id}/events", body)["event"]["id"]

    prices = {"stalls": 4500, "balcony": 3000, "floor": 2000}
    events = [event(venue, prices, f"Show {i}", description="Fuzz target", endsAt="2031-06-01T22:00:00Z") for i in range(3)]
    not_yet = event(venue, prices, "Not on sale yet", salesStartAt="2031-01-01T00:00:00Z")
    to_cancel = [event(venue, prices, f"To cancel {i}") for i in range(4)]
    cancelled = event(venue, prices, "Cancelled")
    organizer.call("POST", f"/api/venues/{venue}/events/{cancelled}/cancel")
    sold_out = event(small, {"floor": 1000}, "Sold out")
    helper.call("POST", f"/api/venues/{small}/bookings",
                {"eventId": sold_out, "ga": [{"section": "floor", "quantity": 2}], "payment": {"method": "test"}})

    holds = [customer.call("POST", f"/api/venues/{venue}/events/{events[0]}/holds",
                           {"seats": [f"stalls-B-{n}"], "ga": [{"section": "floor", "quantity": 1}]})["hold"]["id"]
             for n in range(1, 5)]
    bookings, codes = [], []
    for n in range(1, 5):
        booking = customer.call("POST", f"/api/venues/{venue}/bookings", {
            "eventId": events[1], "seats": [f"stalls-A-{n}"], "ga": [{"section": "floor", "quantity": 1}],
            "payment": {"method": "test"}})["booking"]
        bookings.append(booking["id"])
        codes += [t["code"] for t in booking["tickets"]]
    entries = [customer.call("POST", f"/api/venues/{small}/events/{sold_out}/waitlist", {"quantity": q})["entry"]["id"]
               for q in (1, 2)]
    return {
        "customer": customer.token, "organizer": organizer.token,
        "organizer_id": organizer_user["id"], "customer_id": customer_user["id"],
        "venues": [venue, small],
        "events": events + [not_yet, cancelled, sold_out],
        "cancel_events": to_cancel + [cancelled],
        "holds": holds, "bookings": bookings, "codes": codes, "entries": entries,
        "seats": ["stalls-A-5", "stalls-A-6", "stalls-B-10", "balcony-1-1", "balcony-1-2", "stalls-A-1"],
        "ga_sections": ["floor", "stalls"],
        "sections": ["stalls", "balcony", "floor"],
    }


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def write_config(path, world, pinned=None):
    """schemathesis.toml: dictionaries of real ids bound to path parameters and body fields.
    `pinned` fixes parameters to one value instead (e.g. an event that is on sale)."""
    dictionaries = {
        "venues": world["venues"], "events": world["events"], "cancel_events": world["cancel_events"],
        "holds": world["holds"], "bookings": world["bookings"], "codes": world["codes"],
        "entries": world["entries"], "seats": world["seats"], "ga_sections": world["ga_sections"],
        "sections": world["sections"], "owners": [world["organizer_id"]],
        # Integers at the edges of what JSON numbers and 64-bit arithmetic hold.
        "edge_integers": [0, 1, 100, 101, -1, 2147483647, 2147483648, 9223372036854775807, -9223372036854775808,
                          9223372036854775808],
    }
    bind = {
        "path.venueId": ("venues", 0.85), "path.eventId": ("events", 0.85), "path.holdId": ("holds", 0.7),
        "path.bookingId": ("bookings", 0.7), "path.code": ("codes", 0.7), "path.entryId": ("entries", 0.7),
        "query.venue": ("venues", 0.5), "query.owner": ("owners", 0.5),
        "body.holdId": ("holds", 0.5), "body.eventId": ("events", 0.7), "body.seats[*]": ("seats", 0.7),
        "body.ga[*].section": ("ga_sections", 0.8), "body.code": ("codes", 0.7), "body.section": ("sections", 0.6),
        "body.ga[*].quantity": ("edge_integers", 0.5), "body.quantity": ("edge_integers", 0.3),
        "body.maxTicketsPerCustomer": ("edge_integers", 0.3), "query.limit": ("edge_integers", 0.2),
    }
    lines = ["# Written by Tests/Fuzz/run_fuzz.py for one run.", ""]
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {toml_value(values)}", ""]
    lines.append("[parameters]")
    for key, (dictionary, probability) in bind.items():
        if key not in (pinned or {}):
            lines.append(f"{json.dumps(key)} = {toml_value({'dictionary': dictionary, 'probability': probability})}")
    for key, value in (pinned or {}).items():
        lines.append(f"{json.dumps(key)} = {toml_value(value)}")
    lines.append("")
    # Cancelling an event is final: point it at events kept for that, not at the ones the
    # other operations use.
    lines += ["[[operations]]", 'include-name = "POST /api/venues/{venueId}/events/{eventId}/cancel"',
              "parameters = " + toml_value({"path.eventId": {"dictionary": "cancel_events", "probability": 0.85},
                                            "path.venueId": {"dictionary": "venues", "probability": 0.9}}), ""]
    # An event has a queue only when its organizer gives it one: the link schemathesis infers
    # from a new event to its queue finds a documented 404, not a lost resource.
    lines += ["[[operations]]", 'include-name = "GET /api/venues/{venueId}/events/{eventId}/queue"',
              "checks = " + toml_value({"ensure_resource_availability": {"enabled": False}}), ""]
    # A new event needs a price for exactly the venue's sections, which random objects never
    # are: send the real ones, so that creation can succeed and its answer be checked.
    lines += ["[[operations]]", 'include-name = "POST /api/venues/{venueId}/events"',
              "parameters = " + toml_value({"body.prices": {"stalls": 100, "balcony": 50, "floor": 10},
                                            "path.venueId": {"dictionary": "venues", "probability": 0.9}}), ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def schemathesis_command(config, base, seconds, seed, report_dir, name, headers=(), extra=(), checks=CHECKS):
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", config, "run", SPEC,
               "--url", base, "--checks", checks, "--max-time", str(seconds), "--workers", os.environ.get("FUZZ_WORKERS", "1"),
               "--request-timeout", "15", "--max-response-time", "10",
               "--generation-database", "none", "--no-color",
               "--report", "junit,ndjson", "--report-dir", report_dir,
               "--report-junit-path", os.path.join(report_dir, f"{name}.junit.xml"),
               "--report-ndjson-path", os.path.join(report_dir, f"{name}.ndjson")]
    if seed is not None:
        command += ["--seed", str(seed)]
    for header in headers:
        command += ["--header", header]
    return command + list(extra) + shlex.split(os.environ.get("FUZZ_EXTRA_ARGS", ""))


def main():
    if importlib.util.find_spec("schemathesis") is None:
        print("schemathesis is not installed: pip install -r Tests/Integration/requirements-fuzz.txt", file=sys.stderr)
        return 2
    seconds = int(os.environ.get("FUZZ_SECONDS", "55"))
    seed_text = os.environ.get("FUZZ_SEED", str(DEFAULT_SEED))
    seed = None if seed_text == "random" else int(seed_text)
    roles = os.environ.get("FUZZ_ROLES", "customer,hostile,organizer,anonymous,logout").split(",")
    keep_reports = bool(os.environ.get("FUZZ_REPORT_DIR"))
    report_dir = os.environ.get("FUZZ_REPORT_DIR") or tempfile.mkdtemp(prefix="booking-fuzz-")
    os.makedirs(report_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="booking-fuzz-work-")

    started = time.monotonic()
    stack = Stack(**STACK_SETTINGS)
    results = []
    try:
        world = make_world(stack)
        config = os.path.join(work, "schemathesis.toml")
        write_config(config, world)
        # Negative mode never takes a dictionary's valid ids: pin the path to an event on sale,
        # so that hostile bodies reach the booking code instead of a 404.
        hostile_config = os.path.join(work, "hostile.toml")
        write_config(hostile_config, world, pinned={"path.venueId": world["venues"][0], "path.eventId": world["events"][2]})
        customer = ["Authorization: Bearer " + world["customer"]]
        runs = {
            "customer": dict(seconds=seconds, headers=customer, extra=["--exclude-path", "/api/auth/logout"]),
            # Schema-violating bodies only, on the customer's writes: out-of-range numbers
            # and wrong types where a customer reaches the booking code.
            "hostile": dict(seconds=max(10, seconds // 3), headers=customer, config=hostile_config,
                            extra=["--mode", "negative", "--phases", "coverage,fuzzing",
                                   "--include-path-regex", "/(holds|bookings|waitlist)$"]),
            "organizer": dict(seconds=seconds, headers=["Authorization: Bearer " + world["organizer"]],
                              extra=["--exclude-path", "/api/auth/logout"]),
            "anonymous": dict(seconds=max(10, seconds // 3), checks=CHECKS + "," + METHOD_CHECKS),
        }
        for name in (role.strip() for role in roles):
            if name == "logout":
                token, _ = register(stack, "customer")
                run = dict(seconds=5, headers=["Authorization: Bearer " + token.token],
                           extra=["--include-path", "/api/auth/logout", "--max-examples", "5",
                                  "--phases", "examples,coverage,fuzzing"])  # no links to follow from logout
            elif name in runs:
                run = runs[name]
            else:
                print(f"unknown role {name!r}", file=sys.stderr)
                return 2
            print(f"\n===== schemathesis as {name} ({run['seconds']} s) =====", flush=True)
            t0 = time.monotonic()
            command = schemathesis_command(run.get("config", config), stack.base, run["seconds"], seed, report_dir, name,
                                           run.get("headers", ()), run.get("extra", ()), run.get("checks", CHECKS))
            code = subprocess.run(command, cwd=work).returncode
            results.append((name, code, time.monotonic() - t0))
        # A worker that traps answers nothing (nginx answers 502, which the checks catch
        # too); its exit and any unhandled error are also in the pool's log.
        crashes = [line for line in stack.log_text().splitlines()
                   if '"msg":"worker exited"' in line or '"msg":"unhandled error"' in line or "Fatal error" in line]
    except SetupError as error:
        print(f"setting up the fuzz world failed: {error}\n{stack.log_text()[-4000:]}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
        shutil.rmtree(work, ignore_errors=True)

    print("\n===== fuzz summary =====")
    for name, code, elapsed in results:
        print(f"{name:10s} {'ok' if code == 0 else f'FINDINGS (exit {code})':20s} {elapsed:6.1f} s")
    if crashes:
        print("worker crashes and unhandled errors in the stack log:\n  " + "\n  ".join(crashes[:20]))
    clean = bool(results) and all(code == 0 for _, code, _ in results) and not crashes
    if clean and not keep_reports:
        shutil.rmtree(report_dir, ignore_errors=True)
        report_dir = "(removed: no findings)"
    print(f"reports: {report_dir}   total: {time.monotonic() - started:.1f} s")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
