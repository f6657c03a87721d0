"""The tweens: request size limits and the security headers every response carries, and
writes to one place lined up one after another."""
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


WRITES = ("POST", "PUT", "PATCH", "DELETE")
WAIT_SECONDS = 20  # a write waits this long for the one before it, then answers 503


def write_key(request):
    """What a write request changes, coarsely: `groups/<g>/<tool>` (a group's documents,
    boards, calendar, whiteboards, members...) or `groups/<g>`; None for other requests."""
    if request.method not in WRITES:
        return None
    parts = [p for p in request.path.split("/") if p]
    if parts[:1] == ["api"]:
        parts = parts[1:]
    if parts[:1] != ["groups"] or len(parts) < 2:
        return None
    return "/".join(parts[:3])


def one_writer_at_a_time_tween_factory(handler, registry):
    """Concurrent writes to one place (replies to one topic, saves of one document, role
    grants in one group, ops on one whiteboard) touch the same objects, so in ZODB they
    conflict and are run again, and under a burst some run out of attempts. Within one
    process such writes therefore wait for each other here, outside the transaction (this
    tween sits over pyramid_tm), and each starts from the state the previous one committed;
    across processes a conflict is still caught and retried (pyramid_retry), between a few
    contenders at most. Writes to different groups or tools go on side by side (up to lock
    striping), and reads never wait."""
    locks = [threading.Lock() for _ in range(256)]

    def tween(request):
        key = write_key(request)
        if key is None:
            return handler(request)
        lock = locks[hash(key) % len(locks)]
        if not lock.acquire(timeout=WAIT_SECONDS):
            response = error_response(request, 503, "busy", "Too many changes to this at "
                                                            "once; try again in a moment.")
            response.headers["Retry-After"] = "2"
            return response
        try:
            return handler(request)
        finally:
            lock.release()

    return tween
