"""Groups: the unit of membership and privacy, with their role map and tool folders."""
from BTrees.OOBTree import OOBTree

from .acl import group_acl
from .board import Boards
from .calendar import Calendar
from .document import Documents
from .events import ObjectModified, notify
from .folder import Folder
from .trash import Trash
from .whiteboard import Whiteboards

ROLES = ("manager", "member", "observer")
VISIBILITIES = ("private", "listed", "open")

# The folders every group has, in the order its tabs show them.
TOOLS = (("documents", Documents), ("boards", Boards), ("whiteboards", Whiteboards),
         ("calendar", Calendar), ("trash", Trash))


class Groups(Folder):
    """All groups, by id."""


class Group(Folder):
    """A small group: title, description, visibility and who holds which role."""

    def __init__(self, title, description="", visibility="private"):
        super().__init__()
        if visibility not in VISIBILITIES:
            raise ValueError(visibility)
        self.title = title
        self.description = description
        self.visibility = visibility
        self.roles = OOBTree()  # login -> role
        self.join_requests = OOBTree()  # login -> {"message", "created"}
        for name, factory in TOOLS:
            self.add(name, factory(), send_events=False)

    @property
    def __acl__(self):
        return group_acl(self.__name__, self.visibility)

    def role_of(self, login):
        return self.roles.get(login)

    def ask_to_join(self, login, message, when):
        """Record that `login` asks to join; asking again replaces the earlier message."""
        self.join_requests[login] = {"message": message, "created": when}

    def drop_join_request(self, login):
        return self.join_requests.pop(login, None)

    def update(self, **fields):
        if "visibility" in fields and fields["visibility"] not in VISIBILITIES:
            raise ValueError(fields["visibility"])
        for key, value in fields.items():
            if key not in ("title", "description", "visibility"):
                raise KeyError(key)
            setattr(self, key, value)
        notify(ObjectModified(self))


class RoleChanged:
    """A person's role in a group was granted, changed or revoked (role None)."""

    def __init__(self, group, profile, old, new):
        self.group, self.profile, self.old, self.new = group, profile, old, new


def grant_role(group, profile, role):
    """Give `profile` `role` in `group` (replacing any other); returns the previous role."""
    if role not in ROLES:
        raise ValueError(role)
    old = group.roles.get(profile.login)
    group.roles[profile.login] = role
    profile.groups[group.__name__] = role
    group.drop_join_request(profile.login)
    notify(RoleChanged(group, profile, old, role))
    return old


def revoke_role(group, profile):
    """Take `profile` out of `group`; returns the role they had, or None."""
    old = group.roles.pop(profile.login, None)
    profile.groups.pop(group.__name__, None)
    if old is not None:
        notify(RoleChanged(group, profile, old, None))
    return old


def add_join_requests(site):
    """Evolve step: groups made before join requests existed get an empty request list."""
    for group in site["groups"].values():
        if not hasattr(group, "join_requests"):
            group.join_requests = OOBTree()
