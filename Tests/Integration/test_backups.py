"""Snapshot backups with a manifest, the scheduled backup's retention, and the systemd
drop-ins that follow a data directory moved in booking.env."""
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import time
from datetime import datetime, timezone

import pytest

from stack import ROOT
from test_cli import cli, fingerprint

@pytest.fixture
def install():
    """Demo data, and a settings directory like /etc/booking with booking.env and a key."""
    home = tempfile.mkdtemp(prefix="booking-backups-")
    data = os.path.join(home, "data")
    settings = os.path.join(home, "etc")
    os.makedirs(settings)
    with open(os.path.join(settings, "booking.env"), "w") as f:
        f.write(f"BOOKING_DATA_DIR={data}\nBOOKING_MAIL_FROM=tickets@example.org\n")
    with open(os.path.join(settings, "replica-key"), "w") as f:
        f.write("not really a key\n")
    env = {"BOOKING_ENV_FILE": os.path.join(settings, "booking.env")}
    assert cli(data, "demo", **env).returncode == 0
    yield {"home": home, "data": data, "settings": settings, "env": env}
    shutil.rmtree(home, ignore_errors=True)


def test_a_full_backup_lists_every_file_in_its_manifest_settings_included(install):
    backup = os.path.join(install["home"], "backup")
    result = cli(install["data"], "backup", "--to", backup, "--all", **install["env"])
    assert result.returncode == 0, result.stderr
    with open(os.path.join(backup, "manifest.json")) as f:
        manifest = json.load(f)
    paths = {entry["path"]: entry for entry in manifest["files"]}
    venues = sorted(n for n in os.listdir(os.path.join(install["data"], "venues")) if n.endswith(".sqlite"))
    assert set(paths) == {"auth.sqlite", "etc/booking.env", "etc/replica-key"} | {f"venues/{v}" for v in venues}
    for path, entry in paths.items():
        full = os.path.join(backup, path)
        assert os.path.getsize(full) == entry["bytes"]
        if path.endswith(".sqlite"):
            db = sqlite3.connect(full)
            assert entry["schemaVersion"] == db.execute("PRAGMA user_version").fetchone()[0] > 0
            db.close()
        else:
            assert entry.get("schemaVersion") is None
            assert stat.S_IMODE(os.stat(full).st_mode) == 0o600, "settings hold secrets"
    assert manifest["version"] == cli(install["data"], "--version").stdout.strip()
    assert datetime.fromisoformat(manifest["createdAt"].replace("Z", "+00:00")) <= datetime.now(timezone.utc)

    again = cli(install["data"], "backup", "--to", backup, "--all", **install["env"])
    assert again.returncode == 1 and "holds a backup" in again.stderr, "never on top of another backup"


