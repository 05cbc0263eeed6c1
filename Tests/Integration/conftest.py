import pytest

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
