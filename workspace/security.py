"""The one security policy: who the caller is (session or Bearer token) and what they may do."""
import time

from pyramid.authorization import ACLHelper, Authenticated, Everyone

from .content.acl import ADMIN, group_principal, user_principal

SESSION_COOKIE = "workspace_session"
SESSION_LOGIN = "login"
SESSION_ID = "sid"


def bearer_token(request):
    """The token of an `Authorization: Bearer` header, '' for an empty one, None if absent."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def current_user(request):
    """The active Profile making this request, or None (reified on the request as `user`)."""
    people = request.site["people"]
    token = bearer_token(request)
    if token is not None:
        profile = people.by_token(token) if token else None
    else:
        session = request.session
        login, sid = session.get(SESSION_LOGIN), session.get(SESSION_ID)
        profile = people.get(login) if login and sid else None
        started = profile.sessions.get(sid) if profile is not None else None
        if started is None or time.time() - started > session_lifetime(request):
            profile = None
    if profile is None or not profile.active:
        return None
    return profile


def session_lifetime(request):
    """Seconds a browser session lasts from its login, however active it stays (the
    cookie's own timeout is the sliding one, for idle sessions)."""
    return int(request.registry.settings.get("workspace.session_lifetime", 24 * 3600))


ANONYMOUS = frozenset([Everyone])


def principals_for(profile):
    """Everything `profile` acts as (None: an anonymous caller), as a frozenset: the ACL
    helper asks `principal in principals` once per ACE, and a supervisor of 400 groups
    holds 400 group principals."""
    if profile is None:
        return ANONYMOUS
    found = {Everyone, Authenticated, user_principal(profile.login)}
    if profile.admin:
        found.add(ADMIN)
    found.update(group_principal(gid, role) for gid, role in profile.groups.items())
    return frozenset(found)


def request_principals(request):
    """The caller's principals, computed once per request (a page listing 100 groups
    checks a permission on each). They are kept beside the profile they were computed
    for, so a request whose caller changes (logging in) computes them again; a role
    granted during a request counts from the next request on."""
    user = request.user
    cached = request.__dict__.get("_workspace_principals")
    if cached is None or cached[0] is not user:
        cached = request.__dict__["_workspace_principals"] = (user, principals_for(user))
    return cached[1]


class SecurityPolicy:
    """Session cookies for browsers, Bearer tokens for API clients, ACLs for permissions."""

    def __init__(self):
        self.acl = ACLHelper()

    def identity(self, request):
        return request.user

    def authenticated_userid(self, request):
        user = request.user
        return user.login if user is not None else None

    def permits(self, request, context, permission):
        return self.acl.permits(context, request_principals(request), permission)

    def remember(self, request, userid, **kw):
        """Start a fresh session (new id, new CSRF token) recorded on the profile."""
        profile = request.site["people"][userid]
        session = request.session
        session.invalidate()
        session[SESSION_LOGIN] = userid
        session[SESSION_ID] = profile.start_session(session_lifetime(request))
        session.new_csrf_token()
        return []

    def forget(self, request, **kw):
        """End this browser session here and on the profile, so a copied cookie is dead."""
        session = request.session
        profile = request.site["people"].get(session.get(SESSION_LOGIN) or "")
        if profile is not None:
            profile.end_session(session.get(SESSION_ID))
        session.invalidate()
        return []
