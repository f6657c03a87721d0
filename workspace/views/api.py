"""JSON API plumbing: the error shape of DESIGN.md and validated request bodies."""
import json

import colander
from pyramid.httpexceptions import status_map
from pyramid.response import Response

ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large",
               415: "unsupported_media_type", 429: "too_many_attempts"}


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


def read_json(request, schema):
    """The request's JSON body, validated by `schema` (a colander Mapping that raises on
    unknown fields); anything else is a 400 or 415 that changes nothing."""
    if request.content_type != "application/json":
        raise api_error(415, message="Send the body as application/json.")
    try:
        data = json.loads(request.body.decode("utf-8") or "null")
    except (ValueError, UnicodeDecodeError):
        raise api_error(400, "bad_json", "The body is not valid JSON.")
    if not isinstance(data, dict):
        raise api_error(400, "bad_json", "The body must be a JSON object.")
    try:
        return schema.bind(request=request).deserialize(data)
    except colander.Invalid as exc:
        raise api_error(400, "invalid", "Some fields are not valid.", invalid_fields(exc))


def iso(dt):
    return dt.isoformat(timespec="seconds") if dt is not None else None
