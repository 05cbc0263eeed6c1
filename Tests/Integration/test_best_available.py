"""Best available and seat attributes (issue 21) through nginx: the race for the last blocks,
attributes from the layout to the seat map, and bad input refused without a change."""
import os
import sqlite3
import threading
import uuid

import pytest

from api import error_code, make_event, make_venue, register

ATTRIBUTES = ["wheelchair", "companion", "restricted-view", "aisle"]


def seat_map(client, venue, event):
    r = client.get(f"/api/venues/{venue}/events/{event}/seats")
    assert r.status_code == 200, r.text
    return r.json()


def make_rows_venue(organizer, labels, seats):
    venue = "v-" + uuid.uuid4().hex[:10]
    rows = [{"label": label, "seats": seats} for label in labels]
    r = organizer.post("/api/venues", json={"id": venue, "name": "Hall", "timezone": "UTC",
                                            "layout": {"sections": [{"id": "stalls", "name": "Stalls", "kind": "seated", "rows": rows}]}})
    assert r.status_code == 201, r.text
    return venue


def test_fifty_clients_race_for_the_last_ten_blocks_of_four(stack):
    organizer = register(stack, role="organizer")
    # 14 rows of 5. Rows A-D are broken by a held middle seat (2 + 2 free: no block of 4);
    # rows E-N each have room for exactly one block of 4, so 10 blocks are left.
    labels = [chr(65 + i) for i in range(14)]
    venue = make_rows_venue(organizer, labels, 5)
    event = make_event(organizer, venue, prices={"stalls": 3000})
    early = register(stack)
    r = early.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": [f"stalls-{row}-3" for row in "ABCD"]})
    assert r.status_code == 201, r.text

    clients = [register(stack) for _ in range(50)]
    start = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def race(index):
        start.wait()
        answers[index] = clients[index].post(f"/api/venues/{venue}/events/{event}/holds", json={"best": {"quantity": 4}})

    threads = [threading.Thread(target=race, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    won = [a.json()["hold"] for a in answers if a.status_code == 201]
    lost = [a for a in answers if a.status_code != 201]
    assert len(won) == 10, [a.status_code for a in answers]
    assert len(lost) == 40 and all(a.status_code == 409 and error_code(a) == "sold_out" for a in lost), [a.text for a in lost]
    rows_won = set()
    for hold in won:
        parts = [seat.split("-") for seat in hold["seats"]]
        assert len(parts) == 4 and {p[1] for p in parts} <= set(labels[4:]) and len({p[1] for p in parts}) == 1, hold["seats"]
        numbers = sorted(int(p[2]) for p in parts)
        assert numbers == list(range(numbers[0], numbers[0] + 4)), hold["seats"]
        rows_won.add(parts[0][1])
        assert hold["total"] == 4 * 3000
    assert rows_won == set(labels[4:])

    db = sqlite3.connect(os.path.join(stack.data_dir, "venues", venue + ".sqlite"))
    claims = db.execute("SELECT seat_id, count(*) FROM seat_claim WHERE event_id = ? GROUP BY seat_id", (event,)).fetchall()
    assert all(count == 1 for _, count in claims)
    assert len(claims) == 4 + 40
    held = {seat for hold in won for seat in hold["seats"]}
    assert len(held) == 40
    assert db.execute("SELECT count(*) FROM hold WHERE event_id = ?", (event,)).fetchone()[0] == 11
    states = {s["id"]: s["state"] for s in seat_map(early, venue, event)["seats"]}
    assert all(states[seat] == "held" for seat in held)


def test_best_available_keeps_to_a_section_and_starts_in_the_middle_of_the_front_row(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer, rows=3, seats=9, ga=10)
    event = make_event(organizer, venue)
    customer = register(stack)
    r = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"best": {"quantity": 3, "section": "stalls"}})
    assert r.status_code == 201, r.text
    assert r.json()["hold"]["seats"] == ["stalls-A-4", "stalls-A-5", "stalls-A-6"]
    r = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"best": {"quantity": 7}})
    assert r.status_code == 201, r.text
    assert r.json()["hold"]["seats"] == [f"stalls-B-{n}" for n in range(2, 9)]


