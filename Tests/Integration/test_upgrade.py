"""The upgrade path (deploy/upgrade.sh) on a copy of a running install: the old binary and
browser app installed in a directory of their own, serving bookings; the upgrade runs while
clients keep booking and reading. No request fails, every booking is still there, the new
browser app is served, the databases were migrated and backed up first."""
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

import requests

from api import make_event, make_venue, register
from stack import ROOT, Stack

BINARY = os.path.join(ROOT, ".build", "release", "booking-fcgi")


def children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return {int(p) for p in f.read().split()}


def install_public(source, share, release):
    copy = tempfile.mkdtemp(prefix="booking-public-")
    shutil.copytree(source, copy, dirs_exist_ok=True)
    with open(os.path.join(copy, "release.txt"), "w") as f:
        f.write(release)
    return copy


def test_an_upgrade_under_load_drops_no_request_and_keeps_every_booking():
    home = tempfile.mkdtemp(prefix="booking-upgrade-")
    bin_dir, share = os.path.join(home, "bin"), os.path.join(home, "share")
    os.makedirs(bin_dir)
    shutil.copy(BINARY, os.path.join(bin_dir, "booking-fcgi"))
    old_public = install_public(os.path.join(ROOT, "public"), share, "old\n")
    subprocess.run([os.path.join(ROOT, "deploy", "install-public.sh"), old_public, share], check=True, capture_output=True)
    stack = Stack(BIN=os.path.join(bin_dir, "booking-fcgi"), PUBLIC_DIR=os.path.join(share, "public"))
    stop = threading.Event()
    try:
        organizer = register(stack, role="organizer")
        venue = make_venue(organizer, rows=20, seats=25, ga=0)
        event = make_event(organizer, venue, prices={"stalls": 100}, max_per_customer=100)
        customers = [register(stack) for _ in range(5)]
        assert requests.get(stack.url("/release.txt"), timeout=5).text == "old\n"
        (old_version,) = re.findall(r'src="/v/([0-9a-f]{12})/app\.js"', requests.get(stack.url("/"), timeout=5).text)

        booked, failures, releases = [], [], []

        def booker():
            n = 0
            while not stop.is_set() and n < 500:
                seat = f"stalls-{chr(65 + n // 25)}-{n % 25 + 1}"
                customer = customers[n % len(customers)]
                n += 1
                try:
                    r = customer.post(f"/api/venues/{venue}/bookings",
                                      json={"eventId": event, "seats": [seat], "payment": {"method": "test"}})
                except requests.RequestException as error:
                    failures.append(f"booking {seat}: {error}")
                    continue
                if r.status_code == 201:
                    booked.append((customer, r.json()["booking"]["id"]))
                else:
                    failures.append(f"booking {seat}: {r.status_code} {r.text[:200]}")
                time.sleep(0.01)

        def reader():
            while not stop.is_set():
                for path in ["/api/events?limit=5", f"/api/venues/{venue}/events/{event}/seats", "/release.txt", "/"]:
                    try:
                        r = requests.get(stack.url(path), timeout=10)
                    except requests.RequestException as error:
                        failures.append(f"GET {path}: {error}")
                        continue
                    if r.status_code != 200:
                        failures.append(f"GET {path}: {r.status_code}")
                    elif path == "/release.txt":
                        releases.append(r.text)

        threads = [threading.Thread(target=booker)] + [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(1)
        run_dir = stack.run_dir
        with open(os.path.join(run_dir, "pool.pid")) as f:
            pool = int(f.read())
        old_workers = children(pool)
        new_public = install_public(os.path.join(ROOT, "public"), share, "new\n")
        upgrade = subprocess.run(
            [os.path.join(ROOT, "deploy", "upgrade.sh")], capture_output=True, text=True, timeout=300,
            env=dict(os.environ, NEW_BINARY=BINARY, PUBLIC_SOURCE=new_public, BIN_DIR=bin_dir, SHARE_DIR=share,
                     BACKUP_DIR=os.path.join(home, "backups"), RUN_AS="", SYSTEMD="0", BOOKING_DATA_DIR=stack.data_dir,
                     RELOAD_NGINX=f"nginx -s reload -p {run_dir} -c {run_dir}/nginx.conf",
                     RELOAD_POOL=f"kill -HUP {pool}",
                     # stack.sh starts a notifier that dies again (as systemd would); one stopped
                     # by SIGTERM would mean the whole stack is stopping.
                     RESTART_OTHERS=f"kill -KILL $(cat {run_dir}/notifier.pid)"))
        assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
        # The workers are replaced one at a time; the load goes on through all of it.
        deadline = time.time() + 60
        while time.time() < deadline and children(pool) & old_workers:
            time.sleep(0.2)
        assert not children(pool) & old_workers, "every worker was replaced"
        time.sleep(1)
        stop.set()
        for t in threads:
            t.join()

        assert not failures, failures[:10]
        assert len(booked) > 50
        assert releases[0] == "old\n" and releases[-1] == "new\n", "the new browser app is served"
        assert set(releases) == {"old\n", "new\n"}, "never a mix or a miss"
        assert "migrated venue " + venue + ": schema" in upgrade.stdout, upgrade.stdout
        # The page names its modules by version, cached for a year; the page itself revalidates.
        page = requests.get(stack.url("/"), timeout=5)
        assert page.headers["Cache-Control"] == "no-cache"
        (new_version,) = re.findall(r'src="/v/([0-9a-f]{12})/app\.js"', page.text)
        assert f'href="/v/{new_version}/styles/app.css"' in page.text
        assert new_version != old_version
        for version in (new_version, old_version):  # pages opened before the upgrade still load theirs
            for path in ("app.js", "pages/events.js", "styles/app.css", "release.txt"):
                r = requests.get(stack.url(f"/v/{version}/{path}"), timeout=5)
                assert r.status_code == 200, (version, path)
                assert r.headers["Cache-Control"] == "max-age=315360000", r.headers
        assert requests.get(stack.url(f"/v/{old_version}/release.txt"), timeout=5).text == "old\n"
        assert requests.get(stack.url(f"/v/{new_version}/release.txt"), timeout=5).text == "new\n"
        assert requests.get(stack.url("/v/000000000000/app.js"), timeout=5).status_code == 404
        (backup,) = os.listdir(os.path.join(home, "backups"))
        assert os.path.exists(os.path.join(home, "backups", backup, "manifest.json"))
        for customer, booking in booked:
            r = customer.get(f"/api/venues/{venue}/bookings/{booking}")
            assert r.status_code == 200, booking
        check = subprocess.run([BINARY, "check"], capture_output=True, text=True, env=dict(os.environ, BOOKING_DATA_DIR=stack.data_dir))
        assert check.returncode == 0, check.stdout
    finally:
        stop.set()
        stack.stop()


def test_an_upgrade_without_an_install_says_so():
    result = subprocess.run([os.path.join(ROOT, "deploy", "upgrade.sh")], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, NEW_BINARY=BINARY, BIN_DIR=tempfile.mkdtemp(), SYSTEMD="0"))
    assert result.returncode == 1 and "nothing installed" in result.stderr
