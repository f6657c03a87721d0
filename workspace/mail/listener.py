"""The inbound SMTP listener (aiosmtpd), started by the app when `workspace.mail_listen`
is set: it refuses recipients that name nothing here at RCPT, bounds what one session may
send (size, recipients), and writes each message to the inbound spool, synced to disk,
before it answers 250; the mail worker takes it from there."""
import logging

from aiosmtpd.controller import Controller

from ..content.site import appmaker
from ..database import open_root
from .keys import (REFERRAL_LOCAL, read_bounce_local, read_held_key, read_referral_key,
                   read_reply_key)
from .spool import deliver_now, inbound_bytes

log = logging.getLogger(__name__)


def known_recipient(db, settings, address):
    """True when `address` is a mail-enabled group, one of its reply addresses (of a post
    or of a held-mail notice) with a genuine key, a referral's reply address with a
    genuine key, or a genuine bounce address."""
    local, _, domain = address.lower().rpartition("@")
    if domain != settings.domain or not local:
        return False
    if local.startswith("bounces+"):
        return read_bounce_local(settings.secret, local) is not None
    gid, _, key = local.partition("+")
    if gid == REFERRAL_LOCAL and read_referral_key(settings.secret, key) is not None:
        return True
    if key and read_reply_key(settings.secret, gid, key) is None and read_held_key(
            settings.secret, gid, key) is None:
        return False
    with open_root(db) as (root, _):
        group = appmaker(root)["groups"].get(gid)
        return group is not None and "mail" in group and group["mail"].enabled


class Handler:
    def __init__(self, worker):
        self.worker = worker
        self.settings = worker.settings

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if len(envelope.rcpt_tos) >= self.settings.max_recipients:
            return "452 4.5.3 Too many recipients"
        if not known_recipient(self.worker.db, self.settings, address):
            return "550 5.1.1 No such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if len(raw) > self.settings.max_bytes:
            return "552 5.3.4 Message too big"
        try:
            deliver_now(self.settings.inbound_dir,
                        inbound_bytes(raw, envelope.mail_from, envelope.rcpt_tos,
                                      session.peer[0] if session.peer else ""), sync=True)
        except OSError:
            log.exception("inbound spool not writable")
            return "451 4.3.0 Try again later"
        self.worker.inbound_arrived()
        return "250 OK: queued"


def start_listener(worker):
    host, _, port = worker.settings.listen.rpartition(":")
    controller = Controller(Handler(worker), hostname=host or "127.0.0.1", port=int(port),
                            data_size_limit=worker.settings.max_bytes + 1024,
                            server_hostname=worker.settings.domain, ready_timeout=10)
    controller.start()
    log.info("mail listener on %s:%s", host, port)
    return controller