@pytest.mark.parametrize("best", [
    {"quantity": 0}, {"quantity": 1000}, {"quantity": "4"}, {"quantity": 2.5}, {},
    {"quantity": 2, "section": "balcony"}, {"quantity": 2, "section": "floor"},
])
def test_bad_best_input_is_refused_and_changes_nothing(stack, best):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue)
    customer = register(stack)
    before = seat_map(customer, venue, event)
    r = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"best": best})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_failed" and error["message"]
    assert seat_map(customer, venue, event) == before


def test_best_stands_alone(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue)
    customer = register(stack)
    for body in [{"best": {"quantity": 2}, "seats": ["stalls-A-1"]}, {"best": {"quantity": 2}, "ga": [{"section": "floor", "quantity": 1}]}]:
        r = customer.post(f"/api/venues/{venue}/events/{event}/holds", json=body)
        assert r.status_code == 422 and error_code(r) == "validation_failed", r.text
    assert all(s["state"] == "available" for s in seat_map(customer, venue, event)["seats"])


def test_attributes_round_trip_through_the_layout_and_the_seat_map(stack):
    organizer = register(stack, role="organizer")
    venue = "v-" + uuid.uuid4().hex[:10]
    seats = [{"number": 1, "x": 0, "y": 0, "attributes": ["wheelchair"]},
             {"number": 2, "x": 12, "y": 0, "attributes": ["companion", "aisle"]},
             {"number": 3, "x": 24, "y": 0, "attributes": ATTRIBUTES},
             {"number": 4, "x": 36, "y": 0, "attributes": []},
             {"number": 5, "x": 48, "y": 0}]
    layout = {"sections": [{"id": "stalls", "name": "Stalls", "kind": "seated", "rows": [{"label": "A", "seats": seats}]}]}
    r = organizer.post("/api/venues", json={"id": venue, "name": "Hall", "timezone": "UTC", "layout": layout})
    assert r.status_code == 201, r.text
    event = make_event(organizer, venue, prices={"stalls": 1000})
    first = organizer.get(f"/api/venues/{venue}/events/{event}/seats")
    by_id = {s["id"]: s for s in first.json()["seats"]}
    assert by_id["stalls-A-1"]["attributes"] == ["wheelchair"]
    assert by_id["stalls-A-2"]["attributes"] == ["companion", "aisle"]
    assert by_id["stalls-A-3"]["attributes"] == ATTRIBUTES
    assert "attributes" not in by_id["stalls-A-4"] and "attributes" not in by_id["stalls-A-5"]
    # The cached map (ETag per event version) is the same map, attributes included.
    again = organizer.get(f"/api/venues/{venue}/events/{event}/seats")
    assert again.json() == first.json() and again.headers["ETag"] == first.headers["ETag"]
    # Best available leaves the wheelchair space alone; the browser books it with its companion
    # seat in one `seats` hold.
    customer = register(stack)
    r = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"best": {"quantity": 4}})
    assert r.status_code == 409 and error_code(r) == "sold_out", r.text
    r = customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-A-1", "stalls-A-2"]})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("attributes", [["stairs"], "wheelchair", [1], ["Wheelchair"]])
def test_unknown_attributes_refuse_the_layout_and_create_no_venue(stack, attributes):
    organizer = register(stack, role="organizer")
    venue = "v-" + uuid.uuid4().hex[:10]
    layout = {"sections": [{"id": "stalls", "name": "Stalls", "kind": "seated",
                            "rows": [{"label": "A", "seats": [{"number": 1, "x": 0, "y": 0, "attributes": attributes}]}]}]}
    r = organizer.post("/api/venues", json={"id": venue, "name": "Hall", "timezone": "UTC", "layout": layout})
    assert r.status_code in (400, 422), r.text
    assert "error" in r.json()
    assert organizer.get(f"/api/venues/{venue}").status_code == 404
