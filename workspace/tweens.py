"""The tweens: request size limits and the security headers every response carries, and
writes to one whiteboard lined up one after another."""
import threading

from pyramid.settings import asbool

from .views.api import error_response

MB = 1024 * 1024

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")


def limits_and_headers_factory(handler, registry):
    settings = registry.settings
    json_limit = int(settings.get("workspace.max_json_bytes", 10 * MB))
    upload_limit = int(settings.get("workspace.max_upload_bytes", 50 * MB))
    hsts = asbool(settings.get("workspace.secure_cookies", False))

    def tween(request):
        length = request.content_length or 0
        is_upload = (request.content_type or "").startswith("multipart/form-data")
        limit = upload_limit + MB if is_upload else json_limit
        if length > limit:
            response = error_response(request, 413, "too_large",
                                      f"The request body is over {limit // MB} MB.")
        else:
            response = handler(request)
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", CSP)
        if not request.path.startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")
        if hsts:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    return tween


def board_write_key(request):
    """`group/whiteboards/id` for a write to a whiteboard (or its versions), else None."""
    if request.method not in ("POST", "PUT", "DELETE"):
        return None
    parts = request.path.split("/")
    if "whiteboards" not in parts:
        return None
    at = parts.index("whiteboards")
    return "/".join(parts[at - 1:at + 2])


def board_writes_tween_factory(handler, registry):
    """Every applied op takes the next sequence number of its board, so two transactions
    writing the same board at once always conflict in ZODB. Within one process, writes to
    a board therefore wait for each other here, outside the transaction (the tween sits
    over pyramid_tm), and each starts from the state the previous one committed; across
    processes the conflict is still caught and the request retried (pyramid_retry)."""
    locks = [threading.Lock() for _ in range(64)]

    def tween(request):
        key = board_write_key(request)
        if key is None:
            return handler(request)
        with locks[hash(key) % len(locks)]:
            return handler(request)

    return tween
