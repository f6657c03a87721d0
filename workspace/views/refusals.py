"""How a change that content refuses for a reason people can act on is answered: in the
API a 409 with the reason, on a page the reason as a message on the page the person came
from. The refusal is raised by content before it changes anything, and an exception view's
transaction is aborted by pyramid_tm, so nothing of the request is kept.
"""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import exception_view_config

from ..content.group import LastManager
from .api import api_error


@exception_view_config(LastManager, route_name="api")
def last_manager_api(exc, request):
    return api_error(409, "last_manager", str(exc))


@exception_view_config(LastManager)
def last_manager_page(exc, request):
    """Back to the group's members page, which says why."""
    request.session.flash(str(exc))
    return HTTPSeeOther(request.resource_url(exc.group, "@@members"))
