"""Inbound mail: each spooled message becomes content in one transaction, once per
Message-ID and group, by the same content functions a view calls.

Replies to a referral's mail go to mail/referrals.py and replies to a held-mail notice
to mail/held.py, after the checks every message passes (once per Message-ID, no
auto-replies). For group mail, what a message may do is decided here, in this order:
bounces (to `bounces+token@`) raise a score; auto-replies and loops are discarded and
logged; a forged reply key names nothing; a key of someone who lost access, an
observer's post or a locked topic is refused with a notice to the sender; mail from a
non-member, a key used from another address, a DMARC failure the trusted MTA saw,
trimming that would leave nothing, too many attachments, and what moderation asks for
are held for the managers (held.py); the rest is published as the person. Nothing a
member sent is dropped without a trace: a message that cannot be read (a header the email
package refuses, a body that fails to convert) is held as "unreadable", once.
"""
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr
import hashlib
import io
import logging
import os
import re

from flufl.bounce import all_failures
from pyramid.threadlocal import manager as threadlocal_manager
from ZODB.POSException import ConflictError

from ..content.board import Board, MAX_BODY, MAX_TITLE, start_topic
from ..content.document import File, TooLarge
from ..content.ids import unique_id
from ..content.mail import HeldMessage, hold_message
from ..content.notifications import announce_post
from ..content.site import appmaker
from ..content.trash import is_trashed
from ..content.unwritten import written
from ..database import run_in_transaction
from .compose import parse_message_id
from .htmlmail import html_to_markdown
from .keys import REFERRAL_LOCAL, read_bounce_local, read_reply_key
from .notices import tell_managers_of_held, tell_sender
from .spool import claim, waiting
from .state import build_address_index, state_of
from .trim import MAX_TRIMMED, nearly_all_removed, trim

log = logging.getLogger(__name__)
AUTOMATIC_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|"
                               r"bounces?|auto-?reply)([+@.-]|$)", re.I)


def prepare(worker):
    """At start-up: the mail state exists and every address is indexed."""
    def work(root):
        state = state_of(root)
        if not state.addresses_built:
            build_address_index(state, appmaker(root)["people"])
    run_in_transaction(worker.db, work)


def process_spool(worker, limit=20):
    """Turn up to `limit` spooled messages into content; returns how many were read."""
    spool = worker.settings.inbound_dir
    count = 0
    for name in waiting(spool, limit):
        claimed = claim(spool, name)
        if claimed is None:
            continue
        with open(claimed, "rb") as stream:
            raw = stream.read()
        threadlocal_manager.push({"registry": worker.registry, "request": None})
        try:
            process_message(worker.db, worker.settings, raw)
        except Exception:
            log.exception("inbound message %s failed; kept in %s/cur", name, spool)
            continue
        finally:
            threadlocal_manager.pop()
        os.remove(claimed)
        count += 1
    return count


def parse(raw):
    return BytesParser(policy=policy.default).parsebytes(raw)


def envelope_recipients(message):
    value = message.get("X-Workspace-Envelope-To", "")
    return [r.strip().lower() for r in str(value).split(",") if "@" in r][:50]


def process_message(db, settings, raw):
    """Handle one spooled message for each of its envelope recipients; returns what
    happened for each (`published`, `held`, `refused`, `discarded`, `duplicate`...)."""
    message = parse(raw)
    outcomes = []
    for recipient in envelope_recipients(message):
        try:
            outcome = run_in_transaction(
                db, lambda root: handle(root, settings, raw, message, recipient))
        except ConflictError:
            raise  # the database's trouble, not the message's: tried again later
        except Exception:
            log.exception("inbound message for %s could not be read; held", recipient)
            outcome = run_in_transaction(
                db, lambda root: hold_unreadable(root, settings, raw, message, recipient))
        outcomes.append(outcome)
    return outcomes


def header(message, name):
    """A header as text; one the email package cannot read (an encoded CR LF in an
    address) as its raw text on one line. Only for logs and held mail's summary."""
    try:
        return str(message.get(name, ""))
    except Exception:  # the policy's header classes raise ValueError, IndexError...
        raw = next((v for k, v in message.raw_items() if k.lower() == name.lower()), "")
        return " ".join(str(raw).split())


def hold_unreadable(root, settings, raw, message, recipient):
    """Hold a message `handle` failed on for its group's managers, with what can be read
    safely (the sender is the envelope's, written by our listener)."""
    gid = recipient.rpartition("@")[0].partition("+")[0]
    group = appmaker(root)["groups"].get(gid)
    if group is None or not group["mail"].enabled or gid == REFERRAL_LOCAL:
        log.error("unreadable inbound message for %s dropped: no group holds it", recipient)
        return "discarded"
    if not state_of(root).first_time(f"{message_key(message, raw)} {gid}"):
        return "duplicate"
    sender = header(message, "X-Workspace-Envelope-From").strip("<> ").lower()
    subject = " ".join(header(message, "Subject").split())[:MAX_TITLE]
    held = HeldMessage(raw, sender, sender, subject or "(no subject)", ["unreadable"])
    tell_managers_of_held(group, settings, hold_message(group["mail"], held), held)
    return "held"


