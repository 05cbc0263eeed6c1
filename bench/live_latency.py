#!/usr/bin/env python3
"""Live update latency: N EventSource subscribers on one event through nginx/nchan; each
change is a real hold (request -> commit -> publish -> fan-out). Prints the time from
sending the hold request to each subscriber receiving the change, p50/p99/max.

    python3 bench/live_latency.py [--subscribers 1000] [--changes 20]
"""
import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "Tests", "Integration"))
from api import make_event, make_venue, register  # noqa: E402
from stack import Stack  # noqa: E402


async def subscribe(port, path, arrivals, connected):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
    await reader.readuntil(b"\r\n\r\n")
    connected.append(1)
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"data:"):
                arrivals.append((json.loads(line[5:])["version"], time.perf_counter()))
    except asyncio.CancelledError:
        writer.close()


async def main(args):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65535), hard))
    stack = Stack(WRITE_RATE="100000r/s", WRITE_BURST="100000")
    try:
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer, rows=10, seats=20, ga=0)
        event = make_event(organizer, venue, prices={"stalls": 100}, max_per_customer=100)
        customer = register(stack)
        path = f"/live/venues/{venue}/events/{event}"
        arrivals, connected = [], []
        tasks = [asyncio.create_task(subscribe(stack.port, path, arrivals, connected)) for _ in range(args.subscribers)]
        while len(connected) < args.subscribers:
            await asyncio.sleep(0.05)
        version = requests.get(stack.url(f"/api/venues/{venue}/events/{event}/seats")).json()["version"]
        sent = {}
        loop = asyncio.get_running_loop()
        for i in range(args.changes):
            seat = f"stalls-{chr(65 + i // 20)}-{i % 20 + 1}"
            # A one-call booking commits twice (seat held, then sold): two versions per request.
            sent[version + 2 * i + 1] = sent[version + 2 * i + 2] = time.perf_counter()
            r = await loop.run_in_executor(None, lambda: customer.post(f"/api/venues/{venue}/bookings",
                                                                       json={"eventId": event, "seats": [seat], "payment": {"method": "test"}}))
            assert r.status_code == 201, r.text
            await asyncio.sleep(0.2)
        await asyncio.sleep(1)
        for task in tasks:
            task.cancel()
        latencies = [(at - sent[v]) * 1000 for v, at in arrivals if v in sent]
        latencies.sort()
        expected = args.subscribers * len({v for v, _ in arrivals})
        print(f"{args.subscribers} subscribers, {args.changes} bookings, {len(arrivals)} messages received "
              f"(every subscriber got every message: {len(arrivals) == expected})")
        print(f"request sent -> message received: p50 {statistics.median(latencies):.1f} ms, "
              f"p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f} ms, max {latencies[-1]:.1f} ms")
    finally:
        stack.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=20)
    asyncio.run(main(parser.parse_args()))
