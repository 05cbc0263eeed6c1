"""A minimal EventSource client over a raw socket (requests buffers streamed lines)."""
import json
import socket
import time


class Subscriber:
    def __init__(self, port, path, last_event_id=None, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        headers = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
        if last_event_id:
            headers += f"Last-Event-ID: {last_event_id}\r\n"
        self.sock.sendall((headers + "\r\n").encode())
        self.buffer = b""
        head = self._read_until(b"\r\n\r\n")
        self.status = int(head.split(b" ")[1])

    def _read_until(self, marker):
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def next_message(self, timeout=10):
        """The next event as (id, data parsed as JSON), skipping comments and chunk framing."""
        deadline = time.time() + timeout
        event_id, data = None, None
        while time.time() < deadline:
            self.sock.settimeout(max(0.05, deadline - time.time()))
            line = self._read_until(b"\n").rstrip(b"\r")
            if line.startswith(b"id:"):
                event_id = line[3:].strip().decode()
            elif line.startswith(b"data:"):
                data = json.loads(line[5:].strip())
            elif line == b"" and data is not None:
                return event_id, data
        raise TimeoutError("no message")

    def close(self):
        self.sock.close()
