"""Fixtures for the browser tests: the real stack (Tests/Integration/stack.py) and headless
Debian chromium driven through chromium-driver.

Set BOOKING_URL=http://127.0.0.1:8080 to run against a stack that is already running
instead of starting one."""
import os
import shutil
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Integration"))

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = os.environ.get("BROWSER_ARTIFACTS", os.path.join(tempfile.gettempdir(), "booking-browser-tests"))


class RunningStack:
    """A stack started elsewhere (BOOKING_URL)."""

    def __init__(self, base):
        self.base = base.rstrip("/")

    def url(self, path):
        return self.base + path

    def stop(self):
        pass


@pytest.fixture(scope="session")
def stack():
    if os.environ.get("BOOKING_URL"):
        yield RunningStack(os.environ["BOOKING_URL"])
        return
    from stack import Stack  # Tests/Integration/stack.py
    s = Stack()
    yield s
    s.stop()


@pytest.fixture
def short_hold_stack():
    """A stack of its own whose holds last 5 s (the smallest BOOKING_HOLD_TTL)."""
    if os.environ.get("BOOKING_URL"):
        pytest.skip("needs a stack started with HOLD_TTL=5")
    from stack import Stack
    s = Stack(HOLD_TTL=5)
    yield s
    s.stop()


@pytest.fixture
def dead_nchan_stack():
    """A stack of its own whose workers publish to a socket nobody listens on (nchan down
    for publishing, while nginx still accepts subscribers)."""
    if os.environ.get("BOOKING_URL"):
        pytest.skip("needs a stack started with a dead BOOKING_NCHAN_SOCKET")
    import socket
    from stack import Stack
    dead = os.path.join(tempfile.mkdtemp(prefix="booking-nchan-"), "nchan.sock")
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(dead)
    s = Stack(BOOKING_NCHAN_SOCKET=dead)
    yield s
    s.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


def _chrome(width, height):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--lang=en-US"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


def _problems(log):
    """Console lines that mean the app is broken: CSP violations and uncaught errors."""
    bad = []
    for entry in log:
        text = entry.get("message", "")
        if "Content Security Policy" in text or "Uncaught" in text:
            bad.append(text)
    return bad


@pytest.fixture
def browsers(request):
    """A factory: browsers() opens one more headless chromium (e.g. a second customer).
    At the end every browser is checked for CSP violations and uncaught JS errors, and
    a failing test leaves screenshots and console logs in $BROWSER_ARTIFACTS."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    pytest.importorskip("selenium")
    opened = []

    def open_browser(width=1280, height=900):
        driver = _chrome(width, height)
        opened.append(driver)
        return driver

    yield open_browser

    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    problems = []
    for i, driver in enumerate(opened):
        try:
            log = driver.get_log("browser")
            problems += _problems(log)
            if failed:
                os.makedirs(ARTIFACTS, exist_ok=True)
                base = os.path.join(ARTIFACTS, f"{request.node.name}-{i}")
                driver.save_screenshot(base + ".png")
                with open(base + ".log", "w") as f:
                    f.write(driver.current_url + "\n")
                    f.writelines(e.get("message", "") + "\n" for e in log)
        finally:
            driver.quit()
    if failed:
        print(f"screenshots and console logs in {ARTIFACTS}")
    assert not problems, "browser console reported:\n" + "\n".join(problems)
