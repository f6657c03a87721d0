"""Uploads and downloads that every kind with files shares (documents' Files, Resources):
the upload limit, and a download that can never become a page of this site.

Uploads are whatever people send, so a download is always an attachment, with a type a
browser may be told only when it is known to be harmless, and a sandbox policy. It keeps
the name its uploader gave it (a file called `observation-rubric-v2.pdf` downloads under
that name), cleaned of paths, quotes and control characters, with an ASCII fallback for
old clients (RFC 6266 / RFC 5987).
"""
import re
from urllib.parse import quote

from anyascii import anyascii
from pyramid.response import Response

from ..content.document import clean_filename, extension_of

MB = 1024 * 1024

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
NOT_PLAIN = re.compile(r'[^A-Za-z0-9 ._()+,=@-]+')


def upload_limit(request):
    """The largest upload, in bytes, this site takes (`workspace.max_upload_bytes`)."""
    return int(request.registry.settings.get("workspace.max_upload_bytes", 50 * MB))


def too_large_message(request):
    limit = upload_limit(request)
    size = f"{limit / MB:g} MB" if limit >= MB else f"{limit / 1024:g} KB"
    return f"The file is over the upload limit of {size}; nothing was stored."


def attachment(stream, size, content_type, name):
    """A response streaming `stream` (an open blob) as an attachment called `name`."""
    content_type = content_type if content_type in SAFE_TYPES else \
        "application/octet-stream"
    response = Response(content_type=content_type, app_iter=FileIterOf(stream),
                        content_length=size)
    response.headers["Content-Disposition"] = disposition(name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def download_name(item, filename, version):
    """The name a file was uploaded with (no path, no control characters), or
    "<id>-v<version>.<extension>" when it came without one."""
    name = clean_filename(filename) if filename else ""
    if name and name != "upload":
        return name
    ext = extension_of(filename or "")
    return f"{item.__name__}-v{version}" + (f".{ext}" if ext else "")


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
