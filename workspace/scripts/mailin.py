"""`workspace -c INI mail-in [--recipient R] [--sender S]`: one message on stdin into the
inbound spool, for an MTA's pipe transport (Postfix: `flags=Rq user=... argv=workspace -c
/srv/site/production.ini mail-in --recipient ${recipient} --sender ${sender}`).

It does not open the database: the serving site's mail worker turns the message into
content. Exit codes are the ones MTAs understand: 0 taken, 65 (EX_DATAERR) too big or no
recipient (a bounce), 75 (EX_TEMPFAIL) the spool is not writable (the MTA tries again).
"""
from email.parser import BytesHeaderParser
from email.utils import getaddresses
import sys

from plaster import get_settings

from ..mail.config import read_settings
from ..mail.spool import deliver_now, inbound_bytes, make_dirs

EX_DATAERR, EX_TEMPFAIL = 65, 75


def mail_in(args):
    settings = read_settings(dict(get_settings(args.config, "app:main")))
    raw = sys.stdin.buffer.read(settings.max_bytes + 1)
    if len(raw) > settings.max_bytes:
        print("message too big", file=sys.stderr)
        return EX_DATAERR
    recipients = args.recipient or [
        address for _, address in getaddresses(
            BytesHeaderParser().parsebytes(raw).get_all("Delivered-To", []) or
            BytesHeaderParser().parsebytes(raw).get_all("To", []))
        if address.lower().endswith("@" + settings.domain)]
    if not recipients:
        print("no recipient of this site's domain", file=sys.stderr)
        return EX_DATAERR
    try:
        make_dirs(settings.inbound_dir)
        deliver_now(settings.inbound_dir,
                    inbound_bytes(raw, args.sender or "unknown", recipients[:50], "pipe"),
                    sync=True)
    except OSError as exc:
        print(f"inbound spool not writable: {exc}", file=sys.stderr)
        return EX_TEMPFAIL
    return 0


def register(commands):
    cmd = commands.add_parser("mail-in", help="read one message on stdin into the inbound "
                                              "mail spool (for an MTA's pipe)")
    cmd.add_argument("--recipient", action="append", help="envelope recipient (repeatable)")
    cmd.add_argument("--sender", help="envelope sender")
    cmd.set_defaults(run=mail_in)
