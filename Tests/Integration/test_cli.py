"""The operator CLI refuses mistakes: unknown options, missing values and commands without
an explicit scope are usage errors (exit 64) that change nothing; every command has --help."""
import hashlib
import os
import sqlite3
import subprocess
import tempfile

import pytest

from stack import ROOT

BINARY = os.path.join(ROOT, ".build", "release", "booking-fcgi")
COMMANDS = ["serve", "notifier", "create-admin", "create-venue", "list-venues", "demo", "check", "backup", "scheduled-backup", "restore",
            "rebuild-index", "migrate", "reconcile", "routes", "replication-config"]
CHEAP_ARGON2 = {"BOOKING_ARGON2_MEMORY_KIB": "8", "BOOKING_ARGON2_ITERATIONS": "1"}


def cli(data_dir, *args, stdin=None, **env):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, input=stdin, timeout=60,
                          env=dict(os.environ, BOOKING_DATA_DIR=data_dir, **CHEAP_ARGON2, **env))


def fingerprint(directory):
    """Every file below `directory` with its content hash."""
    found = {}
    for parent, _, files in os.walk(directory):
        for name in files:
            path = os.path.join(parent, name)
            with open(path, "rb") as f:
                found[os.path.relpath(path, directory)] = hashlib.sha256(f.read()).hexdigest()
    return found


@pytest.fixture(scope="module")
def demo():
    """A data directory with the demo venues and accounts, and a full backup of it."""
    data = tempfile.mkdtemp(prefix="booking-cli-")
    assert cli(data, "demo").returncode == 0
    backup = os.path.join(tempfile.mkdtemp(prefix="booking-cli-backup-"), "b")
    result = cli(data, "backup", "--to", backup, "--all")
    assert result.returncode == 0, result.stderr
    return data, backup


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = cli(tempfile.mkdtemp(), command, "--help")
    assert result.returncode == 0, result.stderr
    assert f"USAGE: booking-fcgi {command}" in result.stdout


def test_the_version_is_printed():
    result = cli(tempfile.mkdtemp(), "--version")
    assert result.returncode == 0 and result.stdout.strip()


@pytest.mark.parametrize("args, says", [
    (["restore", "--from", "BACKUP", "--venu", "grand-theatre"], "Unknown option '--venu'"),
    (["restore", "--from", "BACKUP", "--venue"], "Missing value for '--venue"),
    (["restore", "--from", "BACKUP"], "--venue ID or --all"),
    (["restore", "--from", "BACKUP", "--venue", "grand-theatre", "--all"], "exclude each other"),
    (["restore", "--from", "BACKUP", "--venue", "../auth"], "is not a venue id"),
    (["restore", "--from"], "Missing value for '--from"),
    (["restore", "--from", "BACKUP", "--all", "extra"], "Unexpected argument 'extra'"),
    (["backup", "--to", "NEW", "--venu", "grand-theatre"], "--venu"),
    (["backup", "--to", "NEW"], "--venue ID or --all"),
    (["restore", "--all"], "--from DIR or --from-replica URL"),
    (["restore", "--from", "BACKUP", "--from-replica", "REPLICA", "--all"], "exclude each other"),
    (["restore", "--from", "BACKUP", "--at", "2026-11-23T18:30:00Z", "--all"], "--at goes with --from-replica"),
    (["restore", "--from-replica", "relative/replica", "--all"], "absolute directory"),
    (["restore", "--from-replica", "ftp://host/replica", "--all"], "absolute directory"),
    (["restore", "--from-replica", "sftp://host", "--all"], "needs a user, a host and a path"),
    (["restore", "--from-replica", "sftp://backup@host/srv", "--all"], "needs BOOKING_REPLICA_SSH_KEY"),
    (["restore", "--from-replica", "REPLICA", "--at", "yesterday", "--all"], "--at needs an RFC 3339 time"),
    (["restore", "--from-replica", "REPLICA", "--at", "2026-02-30T10:00:00Z", "--venue", "grand-theatre"], "RFC 3339"),
    (["restore", "--from-replica", "REPLICA", "--at"], "Missing value for '--at"),
    (["restore", "--from-replica", "REPLICA"], "--venue ID or --all"),
    (["reconcile", "--older-than", "soon"], "older-than"),
    (["frobnicate"], "Unexpected argument 'frobnicate'"),
    (["check", "--verbose"], "Unknown option '--verbose'"),
])
def test_a_mistake_is_a_usage_error_that_changes_nothing(demo, args, says):
    data, backup = demo
    before = fingerprint(data)
    new = os.path.join(tempfile.mkdtemp(), "new")
    replica = tempfile.mkdtemp(prefix="booking-cli-replica-")
    args = [backup if a == "BACKUP" else new if a == "NEW" else replica if a == "REPLICA" else a for a in args]
    result = cli(data, *args)
    assert result.returncode == 64, (result.returncode, result.stderr)
    assert says in result.stderr and "Usage: booking-fcgi" in result.stderr
    assert fingerprint(data) == before, "a refused command changed the data directory"
    assert not os.path.exists(new), "a refused backup wrote something"


def test_a_restore_of_one_venue_leaves_the_others_and_the_accounts_alone(demo):
    data, backup = demo
    before = fingerprint(data)
    result = cli(data, "restore", "--from", backup, "--venue", "blue-note-club")
    assert result.returncode == 0, result.stderr
    after = fingerprint(data)
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed <= {"venues/blue-note-club.sqlite", "catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"}, changed