@pytest.mark.parametrize("damage, says", [
    ("truncate", "does not match the manifest"),
    ("flip", "does not match the manifest"),
    ("remove", "is missing from the backup"),
    ("no manifest", "has no manifest.json"),
    ("extra venue", "is not in the manifest"),
    ("outside", "names a file outside the backup"),
])
def test_restore_refuses_a_backup_that_does_not_match_its_manifest_and_changes_nothing(install, damage, says):
    backup = os.path.join(install["home"], "backup")
    assert cli(install["data"], "backup", "--to", backup, "--all", **install["env"]).returncode == 0
    venue = os.path.join(backup, "venues", "grand-theatre.sqlite")
    if damage == "truncate":
        with open(venue, "r+b") as f:
            f.truncate(os.path.getsize(venue) - 4096)
    elif damage == "flip":
        with open(venue, "r+b") as f:
            f.seek(os.path.getsize(venue) // 2)
            byte = f.read(1)
            f.seek(-1, 1)
            f.write(bytes([byte[0] ^ 0xFF]))
    elif damage == "remove":
        os.remove(venue)
    elif damage == "no manifest":
        os.remove(os.path.join(backup, "manifest.json"))
    elif damage == "extra venue":
        shutil.copy(venue, os.path.join(backup, "venues", "slipped-in.sqlite"))
    elif damage == "outside":
        with open(os.path.join(backup, "manifest.json")) as f:
            manifest = json.load(f)
        manifest["files"].append({"path": "../../etc/passwd", "bytes": 1, "sha256": "00", "schemaVersion": None})
        with open(os.path.join(backup, "manifest.json"), "w") as f:
            json.dump(manifest, f)
    target = tempfile.mkdtemp(prefix="booking-restore-")
    assert cli(target, "demo").returncode == 0
    before = fingerprint(target)
    result = cli(target, "restore", "--from", backup, "--all")
    assert result.returncode == 1, result.stdout + result.stderr
    assert says in result.stderr, result.stderr
    assert fingerprint(target) == before


def test_a_verified_backup_restores_and_can_be_restored_again(install):
    backup = os.path.join(install["home"], "backup")
    assert cli(install["data"], "backup", "--to", backup, "--all", **install["env"]).returncode == 0
    for _ in range(2):  # restoring must not change the backup (its manifest still matches)
        target = tempfile.mkdtemp(prefix="booking-restore-")
        result = cli(target, "restore", "--from", backup, "--all")
        assert result.returncode == 0, result.stderr
        assert cli(target, "check").returncode == 0


def test_the_scheduled_backup_makes_a_dated_backup_and_keeps_the_newest_per_day_and_week(install):
    root = os.path.join(install["home"], "backups")
    settings = dict(install["env"], BOOKING_BACKUP_DIR=root, BOOKING_BACKUP_KEEP_DAILY="2", BOOKING_BACKUP_KEEP_WEEKLY="2")
    first = cli(install["data"], "scheduled-backup", **settings)
    assert first.returncode == 0, first.stderr
    (made,) = os.listdir(root)
    assert datetime.strptime(made, "%Y-%m-%dT%H%M%SZ")
    assert os.path.exists(os.path.join(root, made, "manifest.json")) and os.path.exists(os.path.join(root, made, "etc", "booking.env"))
    # Older backups as earlier runs left them (copies, renamed by day), and a run cut short.
    today = datetime.strptime(made, "%Y-%m-%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    older = []
    for days, hour in [(1, 1), (1, 2), (9, 3), (40, 3)]:
        stamp = datetime.fromtimestamp(today.timestamp() - days * 86400, timezone.utc).replace(hour=hour, minute=0, second=0)
        name = stamp.strftime("%Y-%m-%dT%H%M%SZ")
        shutil.copytree(os.path.join(root, made), os.path.join(root, name))
        older.append(name)
    os.makedirs(os.path.join(root, ".partial-2000-01-01T000000Z"))
    with open(os.path.join(root, "README.txt"), "w") as f:
        f.write("not a backup: left alone\n")

    time.sleep(1.1)  # backups are named to the second; one in the same second is refused
    second = cli(install["data"], "scheduled-backup", **settings)
    assert second.returncode == 0, second.stderr
    left = sorted(os.listdir(root))
    backups = [n for n in os.listdir(root) if n[0].isdigit()] + [older[3], older[0]]  # what there was
    backups = sorted(set(backups) | set(older) | {made}, reverse=True)
    newest = max(n for n in left if n[0].isdigit())
    backups = sorted(set(backups) | {newest}, reverse=True)

    def newest_per(period, count):
        chosen = {}
        for name in backups:  # newest first
            key = period(name)
            if key not in chosen and len(chosen) < count:
                chosen[key] = name
        return set(chosen.values())
    day = lambda name: name[:10]  # noqa: E731
    week = lambda name: datetime.strptime(name, "%Y-%m-%dT%H%M%SZ").isocalendar()[:2]  # noqa: E731
    expected = newest_per(day, 2) | newest_per(week, 2)
    assert older[1] in expected and older[0] not in expected and older[3] not in expected, "the later of one day's two counts"
    assert set(left) == expected | {"README.txt"}, (left, second.stdout)
    assert ".partial-2000-01-01T000000Z" not in left
    assert f"removed {os.path.join(root, older[3])}" in second.stdout


def test_retention_settings_are_checked():
    result = cli(tempfile.mkdtemp(), "scheduled-backup", BOOKING_BACKUP_KEEP_DAILY="0")
    assert result.returncode != 0 and "BOOKING_BACKUP_KEEP_DAILY" in result.stderr
    result = cli(tempfile.mkdtemp(), "scheduled-backup", BOOKING_BACKUP_DIR="relative/backups")
    assert result.returncode != 0 and "BOOKING_BACKUP_DIR" in result.stderr


def test_the_units_may_write_where_booking_env_moved_the_data_backups_and_replica(tmp_path):
    env = tmp_path / "booking.env"
    units = tmp_path / "units"
    env.write_text('BOOKING_DATA_DIR="/srv/data/booking"\nBOOKING_BACKUP_DIR=/mnt/backups\nBOOKING_REPLICA=file:///mnt/replica\n')
    subprocess.run([os.path.join(ROOT, "deploy", "render-dropins.sh"), str(env), str(units)], check=True)

    def paths(unit):
        text = (units / f"{unit}.d" / "paths.conf").read_text()
        assert "[Service]" in text
        return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith("ReadWritePaths=")]
    assert paths("booking-fcgi.service") == ["/srv/data/booking"]
    assert paths("booking-notifier.service") == ["/srv/data/booking"]
    assert paths("booking-litestream.service") == ["/srv/data/booking", "/mnt/replica"]
    assert paths("booking-backup.service") == ["/srv/data/booking", "/mnt/backups"]

    env.write_text("BOOKING_MAIL_FROM=tickets@example.org\n")  # back to the defaults: no drop-ins left
    subprocess.run([os.path.join(ROOT, "deploy", "render-dropins.sh"), str(env), str(units)], check=True)
    assert not list(units.rglob("paths.conf"))

    env.write_text("BOOKING_DATA_DIR=relative/data\n")
    refused = subprocess.run([os.path.join(ROOT, "deploy", "render-dropins.sh"), str(env), str(units)], capture_output=True, text=True)
    assert refused.returncode == 1 and "not an absolute path" in refused.stderr
