"""Starts the real stack (scripts/stack.sh: nginx with deploy/nginx.conf + the worker pool)
on a free loopback port with a fresh data directory, for the integration tests."""
import os
import signal
import socket
import subprocess
import tempfile
import time

import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def wait_for(predicate, timeout=20, message="condition"):
    """Polls `predicate` until it holds; fails naming `message` after `timeout` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """One running stack. `url(path)` builds request URLs; `stop()` sends SIGTERM."""

    def __init__(self, data_dir=None, **settings):
        """`data_dir`: an existing directory for the databases (e.g. a small mount); the
        runtime files and the log then stay in a temporary directory of their own."""
        self.port = free_port()
        home = tempfile.mkdtemp(prefix="booking-it-")
        self.data_dir = data_dir or home
        self.run_dir = os.path.join(home, "run")
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PORT=str(self.port), DATA_DIR=self.data_dir, RUN_DIR=self.run_dir, WORKERS="3")
        env.update({k: str(v) for k, v in settings.items()})
        self.log_path = os.path.join(home, "stack.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [os.path.join(ROOT, "scripts", "stack.sh")], env=env,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_healthy()
        except Exception:
            self.stop()  # a stack that never became healthy must not outlive the test
            raise

    def _wait_healthy(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("stack exited:\n" + self.log_text())
            try:
                if requests.get(self.url("/api/health"), timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("stack did not become healthy:\n" + self.log_text())

    def url(self, path):
        return self.base + path

    def log_text(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    @property
    def notifier_pid(self):
        with open(os.path.join(self.run_dir, "notifier.pid")) as f:
            return int(f.read())

    @property
    def master_pid(self):
        with open(os.path.join(self.run_dir, "pool.pid")) as f:
            return int(f.read())

    def worker_pids(self):
        out = subprocess.run(["pgrep", "-P", str(self.master_pid)], capture_output=True, text=True).stdout
        return sorted(int(p) for p in out.split())

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self._stop_litestream()
        self.log.close()

    def _stop_litestream(self):
        """Litestream runs in a session of its own (scripts/stack.sh stops it last): stop it
        (one SIGTERM, then SIGKILL after 10 s) if the script could not."""
        try:
            with open(os.path.join(self.run_dir, "litestream.pid")) as f:
                pid = int(f.read())
        except (OSError, ValueError):
            return
        def running():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    stat = f.read()
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    return b"litestream" in f.read() and stat.rsplit(")", 1)[1].split()[0] != "Z"
            except OSError:
                return False
        if not running():
            return
        try:
            os.kill(pid, signal.SIGTERM)
            deadline = time.time() + 10
            while running() and time.time() < deadline:
                time.sleep(0.05)
            if running():
                os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
