"""Live seat updates through nginx's nchan: what a subscriber receives."""
import requests

from api import make_event, make_venue, register
from sse import Subscriber


def live_path(venue, event):
    return f"/live/venues/{venue}/events/{event}"


def test_a_subscriber_sees_a_hold_and_its_release_with_versions_one_apart(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue)
    version = requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats")).json()["version"]
    subscriber = Subscriber(stack.port, live_path(venue, event))
    assert subscriber.status == 200
    customer = register(stack)
    hold = customer.post(f"/api/venues/{venue}/events/{event}/holds",
                         json={"seats": ["stalls-A-3"], "ga": [{"section": "floor", "quantity": 2}]}).json()["hold"]
    _, held = subscriber.next_message()
    assert held == {"version": version + 1, "seats": [{"id": "stalls-A-3", "state": "held"}], "ga": [{"section": "floor", "available": 1}]}
    customer.delete(f"/api/venues/{venue}/holds/{hold['id']}")
    _, released = subscriber.next_message()
    assert released["version"] == version + 2
    assert released["seats"] == [{"id": "stalls-A-3", "state": "available"}]
    subscriber.close()
    assert requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats")).json()["version"] == version + 2


def test_a_reconnecting_client_catches_up_from_last_event_id(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue)
    customer = register(stack)
    subscriber = Subscriber(stack.port, live_path(venue, event))
    customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-A-1"]})
    last_id, first = subscriber.next_message()
    subscriber.close()
    customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-A-2"]})
    customer.post(f"/api/venues/{venue}/events/{event}/holds", json={"seats": ["stalls-A-3"]})
    again = Subscriber(stack.port, live_path(venue, event), last_event_id=last_id)
    missed = [again.next_message()[1] for _ in range(2)]
    assert [m["version"] for m in missed] == [first["version"] + 1, first["version"] + 2]
    assert [m["seats"][0]["id"] for m in missed] == ["stalls-A-2", "stalls-A-3"]
    again.close()


def test_only_channels_of_real_events_can_be_joined(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    assert Subscriber(stack.port, live_path(venue, "e_" + "a" * 20)).status == 404
    assert requests.get(stack.url(f"/live/venues/{venue}/events/not-an-id")).status_code in (400, 404)
    assert requests.get(stack.url("/live/venues/../events/x")).status_code in (400, 404)


def test_the_publisher_is_not_reachable_over_tcp(stack):
    organizer = register(stack, role="organizer")
    venue = make_venue(organizer)
    event = make_event(organizer, venue)
    r = requests.post(stack.url(f"/pub/venues/{venue}/events/{event}"), data=b'{"version": 999}')
    assert r.status_code in (404, 405)
