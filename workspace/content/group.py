"""Groups: the unit of membership and privacy, with their role map and tool folders.

Everything that changes who may enter a group (creating it, its settings, roles, join
requests) goes through the functions here, and each fires an `Audited` event naming who
did it, so the audit log sees every such change however it was made (page, API, command
line).
"""
import heapq
import itertools

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from pyramid.traversal import resource_path

from .acl import group_acl
from .board import Boards, add_default_board
from .calendar import Calendar
from .collection import Collection
from .document import Documents
from .events import Audited, ObjectModified, notify
from .folder import Folder
from .ids import unique_id
from .mail import GroupMail
from .names import NameIndex, query_words, select, select_matches
from .people import now_utc
from .trash import Trash
from .unwritten import unwritten, written
from .whiteboard import Whiteboards

ROLES = ("manager", "member", "observer")
VISIBILITIES = ("private", "listed", "open")

# The folders every group has, in the order its tabs show them.
TOOLS = (("documents", Documents), ("boards", Boards), ("whiteboards", Whiteboards),
         ("calendar", Calendar), ("trash", Trash), ("mail", GroupMail),
         ("collection", Collection))


PUBLIC_SCAN = 20_000  # public groups read one by one for a name search below this many


class Groups(Folder):
    """All groups, by id, with what their lists need: a name index of their titles, the
    ids of the groups every member sees (listed and open ones), counted, and of the
    open ones (whose content every member reads: search needs them on every query)."""

    def __init__(self):
        super().__init__()
        self.names = NameIndex()
        self.public = OOTreeSet()  # ids of listed and open groups
        self.public_count = Length()
        self.open = OOTreeSet()

    def add(self, name, obj, send_events=True):
        obj = super().add(name, obj, send_events)
        self.note_group(obj)
        return obj

    def note_group(self, group):
        """Keep the name index and the public list in step with `group`'s settings."""
        gid = group.__name__
        self.names.index(gid, group.title, gid)
        public = group.visibility in ("listed", "open")
        if public and gid not in self.public:
            self.public.insert(gid)
            self.public_count.change(1)
        elif not public and gid in self.public:
            self.public.remove(gid)
            self.public_count.change(-1)
        if group.visibility == "open":
            self.open.insert(gid)
        elif gid in self.open:
            self.open.remove(gid)

    def listing(self, profile, start, stop, q="", mine=False):
        """The ids of one page of the groups `profile` sees (a `Selection`, by id): an
        admin every group, anyone else their own groups and the listed and open ones
        (`mine`: their own groups only); those with title words starting with the words
        of `q`, when given. Reads the groups of the page only (see names.py)."""
        own = sorted(gid for gid in profile.groups if gid in self)
        if mine:
            if q:
                own = [gid for gid in own if self.names.has_words(gid, query_words(q))]
            return select(own, len(own), start, stop)
        if profile.admin:
            if q:
                return select_matches(self.names.search(q), start, stop)
            return select(self.keys(), len(self), start, stop)
        if q:
            words = query_words(q)
            found = {gid for gid in own if self.names.has_words(gid, words)}
            if self.public_count() <= PUBLIC_SCAN:
                found.update(gid for gid in self.public if self.names.has_words(gid, words))
            else:
                found.update(gid for gid in self.names.search(q) if gid in self.public)
            return select_matches(found, start, stop)
        unique = (gid for gid, _ in itertools.groupby(heapq.merge(own, self.public.keys())))
        total = self.public_count() + sum(1 for gid in own if gid not in self.public)
        return select(unique, total, start, stop)

    def others(self, profile, stop):
        """The first `stop` ids of the groups `profile` sees without holding a role in
        them (every other group for an admin, else the listed and open ones)."""
        own = profile.groups
        if profile.admin:
            keys, total = self.keys(), len(self) - sum(1 for gid in own if gid in self)
        else:
            keys = self.public.keys()
            total = self.public_count() - sum(1 for gid in own if gid in self.public)
        return select((gid for gid in keys if gid not in own), total, 0, stop)


class Group(Folder):
    """A small group: title, description, visibility and who holds which role."""

    # login -> {"message", "created"}, stored at the first request (see unwritten.py):
    # granting a role looks for a request to answer, and most groups never get one
    join_requests = unwritten(OOBTree)

    def __init__(self, title, description="", visibility="private"):
        super().__init__()
        if visibility not in VISIBILITIES:
            raise ValueError(visibility)
        self.title = title
        self.description = description
        self.visibility = visibility
        self.roles = OOBTree()  # login -> role
        for name, factory in TOOLS:
            self.add(name, factory(), send_events=False)

    @property
    def __acl__(self):
        return group_acl(self.__name__, self.visibility)

    def role_of(self, login):
        return self.roles.get(login)

    def drop_join_request(self, login):
        return self.join_requests.pop(login, None)

    def update(self, **fields):
        if "visibility" in fields and fields["visibility"] not in VISIBILITIES:
            raise ValueError(fields["visibility"])
        for key, value in fields.items():
            if key not in ("title", "description", "visibility"):
                raise KeyError(key)
            setattr(self, key, value)
        if self.__parent__ is not None and {"title", "visibility"} & set(fields):
            self.__parent__.note_group(self)
        notify(ObjectModified(self))


