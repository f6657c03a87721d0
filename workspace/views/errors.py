"""What callers see when something is absent, hidden or refused, in HTML and in JSON.

A private group's content is 404 to whoever cannot read the group (never 403, never a
title); anonymous callers are asked to log in (401 in the API) whether a path exists or not,
so that nothing about private content can be learnt before logging in.
"""
from pyramid.httpexceptions import HTTPException, HTTPFound
from pyramid.traversal import find_interface
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config
from ZEO.Exceptions import ClientDisconnected

from ..content.group import Group
from ..content.ids import IdTaken
from ..content.trash import WRITE_PERMISSIONS, is_trashed
from .api import api_error, error_body, is_api

ERROR_PAGE = "workspace:views/templates/error.pt"


def hidden(request):
    """True when the caller may not know the context exists: it lies in a group they
    may not read (or see, for the group page itself), or they may not view it at all
    (a deactivated account, for anyone but admins)."""
    group = find_interface(request.context, Group)
    if group is not None and not request.has_permission("view", group):
        return not (request.context is group and request.has_permission("see", group))
    return not request.has_permission("view", request.context)


def login_redirect(request):
    return HTTPFound(request.resource_url(request.site, "login",
                                          query={"came_from": request.path_qs}))


def html_error(request, status, title, message):
    request.response.status = status
    return {"title": title, "message": message, "status": status}


@forbidden_view_config(renderer=ERROR_PAGE)
@forbidden_view_config(route_name="api")
def forbidden(exc, request):
    if request.user is None:
        if is_api(request):
            return api_error(401, message="Log in or send a valid Bearer token.")
        return login_redirect(request)
    if hidden(request):
        return absent(exc, request)
    if (getattr(exc.result, "permission", None) in WRITE_PERMISSIONS
            and is_trashed(request.context) and request.has_permission("view", request.context)):
        return in_trash(request)
    if is_api(request):
        if exc.content_type == "application/json":  # a view's own 403, with its reason
            return exc
        return api_error(403, message="You may see this but not do that.")
    return html_error(request, 403, "Not allowed",
                      "You can see this page but you may not do that here.")


def in_trash(request):
    """The one answer to a change of anything in the trash (its ACL refuses every write)."""
    message = "This is in the trash: restore it first, then change it."
    if is_api(request):
        return api_error(409, "in_trash", message)
    return html_error(request, 409, "In the trash", message)


@notfound_view_config(renderer=ERROR_PAGE)
@notfound_view_config(route_name="api")
def absent(exc, request):
    if request.user is None and not request.path.startswith("/static/"):
        return forbidden(exc, request)
    if is_api(request):
        return api_error(404, message="There is nothing here, or it is not visible to you.")
    return html_error(request, 404, "Not found",
                      "There is nothing at this address, or it is not visible to you.")


@exception_view_config(HTTPException, route_name="api")
def api_http_error(exc, request):
    """Any other HTTP error in the API gets the JSON error shape."""
    if exc.content_type != "application/json":
        exc.content_type = "application/json"
        exc.json_body = error_body(exc.status_code, message=exc.detail or exc.title)
    return exc


@exception_view_config(IdTaken, route_name="api")
def id_taken(exc, request):
    """Every kind answers a taken id the same way."""
    request.tm.doom()  # whatever the view changed before is not kept
    return api_error(409, "taken", "That id is taken; choose another.", {"id": "taken"})


@exception_view_config(ClientDisconnected, renderer=ERROR_PAGE)
@exception_view_config(ClientDisconnected, route_name="api")
def database_unreachable(exc, request):
    """The database server is away (restarting, the network): say so at once; the next
    request after it is back is served as usual. Nothing of this request was saved."""
    request.response.headers["Retry-After"] = "5"
    message = "The database is not reachable just now; nothing was saved. Try again in a moment."
    if is_api(request):
        error = api_error(503, "unavailable", message)
        error.headers["Retry-After"] = "5"
        return error
    return html_error(request, 503, "Unavailable for a moment", message)
