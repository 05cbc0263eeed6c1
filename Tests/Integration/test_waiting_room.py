"""The on-sale queue through the real stack (API.md, "On-sale queue"; DESIGN.md, "On-sale: the
waiting room"): the one draw at the sales start, stored for audit and uncorrelated with the
order of arrival; admission by the notifier at the set rate; passes checked before any write;
one place per account under concurrent joins; pause; sold out. The stack is the module's own,
with a low proof-of-work difficulty and a fast notifier."""
import concurrent.futures
import datetime
import os
import re
import signal
import sqlite3
import time

import pytest

from api import Client, error_code, make_venue, register, solve_proof
from sse import Subscriber
from stack import Stack, wait_for


@pytest.fixture(scope="module")
def stack():
    s = Stack(QUEUE_DIFFICULTY="8", BOOKING_NOTIFIER_INTERVAL_MS="100", ARGON2_MEMORY_KIB="64", ARGON2_ITERATIONS="1",
              AUTH_RATE="100000r/s", AUTH_BURST="100000")
    yield s
    s.stop()


def rfc3339(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def queued_event(organizer, venue, sales_start, rate, pass_minutes=10, **fields):
    r = organizer.post(f"/api/venues/{venue}/events", json=dict({
        "title": "Big on-sale", "startsAt": "2030-06-01T19:00:00Z", "currency": "EUR",
        "prices": {"stalls": 4500, "floor": 2000}, "maxTicketsPerCustomer": 10, "salesStartAt": rfc3339(sales_start),
        "queue": {"opensAt": rfc3339(time.time() - 60), "admitPerMinute": rate, "passMinutes": pass_minutes}}, **fields))
    assert r.status_code == 201, r.text
    return f"/api/venues/{venue}/events/{r.json()['event']['id']}"


def join(client, event_path):
    challenge = Client(client.stack).get(event_path + "/queue").json()["challenge"]
    return client.post(event_path + "/queue", json={"nonce": solve_proof(challenge["value"], client.user["id"], challenge["difficulty"])})


def entry(client, event_path):
    return client.get(event_path + "/queue").json().get("entry")


def spearman(xs, ys):
    """Rank correlation of two lists of distinct numbers."""
    def ranks(values):
        order = sorted(range(len(values)), key=values.__getitem__)
        result = [0] * len(values)
        for rank, index in enumerate(order):
            result[index] = rank
        return result
    rx, ry, n = ranks(xs), ranks(ys), len(xs)
    return 1 - 6 * sum((a - b) ** 2 for a, b in zip(rx, ry)) / (n * (n * n - 1))


def better_place(pass_text):
    """The pass with its position changed to 1 ahead: `qp1.<key>.<position>.<expiry>.<mac>`."""
    parts = pass_text.split(".")
    parts[2] = str(int(parts[2]) - 1)
    return ".".join(parts)


def venue_db(stack, venue):
    return sqlite3.connect(os.path.join(stack.data_dir, "venues", venue + ".sqlite"))


def test_the_pre_queue_is_drawn_once_at_the_sales_start_and_admitted_at_the_rate(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer, rows=4, seats=10, ga=100)
    buyers = [register(stack) for _ in range(40)]
    sales_start = int(time.time()) + 6
    event_path = queued_event(organizer, venue, sales_start, rate=1200)

    for buyer in buyers:
        joined = join(buyer, event_path)
        assert joined.status_code == 201, joined.text
        assert joined.json()["entry"] == {"position": None, "state": "waiting"}
    assert time.time() < sales_start, "the joins took longer than the pre-queue lasted: raise the margin"
    before = Client(stack).get(event_path + "/queue").json()["queue"]
    assert before["state"] == "pre" and before["length"] == 40 and before["nowServing"] == 0
    # Holds need a pass from the queue's opening; the seat map stays readable for everyone.
    assert error_code(buyers[0].post(event_path + "/holds", json={"ga": [{"section": "floor", "quantity": 1}]})) == "queue_required"
    assert Client(stack).get(event_path + "/seats").status_code == 200

    wait_for(lambda: all(entry(b, event_path)["position"] for b in buyers[:1]), timeout=20, message="the draw")
    positions = [entry(b, event_path)["position"] for b in buyers]
    assert sorted(positions) == list(range(1, 41)), "everyone who waited got one place"
    # For a uniform shuffle of 40 the rank correlation has a standard deviation of 0.16: 0.7 is
    # beyond 4 of them, so arrival order does not decide (a first-come order would give 1).
    assert abs(spearman(list(range(40)), positions)) < 0.7, positions
    # A later arrival gets the next number.
    late = register(stack)
    assert join(late, event_path).json()["entry"]["position"] == 41

    # Stored for audit: the draw's positions and when each place was admitted.
    wait_for(lambda: Client(stack).get(event_path + "/queue").json()["queue"]["nowServing"] == 41, timeout=30, message="admission")
    with venue_db(stack, venue) as db:
        stored = dict(db.execute("SELECT customer_id, position FROM queue_entry"))
        admitted = sorted(t for (t,) in db.execute("SELECT admitted_at FROM queue_entry"))
    assert {b.user["id"]: p for b, p in zip(buyers, positions)}.items() <= stored.items()
    # 20 a second: 41 admissions cannot all happen within the first second.
    assert admitted[-1] - admitted[0] >= 1, admitted
    for buyer in buyers[:3]:
        place = entry(buyer, event_path)
        assert place["state"] == "admitted" and place["pass"].startswith("qp1.") and place["passExpiresAt"]


def test_a_pass_admits_its_holder_only_and_nothing_changes_without_one(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer, rows=1, seats=5, ga=10)
    event_path = queued_event(organizer, venue, time.time() - 1, rate=6000)
    alice, bob, carol = register(stack), register(stack), register(stack)
    for buyer in (alice, bob):
        assert join(buyer, event_path).status_code == 201
    wait_for(lambda: all((entry(b, event_path) or {}).get("state") == "admitted" for b in (alice, bob)), message="admission")
    alices, bobs = entry(alice, event_path)["pass"], entry(bob, event_path)["pass"]
    holds = event_path + "/holds"
    bookings = event_path.rsplit("/events/", 1)[0] + "/bookings"
    event_id = event_path.rsplit("/", 1)[1]
    one_call = {"eventId": event_id, "seats": ["stalls-A-1"], "payment": {"method": "test"}}

    refusals = [
        (carol, holds, {"seats": ["stalls-A-1"]}, {}, "queue_required"),
        (carol, bookings, one_call, {}, "queue_required"),
        (carol, holds, {"seats": ["stalls-A-1"]}, {"Queue-Pass": alices}, "invalid_pass"),
        (alice, holds, {"seats": ["stalls-A-1"]}, {"Queue-Pass": alices[:-4] + "AAAA"}, "invalid_pass"),
        (alice, holds, {"seats": ["stalls-A-1"]}, {"Queue-Pass": better_place(alices)}, "invalid_pass"),
        (alice, holds, {"seats": ["stalls-A-1"]}, {"Queue-Pass": "x" * 5000}, "invalid_pass"),
        (alice, bookings, one_call, {"Queue-Pass": bobs}, "invalid_pass"),
    ]
    for client, path, body, headers, code in refusals:
        r = client.post(path, json=body, headers=headers)
        assert r.status_code == 403 and error_code(r) == code, (headers, r.text)
    seats = Client(stack).get(event_path + "/seats").json()["seats"]
    assert all(s["state"] == "available" for s in seats), "no refused request held anything"

    held = alice.post(holds, json={"seats": ["stalls-A-1"]}, headers={"Queue-Pass": alices})
    assert held.status_code == 201, held.text
    paid = alice.post(bookings, json={"holdId": held.json()["hold"]["id"], "payment": {"method": "test"}})
    assert paid.status_code == 201, "paying a hold needs no pass: its admission was checked when it was made"
    booked = bob.post(bookings, json=dict(one_call, seats=["stalls-A-2"]), headers={"Queue-Pass": bobs})
    assert booked.status_code == 201, booked.text


def pool_holds_answered(stack, status):
    """How many holds the pool answered with `status` (its /api/metrics counter)."""
    text = Client(stack).get("/api/metrics").text
    pattern = r'^booking_http_requests_total\{method="POST",route="/api/venues/\{venueId\}/events/\{eventId\}/holds",status="%d"\} (\d+)$'
    found = re.search(pattern % status, text, re.M)
    return int(found.group(1)) if found else 0


def test_while_a_queue_is_in_force_nginx_refuses_holds_without_a_pass_before_the_pool(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer, rows=1, seats=1, ga=0)
    event_path = queued_event(organizer, venue, time.time() - 1, rate=6000, prices={"stalls": 100})
    event_id = event_path.rsplit("/", 1)[1]
    marker = os.path.join(stack.run_dir, "queues", venue, event_id)
    wait_for(lambda: os.path.exists(marker), message="the notifier's marker of the queue in force")
    buyer = register(stack)
    before = pool_holds_answered(stack, 403)
    for client in (buyer, Client(stack)):
        r = client.post(event_path + "/holds", json={"seats": ["stalls-A-1"]})
        assert r.status_code == 403 and error_code(r) == "queue_required", r.text
        assert r.headers["Content-Type"].startswith("application/json") and r.headers["X-Frame-Options"] == "DENY"
    assert pool_holds_answered(stack, 403) == before, "refused by nginx: the pool never saw them"
    # A pass, even a forged one, goes to the pool, which checks it.
    forged = buyer.post(event_path + "/holds", json={"seats": ["stalls-A-1"]}, headers={"Queue-Pass": "qp1.local.1.9999999999.AAAA"})
    assert error_code(forged) == "invalid_pass" and pool_holds_answered(stack, 403) == before + 1

    # Sold out: the marker goes within a round, and holds reach the pool again (and are told why).
    assert join(buyer, event_path).status_code == 201
    wait_for(lambda: (entry(buyer, event_path) or {}).get("state") == "admitted", message="admission")
    booked = buyer.post(event_path.rsplit("/events/", 1)[0] + "/bookings", headers={"Queue-Pass": entry(buyer, event_path)["pass"]},
                        json={"eventId": event_id, "seats": ["stalls-A-1"], "payment": {"method": "test"}})
    assert booked.status_code == 201, booked.text
    wait_for(lambda: not os.path.exists(marker), message="the marker removed at sold out")
    late = register(stack).post(event_path + "/holds", json={"seats": ["stalls-A-1"]})
    assert late.status_code == 409 and error_code(late) == "seat_unavailable", late.text


def test_a_queue_removed_by_its_organizer_takes_its_marker_with_it(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event_path = queued_event(organizer, venue, time.time() + 3600, rate=60)
    marker = os.path.join(stack.run_dir, "queues", venue, event_path.rsplit("/", 1)[1])
    wait_for(lambda: os.path.exists(marker), message="the marker")
    assert organizer.patch(event_path, json={"queue": None}).status_code == 200
    wait_for(lambda: not os.path.exists(marker), message="the marker removed with the queue")


def test_200_concurrent_joins_of_one_account_make_one_place(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event_path = queued_event(organizer, venue, time.time() + 3600, rate=60)
    buyer = register(stack)
    challenge = Client(stack).get(event_path + "/queue").json()["challenge"]
    nonce = solve_proof(challenge["value"], buyer.user["id"], challenge["difficulty"])
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(lambda _: Client(stack, buyer.token).post(event_path + "/queue", json={"nonce": nonce}), range(200)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200] * 199 + [201], statuses
    assert len({r.json()["entry"]["position"] is None for r in answers}) == 1
    with venue_db(stack, venue) as db:
        assert db.execute("SELECT count(*) FROM queue_entry WHERE customer_id = ?", (buyer.user["id"],)).fetchone()[0] == 1


def test_joins_are_refused_with_a_wrong_proof_or_before_the_opening(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event_path = queued_event(organizer, venue, time.time() + 3600, rate=60)
    buyer, other = register(stack), register(stack)
    challenge = Client(stack).get(event_path + "/queue").json()["challenge"]
    others = solve_proof(challenge["value"], other.user["id"], challenge["difficulty"])
    for nonce in ["", "x" * 65, others]:
        r = buyer.post(event_path + "/queue", json={"nonce": nonce})
        # A proof made for another account passes for this one by chance 1 time in 256.
        if nonce != others or r.status_code != 201:
            assert r.status_code == 422 and error_code(r) == "bad_proof", (nonce, r.text)
    assert buyer.post(event_path + "/queue", json={"nonce": 5}).status_code == 400
    assert organizer.post(event_path + "/queue", json={"nonce": "1"}).status_code == 403
    assert Client(stack).post(event_path + "/queue", json={"nonce": "1"}).status_code == 401

    later = organizer.post(f"/api/venues/{venue}/events", json={
        "title": "Later", "startsAt": "2030-06-01T19:00:00Z", "currency": "EUR", "prices": {"stalls": 1, "floor": 1},
        "salesStartAt": rfc3339(time.time() + 7200),
        "queue": {"opensAt": rfc3339(time.time() + 3600), "admitPerMinute": 0, "passMinutes": 5}}).json()["event"]["id"]
    early = buyer.post(f"/api/venues/{venue}/events/{later}/queue", json={"nonce": "1"})
    assert early.status_code == 409 and error_code(early) == "queue_not_open", early.text
    assert Client(stack).get(f"/api/venues/{venue}/events/{later}/queue").json()["queue"]["state"] == "pre"


def test_the_organizer_pauses_and_resumes_admission(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event_path = queued_event(organizer, venue, time.time() + 3, rate=6000)
    paused = organizer.patch(event_path + "/queue", json={"paused": True})
    assert paused.status_code == 200 and paused.json()["queue"]["paused"] is True
    buyers = [register(stack) for _ in range(3)]
    for buyer in buyers:
        assert join(buyer, event_path).status_code == 201
    wait_for(lambda: entry(buyers[0], event_path)["position"] is not None, message="the draw")
    status = Client(stack).get(event_path + "/queue").json()["queue"]
    assert status["state"] == "paused" and status["nowServing"] == 0
    time.sleep(0.5)  # several notifier rounds
    assert Client(stack).get(event_path + "/queue").json()["queue"]["nowServing"] == 0, "a paused queue admits nobody"
    assert organizer.patch(event_path + "/queue", json={"paused": False}).json()["queue"]["state"] == "open"
    wait_for(lambda: Client(stack).get(event_path + "/queue").json()["queue"]["nowServing"] == 3, message="admission after resuming")
    assert buyers[0].patch(event_path + "/queue", json={"paused": False}).status_code == 403


def test_when_everything_is_sold_every_waiting_buyer_learns_it_and_joins_are_refused(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer, rows=1, seats=2, ga=0)
    event_path = queued_event(organizer, venue, time.time() - 1, rate=60, prices={"stalls": 100})
    first = register(stack)
    assert join(first, event_path).status_code == 201
    waiting = [register(stack) for _ in range(3)]
    for buyer in waiting:
        assert join(buyer, event_path).status_code == 201
    wait_for(lambda: (entry(first, event_path) or {}).get("state") == "admitted", message="the first admission")
    bookings = event_path.rsplit("/events/", 1)[0] + "/bookings"
    booked = first.post(bookings, json={"eventId": event_path.rsplit("/", 1)[1], "seats": ["stalls-A-1", "stalls-A-2"],
                                        "payment": {"method": "test"}}, headers={"Queue-Pass": entry(first, event_path)["pass"]})
    assert booked.status_code == 201, booked.text
    wait_for(lambda: Client(stack).get(event_path + "/queue").json()["queue"]["state"] == "sold_out", message="sold out")
    for buyer in waiting:
        assert buyer.get(event_path + "/queue").json()["queue"]["state"] == "sold_out"
    late = join(register(stack), event_path)
    assert late.status_code == 409 and error_code(late) == "sold_out", late.text
    # The waiting list is open to them (nothing is free).
    joined = waiting[0].post(event_path + "/waitlist", json={"quantity": 1})
    assert joined.status_code == 201, joined.text


def test_waiting_buyers_follow_now_serving_live(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event_path = queued_event(organizer, venue, time.time() + 2, rate=60)
    live = "/live" + event_path.removeprefix("/api") + "/queue"
    unknown = "/live" + event_path.removeprefix("/api").rsplit("/", 1)[0] + "/e_" + "a" * 20 + "/queue"
    assert Subscriber(stack.port, unknown).status == 404, "a channel is joined only for an event with a queue"
    without_queue = organizer.post(f"/api/venues/{venue}/events", json={
        "title": "Plain", "startsAt": "2030-06-01T19:00:00Z", "currency": "EUR", "prices": {"stalls": 1, "floor": 1}}).json()["event"]["id"]
    assert Subscriber(stack.port, f"/live/venues/{venue}/events/{without_queue}/queue").status == 404
    subscriber = Subscriber(stack.port, live)
    assert subscriber.status == 200
    buyers = [register(stack) for _ in range(3)]
    for buyer in buyers:
        assert join(buyer, event_path).status_code == 201
    seen = []
    deadline = time.time() + 20
    while time.time() < deadline and not (seen and seen[-1]["nowServing"] == 3):
        seen.append(subscriber.next_message(timeout=10)[1])
    subscriber.close()
    assert seen[-1] == {"nowServing": 3, "length": 0, "state": "open"}, seen
    assert any(m["state"] == "pre" and m["length"] >= 1 for m in seen), "the joins before the sales start went out"
    serving = [m["nowServing"] for m in seen]
    assert serving == sorted(serving) and len(set(serving)) >= 2, f"now serving only grows, one a second here: {serving}"


def test_the_notifier_killed_mid_admission_loses_no_place_and_admits_nobody_twice(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    buyers = [register(stack) for _ in range(30)]
    event_path = queued_event(organizer, venue, time.time() + 2, rate=600)
    for buyer in buyers:
        assert join(buyer, event_path).status_code == 201
    wait_for(lambda: Client(stack).get(event_path + "/queue").json()["queue"]["nowServing"] >= 3, message="admission under way")
    os.kill(stack.notifier_pid, signal.SIGKILL)
    # scripts/stack.sh starts the notifier again, as systemd does.
    wait_for(lambda: Client(stack).get(event_path + "/queue").json()["queue"]["nowServing"] == 30, timeout=60, message="admission after the restart")
    with venue_db(stack, venue) as db:
        rows = db.execute("SELECT position, admitted_at, pass_expires_at FROM queue_entry").fetchall()
    assert sorted(p for p, _, _ in rows) == list(range(1, 31)), "every place kept, each once"
    assert all(a is not None and e == a + 600 for _, a, e in rows), "each admitted once, with one pass expiry"


def test_a_flood_of_joins_from_one_address_is_refused_by_nginx():
    flood = Stack(QUEUE_DIFFICULTY="0", JOIN_RATE="1r/s", JOIN_BURST="3", ARGON2_MEMORY_KIB="64", ARGON2_ITERATIONS="1")
    try:
        organizer = register(flood, role="organizer")
        venue = make_venue(organizer)
        event_path = queued_event(organizer, venue, time.time() + 3600, rate=60)
        buyers = [register(flood) for _ in range(10)]
        statuses = [b.post(event_path + "/queue", json={"nonce": "1"}).status_code for b in buyers]
        assert statuses.count(429) >= 5 and statuses[:4] == [201] * 4, statuses
        refused = next(b for b, status in zip(buyers, statuses) if status == 429)
        assert refused.get(event_path + "/queue").json().get("entry") is None, "a refused join joins nothing"
        # Reading the queue is not a join.
        assert all(Client(flood).get(event_path + "/queue").status_code == 200 for _ in range(10))
    finally:
        flood.stop()


def test_over_a_thousand_joiners_the_draw_is_independent_of_arrival_and_later_joiners_come_in_order(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        buyers = list(pool.map(lambda _: register(stack), range(1000)))
    sales_start = int(time.time()) + 20
    event_path = queued_event(organizer, venue, sales_start, rate=60)
    joined_at = {}

    def join_in_turn(buyer):
        assert join(buyer, event_path).status_code == 201
        joined_at[buyer.user["id"]] = time.monotonic()

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(join_in_turn, buyers))
    assert time.time() < sales_start, "the joins took longer than the pre-queue lasted: raise the margin"
    wait_for(lambda: entry(buyers[0], event_path)["position"] is not None, timeout=40, message="the draw")
    with venue_db(stack, venue) as db:
        drawn = dict(db.execute("SELECT customer_id, position FROM queue_entry"))
    order = sorted(joined_at, key=joined_at.get)
    positions = [drawn[customer] for customer in order]
    assert sorted(positions) == list(range(1, 1001))
    # A uniform shuffle of 1,000 has a rank correlation of 0 +- 0.032: 0.15 is beyond 4.5 of
    # those; the order of arrival (no shuffle) gives 1, and so does any first-come scheme.
    assert abs(spearman(list(range(1000)), positions)) < 0.15
    # Neither do the first arrivals crowd the front: the first 100 hold about 10 of the first 100 places.
    assert sum(1 for p in positions[:100] if p <= 100) < 30
    later = [register(stack) for _ in range(5)]
    assert [join(b, event_path).json()["entry"]["position"] for b in later] == list(range(1001, 1006))
