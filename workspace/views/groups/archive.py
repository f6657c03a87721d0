"""The group's whole archive as a download for its managers (`@@download` on the group,
and the same under /api/), and the link to it on the group's settings page.

The zip is written to a temporary file first, while the request's database connection is
open, then streamed from it with its length, so the browser shows how far the download
is; the app's memory holds one file version at a time however large the group. Someone
must both manage the group and read its content: an admin who holds no role in a private
group manages it but does not read it, and so does not get its archive either.
"""
import html
import tempfile

from pyramid.events import BeforeRender, subscriber
from pyramid.httpexceptions import HTTPForbidden
from pyramid.response import FileIter, Response
from pyramid.view import view_config

from ...archive import GroupExported, export_group
from ...archive.store import ZipOut
from ...content.events import notify
from ...content.group import Group
from ..base import api_view
from .forms import EditGroupForm

NAME = "download"  # a reserved id already (content/ids.py), so no item can hide it


@view_config(context=Group, name=NAME, permission="manage_group")
@api_view(context=Group, name=NAME, permission="manage_group", request_method="GET")
def download_archive(context, request):
    """The group's archive as `<group>-archive.zip`, one folder named after the group."""
    if not request.has_permission("view", context):
        raise HTTPForbidden("Only those who read the group's content take its archive.")
    spool = tempfile.TemporaryFile()
    export_group(context, ZipOut(spool, f"{context.__name__}/"))
    notify(GroupExported(request.user.login, context, "download"))
    size = spool.tell()
    spool.seek(0)
    response = Response(app_iter=FileIter(spool), content_type="application/zip",
                        content_length=size)
    response.content_disposition = f'attachment; filename="{context.__name__}-archive.zip"'
    response.cache_control = "no-store"
    return response


@subscriber(BeforeRender)
def link_on_settings_page(event):
    """Below the settings form (the shared form.pt), a link to the archive for those who
    may take it."""
    values = event.rendering_val  # what the view returned: the form's page
    view = values.get("view") if isinstance(values, dict) else None
    if not isinstance(view, EditGroupForm) or "form" not in values:
        return
    request, group = view.request, view.context
    if not (request.has_permission("manage_group", group)
            and request.has_permission("view", group)):
        return
    url = html.escape(request.resource_url(group, f"@@{NAME}"))
    values["form"] = str(values["form"]) + (  # form.pt writes it as `structure`
        f'<p class="archive-link"><a href="{url}" download>Download the group\'s whole '
        "archive</a> (a zip: documents with every revision, files, discussions, calendar, "
        "whiteboards, the collection, Discussion Summaries and members, in open "
        "formats)</p>")
