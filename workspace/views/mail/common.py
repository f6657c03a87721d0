"""What the mail views share: the JSON shapes, the schemas, and paging of held mail."""
import colander

from ...content.mail import DELIVERIES, MODERATIONS
from ...mail import mail_settings
from ..api import iso
from ..schemas import boolean, strict, text


def mail_json(request, mail):
    settings = mail_settings(request.registry)
    return {"enabled": mail.enabled, "address": settings.group_address(mail.__parent__.__name__),
            "moderation": mail.moderation, "board": mail.board}


def held_json(held):
    return {"id": held.__name__, "from": held.sender, "name": held.sender_name,
            "subject": held.subject, "received": iso(held.received),
            "reasons": list(held.reasons), "login": held.login,
            "reply_to": held.target.title if held.target is not None else None}


def mail_schema():
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(boolean(), name="enabled", missing=colander.drop))
    schema.add(colander.SchemaNode(colander.String(), name="moderation", missing=colander.drop,
                                   validator=colander.OneOf(MODERATIONS)))
    schema.add(colander.SchemaNode(colander.String(allow_empty=True), name="board",
                                   missing=colander.drop, validator=colander.Length(max=64)))
    return schema


def subscription_schema():
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(colander.String(), name="delivery",
                                   validator=colander.OneOf(DELIVERIES)))
    return schema


def reason_schema():
    schema = colander.SchemaNode(strict())
    schema.add(text("reason", 2000, missing=""))
    return schema


def held_params():
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(colander.Integer(), name="page", missing=1,
                                   validator=colander.Range(min=1)))
    schema.add(colander.SchemaNode(colander.Integer(), name="limit", missing=100,
                                   validator=colander.Range(min=1, max=500)))
    return schema


def page_headers(request, total, page, limit):
    """X-Total-Count and a Link to the next page, as every paged list answers."""
    request.response.headers["X-Total-Count"] = str(total)
    if page * limit < total:
        url = request.path_url + f"?page={page + 1}&limit={limit}"
        request.response.headers["Link"] = f'<{url}>; rel="next"'
