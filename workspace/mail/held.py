"""What managers do with held mail, from the held list, the API or a notice's link:
approve (published as the person, or as a guest by name), reject (the sender gets the
reason) or discard. The content changes are content/mail.py's; publishing is inbound's."""
from ..content.mail import approve_held, discard_held, reject_held
from .inbound import parse, publish
from .notices import tell_sender

ACTIONS = ("approve", "reject", "discard")


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
