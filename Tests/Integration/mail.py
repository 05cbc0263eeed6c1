"""A real SMTP server on loopback (aiosmtpd) and a sendmail that reaches it through msmtp,
as an operator would configure Debian's msmtp-mta."""
import email
import email.policy
import os
import tempfile
import threading

from aiosmtpd.controller import Controller

from stack import free_port


class Inbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": message,
                                  "raw": envelope.original_content or envelope.content})
        return "250 OK"

    def to(self, address):
        with self.lock:
            return [m for m in self.messages if address in m["to"]]

    def subjects(self, address):
        return [str(m["message"]["Subject"]) for m in self.to(address)]


class MailServer:
    """Starts aiosmtpd and writes an msmtp configuration plus a sendmail wrapper for it."""

    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.start()
        self.dir = tempfile.mkdtemp(prefix="booking-mail-")
        rc = os.path.join(self.dir, "msmtprc")
        with open(rc, "w") as f:
            f.write(f"account default\nhost 127.0.0.1\nport {self.port}\nfrom bookings@test.example\nauth off\ntls off\n")
        os.chmod(rc, 0o600)
        self.sendmail = os.path.join(self.dir, "sendmail")
        with open(self.sendmail, "w") as f:
            f.write(f'#!/bin/sh\nexec msmtp -C {rc} "$@"\n')
        os.chmod(self.sendmail, 0o755)

    def start(self):
        """Starts (or starts again, on the same port) the SMTP server."""
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()


def text_of(message):
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""
