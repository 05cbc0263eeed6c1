"""Continuous replication with Litestream (BOOKING_REPLICA): the machine is lost under
booking load, the data directory deleted, and the replica brings back every booking
acknowledged more than the stated lag before the loss; a restore --at T brings back the
bookings acknowledged before T and none made after it."""
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
from datetime import datetime, timezone

import requests

from api import make_event, make_venue, register
from stack import ROOT, Stack

BINARY = os.path.join(ROOT, ".build", "release", "booking-fcgi")
# The guarantee README states: Litestream ships the WAL every second (LitestreamConfig.syncInterval);
# a booking acknowledged this long before the loss is in the replica.
STATED_LAG = 2.0


def cli(data_dir, *args, **env):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, BOOKING_DATA_DIR=data_dir, **env))


def lag_samples(stack, database):
    text = requests.get(stack.url("/api/metrics"), timeout=10).text
    match = re.search(r'^booking_replication_lag_seconds\{database="' + re.escape(database) + r'"\} (\S+)$', text, re.M)
    return float(match.group(1)) if match else None


def confirmed(data_dir, venue):
    db = sqlite3.connect(os.path.join(data_dir, "venues", venue + ".sqlite"))
    try:
        return {row[0] for row in db.execute("SELECT id FROM booking WHERE status = 'confirmed'")}
    finally:
        db.close()


def lose_the_machine(stack):
    """SIGKILL of every process of the stack (Litestream gets no last sync), then the data is gone."""
    with open(os.path.join(stack.run_dir, "litestream.pid")) as f:
        os.kill(int(f.read()), signal.SIGKILL)  # in a session of its own (scripts/stack.sh)
    os.killpg(stack.process.pid, signal.SIGKILL)
    stack.process.wait(timeout=20)
    stack.log.close()
    with open(os.path.join(stack.run_dir, "litestream.log")) as f:
        log = f.read()
    shutil.rmtree(stack.data_dir)
    return log


def test_the_replica_survives_the_loss_of_the_machine_and_restores_to_a_point_in_time():
    replica = tempfile.mkdtemp(prefix="booking-replica-")
    stack = Stack(REPLICA=replica)
    try:
        organizer = register(stack, role="organizer")
        # Made after the start: the watched directory covers it without a restart.
        venue = make_venue(organizer, rows=20, seats=50, ga=0)
        event = make_event(organizer, venue, prices={"stalls": 100}, max_per_customer=100)
        customers = [register(stack) for _ in range(10)]
        acknowledged = []  # (sent, answered, booking id)
        lags = []
        stop = threading.Event()

        def buyer(index):
            for n in range(100):
                if stop.is_set():
                    return
                k = index * 100 + n
                sent = time.time()
                try:
                    r = customers[index].post(f"/api/venues/{venue}/bookings",
                                              json={"eventId": event, "seats": [f"stalls-{chr(65 + k // 50)}-{k % 50 + 1}"], "payment": {"method": "test"}})
                except requests.RequestException:
                    return  # the machine is gone
                if r.status_code == 201:
                    acknowledged.append((sent, time.time(), r.json()["booking"]["id"]))
                time.sleep(0.04)  # paced: the load outlasts the point in time and the loss

        threads = [threading.Thread(target=buyer, args=(i,)) for i in range(10)]
        for t in threads:
            t.start()
        deadline = time.time() + 6
        point_in_time = None
        while time.time() < deadline:
            time.sleep(0.5)
            lag = lag_samples(stack, f"venue:{venue}")
            if lag is not None:
                lags.append(lag)
            if point_in_time is None and time.time() > deadline - 3:
                point_in_time = time.time()
        lost_at = time.time()
        log = lose_the_machine(stack)
        stop.set()
        for t in threads:
            t.join()

        # Measured, not assumed: the lag the app reported under this load, and a clean stream.
        assert lags and max(lags) <= STATED_LAG, lags
        assert "level=ERROR" not in log and "level=WARN" not in log and "mismatch" not in log.lower(), log
        # One snapshot of the venue, when it appeared: a second would mean the WAL stream broke.
        assert len(re.findall(r'msg="snapshot complete".*db=' + re.escape(venue), log)) == 1, log

        # Everything, to the latest state.
        restored = tempfile.mkdtemp(prefix="booking-restored-")
        result = cli(restored, "restore", "--from-replica", replica, "--all")
        assert result.returncode == 0, result.stderr
        assert "rebuilt the catalog" in result.stdout
        check = cli(restored, "check")
        assert check.returncode == 0 and "ok:" in check.stdout, check.stdout
        stored = confirmed(restored, venue)
        before_loss = {b for _, answered, b in acknowledged if answered < lost_at - STATED_LAG}
        assert len(before_loss) > 100, len(before_loss)
        assert before_loss <= stored, f"{len(before_loss - stored)} bookings acknowledged {STATED_LAG}s before the loss are missing"
        assert stored <= {b for _, _, b in acknowledged}, "a booking nobody was told about"

        # The same replica as of a moment in the middle of the load.
        at = datetime.fromtimestamp(point_in_time, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        earlier = tempfile.mkdtemp(prefix="booking-restored-at-")
        result = cli(earlier, "restore", "--from-replica", "file://" + replica, "--at", at, "--all")
        assert result.returncode == 0, result.stderr
        assert cli(earlier, "check").returncode == 0
        stored = confirmed(earlier, venue)
        before = {b for _, answered, b in acknowledged if answered < point_in_time - STATED_LAG}
        after = {b for sent, _, b in acknowledged if sent > point_in_time}
        assert before and after
        assert before <= stored, f"{len(before - stored)} bookings acknowledged before {at} are missing"
        assert not (after & stored), f"{len(after & stored)} bookings made after {at} were restored"
    finally:
        if stack.process.poll() is None:
            stack.stop()


def test_a_venue_created_while_running_is_replicated_and_its_lag_is_a_metric():
    replica = tempfile.mkdtemp(prefix="booking-replica-")
    stack = Stack(REPLICA=replica)
    try:
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer)
        event = make_event(organizer, venue)
        deadline = time.time() + 10
        while time.time() < deadline and lag_samples(stack, f"venue:{venue}") != 0:
            time.sleep(0.2)
        assert lag_samples(stack, f"venue:{venue}") == 0, "the new venue did not reach the replica"
        assert lag_samples(stack, "auth") is not None
        check = cli(stack.data_dir, "check", BOOKING_REPLICA=replica)  # as the services' booking.env sets it
        assert f"venue:{venue}: lag " in check.stdout, check.stdout

        refused = cli(stack.data_dir, "restore", "--from-replica", replica, "--venue", venue)
        assert refused.returncode == 1 and "is open in process" in refused.stderr, "no swap under running services"

        elsewhere = tempfile.mkdtemp(prefix="booking-restored-")
        result = cli(elsewhere, "restore", "--from-replica", replica, "--venue", venue)
        assert result.returncode == 0, result.stderr
        db = sqlite3.connect(os.path.join(elsewhere, "venues", venue + ".sqlite"))
        assert db.execute("SELECT count(*) FROM event WHERE id = ?", (event,)).fetchone() == (1,)
    finally:
        stack.stop()
    # Stopped last and signalled once, Litestream made its last sync.
    with open(os.path.join(stack.run_dir, "litestream.log")) as f:
        log = f.read()
    assert "litestream shut down" in log and "level=WARN" not in log, log