def message_key(message, raw):
    value = header(message, "Message-ID").strip()
    return value[:300] if value else "sha256:" + hashlib.sha256(raw).hexdigest()


def is_automatic(message, settings):
    """An auto-reply, a bounce to the wrong address, a list's mail or our own coming back."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto and not auto.startswith("no"):
        return "auto-submitted"
    if str(message.get("Precedence", "")).strip().lower() in ("bulk", "junk", "list"):
        return "precedence"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress-Loop"):
        if message.get(name):
            return name.lower()
    if str(message.get("X-Loop", "")).lower().endswith("@" + settings.domain):
        return "loop"
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return "list mail"
    sender = parseaddr(str(message.get("From", "")))[1]
    envelope = str(message.get("X-Workspace-Envelope-From", "")).strip()
    if not envelope or envelope == "<>" or AUTOMATIC_SENDERS.match(sender or ""):
        return "mailer-daemon"
    return None


def dmarc_failed(message, settings):
    """True when the MTA we trust (its authserv-id) wrote that DMARC failed. Only the
    first Authentication-Results header with that id counts: it is the one our MTA
    added on top; others may come from anyone."""
    if not settings.authserv_id:
        return False
    for value in message.get_all("Authentication-Results") or ():
        text = str(value).strip()
        if text.split(";", 1)[0].strip().lower() == settings.authserv_id.lower():
            return bool(re.search(r"\bdmarc\s*=\s*fail\b", text, re.I))
    return False


def handle(root, settings, raw, message, recipient):
    site, state = appmaker(root), state_of(root)
    local, _, domain = recipient.rpartition("@")
    if domain != settings.domain:
        return discarded(message, f"not our domain: {recipient}")
    if local.startswith("bounces+"):
        return bounce(site, state, settings, message, local)
    gid, _, key = local.partition("+")
    to_referral = gid == REFERRAL_LOCAL and key.startswith("r")
    group = None if to_referral else site["groups"].get(gid)
    if not to_referral and (group is None or not group["mail"].enabled):
        return discarded(message, f"no mailgroup {gid}")
    if not state.first_time(f"{message_key(message, raw)} {gid}"):
        return "duplicate"
    automatic = is_automatic(message, settings)
    if automatic:
        return discarded(message, automatic)
    if to_referral:
        from .referrals import take_referral_reply
        return take_referral_reply(site, state, settings, message, key)
    if key.startswith("m"):
        from .held import act_by_reply
        return act_by_reply(group, state, settings, message, key)
    return Arrival(site, state, settings, group, raw, message, key).decide()


def discarded(message, why):
    log.info("mail discarded (%s): from %s, subject %r, id %s", why,
             header(message, "From"), header(message, "Subject")[:100],
             header(message, "Message-ID"))
    return "discarded"


def bounce(site, state, settings, message, local):
    login = read_bounce_local(settings.secret, local)
    if login is None:
        return discarded(message, "bounce with a forged token")
    _, permanent = all_failures(message)
    if not permanent:
        return "transient bounce"
    if login in site["people"] and state.add_bounce(login, settings.bounce_threshold):
        log.warning("delivery to %s stopped after %d bounces", login,
                    settings.bounce_threshold)
    return "bounce"


def body_of(message):
    """(Markdown text, attachments [(filename, content type, bytes)])."""
    text_part = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if text_part is not None:
        try:
            content = text_part.get_content()
        except (LookupError, UnicodeError, ValueError):
            content = text_part.get_payload(decode=True).decode("utf-8", "replace")
        text = html_to_markdown(content) if text_part.get_content_type() == "text/html" \
            else content
    attachments = []
    for part in message.iter_attachments():
        if part.get_content_maintype() == "multipart":
            continue
        data = part.get_payload(decode=True) or b""
        attachments.append((part.get_filename() or "attachment", part.get_content_type(),
                            data))
    return text, attachments


class Arrival:
    """One message for one group: who sent it, what it answers, and what becomes of it."""

    def __init__(self, site, state, settings, group, raw, message, key):
        self.site, self.state, self.settings, self.group = site, state, settings, group
        self.raw, self.message, self.key = raw, message, key
        self.mail = group["mail"]
        name, self.address = parseaddr(str(message.get("From", "")))
        self.address = self.address.strip().lower()
        self.name = " ".join(name.split())[:100] or self.address
        self.login = state.login_of(self.address)
        self.profile = site["people"].get(self.login) if self.login else None
        if self.profile is not None and not self.profile.active:
            self.profile, self.login = None, None
        self.subject = " ".join(str(message.get("Subject", "")).split())[:MAX_TITLE]

    def target_topic(self):
        """(topic or None, the login the reply key was issued to, or None). A forged or
        unknown key raises LookupError: nothing may be done with it."""
        if self.key:
            found = read_reply_key(self.settings.secret, self.group.__name__, self.key)
            if found is None:
                raise LookupError("forged reply key")
            uid, _, key_login = found
            topic = self.mail.topics.get(uid)
            if topic is None:
                raise LookupError("reply key of an unknown topic")
            return topic, key_login
        references = str(self.message.get("In-Reply-To", "")) + " " + str(
            self.message.get("References", ""))
        for value in re.findall(r"<[^<>]+>", references):
            ours = parse_message_id(self.settings, value)
            if ours and ours[2] == self.group.__name__ and ours[0] in self.mail.topics:
                return self.mail.topics[ours[0]], None
        return None, None

    def decide(self):
        try:
            topic, key_login = self.target_topic()
        except LookupError as exc:
            return discarded(self.message, str(exc))
        reasons = []
        role = self.group.role_of(self.login) if self.login else None
        if key_login is not None and key_login != self.login:
            if self.group.role_of(key_login) is None:
                return self.refuse("The address you replied to was made for someone who is "
                                   "no longer in this group.")
            reasons.append("key_from_other_address")
        elif role == "observer":
            return self.refuse("Observers read this group but do not post to it.")
        elif role is None and key_login is not None:
            return self.refuse("You are no longer a member of this group.")
        elif role is None:
            reasons.append("not_member")
        if topic is not None and (is_trashed(topic) or topic.locked):
            return self.refuse("The topic you answered is closed to replies.")
        if dmarc_failed(self.message, self.settings):
            reasons.append("dmarc_fail")
        text, attachments = body_of(self.message)
        if len(text) > MAX_TRIMMED:  # too long whatever trimming cuts: not trimmed
            kept, removed = text, ""
        else:
            kept, removed = trim(text, self.subject)
        if nearly_all_removed(kept, removed):
            reasons.append("nearly_empty")
        if len(attachments) > self.settings.max_attachments:
            reasons.append("too_many_attachments")
        if len(kept) > MAX_BODY:
            reasons.append("too_long")
        if self.mail.moderation == "all":
            reasons.append("moderation_all")
        elif (self.mail.moderation == "new-members" and role in ("member", "manager")
              and self.login not in self.mail.posted and role != "manager"):
            reasons.append("first_post")
        if reasons:
            return self.hold(reasons, topic, removed)
        publish(self.site, self.settings, self.group, self.message, self.login, topic)
        return "published"

    def refuse(self, why):
        tell_sender(self.group, self.settings, self.address, self.subject,
                    f"Your message “{self.subject}” to {self.group.title} was not "
                    f"posted. {why}")
        log.info("mail from %s refused: %s", self.address, why)
        return "refused"

    def hold(self, reasons, topic, removed):
        held = HeldMessage(self.raw, self.address, self.name, self.subject or "(no subject)",
                           reasons, login=self.login, target=topic, removed=removed[:20000])
        held_id = hold_message(self.mail, held)
        tell_managers_of_held(self.group, self.settings, held_id, held)
        return "held"


def publish(site, settings, group, message, login, topic, guest=None):
    """Post `message` in `group` as `login` (or as the guest `guest`): a reply to `topic`,
    or a new topic on the group's mail board. Attachments become Files in the group's
    documents, linked from the post. Returns the new post."""
    text, attachments = body_of(message)
    subject = " ".join(header(message, "Subject").split())[:MAX_TITLE]
    kept, _ = trim(text, subject)
    author = login or f"{guest} (guest)"
    links = store_attachments(group, settings, attachments, author)
    body = (kept.strip() or "(no text)") + ("\n\n" + "\n".join(links) if links else "")
    body = body[:MAX_BODY]
    mail = group["mail"]
    if topic is not None:
        post = topic.post_reply(body, author)
    else:
        board = mail_board(group)
        title = re.sub(r"^\s*((re|aw|sv|fw|fwd|tr|wg|rv)\s*:\s*)+", "", subject,
                       flags=re.I) or "(no subject)"
        post = start_topic(board, unique_id(board, title), title, body, author)
        mail.remember_topic(post)
    if login:
        written(mail, "posted").add(login)
        announce_post(group, post, login)
    return post


def mail_board(group):
    """The board mail starts topics in: the one set in the settings, else the first, else
    a new board called Mail."""
    mail, boards = group["mail"], group["boards"]
    if mail.board and mail.board in boards:
        return boards[mail.board]
    for board in boards.values():
        if isinstance(board, Board):
            return board
    board = boards.add(unique_id(boards, "mail"), Board("Mail", "Topics started by e-mail."))
    mail.board = board.__name__
    return board


def store_attachments(group, settings, attachments, author):
    """Files in the group's documents for the attachments; Markdown links to them."""
    documents = group["documents"]
    links = []
    limit = settings.max_bytes
    for filename, content_type, data in attachments[:settings.max_attachments]:
        try:
            item = File(filename, io.BytesIO(data), filename, content_type, author,
                        "Attached to a mail", limit=limit)
        except TooLarge:
            continue
        item = documents.add(unique_id(documents, filename), item)
        links.append(f"- [{filename}]({settings.public_url}/groups/{group.__name__}/"
                     f"documents/{item.__name__}/)")
    return ["Attachments:"] + links if links else []

