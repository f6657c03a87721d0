"""Notices about mail itself: to the sender of mail that was refused or held, and to a
group's managers about held mail, with links that act on it from the notice (a phone is
enough: the link opens a page with one button; opening it changes nothing) and a signed
Reply-To: answering "approve", "reject <reason>" or "discard" does it (held.py)."""
from .keys import held_key, token
from .outbox import queue_notice

REASONS = {
    "not_member": "the sender is not a member",
    "first_post": "a new member's first post",
    "moderation_all": "every post is moderated",
    "key_from_other_address": "a reply address used from another address",
    "dmarc_fail": "the sender's domain did not authenticate it (DMARC)",
    "nearly_empty": "trimming quotes and signature left almost nothing",
    "too_many_attachments": "too many attachments",
    "too_long": "too long",
    "unreadable": "the message could not be read (a malformed header or body)",
}


def action_url(settings, gid, held_id, login):
    return f"{settings.public_url}/held/{token(settings.secret, 'held', gid, held_id, login)}"


def tell_sender(group, settings, address, subject, text):
    if address:
        queue_notice(group["mail"], settings, address, f"Re: {subject}"[:200],
                     text + "\n")


def tell_managers_of_held(group, settings, held_id, held):
    """Each manager gets a notice with the message's summary and a link to act on it."""
    people = group.__parent__.__parent__["people"]
    why = "; ".join(REASONS.get(r, r) for r in held.reasons)
    list_url = f"{settings.public_url}/groups/{group.__name__}/mail/@@held"
    for login, role in group.roles.items():
        profile = people.get(login)
        if role != "manager" or profile is None or not profile.email:
            continue
        text = (f"A message to {group.title} is held for moderation ({why}).\n\n"
                f"From: {held.sender_name} <{held.sender}>\nSubject: {held.subject}\n\n"
                f"Approve, reject or discard it here:\n{action_url(settings, group.__name__, held_id, login)}\n\n"
                f"Or reply to this mail with one word on the first line: approve, reject "
                f"(then the reason, which the sender gets) or discard.\n\n"
                f"Every held message of the group: {list_url}\n")
        reply = f"{group.__name__}+{held_key(settings.secret, group.__name__, held_id, login)}"
        queue_notice(group["mail"], settings, profile.email,
                     f"[{group.title}] Held for moderation: {held.subject}"[:200], text,
                     login=login, check=group, permission="moderate",
                     reply_to=f"{reply}@{settings.domain}")
    if held.login:
        profile = people.get(held.login)
        if profile is not None and profile.email and "first_post" in held.reasons:
            queue_notice(group["mail"], settings, profile.email,
                         f"Your message to {group.title} awaits approval",
                         f"Your message “{held.subject}” will appear in {group.title} once "
                         "a manager approves it. Later messages go out at once.\n",
                         login=held.login)
