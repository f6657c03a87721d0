"""How a request finds the site in ZODB, and which requests need a CSRF token."""
from pyramid_zodbconn import get_connection

from .content.site import appmaker
from .security import SESSION_COOKIE, bearer_token


def root_factory(request):
    return request.site


def site_of_request(request):
    return appmaker(get_connection(request).root())


def csrf_applies(request):
    """Browsers always prove CSRF; Bearer-token clients, and API calls without a session
    cookie (nothing for a forged request to ride on), do not need to."""
    if bearer_token(request) is not None:
        return False
    if request.path.startswith("/api/"):
        return SESSION_COOKIE in request.cookies
    return True
