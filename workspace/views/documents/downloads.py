"""Downloading any version of a file, in HTML and in the API (`.../@@download?version=`).

Uploads are whatever people send, so a download must never become a page of this site:
it is always an attachment, with a type a browser may be told only when it is known to be
harmless, and a sandbox policy. It keeps the name its uploader gave it (a file called
`observation-rubric-v2.pdf` downloads under that name), cleaned of paths, quotes and
control characters, with an ASCII fallback for old clients (RFC 6266 / RFC 5987).
"""
import re
from urllib.parse import quote

from anyascii import anyascii
from pyramid.response import Response
from pyramid.view import view_config

from ...content.document import File, clean_filename, extension_of
from ..base import api_view, read_params
from .common import query_schema, revision_or_404

# Types a browser may be told as they are; anything else (HTML, SVG, XML, scripts) is
# sent as application/octet-stream. Every download is an attachment either way.
SAFE_TYPES = {"application/pdf", "application/zip", "application/msword",
              "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
              "application/vnd.oasis.opendocument.text",
              "application/vnd.oasis.opendocument.spreadsheet",
              "application/vnd.oasis.opendocument.presentation",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "application/vnd.openxmlformats-officedocument.presentationml.presentation",
              "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain", "text/csv",
              "audio/mpeg", "video/mp4"}


@api_view(context=File, name="download", permission="view")
@view_config(context=File, name="download", permission="view")
def download(context, request):
    """The bytes of a version (`?version=`, the current one by default), always as an
    attachment, under the name that version was uploaded with."""
    version = read_params(request, query_schema("version"))["version"]
    revision = revision_or_404(request, context, version or context.version)
    content_type = revision.content_type if revision.content_type in SAFE_TYPES \
        else "application/octet-stream"
    response = Response(content_type=content_type, app_iter=FileIterOf(revision.open()),
                        content_length=revision.size)
    response.headers["Content-Disposition"] = disposition(download_name(context, revision))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


NOT_PLAIN = re.compile(r'[^A-Za-z0-9 ._()+,=@-]+')


def download_name(item, revision):
    """The name `revision` was uploaded with (no path, no control characters), or
    "<id>-v<version>.<extension>" when it came without one."""
    name = clean_filename(revision.filename) if revision.filename else ""
    if name and name != "upload":
        return name
    ext = extension_of(revision.filename or "")
    return f"{item.__name__}-v{revision.version}" + (f".{ext}" if ext else "")


def disposition(name):
    """`attachment` with `name` for every client: a plain ASCII `filename` (quotes,
    semicolons and the like replaced) and the exact name as UTF-8 in `filename*`."""
    plain = NOT_PLAIN.sub("_", anyascii(name)).strip(" .") or "download"
    header = f'attachment; filename="{plain}"'
    if plain != name:
        header += "; filename*=UTF-8''" + quote(name, safe="")
    return header


class FileIterOf:
    """Stream an open blob in blocks and close it at the end."""

    def __init__(self, fp, block=64 * 1024):
        self.fp, self.block = fp, block

    def __iter__(self):
        try:
            while True:
                data = self.fp.read(self.block)
                if not data:
                    break
                yield data
        finally:
            self.fp.close()

    def close(self):
        self.fp.close()