@pytest.mark.parametrize("scope, says", [
    (["--all"], "is not a replica of this system"),
    (["--venue", "grand-theatre"], "has no replica of venue grand-theatre"),
])
def test_a_restore_from_a_missing_replica_says_so_and_changes_nothing(demo, scope, says):
    data, _ = demo
    before = fingerprint(data)
    result = cli(data, "restore", "--from-replica", tempfile.mkdtemp(prefix="booking-cli-empty-"), *scope)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert says in result.stderr
    assert fingerprint(data) == before


def test_an_unreachable_remote_replica_fails_the_restore_and_changes_nothing(demo):
    data, _ = demo
    before = fingerprint(data)
    result = cli(data, "restore", "--from-replica", "sftp://nobody:secret@127.0.0.1:1/replica", "--venue", "grand-theatre",
                 BOOKING_REPLICA_SSH_HOST_KEY="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG+ms9ywmiIKs0bzAi5d8GVUZiOIkwO17DuhrcL9mvAv")
    assert result.returncode == 1 and "connection refused" in result.stderr and "failed (exit 1" in result.stderr, result.stderr
    assert fingerprint(data) == before


def test_replication_config_needs_a_replica():
    result = cli(tempfile.mkdtemp(), "replication-config")
    assert result.returncode == 1 and "BOOKING_REPLICA is not set" in result.stderr


def test_create_admin_will_not_change_an_existing_account_without_reset_password(demo):
    data, _ = demo
    def account():
        db = sqlite3.connect(os.path.join(data, "auth.sqlite"))
        return db.execute("SELECT role, password_hash FROM user WHERE email = 'customer@example.com'").fetchone()
    before = account()
    refused = cli(data, "create-admin", "--email", "customer@example.com", "--name", "X", stdin="a new long password\n")
    assert refused.returncode == 1 and "--reset-password" in refused.stderr
    assert account() == before
    made = cli(data, "create-admin", "--email", "customer@example.com", "--name", "X", "--reset-password",
               stdin="a new long password\n")
    assert made.returncode == 0, made.stderr
    role, password_hash = account()
    assert role == "admin" and password_hash != before[1]


def test_create_admin_refuses_a_weak_password_and_creates_nothing(demo):
    data, _ = demo
    result = cli(data, "create-admin", "--email", "new-admin@example.com", "--name", "New", stdin="short\n")
    assert result.returncode == 1
    db = sqlite3.connect(os.path.join(data, "auth.sqlite"))
    assert db.execute("SELECT count(*) FROM user WHERE email = 'new-admin@example.com'").fetchone() == (0,)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
def test_root_is_told_to_run_as_the_owner_of_the_data_directory():
    data = tempfile.mkdtemp(prefix="booking-cli-owned-")
    os.chown(data, 65534, 65534)  # nobody: the service user in production
    replica = tempfile.mkdtemp(prefix="booking-cli-replica-")
    for args in (["demo"], ["rebuild-index"], ["create-admin", "--email", "a@example.com", "--name", "A"],
                 ["restore", "--from-replica", replica, "--all"]):
        result = cli(data, *args, stdin="a long admin password\n")
        assert result.returncode == 77, (args, result.stderr)
        assert "runuser -u nobody -- booking-fcgi" in result.stderr
    assert os.listdir(data) == [], "nothing written as root"


def run_without_data_dir(*args, **env):
    """The CLI with the environment's BOOKING_DATA_DIR taken away (and `env` added)."""
    environment = {k: v for k, v in os.environ.items() if k != "BOOKING_DATA_DIR"}
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=60, env=dict(environment, **CHEAP_ARGON2, **env))


def test_operator_commands_read_the_services_settings_file(demo):
    data, _ = demo
    settings = os.path.join(tempfile.mkdtemp(prefix="booking-env-"), "booking.env")
    with open(settings, "w") as f:
        f.write(f'# as deploy/booking.env\nBOOKING_DATA_DIR="{data}"\n\n; a comment\nBOOKING_SYNCHRONOUS=FULL\n')
    listed = run_without_data_dir("list-venues", BOOKING_ENV_FILE=settings)
    assert listed.returncode == 0 and "grand-theatre" in listed.stdout, listed.stderr
    # The process's own environment wins over the file.
    empty = tempfile.mkdtemp(prefix="booking-empty-")
    own = run_without_data_dir("list-venues", BOOKING_ENV_FILE=settings, BOOKING_DATA_DIR=empty)
    assert own.returncode == 0 and "grand-theatre" not in own.stdout, own.stdout


@pytest.mark.parametrize("content, says", [
    ("BOOKING_DATA_DIR\n", "line 1: expected NAME=value"),
    ("# ok\nBAD NAME=1\n", "line 2: BAD NAME is not a variable name"),
    (None, "which does not exist"),
])
def test_a_broken_settings_file_is_an_error_naming_it(content, says):
    settings = os.path.join(tempfile.mkdtemp(prefix="booking-env-"), "booking.env")
    if content is not None:
        with open(settings, "w") as f:
            f.write(content)
    result = run_without_data_dir("list-venues", BOOKING_ENV_FILE=settings)
    assert result.returncode == 1 and says in result.stderr, result.stderr
