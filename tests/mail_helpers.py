"""What the mail tests share: a real SMTP server that keeps what the site sends (`sink`),
the site's own listener on a free port, a mailgroup to play with, and a way to send
mail to the listener as a mail client would."""
import email
from email import policy
from email.message import EmailMessage
import smtplib
import socket
import threading
import time

from aiosmtpd.controller import Controller
import pytest

from helpers import settings_for

DOMAIN = "lists.example.org"


class Sink:
    """A real SMTP server that keeps what it is given."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=policy.default)
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address):
        with self.lock:
            return [m for _, rcpts, m in self.messages if address in rcpts]

    def wait_for(self, address, count=1, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{address} got {len(self.to(address))} of {count} messages")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sink():
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    handler.controller = controller
    yield handler
    handler.controller.stop()


@pytest.fixture
def listen_port():
    return free_port()


@pytest.fixture
def settings(tmp_path, sink, listen_port):
    values = settings_for(tmp_path / "var")
    values.update({"mail.host": "127.0.0.1", "mail.port": str(sink.port),
                   "workspace.mail_listen": f"127.0.0.1:{listen_port}",
                   "workspace.mail_authserv_id": "mx.lists.example.org"})
    return values


@pytest.fixture
def mailgroup(cast, app):
    """`secret` with its mailgroup on (moderation none); stops the mail worker after."""
    cast.api["manager"].put_json("/api/groups/secret/mail",
                                 {"enabled": True, "moderation": "none"})
    cast.api["manager"].post_json("/api/groups/secret/boards", {"id": "talk", "title": "Talk"})
    yield cast
    app.registry.workspace_mail.stop()
    app.registry.workspace_mail_listener.stop()


def settle(app):
    assert app.registry.workspace_mail.settle(20)


def send(listen_port, sender, recipient, subject, body, **headers):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, recipient, subject
    message["Message-ID"] = email.utils.make_msgid(domain="example.org")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    with smtplib.SMTP("127.0.0.1", listen_port) as smtp:
        smtp.sendmail(sender, [recipient], message.as_bytes())
    return message


def reply_address(message):
    return message["Reply-To"].addresses[0].addr_spec
