"""Invitations by mail: to a new account (the invitee chooses a login and a password) and
to an account made for someone (an import: they choose a password).

Both record a secret in the mail state (only its digest is stored) and queue the mail in
the transaction that makes the invitation, so it is sent after commit, exactly once for
that transaction: a page inviting someone and `workspace import-people --invite` call
these same functions. `invite` also marks the person invited (`Profile.invited_at`) in
that transaction, so a run over many people (`InviteOnce`) mails each of them once.
"""
from pyramid.traversal import find_root

from . import mail_settings
from .outbox import queue_notice
from .state import now_utc, state_near

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
    profile.invited_at = now_utc()  # with the mail: both commit or neither
    return secret


def live_link_logins(state):
    """The logins a live password-reset link is out for (read once per run: 870,000
    links after a site-wide invitation)."""
    now, jar, logins = now_utc().isoformat(), state._p_jar, set()
    for n, record in enumerate(state.resets.values(), 1):
        if record["expires"] >= now:
            logins.add(record.get("login"))
        if n % 10_000 == 0 and jar is not None:
            jar.cacheGC()  # that many records would crowd out the connection's cache
    return logins


class InviteOnce:
    """`invite` for a run over many people (`import-people --invite`): a person with no
    password, active and not invited yet gets an invitation; nobody gets a second.

    Invited yet: `invited_at` is set, or a live password-reset link names them. Such a
    link is how people were invited before `invited_at` existed (or a reset they asked
    for): it counts, and the run marks them, so no later run mails them either. An
    expired one does not: it no longer works, and `new_secret` prunes expired records,
    so it cannot be told from none. The links are read only when the run meets a person
    it did not create and who is not marked, so once everyone is, no run reads them.
    """

    def __init__(self, actor):
        self.actor = actor
        self.linked = None  # the logins of live links, read when first needed

    def __call__(self, profile, new=False):
        """Invite `profile` (`new`: made by this run) unless it needs none; True when
        the invitation was queued."""
        if profile.password_hash or not profile.active or profile.invited_at is not None:
            return False
        if not new:
            if self.linked is None:
                self.linked = live_link_logins(state_near(profile))
            if profile.login in self.linked:
                profile.invited_at = now_utc()  # when its earlier link was counted
                return False
        invite(profile, self.actor)
        return True
