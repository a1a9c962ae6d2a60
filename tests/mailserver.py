"""A real SMTP server (aiosmtpd) on a loopback port, that can go down and
come back, and keeps what it receives as parsed messages."""

import email
import re
import socket
from email import policy
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, inbox):
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.inbox.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


class MailServer:
    def __init__(self):
        self.port = free_port()
        self.received = []
        self._controller = None

    def start(self):
        self._controller = Controller(_Handler(self.received), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self):
        return [message for _rcpt, message in self.received]

    def to(self, address):
        return [message for rcpt, message in self.received if address in rcpt]


def subject(message):
    """The subject as a mail client shows it (unfolded, trimmed)."""
    return " ".join(str(message["Subject"]).split())


def link_in(message, path):
    """The private link to `path` in a message's text, as a path with its query."""
    body = message.get_body(("plain",)).get_content()
    url = re.search(r"https?://\S+" + re.escape(path) + r"\?t=\S+", body).group(0)
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
