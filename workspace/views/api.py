"""JSON API plumbing: the error shape of DESIGN.md and validated request bodies."""
import itertools
import json
import re

import colander
from pyramid.httpexceptions import status_map
from pyramid.response import Response

ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large",
               415: "unsupported_media_type", 429: "too_many_attempts", 503: "unavailable"}


def is_api(request):
    return request.path.startswith("/api/") or request.path == "/api"


def error_body(status, code=None, message="", fields=None):
    body = {"error": code or ERROR_CODES.get(status, "error"), "message": message}
    if fields:
        body["fields"] = fields
    return body


def error_response(request, status, code=None, message="", fields=None):
    """A JSON error answer (returned, not raised: the transaction still commits)."""
    response = Response(json=error_body(status, code, message, fields), status=status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="workspace"'
    return response


def api_error(status, code=None, message="", fields=None):
    """An exception to raise: the JSON error answer, and the transaction is aborted."""
    exc = status_map[status]()
    exc.content_type = "application/json"
    exc.text = json.dumps(error_body(status, code, message, fields))
    if status == 401:
        exc.headers["WWW-Authenticate"] = 'Bearer realm="workspace"'
    return exc


def invalid_fields(exc):
    """colander's errors by field name; errors of the whole body (unknown keys) as `_body`."""
    return {key or "_body": msg for key, msg in exc.asdict().items()}


MAX_NESTING = 100
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def nesting_depth(text):
    """How deeply arrays and objects nest in JSON `text`, found without parsing it (the
    parser would hit Python's recursion limit first)."""
    steps = (1 if c in "[{" else -1 for c in _BRACKETS.findall(_STRINGS.sub("", text)))
    return max(itertools.accumulate(steps, initial=0))


def read_json(request, schema):
    """The request's JSON body, validated by `schema` (a colander Mapping that raises on
    unknown fields); anything else is a 400 or 415 that changes nothing."""
    if request.content_type != "application/json":
        raise api_error(415, message="Send the body as application/json.")
    try:
        text = request.body.decode("utf-8")
        if nesting_depth(text) > MAX_NESTING:
            raise ValueError("nested too deeply")
        data = json.loads(text or "null")
        # Lone surrogates ("\ud800") parse but can be neither stored nor shown.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeError):
        raise api_error(400, "bad_json", "The body is not valid JSON (UTF-8, nested "
                                         f"at most {MAX_NESTING} deep).")
    if not isinstance(data, dict):
        raise api_error(400, "bad_json", "The body must be a JSON object.")
    try:
        return schema.bind(request=request).deserialize(data)
    except colander.Invalid as exc:
        raise api_error(400, "invalid", "Some fields are not valid.", invalid_fields(exc))


def iso(dt):
    return dt.isoformat(timespec="seconds") if dt is not None else None
