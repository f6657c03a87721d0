"""Handing the outgoing spool to the SMTP server: one connection kept open for many
messages, each file claimed before it is sent and removed once the server took it, so a
message is sent once; while the server is away nothing is lost and sending starts again,
with a growing pause, when it is back.

Right before a message goes, the database is asked once more whether its recipient may
still have it (recipients.still_allowed): a member revoked after a post was queued
gets nothing.
"""
import logging
import os
import smtplib
import time

from ..content.site import appmaker
from ..database import open_root
from .recipients import still_allowed
from .spool import claim, read_outgoing, release, waiting
from .state import state_of

log = logging.getLogger(__name__)
RESYNC = 200  # messages sent between two fresh looks at the database


class ServerAway(Exception):
    """The SMTP server cannot be reached or refused for now (4xx): try again later."""


class Connection:
    """One SMTP connection, opened when needed and reopened after a failure."""

    def __init__(self, settings):
        self.settings = settings
        self.smtp = None

    def open(self):
        s = self.settings
        try:
            smtp = smtplib.SMTP(s.host, s.port, timeout=30)
            smtp.ehlo()
            if s.tls:
                smtp.starttls()
                smtp.ehlo()
            if s.username:
                smtp.login(s.username, s.password)
        except (OSError, smtplib.SMTPException) as exc:
            raise ServerAway(str(exc)) from exc
        self.smtp = smtp

    def send(self, sender, recipient, data):
        """True when the server took the message, False when it refused it for good."""
        for attempt in (1, 2):
            if self.smtp is None:
                self.open()
            try:
                self.smtp.sendmail(sender, [recipient], data)
                return True
            except smtplib.SMTPRecipientsRefused as exc:
                code = exc.recipients.get(recipient, (550,))[0]
                if code >= 500:
                    return False
                raise ServerAway(str(exc)) from exc
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code >= 500:
                    return False
                self.close()
                raise ServerAway(str(exc)) from exc
            except (OSError, smtplib.SMTPServerDisconnected) as exc:
                self.close()  # a connection that timed out: one more try on a new one
                if attempt == 2:
                    raise ServerAway(str(exc)) from exc
        return False

    def close(self):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def send_waiting(db, settings, connection, stop=None, limit=None):
    """Send what waits in the outgoing spool; returns (sent, dropped). Raises ServerAway
    (with the file given back) when the server cannot take mail now."""
    spool = settings.outgoing_dir
    sent = dropped = 0
    with open_root(db) as (root, tm):
        for n, name in enumerate(waiting(spool, limit)):
            if stop is not None and stop.is_set():
                break
            if n and n % RESYNC == 0:
                tm.abort()
                tm.begin()  # see revocations made meanwhile
            claimed = claim(spool, name)
            if claimed is None:
                continue
            try:
                envelope, data = read_outgoing(claimed)
            except (OSError, ValueError):
                log.error("unreadable outgoing mail %s dropped", name)
                os.remove(claimed)
                continue
            if not still_allowed(appmaker(root), state_of(root), envelope):
                log.info("mail to %s not sent: no longer allowed", envelope.get("login"))
                os.remove(claimed)
                dropped += 1
                continue
            try:
                taken = connection.send(envelope["from"], envelope["to"], data)
            except ServerAway:
                release(spool, claimed)
                raise
            os.remove(claimed)
            if taken:
                sent += 1
            else:
                log.warning("the SMTP server refused mail to %s for good", envelope["to"])
                dropped += 1
    return sent, dropped


class Backoff:
    """Seconds to wait after each failure in a row: 1, 2, 4... up to `top`."""

    def __init__(self, top=60):
        self.top, self.failures, self.until = top, 0, 0.0

    def failed(self):
        self.failures += 1
        self.until = time.monotonic() + min(self.top, 2 ** (self.failures - 1))

    def succeeded(self):
        self.failures, self.until = 0, 0.0

    @property
    def waiting(self):
        return time.monotonic() < self.until
