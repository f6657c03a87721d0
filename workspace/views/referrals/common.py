"""What the referral pages, forms and API share: the schemas of each action, a referral
as JSON, and the answer to an action that does not fit the state (409, nothing changed)."""
from datetime import datetime, timedelta, timezone

import colander

from ...content.referrals import (DECLINE_REASONS, MAX_NOTE, MAX_POST, MAX_QUESTION,
                                  OUTCOMES, deadlines, now_utc)
from ...content.roster import COUNTRIES, LANGUAGES, site_themes
from ...content.text import render_markdown
from ..api import api_error, iso
from ..schemas import CodeList, boolean, slug_validator, strict, text


class Moment(colander.SchemaType):
    """An ISO 8601 time with its offset (or a date: the end of that day, UTC)."""

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, ""):
            return colander.null
        if not isinstance(cstruct, str):
            raise colander.Invalid(node, "A time like 2026-12-01T12:00:00+00:00.")
        try:
            moment = datetime.fromisoformat(cstruct)
        except ValueError:
            raise colander.Invalid(node, "A time like 2026-12-01T12:00:00+00:00.")
        if moment.tzinfo is None:
            if len(cstruct) == 10:
                return moment.replace(hour=23, minute=59, second=59, tzinfo=timezone.utc)
            raise colander.Invalid(node, "Give the time zone offset.")
        return moment.astimezone(timezone.utc)

    def serialize(self, node, appstruct):
        return colander.null if appstruct in (colander.null, None) else appstruct.isoformat()


def ask_schema(site):
    themes = dict(site_themes(site).terms)
    schema = colander.SchemaNode(strict())
    schema.add(text("question", MAX_QUESTION, title="Your question",
                    validator=colander.Length(min=10)))
    for name, choices, title in (("themes", themes, "Themes"),
                                 ("countries", COUNTRIES, "Countries"),
                                 ("languages", LANGUAGES, "Languages")):
        schema.add(colander.SchemaNode(CodeList(choices), name=name, title=title,
                                       missing=[]))
    schema.add(colander.SchemaNode(colander.Date(), name="needed_by", title="Needed by"))
    return schema


def invite_schema():
    schema = colander.SchemaNode(strict())
    schema.add(text("login", 64, title="Expert", validator=slug_validator))
    schema.add(colander.SchemaNode(Moment(), name="respond_by", missing=None,
                                   title="Respond by"))
    return schema


def respond_schema():
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(boolean(), name="accept"))
    schema.add(colander.SchemaNode(colander.String(), name="reason", missing=None,
                                   validator=colander.OneOf(list(DECLINE_REASONS))))
    schema.add(text("note", MAX_NOTE, missing=""))
    return schema


def post_schema():
    schema = colander.SchemaNode(strict())
    schema.add(text("body", MAX_POST, title="Text", validator=colander.Length(min=1)))
    return schema


def close_schema():
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(colander.String(), name="outcome",
                                   validator=colander.OneOf(list(OUTCOMES))))
    schema.add(text("note", MAX_NOTE, missing=""))
    return schema


def publish_schema():
    schema = colander.SchemaNode(strict())
    schema.add(text("group", 64, title="Group", validator=slug_validator))
    return schema


def conflict(exc):
    """The API's answer to a StateError: 409, the reason, nothing changed."""
    return api_error(409, exc.code, exc.message)


def default_respond_by(needed_by_moment):
    """Three days from now, but not after the answer is needed."""
    return max(min(now_utc() + timedelta(days=3), needed_by_moment),
               now_utc() + timedelta(hours=1))


def referral_json(referral, request):
    """A referral as the caller may read it: decline reasons are for the admins and the
    expert who gave them."""
    login, admin = request.user.login, request.user.admin
    now = now_utc()
    invitations = []
    for expert, invitation in referral.invitations.items():
        item = {"login": expert, "state": invitation.state_at(now),
                "respond_by": iso(invitation.respond_by)}
        if admin or expert == login:
            item.update(reason=invitation.reason, note=invitation.note)
        invitations.append(item)
    posts = [{"author": p["author"], "kind": p["kind"], "body": p["body"],
              "html": render_markdown(p["body"]), "created": iso(p["created"])}
             for p in referral.posts]
    return {"id": referral.__name__, "state": referral.state, "question": referral.question,
            "title": referral.title, "requester": referral.requester,
            "themes": referral.themes, "countries": referral.countries,
            "languages": referral.languages, "needed_by": referral.needed_by.isoformat(),
            "answer_by": iso(referral.answer_by), "created": iso(referral.created),
            "deadlines": [{"label": label, "at": iso(at), "past": past}
                          for label, at, past in deadlines(referral)],
            "invitations": invitations,
            "answers": [p for p in posts if p["kind"] == "answer"], "posts": posts,
            "outcome": referral.outcome, "outcome_note": referral.outcome_note,
            "consents": list(referral.consents), "resource": referral.resource_path,
            "needs_expert": referral.needs_expert()}

