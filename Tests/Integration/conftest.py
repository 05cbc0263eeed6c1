import pytest

from mail import MailServer
from stack import Stack


@pytest.fixture(scope="session")
def stack():
    """The shared stack for tests that do not restart or kill anything."""
    s = Stack()
    yield s
    s.stop()


@pytest.fixture
def private_stack():
    """A stack of its own, for tests that signal or kill processes."""
    s = Stack()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def mailed():
    """A stack of the module's own whose notifier mails a real SMTP server: (stack, inbox)."""
    server = MailServer()
    s = Stack(SENDMAIL=server.sendmail, BOOKING_NOTIFIER_INTERVAL_MS="100", BOOKING_MAIL_FROM="bookings@test.example")
    yield s, server.inbox
    s.stop()
    server.stop()
