"""Downloading any version of a file, in HTML and in the API (`.../@@download?version=`),
always as an attachment under the name it was uploaded with (views/attachments.py)."""
from pyramid.view import view_config

from ...content.document import File
from ..attachments import attachment, download_name
from ..base import api_view, read_params
from .common import query_schema, revision_or_404


@api_view(context=File, name="download", permission="view")
@view_config(context=File, name="download", permission="view")
def download(context, request):
    """The bytes of a version (`?version=`, the current one by default), always as an
    attachment, under the name that version was uploaded with."""
    version = read_params(request, query_schema("version"))["version"]
    revision = revision_or_404(request, context, version or context.version)
    return attachment(revision.open(), revision.size, revision.content_type,
                      download_name(context, revision.filename, revision.version))
