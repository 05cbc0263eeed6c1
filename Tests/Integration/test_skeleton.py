"""The walking skeleton: nginx -> FastCGI pool -> worker, its error model and process life cycle."""
import os
import signal
import socket
import threading
import time

import pytest
import requests

from stack import Stack


def test_health_is_ok_and_json(stack):
    r = requests.get(stack.url("/api/health"))
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"status": "ok"}


def test_security_headers_are_set(stack):
    r = requests.get(stack.url("/api/health"))
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert "nginx/" not in r.headers.get("Server", "")


def test_unknown_route_is_json_404(stack):
    r = requests.get(stack.url("/api/no/such/thing"))
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_wrong_method_is_405_with_allow(stack):
    r = requests.delete(stack.url("/api/health"))
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET"
    assert r.json()["error"]["code"] == "method_not_allowed"


def test_oversized_body_is_json_413_from_nginx(stack):
    r = requests.post(stack.url("/api/health"), data=b"x" * (1024 * 1024 + 1),
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "body_too_large"


def test_overlong_uri_is_json_414(stack):
    r = requests.get(stack.url("/api/" + "a" * 70000))
    assert r.status_code == 414
    assert r.json()["error"]["code"] == "uri_too_long"


def test_malformed_request_line_is_json_400(stack):
    with socket.create_connection(("127.0.0.1", stack.port)) as s:
        s.sendall(b"GARBAGE\r\n\r\n")
        reply = s.recv(4096).decode("latin-1")
    assert reply.startswith("HTTP/1.1 400")
    assert '"code":"bad_request"' in reply


def test_head_answers_without_body(stack):
    r = requests.head(stack.url("/api/health"))
    assert r.status_code == 200
    assert r.content == b""


def test_head_gives_the_length_a_get_would_have_and_the_connection_stays_usable(stack):
    # RFC 9110, 8.6: a Content-Length in a HEAD answer must be the length GET would send
    # (it was 0). nginx does not wait for a body for HEAD, however long the answer says it is.
    with requests.Session() as session:
        for path in ("/api/health", "/api/events", "/api/events?limit=1"):
            head = session.head(stack.url(path), headers={"Accept-Encoding": "identity"})
            get = session.get(stack.url(path), headers={"Accept-Encoding": "identity"})
            assert head.status_code == get.status_code == 200 and head.content == b""
            assert int(head.headers["Content-Length"]) == len(get.content) > 0


def test_static_index_is_served(stack):
    r = requests.get(stack.url("/"))
    assert r.status_code == 200
    assert "text/html" in r.headers["Content-Type"]


@pytest.mark.parametrize("path", ["/", "/app.js", "/lib/live-channel.js", "/openapi.json"])
def test_the_apps_files_are_revalidated_so_an_upgrade_is_seen_at_once(stack, path):
    r = requests.get(stack.url(path))
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-cache", r.headers
    assert r.headers["X-Frame-Options"] == "DENY", "the security headers stay"
    again = requests.get(stack.url(path), headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_a_killed_worker_is_replaced(private_stack):
    before = private_stack.worker_pids()
    assert len(before) == 3
    os.kill(before[0], signal.SIGKILL)
    deadline = time.time() + 10
    while time.time() < deadline:
        after = private_stack.worker_pids()
        if len(after) == 3 and before[0] not in after:
            break
        time.sleep(0.05)
    assert len(after) == 3 and before[0] not in after
    assert requests.get(private_stack.url("/api/health")).status_code == 200


def test_sighup_replaces_every_worker_without_dropping_requests(private_stack):
    before = set(private_stack.worker_pids())
    statuses = []
    stop = threading.Event()

    def hammer():
        with requests.Session() as session:
            while not stop.is_set():
                statuses.append(session.get(private_stack.url("/api/health")).status_code)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    os.kill(private_stack.master_pid, signal.SIGHUP)
    deadline = time.time() + 20
    while time.time() < deadline and set(private_stack.worker_pids()) & before:
        time.sleep(0.05)
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join()
    after = set(private_stack.worker_pids())
    assert not (after & before), "every old worker was replaced"
    assert len(after) == 3
    assert len(statuses) > 100
    assert set(statuses) == {200}, f"no request failed during the reload: {sorted(set(statuses))}"


def test_sigterm_stops_the_pool_and_removes_the_socket(private_stack):
    master = private_stack.master_pid
    workers = private_stack.worker_pids()
    private_stack.stop()
    for pid in [master] + workers:
        assert not os.path.exists(f"/proc/{pid}"), f"process {pid} outlived the stack"
    assert not os.path.exists(os.path.join(private_stack.run_dir, "fcgi.sock"))


def test_ctrl_c_stops_every_process_quietly(private_stack):
    """Ctrl-C sends SIGINT to the whole process group of `make run`: every process stops, the
    script ends with status 0, and nothing is restarted or reported as a failure."""
    pids = [private_stack.master_pid, private_stack.notifier_pid] + private_stack.worker_pids()
    os.killpg(private_stack.process.pid, signal.SIGINT)
    assert private_stack.process.wait(timeout=20) == 0
    time.sleep(0.5)
    log = private_stack.log_text()
    assert "restarting" not in log and "stopping" not in log, log[-2000:]
    assert [pid for pid in pids if os.path.exists(f"/proc/{pid}") and not is_zombie(pid)] == []


def test_a_notifier_that_stopped_as_asked_stops_the_stack_instead_of_being_restarted(private_stack):
    """The notifier may hear Ctrl-C before the script does: its orderly exit (status 0) means
    the stack is stopping, not a crash to recover from (a crash restarts it:
    test_notifications)."""
    pids = [private_stack.master_pid] + private_stack.worker_pids()
    os.kill(private_stack.notifier_pid, signal.SIGINT)
    assert private_stack.process.wait(timeout=20) == 0
    log = private_stack.log_text()
    assert "restarting" not in log, log[-2000:]
    time.sleep(0.5)
    assert [pid for pid in pids if os.path.exists(f"/proc/{pid}") and not is_zombie(pid)] == []


def test_workers_stop_when_the_master_is_killed(private_stack):
    workers = private_stack.worker_pids()
    assert len(workers) == 3
    os.kill(private_stack.master_pid, signal.SIGKILL)
    deadline = time.time() + 15
    while time.time() < deadline and any(os.path.exists(f"/proc/{pid}") and not is_zombie(pid) for pid in workers):
        time.sleep(0.05)
    left = [pid for pid in workers if os.path.exists(f"/proc/{pid}") and not is_zombie(pid)]
    assert left == [], "workers outlived their master, holding the socket and the data files"


def is_zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_mistyped_setting_is_reported_at_start_by_name():
    """A typo in booking.env (BOOKING_HOLD_TTLL) would otherwise pass silently, leaving the
    default in force: the pool and the notifier each say which variable they ignored."""
    stack = Stack(BOOKING_HOLD_TTLL="30")
    try:
        deadline = time.time() + 10
        while time.time() < deadline and stack.log_text().count('"variable":"BOOKING_HOLD_TTLL"') < 2:
            time.sleep(0.1)
        warnings = [line for line in stack.log_text().splitlines() if "unknown setting" in line]
        assert len(warnings) == 2 and all('"level":"warning"' in w and "BOOKING_HOLD_TTLL" in w for w in warnings), warnings
    finally:
        stack.stop()
