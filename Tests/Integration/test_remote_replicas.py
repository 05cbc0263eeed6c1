"""Replication to remote targets, each served on loopback: an sftp server (Debian's
openssh-server, logged in with a key, its host key pinned) and an S3-compatible store
(moto's server). For each: the lag of every database is measured from the replica itself
(`litestream ltx`) and shown in the metrics and by `check`; then the machine is lost and
`restore --from-replica URL --all` brings back every booking acknowledged more than the
stated lag before the loss, the venues named by the replicated auth database."""
import getpass
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

from api import make_event, make_venue, register
from stack import Stack, free_port
from test_replication import BINARY, STATED_LAG, confirmed, lag_samples, lose_the_machine


def wait_for_port(port, process, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert process.poll() is None, f"the server exited with {process.returncode}"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


@pytest.fixture
def sftp_target():
    """sshd on a free loopback port, in the foreground, for this user, key login only."""
    home = tempfile.mkdtemp(prefix="booking-sftp-")
    for name in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", os.path.join(home, name)], check=True)
    shutil.copy(os.path.join(home, "client_key.pub"), os.path.join(home, "authorized_keys"))
    port = free_port()
    config = os.path.join(home, "sshd_config")
    with open(config, "w") as f:
        f.write(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {home}/host_key\nAuthorizedKeysFile {home}/authorized_keys\n"
                "PasswordAuthentication no\nKbdInteractiveAuthentication no\nStrictModes no\nUsePAM no\n"
                f"PidFile {home}/sshd.pid\nSubsystem sftp internal-sftp\n")
    os.makedirs("/run/sshd", exist_ok=True)  # its privilege-separation directory
    server = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", config], stderr=open(os.path.join(home, "sshd.log"), "wb"))
    try:
        wait_for_port(port, server)
        with open(os.path.join(home, "host_key.pub")) as f:
            host_key = " ".join(f.read().split()[:2])
        os.makedirs(os.path.join(home, "replica"))
        yield {"url": f"sftp://{getpass.getuser()}@127.0.0.1:{port}{home}/replica",
               "env": {"BOOKING_REPLICA_SSH_KEY": os.path.join(home, "client_key"), "BOOKING_REPLICA_SSH_HOST_KEY": host_key}}
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def s3_target():
    """moto's S3 server on a free loopback port, with a bucket."""
    import boto3
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, server)
        endpoint = f"http://127.0.0.1:{port}"
        credentials = {"AWS_ACCESS_KEY_ID": "booking-test", "AWS_SECRET_ACCESS_KEY": "booking-test-secret"}
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
                     aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"]).create_bucket(Bucket="booking-replica")
        # Litestream 0.5.17's S3 client refuses a custom CA bundle over plain http: this
        # machine sets AWS_CA_BUNDLE for everything.
        yield {"url": f"s3://booking-replica/prod?endpoint={endpoint}&region=us-east-1", "env": dict(credentials, AWS_CA_BUNDLE="")}
    finally:
        server.terminate()
        server.wait(timeout=10)


def cli(data_dir, *args, env):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=180,
                          env=dict(os.environ, BOOKING_DATA_DIR=data_dir, **env))


@pytest.mark.parametrize("target", ["sftp_target", "s3_target"])
def test_a_remote_replica_reports_its_lag_and_restores_everything_after_the_loss_of_the_machine(target, request):
    target = request.getfixturevalue(target)
    url, env = target["url"], target["env"]
    stack = Stack(REPLICA=url, **env)
    try:
        organizer = register(stack, role="organizer")
        # Made after the start: the notifier registers it in the auth database, whose
        # replica then names it for `restore --all`.
        venues = [make_venue(organizer, rows=2, seats=20, ga=0) for _ in range(2)]
        events = {venue: make_event(organizer, venue, prices={"stalls": 100}, max_per_customer=100) for venue in venues}
        customer = register(stack)
        acknowledged = []
        for n in range(30):
            venue = venues[n % 2]
            r = customer.post(f"/api/venues/{venue}/bookings",
                              json={"eventId": events[venue], "seats": [f"stalls-{chr(65 + n // 2 // 20)}-{n // 2 % 20 + 1}"],
                                    "payment": {"method": "test"}})
            assert r.status_code == 201, r.text
            acknowledged.append((venue, r.json()["booking"]["id"], time.time()))

        # The lag, measured from the replica: every database caught up within a few seconds.
        deadline = time.time() + 20
        lags = {}
        while time.time() < deadline:
            lags = {name: lag_samples(stack, name) for name in ["auth"] + [f"venue:{v}" for v in venues]}
            if all(lag == 0 for lag in lags.values()):
                break
            time.sleep(0.3)
        assert all(lag == 0 for lag in lags.values()), lags
        check = cli(stack.data_dir, "check", env=dict(env, BOOKING_REPLICA=url))
        assert check.returncode == 0, check.stdout + check.stderr
        for venue in venues:
            assert f"venue:{venue}: lag 0.0 s" in check.stdout, check.stdout

        time.sleep(STATED_LAG)
        lost_at = time.time()
        log = lose_the_machine(stack)
        assert "level=ERROR" not in log, log

        restored = tempfile.mkdtemp(prefix="booking-restored-")
        result = cli(restored, "restore", "--from-replica", url, "--all", env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "rebuilt the catalog" in result.stdout
        assert cli(restored, "check", env={}).returncode == 0
        for venue in venues:
            expected = {b for v, b, answered in acknowledged if v == venue and answered < lost_at - STATED_LAG}
            assert expected and expected <= confirmed(restored, venue)
        shutil.rmtree(restored)
    finally:
        if stack.process.poll() is None:
            stack.stop()


def test_an_sftp_replica_without_its_keys_is_refused_at_start(tmp_path):
    result = subprocess.run([BINARY, "replication-config"], capture_output=True, text=True, timeout=30,
                            env=dict(os.environ, BOOKING_DATA_DIR=str(tmp_path), BOOKING_REPLICA="sftp://backup@127.0.0.1/srv/replica"))
    assert result.returncode != 0
    assert "BOOKING_REPLICA_SSH_KEY" in result.stderr, result.stderr
    assert not os.listdir(tmp_path), "nothing written"