# Audited events ----------------------------------------------------------------------------

class GroupCreated(Audited):
    """A group was made (details: its visibility)."""
    action = "group_created"


class GroupChanged(Audited):
    """A group's settings changed (details: which, and a change of visibility in full)."""
    action = "group_changed"


class JoinRequested(Audited):
    """Someone asked to join a group (the actor is the one asking)."""
    action = "join_requested"


class JoinDeclined(Audited):
    """A manager or admin declined `login`'s request to join (object: the request)."""
    action = "join_declined"

    def __init__(self, actor, group, login):
        self.group, self.login = group, login
        super().__init__(actor, group, path=member_path(group, login, "join-requests"))


def member_path(group, login, folder="members"):
    """Where a membership (or a join request) lives in the API: `/groups/g/members/login`."""
    return f"{resource_path(group)}/{folder}/{login}"


class RoleChanged(Audited):
    """A person's role in a group was granted, changed or revoked (`new` None).

    Its action is `role_granted`, `role_changed` or `role_revoked`; the object is the
    membership (`/groups/g/members/login`) and the details the roles (`member`,
    `member -> manager`).
    """

    def __init__(self, group, profile, old, new, actor=None, answered_request=False):
        self.group, self.profile, self.old, self.new = group, profile, old, new
        self.answered_request = answered_request  # the grant approved a request to join
        details = new if old is None else old if new is None else f"{old} -> {new}"
        super().__init__(actor, group, details, path=member_path(group, profile.login))

    @property
    def action(self):
        if self.old is None:
            return "role_granted"
        return "role_revoked" if self.new is None else "role_changed"


# What changes a group ----------------------------------------------------------------------

class LastManager(Exception):
    """Refused: the group's only manager tried to step down or leave, which would leave
    the group with nobody to manage it. Nothing was changed."""

    def __init__(self, group):
        self.group = group
        super().__init__(f"You are the only manager of {group.title}: make someone else a "
                         "manager first, then change your own role.")


def refuse_last_manager(group, profile, new_role, actor):
    """Raise `LastManager` when `actor` is the group's only manager and would give up the
    role (`new_role` None: leave the group)."""
    if (actor == profile.login and new_role != "manager"
            and group.roles.get(profile.login) == "manager"
            and not any(role == "manager" and login != actor
                        for login, role in group.roles.items())):
        raise LastManager(group)


def add_group(groups, title, description="", visibility="private", gid=None, actor=None):
    """Make a group under `gid` (or an id derived from `title`), with its first discussion
    board; `IdTaken` if the id is taken."""
    group = groups.add(gid or unique_id(groups, title), Group(title, description, visibility))
    add_default_board(group["boards"], actor)
    notify(GroupCreated(actor, group, visibility))
    return group


def change_group(group, actor, **fields):
    """Set the given settings (title, description, visibility); what really changed is
    audited. Returns the names of the settings that changed."""
    changed = {key: value for key, value in fields.items() if getattr(group, key) != value}
    if changed:
        details = ", ".join(f"visibility {group.visibility} -> {value}"
                            if key == "visibility" else key
                            for key, value in sorted(changed.items()))
        group.update(**changed)
        notify(GroupChanged(actor, group, details))
    return sorted(changed)


def grant_role(group, profile, role, actor=None):
    """Give `profile` `role` in `group` (replacing any other, answering any join request);
    returns the previous role."""
    if role not in ROLES:
        raise ValueError(role)
    refuse_last_manager(group, profile, role, actor)
    old = group.roles.get(profile.login)
    group.roles[profile.login] = role
    profile.groups[group.__name__] = role
    answered = group.drop_join_request(profile.login) is not None
    if old != role:
        notify(RoleChanged(group, profile, old, role, actor, answered_request=answered))
    return old


def revoke_role(group, profile, actor=None):
    """Take `profile` out of `group`; returns the role they had, or None."""
    refuse_last_manager(group, profile, None, actor)
    old = group.roles.pop(profile.login, None)
    profile.groups.pop(group.__name__, None)
    if old is not None:
        notify(RoleChanged(group, profile, old, None, actor))
    return old


def ask_to_join(group, login, message):
    """Record that `login` asks to join; asking again replaces the earlier message."""
    written(group, "join_requests")[login] = {
        "message": message, "created": now_utc().isoformat(timespec="seconds")}
    notify(JoinRequested(login, group))


def decline_join_request(group, login, actor):
    """Drop `login`'s request to join; returns it, or None if there was none."""
    request = group.drop_join_request(login)
    if request is not None:
        notify(JoinDeclined(actor, group, login))
    return request


def add_join_requests(site):
    """Evolve step: groups made before join requests existed needed an empty request
    list; the class holds a shared empty one now (see unwritten.py), so nothing is left
    to do and the step keeps its number only."""


def index_groups(groups):
    """Evolve step: the name index and the public list of groups made before them."""
    groups.names, groups.public, groups.public_count = NameIndex(), OOTreeSet(), Length()
    groups.open = OOTreeSet()
    for group in groups.values():
        groups.note_group(group)


def list_open_groups(site):
    """Evolve step: the list of open groups, from the listed and open ones."""
    groups = site["groups"]
    groups.open = OOTreeSet(gid for gid in groups.public if groups[gid].visibility == "open")
