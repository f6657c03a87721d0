"""What managers do with held mail, from the held list, the API, a notice's link or a
reply to the notice: approve (published as the person, or as a guest by name), reject
(the sender gets the reason) or discard. The content changes are content/mail.py's;
publishing is inbound's.

A reply to a held-mail notice goes to the manager's signed address for that message
(keys.held_key); its first line says what to do, in one of several languages
(`approve`, `reject <reason>`, `discard`; `approuver`, `aprobar`, `genehmigen`...). It is
done exactly as from the web, only by the manager the address was made for, writing from
their own address, while they manage the group; anything else changes nothing and gets a
mail back saying why.
"""
from email.utils import parseaddr
import re

from ..content.mail import approve_held, discard_held, reject_held
from .inbound import body_of, discarded, dmarc_failed, parse, publish
from .keys import read_held_key
from .notices import tell_sender
from .outbox import queue_notice
from .trim import trim

ACTIONS = ("approve", "reject", "discard")
WORDS = {
    "approve": "approve approved accept publish approuver approuve approuvé accepter "
               "publier aprobar apruebo aprobado aceptar publicar genehmigen genehmigt "
               "freigeben annehmen aprovar aprovado aceitar موافقة أوافق نشر 批准 同意 通过",
    "reject": "reject rejected refuse decline rejeter rejette refuser rechazar rechazo "
              "rechazado ablehnen abgelehnt zurückweisen rejeitar recusar رفض أرفض 拒绝 驳回",
    "discard": "discard delete drop spam supprimer jeter ignorer descartar eliminar "
               "borrar verwerfen löschen excluir apagar حذف تجاهل 丢弃 删除",
}
# a first line: marks, quotes or emphasis, the command word, punctuation, the rest (a reason)
COMMAND_LINE = re.compile(r"^[\s*_\"'«“\u200e\u200f\u202a-\u202e\ufeff]*([^\W\d_]+)"
                          r"[\s.,:;!*_\"'»”–—-]*(.*)$")
COMMANDS = {word: action for action, words in WORDS.items() for word in words.split()}
DONE = {"approve": "approved and published", "reject": "rejected (the sender was told)",
        "discard": "discarded"}


def act_on_held(group, settings, held_id, action, actor, reason=""):
    """Do `action` to one held message; returns it, or None if it is no longer held."""
    mail = group["mail"]
    if action == "approve":
        held = approve_held(mail, held_id, actor)
        if held is not None:
            login = held.login if held.login and group.role_of(held.login) in (
                "member", "manager") else None
            topic = held.target if held.target is not None and held.target.__parent__ \
                is not None else None
            publish(group.__parent__.__parent__, settings, group, parse(held.raw()), login,
                    topic, guest=None if login else held.sender_name)
        return held
    if action == "reject":
        held = reject_held(mail, held_id, actor, reason)
        if held is not None:
            tell_sender(group, settings, held.sender, held.subject,
                        f"Your message “{held.subject}” to {group.title} was not posted."
                        + (f"\n\nThe moderator wrote: {reason}" if reason else ""))
        return held
    if action == "discard":
        return discard_held(mail, held_id, actor)
    raise ValueError(action)


def read_command(text):
    """(action, reason) the first written line of a reply asks for, else (None, "").
    The reason of a reject is the rest of that line, or the lines below it."""
    lines = [line.strip() for line in text.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        return None, ""
    found = COMMAND_LINE.match(lines[0])
    action = COMMANDS.get(found.group(1).lower()) if found else None
    if action is None:
        return None, ""
    reason = found.group(2).strip() or "\n".join(lines[1:]).strip()
    return action, reason[:2000] if action == "reject" else ""


def act_by_reply(group, state, settings, message, key):
    """A manager's reply to a held-mail notice; returns what became of it."""
    found = read_held_key(settings.secret, group.__name__, key)
    if found is None:
        return discarded(message, "forged held-mail key")
    held_id, key_login = found
    address = parseaddr(str(message.get("From", "")))[1].strip().lower()
    subject = " ".join(str(message.get("Subject", "")).split())[:200]

    def answer(text):
        if address:
            queue_notice(group["mail"], settings, address, f"Re: {subject}"[:200],
                         text + "\n")

    if state.login_of(address) != key_login or dmarc_failed(message, settings):
        answer("Nothing was done: this moderation address was made for another person's "
               "address.")
        return "refused"
    if group.role_of(key_login) != "manager":
        answer(f"Nothing was done: you no longer manage {group.title}.")
        return "refused"
    text, _ = body_of(message)
    action, reason = read_command(trim(text, subject)[0])
    if action is None:
        answer("Nothing was done: write approve, reject (and the reason) or discard on "
               "the first line of your reply.")
        return "refused"
    held = act_on_held(group, settings, held_id, action, key_login, reason)
    if held is None:
        answer("Nothing was done: that message is no longer held (another manager "
               "decided already).")
        return "refused"
    answer(f"“{held.subject}” from {held.sender} is {DONE[action]}.")
    return action
