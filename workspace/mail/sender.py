"""Handing the outgoing spool to the SMTP server: one connection kept open for many
messages, each batch claimed (renamed) before it is sent, so one process sends it, and
each message marked done once the server took it, so a message is sent once; while the
server is away nothing is lost and sending starts again, with a growing pause, when it
is back.

The spool holds one batch per mail job; each message of a batch is marked done in its
progress file as soon as the server took (or refused) it, so a sender that stops, or
dies, in the middle of a batch leaves exactly the rest to the next.

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
from .spool import Progress, claim, read_outgoing, release, waiting
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
    (with the batch given back, its progress kept) when the server cannot take mail now."""
    spool = settings.outgoing_dir
    totals = [0, 0]
    with open_root(db) as (root, tm):
        checks = Checks(root, tm)
        for name in waiting(spool, limit):
            if stop is not None and stop.is_set():
                break
            claimed = claim(spool, name)
            if claimed is not None:
                send_batch(Batch(spool, name, claimed, checks), connection, stop, totals)
    return tuple(totals)


class Checks:
    """The database view the checks at sending time read, renewed every RESYNC messages
    (over every batch) so that revocations made meanwhile are seen."""

    def __init__(self, root, tm):
        self.root, self.tm, self.seen = root, tm, 0

    def allowed(self, envelope):
        self.seen += 1
        if self.seen % RESYNC == 0:
            self.tm.abort()
            self.tm.begin()
        return still_allowed(appmaker(self.root), state_of(self.root), envelope)


class Batch:
    """One claimed batch while it is sent: where it is, its progress, and the checks."""

    def __init__(self, spool, name, claimed, checks):
        self.spool, self.name, self.claimed = spool, name, claimed
        self.progress = Progress(spool, name)
        self.allowed = checks.allowed

    def give_back(self):
        self.progress.close()
        release(self.spool, self.claimed)

    def finished(self):
        os.remove(self.claimed)
        self.progress.remove()


def send_batch(batch, connection, stop, totals):
    """Send the messages of `batch` not sent yet, marking each once it is done; totals
    [sent, dropped] grow as they go. A damaged batch is sent up to the damage."""
    for number, envelope, data in readable(batch):
        if stop is not None and stop.is_set():
            batch.give_back()
            return
        if not batch.allowed(envelope):
            log.info("mail to %s not sent: no longer allowed", envelope.get("login"))
            totals[1] += 1
        else:
            try:
                taken = connection.send(envelope["from"], envelope["to"], data)
            except ServerAway:
                batch.give_back()
                raise
            totals[0 if taken else 1] += 1
            if not taken:
                log.warning("the SMTP server refused mail to %s for good", envelope["to"])
        batch.progress.mark(number)
    batch.finished()


def readable(batch):
    """The messages of `batch` still to send, up to any damage (logged)."""
    records = read_outgoing(batch.claimed, batch.progress.next())
    while True:
        try:
            number, envelope, data = next(records)
            if not isinstance(envelope.get("from"), str) or not envelope.get("to"):
                raise ValueError("an envelope without sender or recipient")
        except StopIteration:
            return
        except (OSError, ValueError) as exc:
            log.error("outgoing mail %s is damaged (%s): the rest of it is dropped",
                      batch.name, exc)
            return
        yield number, envelope, data


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
