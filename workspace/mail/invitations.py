"""Invitations by mail: to a new account (the invitee chooses a login and a password) and
to an account made for someone (an import: they choose a password).

Both record a secret in the mail state (only its digest is stored) and queue the mail in
the transaction that makes the invitation, so it is sent after commit, exactly once for
that transaction: a page inviting someone and `workspace import-people --invite` call
these same functions.
"""
from pyramid.traversal import find_root

from . import mail_settings
from .outbox import queue_notice
from .state import state_near

INVITATION_SECONDS = 14 * 86400


def where_of(site, group_ids):
    """What the invitation is to, in words: the groups' titles, or the workspace."""
    groups = site["groups"]
    return ", ".join(groups[gid].title for gid in group_ids if gid in groups) \
        or "the workspace"


def invitation_mail(site, settings, address, inviter, where, name, path, secret, what,
                    login=None):
    """Queue the mail of one invitation: `path` is the page its link opens."""
    queue_notice(site, settings, address, f"{inviter} invites you to {where}",
                 f"Hello {name or ''},\n\n{inviter} invites you to {where}.\n"
                 f"Choose your {what} here (within 14 days):\n\n"
                 f"{settings.public_url}/{path}/{secret}\n", login=login)


def invite_newcomer(site, email, name, roles, inviter, settings=None):
    """Invite `email` to an account with `roles` ({group id: role}) that they make by
    choosing a login and password (/invitations/{secret}); returns the secret."""
    settings = settings or mail_settings()
    state = state_near(site)
    secret = state.new_secret(state.invitations, INVITATION_SECONDS, email=email,
                              name=name, groups=roles, inviter=inviter.login)
    invitation_mail(site, settings, email, inviter.title, where_of(site, roles), name,
                    "invitations", secret, "login and password")
    return secret


def invite(profile, actor, settings=None):
    """Invite the person of `profile`, an account made for them without a password, to
    choose one (/password-reset/{secret}, valid 14 days); returns the secret. `actor`
    is who made the account (a login, or `command-line`)."""
    site = find_root(profile)
    settings = settings or mail_settings()
    state = state_near(site)
    secret = state.new_secret(state.resets, INVITATION_SECONDS, login=profile.login)
    inviter = site["people"].get(actor) if isinstance(actor, str) else None
    invitation_mail(site, settings, profile.email,
                    inviter.title if inviter is not None else "The facilitation team",
                    where_of(site, sorted(profile.groups)), profile.name, "password-reset",
                    secret, "password", login=profile.login)
    return secret
