"""Running it for real: units, the shipped nginx config, backup/restore and check."""
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time

import pytest

from api import make_event, make_venue, register
from stack import ROOT, Stack

BINARY = os.path.join(ROOT, ".build", "release", "booking-fcgi")


def cli(data_dir, *args, check=True):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, check=check,
                          env=dict(os.environ, BOOKING_DATA_DIR=data_dir))


def test_the_systemd_units_verify():
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    directory = tempfile.mkdtemp()
    for name in ["booking-fcgi.service", "booking-notifier.service", "booking-litestream.service", "booking-backup.service",
                 "booking-backup.timer"]:
        with open(os.path.join(ROOT, "deploy", "systemd", name)) as f:
            text = f.read().replace("/usr/local/bin/booking-fcgi", BINARY).replace("/usr/local/bin/litestream", shutil.which("litestream"))
        with open(os.path.join(directory, name), "w") as f:
            f.write(text)
    units = [os.path.join(directory, n) for n in os.listdir(directory)]
    result = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "booking" not in result.stderr, result.stderr


def test_the_shipped_nginx_config_passes_nginx_t_with_production_defaults():
    directory = tempfile.mkdtemp()
    # nginx -t binds the publisher's unix socket, so that one path points at a directory that exists here.
    site = subprocess.run([os.path.join(ROOT, "deploy", "render-nginx.sh")], capture_output=True, text=True, check=True,
                          env=dict(os.environ, NCHAN_SOCKET=os.path.join(directory, "nchan.sock"))).stdout
    assert "listen 80;" in site and "rate=10r/m" in site, "the defaults are the production ones"
    with open(os.path.join(directory, "site.conf"), "w") as f:
        f.write(site)
    with open(os.path.join(directory, "nginx.conf"), "w") as f:
        f.write(f"load_module /usr/lib/nginx/modules/ngx_nchan_module.so;\npid {directory}/nginx.pid;\nerror_log stderr;\n"
                f"events {{}}\nhttp {{ include /etc/nginx/mime.types; include {directory}/site.conf; }}\n")
    result = subprocess.run(["nginx", "-t", "-q", "-p", directory, "-c", os.path.join(directory, "nginx.conf")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_backup_under_load_restores_every_acknowledged_booking():
    stack = Stack()
    try:
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer, rows=20, seats=25, ga=0)
        event = make_event(organizer, venue, prices={"stalls": 100}, max_per_customer=100)
        customers = [register(stack) for _ in range(4)]
        acknowledged = []  # (time answered, booking id)
        stop = threading.Event()

        def buyer(index):
            for n in range(125):
                if stop.is_set():
                    return
                seat = f"stalls-{chr(65 + (index * 125 + n) // 25)}-{(index * 125 + n) % 25 + 1}"
                r = customers[index].post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": [seat], "payment": {"method": "test"}})
                if r.status_code == 201:
                    acknowledged.append((time.time(), r.json()["booking"]["id"]))

        threads = [threading.Thread(target=buyer, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        backup_dir = tempfile.mkdtemp(prefix="booking-backup-")
        started = time.time()
        cli(stack.data_dir, "backup", "--to", backup_dir, "--all")
        stop.set()
        for t in threads:
            t.join()
        before = {b for at, b in acknowledged if at < started}
        assert len(before) > 10 and len(acknowledged) > len(before)

        assert "ok:" in cli(backup_dir, "check").stdout
        restored = tempfile.mkdtemp(prefix="booking-restored-")
        cli(restored, "restore", "--from", backup_dir, "--all")
        assert "ok:" in cli(restored, "check").stdout
        db = sqlite3.connect(os.path.join(restored, "venues", venue + ".sqlite"))
        stored = {row[0] for row in db.execute("SELECT id FROM booking WHERE status = 'confirmed'")}
        assert before <= stored, f"{len(before - stored)} acknowledged bookings are missing from the backup"

        refused = cli(stack.data_dir, "restore", "--from", backup_dir, "--venue", venue, check=False)
        assert refused.returncode != 0 and "is open in process" in refused.stderr, "no swap under a running worker"
    finally:
        stack.stop()


def test_check_detects_a_seat_sold_twice():
    stack = Stack()
    try:
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer)
        event = make_event(organizer, venue)
        booking = register(stack).post(f"/api/venues/{venue}/bookings", json={"eventId": event, "seats": ["stalls-A-1"],
                                                                          "payment": {"method": "test"}}).json()["booking"]
        backup_dir = tempfile.mkdtemp()
        cli(stack.data_dir, "backup", "--to", backup_dir, "--all")
    finally:
        stack.stop()
    db = sqlite3.connect(os.path.join(backup_dir, "venues", venue + ".sqlite"))
    # Forge a second confirmed booking with a ticket for the same seat, bypassing the store.
    db.execute("INSERT INTO booking (id, event_id, customer_id, status, total, currency, created_at) "
               "SELECT 'b_forged', event_id, 'u_mallory', status, total, currency, created_at FROM booking WHERE id = ?",
               (booking["id"],))
    db.execute("INSERT INTO ticket (code, booking_id, event_id, section_id, seat_id, price) "
               "SELECT 'FORGED', 'b_forged', event_id, section_id, seat_id, price FROM ticket WHERE booking_id = ?",
               (booking["id"],))
    db.commit()
    result = cli(backup_dir, "check", check=False)
    assert result.returncode == 1
    assert "seat sold twice" in result.stdout


def test_processes_starting_together_on_a_fresh_data_dir_all_open_it():
    """The pool's workers and the notifier open auth.sqlite and catalog.sqlite at the same
    moment on a fresh data dir; switching a new file to WAL must fail none of them with
    "database is locked" (a worker used to exit and be restarted)."""
    for _ in range(8):
        data = tempfile.mkdtemp(prefix="booking-fresh-")
        try:
            processes = [subprocess.Popen([BINARY, "list-venues"], env=dict(os.environ, BOOKING_DATA_DIR=data),
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(8)]
            errors = [p.communicate(timeout=30)[1] for p in processes]
            assert [p.returncode for p in processes] == [0] * 8, "\n".join(e for e in errors if e)
        finally:
            shutil.rmtree(data)
