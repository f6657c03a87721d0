"""Permissions, principals and the ACLs content carries, derived from group role maps.

Plain data: the security policy in `workspace.security` reads these `__acl__`s.
"""
from pyramid.authorization import (ALL_PERMISSIONS, DENY_ALL, Allow, Authenticated, Deny,
                                   Everyone)

# view: read content; edit: create and change content, post; moderate: edit or delete
# anyone's posts; restore: bring an item back from the trash; purge: destroy it for good;
# manage_group: settings and roles; set_visibility: make a group private, listed or open
# (its managers only, never an admin without a role: opening a private group for a moment
# would let them read it); see: a group's name, description; see_members: its member
# list; join: ask to join; admin: site administration; history: a versioned item's
# history, old versions and diffs (group readers hold it, `Everyone` never does: a visitor
# of a public item reads its current version only).
ROLE_PERMISSIONS = {
    "manager": ("view", "history", "edit", "moderate", "restore", "purge", "manage_group",
                "set_visibility", "see", "see_members"),
    "member": ("view", "history", "edit", "restore", "see", "see_members"),
    "observer": ("view", "history", "see", "see_members"),
}
ADMIN = "role:admin"


def user_principal(login):
    return f"user:{login}"


def group_principal(group_id, role):
    return f"g:{group_id}:{role}"


SITE_ACL = [
    (Allow, ADMIN, ("view", "admin", "edit_profile", "see", "manage_group")),
    (Allow, Authenticated, "view"),
    DENY_ALL,
]


def group_acl(group_id, visibility):
    """A group's ACL: its roles, admins' right to see and manage, visibility; then deny."""
    acl = [(Allow, group_principal(group_id, role), perms)
           for role, perms in ROLE_PERMISSIONS.items()]
    acl.append((Allow, ADMIN, ("see", "see_members", "manage_group")))
    if visibility == "open":
        acl.append((Allow, Authenticated, ("view", "history", "see", "see_members")))
    elif visibility == "listed":
        acl.append((Allow, Authenticated, ("see", "join")))
    acl.append(DENY_ALL)
    return acl


def profile_acl(login, active=True):
    """A person edits their own profile; a deactivated account is seen by admins only."""
    if not active:
        return [(Allow, ADMIN, ("view", "admin")), (Deny, Everyone, ALL_PERMISSIONS)]
    return [(Allow, user_principal(login), "edit_profile")]



