"""The consultations' pages: asking a consultation (`@@new-consultation` on a board),
closing and reopening it, the Discussion Summary's page (readable by anyone once it is on
the public web), its edit form and the publish buttons, and a person's choice to be
named in summaries (`/people/<login>/@@citation`). Its managers read the newest text,
marked as a draft while it is newer than the published one; everyone else reads the
published version, and the public web names the facilitation team, not a login.
"""
import json

import colander
import deform
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound
from pyramid.traversal import find_interface
from pyramid.view import view_config

from ...content.board import Board, Topic
from ...content.document import EditConflict
from ...content.group import Group
from ...content.people import Profile
from ...content.summary import (NotAConsultation, Summary, UnknownCitation, cited_by_name,
                                close_consultation, publish_summary, reopen_consultation,
                                save_summary, set_cited_by_name, state_of)
from ..base import AddForm, BaseView, EditForm, FieldError, FormView
from ..schemas import boolean
from ..versioned import reader_crumbs
from .common import (FACILITATORS, consultation_schema, create_consultation, end_of_day,
                     group_reader, shown_revision, summary_html, summary_schema)

TEMPLATES = "workspace:views/templates/"
FORM = TEMPLATES + "form.pt"
STATES = {"open": "Open for replies", "closed": "Closed: replies have stopped",
          "summarised": "Summarised"}


def schema_org(request, summary, shown):
    """schema.org JSON-LD of a published summary (a Report by the community), of the
    version the reader reads (`shown`)."""
    if not summary.published:
        return None
    data = {"@context": "https://schema.org", "@type": "Report", "name": summary.title,
            "url": request.resource_url(summary), "inLanguage": "en",
            "dateModified": shown.date.isoformat(),
            "datePublished": summary.published_at.isoformat()
            if summary.published_at else None}
    return json.dumps(data).replace("</", "<\\/")


@view_config(context=Board, name="new-consultation", renderer=FORM, permission="edit")
class NewConsultationForm(AddForm):
    title = "Ask a consultation"
    created = "Consultation opened."

    def schema(self):
        return consultation_schema(form=True)

    def create(self, appstruct):
        data = dict(appstruct, reply_by=end_of_day(appstruct["reply_by"]))
        return create_consultation(self.context, data, self.request.user.login)


@view_config(context=Topic, name="close", request_method="POST", permission="moderate")
@view_config(context=Topic, name="reopen", request_method="POST", permission="moderate")
def close_or_reopen(context, request):
    how = close_consultation if request.view_name == "close" else reopen_consultation
    try:
        how(context, request.user.login)
        request.session.flash("Consultation closed." if how is close_consultation
                              else "Consultation reopened.")
    except NotAConsultation:
        request.session.flash("This topic is not a consultation.")
    return HTTPFound(request.resource_url(context))


@view_config(context=Summary, renderer=TEMPLATES + "summary.pt", permission="view")
class SummaryPage(BaseView):
    def __call__(self):
        summary, request = self.context, self.request
        topic, shown = summary.topic, shown_revision(request, summary)
        return {"title": summary.title, "view": self, "summary": summary, "shown": shown,
                "by": None if group_reader(request, summary) else FACILITATORS,
                "draft": not summary.published or shown.version != summary.published_version,
                "crumbs": reader_crumbs(request, topic), "state_label": STATES[state_of(topic)],
                "html": summary_html(request, summary, shown.body),
                "can_edit": self.can("moderate"),
                "new_since": summary.new_since(shown), "stale": summary.stale(shown),
                "csrf": get_csrf_token(request), "jsonld": schema_org(request, summary, shown),
                "topic_url": request.resource_url(topic)
                if self.can("view", topic) else None, "mails": mail_enabled(self.group)}


def mail_enabled(group):
    return group is not None and "mail" in group and group["mail"].enabled


@view_config(context=Summary, name="publish", request_method="POST", permission="moderate")
def publish(context, request):
    choice, announced = request.POST.get("publish"), context.announced_version
    publish_summary(context, request.user.login, choice in ("group", "public"),
                    choice == "public")
    mailed = context.announced_version != announced and mail_enabled(
        find_interface(context, Group))
    request.session.flash({"group": "Published to the group.",
                           "public": "Published to the public web."}.get(choice,
                                                                          "Unpublished.") +
                          (" Its mail readers get it under the question." if mailed else ""))
    return HTTPFound(request.resource_url(context))


@view_config(context=Summary, name="edit", renderer=FORM, permission="moderate")
class EditSummaryForm(EditForm):
    title = "Edit the Discussion Summary"
    saved = "Summary saved."

    def schema(self):
        schema = summary_schema(api=False)
        schema["body"].description = ("Cite a reply as [[reply:000001]] (the number after "
                                      "#r in its link).")
        return schema

    def appstruct(self):
        return {"body": self.context.body, "base_version": self.context.version}

    def update(self, appstruct):
        try:
            save_summary(self.context, appstruct["body"], self.request.user.login,
                         appstruct["base_version"], appstruct["comment"])
        except UnknownCitation as exc:
            raise FieldError("body", str(exc))
        except EditConflict:
            raise FieldError("body", "Others changed the same lines since you opened it; "
                                     "nothing was saved. Copy your text, reload, and merge.")


@view_config(context=Profile, name="citation", renderer=FORM, permission="edit_profile")
class CitationChoiceForm(FormView):
    """A person's switch: summaries cite them by name and country, or only as "a member
    from <country>"."""

    title = "How Discussion Summaries cite you"
    buttons = ("save",)

    def schema(self):
        schema = colander.SchemaNode(colander.Mapping())
        schema.add(colander.SchemaNode(
            boolean(), name="named", missing=False,
            title="Name me (name and country) where a summary cites my replies; "
                  "otherwise only \"a member from my country\"",
            widget=deform.widget.CheckboxWidget()))
        return schema

    def appstruct(self):
        return {"named": cited_by_name(self.context)}

    def save_success(self, appstruct):
        set_cited_by_name(self.context, appstruct["named"], self.request.user.login)
        self.request.session.flash("Saved.")
        return HTTPFound(self.request.resource_url(self.context))
