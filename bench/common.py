"""What the benchmark's scenarios share: a small asyncio HTTP/1.1 client (wrk cannot keep
thousands of accounts apart or follow a queue), registering many accounts, and the checks
of the databases afterwards."""
import asyncio
import os
import re
import sqlite3
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "bench password 123"


async def connect(port, attempts=3):
    """A connection to nginx; a dropped SYN (full accept queue) is retried."""
    for _ in range(attempts):
        try:
            return await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
        except (OSError, asyncio.TimeoutError):
            await asyncio.sleep(0.1)
    raise RuntimeError("could not connect")


async def http(reader, writer, method, path, token=None, body=b"", headers=None):
    """One HTTP/1.1 request on a kept-alive connection; returns (status, body bytes)."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    for name, value in (headers or {}).items():
        head += f"{name}: {value}\r\n"
    writer.write(head.encode() + b"\r\n" + body)
    header = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
    status = int(header.split(" ", 2)[1])
    length = re.search(r"\r\ncontent-length: *(\d+)", header)
    if length:
        return status, await reader.readexactly(int(length.group(1)))
    payload = b""
    if "\r\ntransfer-encoding: chunked" in header:
        while size := int((await reader.readline()).split(b";")[0], 16):
            payload += await reader.readexactly(size + 2)
        await reader.readline()
    return status, payload


async def register_many(port, count, connections=32, prefix="racer"):
    """Registers `count` customers over a few connections; returns their (token, user id)."""
    accounts = [None] * count

    async def client(first):
        reader, writer = await connect(port)
        for i in range(first, count, connections):
            body = f'{{"email":"{prefix}{i}@bench.example","password":"{PASSWORD}","name":"Racer"}}'.encode()
            status, payload = await http(reader, writer, "POST", "/api/auth/register", body=body)
            assert status == 201, payload
            token = re.search(rb'"token"\s*:\s*"([^"]+)"', payload).group(1).decode()
            user = re.search(rb'"user"\s*:\s*\{[^}]*?"id"\s*:\s*"([^"]+)"', payload).group(1).decode()
            accounts[i] = (token, user)
        writer.close()
    await asyncio.gather(*(client(c) for c in range(connections)))
    return accounts


def venue_db(stack, venue):
    return sqlite3.connect(f"file:{os.path.join(stack.data_dir, 'venues', venue + '.sqlite')}?mode=ro", uri=True)


def sold_seats(stack, event, venue="race"):
    """(tickets, distinct seats) of the confirmed bookings of `event`."""
    db = venue_db(stack, venue)
    try:
        return db.execute("SELECT count(*), count(DISTINCT t.seat_id) FROM ticket t JOIN booking b ON b.id = t.booking_id "
                          "WHERE t.event_id = ? AND b.status = 'confirmed'", (event,)).fetchone()
    finally:
        db.close()


def check(stack):
    """`booking-fcgi check` over the stack's data: (passed, its last line)."""
    r = subprocess.run([os.path.join(ROOT, ".build", "release", "booking-fcgi"), "check"], capture_output=True, text=True,
                       env=dict(os.environ, BOOKING_DATA_DIR=stack.data_dir))
    return r.returncode == 0, r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr


# ---------------------------------------------------------------- wrk and its Lua scripts

def lua_list(values):
    return "{" + ",".join(f'"{v}"' for v in values) + "}"


# Every script: `id` is the thread's number (a global set by setup), `count(key)` tallies a
# status, and done() prints the tallies of all threads and the run's duration.
LUA_COMMON = """
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  thread:set("nthreads", %(threads)d)
  table.insert(threads, thread)
end
function init(args)
  statuses = {}
end
function count(key)
  statuses[key] = (statuses[key] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("statuses")) do total[key] = (total[key] or 0) + n end
  end
  for key, n in pairs(total) do io.write(string.format("STATUS %%s %%d\\n", tostring(key), n)) end
  io.write(string.format("DURATION %%f\\n", summary.duration / 1e6))
end
local counter = 0
-- The n-th request of the whole run: threads interleave, so no two requests share an n.
function next_n()
  local n = counter * nthreads + id
  counter = counter + 1
  return n
end
function post(path, token, body)
  return wrk.format("POST", path, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
-- A one-call booking of one general-admission place, paid with the simulated provider.
function book_ga(venue, event, section, token)
  local body = '{"eventId":"' .. event .. '","ga":[{"section":"' .. section .. '","quantity":1}],"payment":{"method":"test"}}'
  return post("/api/venues/" .. venue .. "/bookings", token, body)
end
"""

def run_wrk(url, seconds, script, connections, threads=2):
    """Runs wrk with a Lua script (LUA_COMMON prepended); returns rate, latencies and statuses."""
    fd, path = tempfile.mkstemp(suffix=".lua")
    os.write(fd, (LUA_COMMON % {"threads": threads} + script).encode())
    os.close(fd)
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s", "-s", path]
    try:
        done = subprocess.run(args + [url], capture_output=True, text=True)
        if done.returncode != 0:  # a Lua error says why on stderr
            raise RuntimeError(f"wrk exited with {done.returncode}: {done.stderr.strip() or done.stdout.strip()}")
        out = done.stdout
    finally:
        os.unlink(path)

    def ms(value, unit):
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    def percentile(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s|m)\b", out, re.M)
        return ms(*m.groups()) if m else float("nan")
    maximum = re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)\b", out)
    errors = re.search(r"Socket errors: (.*)", out)
    statuses = {int(k) if k.isdigit() else k: int(n) for k, n in re.findall(r"^STATUS (\S+) (\d+)", out, re.M)}
    if not statuses:
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        statuses = {"non-2xx/3xx": int(non2xx.group(1))} if non2xx else {"2xx/3xx": "all"}
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "duration": float(re.search(r"^DURATION ([\d.]+)", out, re.M).group(1)),
            "p50": percentile("50"), "p99": percentile("99"), "max": ms(*maximum.groups()) if maximum else float("nan"),
            "statuses": dict(sorted(statuses.items(), key=lambda item: str(item[0]))), "errors": errors.group(1) if errors else ""}
