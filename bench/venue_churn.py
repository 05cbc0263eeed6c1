"""The "venue-churn-1000" scenario of `make bench` (issue 20): seat maps and one-call GA
bookings spread evenly over the 1,000 venues of bench/event_list.py's set-up, against the
same spread over 5 of them, in one stack and one run. Each worker keeps an LRU of
BOOKING_MAX_OPEN_VENUES open venues (64 by default), so at 1,000 venues nearly every
request opens a venue file; the 1,000-venue figures should stay at least half of the
5-venue ones."""
import asyncio
import os
import time

from common import check, lua_list, register_many, run_wrk
from event_list import EVENTS, VENUES, populate, wait_counted

CUSTOMERS, SMALL = 200, 5

# Request n goes to pair n mod #venues (venues[i] with its event events[i]): the pairs list
# every venue once before any twice, so each worker sees the venues in turn. The customer
# changes once per round of pairs, so none books an event more than once a round.
CHURN_LUA = """
local tokens = %(tokens)s
local venues = %(venues)s
local events = %(events)s
request = function()
  local n = next_n()
  local i = n %% #venues + 1
  if %(book)s then return book_ga(venues[i], events[i], "floor", tokens[math.floor(n / #venues) %% #tokens + 1]) end
  return wrk.format("GET", "/api/venues/" .. venues[i] .. "/events/" .. events[i] .. "/seats")
end
response = function(status) count(status) end
"""


def churn(stack, seconds, pairs, tokens, book):
    script = CHURN_LUA % {"tokens": lua_list(tokens), "venues": lua_list(v for v, _ in pairs),
                          "events": lua_list(e for _, e in pairs), "book": "true" if book else "false"}
    return run_wrk(stack.base + "/", seconds, script, connections=32)


def run(stack, seconds, rows, label, notes, register, memory):
    """Fills `stack` (standing places enough for every booking), then, for seat maps and
    then bookings, 5 venues and 1,000. `memory(stack)`: the workers' memory, for the notes."""
    organizer = register(stack, "organizer@churn.example", "organizer")
    customer = register(stack, "customer@churn.example")
    started = time.monotonic()
    venues, events_of = asyncio.run(populate(stack.port, organizer, customer, standing=1_000_000, max_per_customer=100))
    tokens = [token for token, _ in asyncio.run(register_many(stack.port, CUSTOMERS, prefix="churner"))]
    wait_counted(stack)  # the notifier's first count opens every venue: not during the figures
    filling = time.monotonic() - started
    # Every venue's events in turn: all venues once with their first event, then their second...
    spread = lambda vs: [(v, events_of[v][e]) for e in range(EVENTS) for v in vs]  # noqa: E731
    figures, before = {}, memory(stack)
    for kind, book in (("seats", False), ("book", True)):
        for count in (SMALL, VENUES):
            figures[kind, count] = churn(stack, seconds, spread(venues[:count]), tokens, book)
            rows.append((f"churn-{kind}-{count}", label, figures[kind, count]))
    after = memory(stack)
    ok, summary = check(stack)
    ratio = {kind: figures[kind, VENUES]["rps"] / figures[kind, SMALL]["rps"] for kind in ("seats", "book")}
    notes.append(f"venue churn ({label}): {VENUES:,} venues made in {filling:.0f} s; at {VENUES:,} venues against {SMALL}: seat maps "
                 f"{ratio['seats']:.2f} ({figures['seats', VENUES]['rps']:.0f}/s against {figures['seats', SMALL]['rps']:.0f}/s), "
                 f"bookings {ratio['book']:.2f} ({figures['book', VENUES]['rps']:.0f}/s against {figures['book', SMALL]['rps']:.0f}/s); "
                 f"LRU of {os.environ.get('BOOKING_MAX_OPEN_VENUES', '64 (default)')} venues per worker, worker RSS (largest) "
                 f"{before} before, {after} after; database check: {'OK' if ok else 'FAILED'} ({summary})")
    return ok
