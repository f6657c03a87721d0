"""Who may get a piece of mail, decided from the database as it is when the mail is made
and once more when it is handed to SMTP: the group's roles and ACLs at that moment, the
account still active, its delivery not stopped by bounces. A revoked member, a
deactivated account or a trashed post gets nothing more, whatever was queued before."""
from pyramid.authorization import ACLHelper
from pyramid.traversal import find_interface, find_resource

from ..content.board import Reply, Topic
from ..content.group import Group
from ..content.trash import is_trashed
from ..security import principals_for

_acl = ACLHelper()


def may_read(profile, obj, permission="view"):
    """True when `profile` is an active account that has `permission` on `obj` now."""
    if profile is None or not profile.active or obj is None or is_trashed(obj):
        return False
    return bool(_acl.permits(obj, principals_for(profile), permission))


def post_readers(group, post, state):
    """The profiles who get `post` by mail one by one: every role holder of the group
    whose delivery is `each` and not stopped, but its author. Every role may read the
    group's content (content/acl.py), so holding a role is the permission here; the
    sender asks the full ACL again for each copy before it goes."""
    people = group.__parent__.__parent__["people"]
    mail = group["mail"]
    if is_trashed(post):
        return
    for login, role in group.roles.items():
        if login == post.author or mail.delivery_of(login) != "each" or not role:
            continue
        if state.delivery_disabled(login):
            continue
        profile = people.get(login)
        if profile is not None and profile.active and profile.email:
            yield profile


def find_path(site, path):
    try:
        return find_resource(site, path)
    except KeyError:
        return None


def still_allowed(site, state, envelope):
    """At sending time: may this message still go? (See the envelope in outbox.py.)"""
    login = envelope.get("login")
    if not login:
        return True  # to an address with no account (an invitation, a guest's notice)
    profile = site["people"].get(login)
    if profile is None or (not profile.active and not envelope.get("inactive_ok")):
        return False
    if envelope.get("check") is None:
        return True
    obj = find_path(site, envelope["check"])
    if obj is None or not may_read(profile, obj, envelope.get("permission", "view")):
        return False
    group = find_interface(obj, Group)
    if envelope.get("delivery") and group is not None:
        if group["mail"].delivery_of(login) != envelope["delivery"]:
            return False
        if not group["mail"].enabled or state.delivery_disabled(login):
            return False
    return True


def is_post(obj):
    return isinstance(obj, (Topic, Reply))
