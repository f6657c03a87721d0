"""The consultations' JSON API (DESIGN.md): asking (`POST .../boards/{b}/consultations`),
closing and reopening, and the Discussion Summary: read, save on a base version (merged,
or 409 with both texts), history, versions, diff, revert and publish; a person's choice
to be named in summaries (`PUT /api/people/{login}/citation`).

A summary's citations must be replies of its topic: anything else is a 400 that saves
nothing. Writes need `moderate` (the group's managers), which the trash's ACL refuses.
The managers read the newest text and every version; the consultation's readers the
published version and the history up to it; a visitor of the public web the published
text only.
"""
from pyramid.httpexceptions import HTTPForbidden

from ...content.board import Board, Topic
from ...content.document import EditConflict
from ...content.people import Profile
from ...content.summary import (NotAConsultation, Summary, UnknownCitation,
                                close_consultation, publish_summary, reopen_consultation,
                                revert_summary, save_summary, set_cited_by_name)
from ..api import api_error, iso, read_json
from ..base import BaseView, api_defaults, api_view
from ..versioned import (conflict_error, diff_answer, history_answer, known_base,
                         revert_schema, revision_or_404)
from .common import (citation_schema, consultation_json, consultation_schema,
                     create_consultation, group_reader, publish_schema, reads_draft,
                     reopen_schema, summary_json, summary_schema)


def citation_error(exc):
    return api_error(400, "bad_citation", str(exc), {"body": str(exc)})


@api_defaults(context=Board)
class ConsultationsAPI(BaseView):
    @api_view(name="consultations", request_method="POST", permission="edit")
    def create(self):
        data = read_json(self.request, consultation_schema())
        topic = create_consultation(self.context, data, self.request.user.login)
        self.request.response.status = 201
        return {"id": topic.__name__}


@api_defaults(context=Topic)
class ConsultationAPI(BaseView):
    @api_view(name="consultation", request_method="GET", permission="view")
    def get(self):
        return consultation_json(self.context)

    @api_view(name="close", request_method="POST", permission="moderate")
    def close(self):
        return self.change(close_consultation)

    @api_view(name="reopen", request_method="POST", permission="moderate")
    def reopen(self):
        data = read_json(self.request, reopen_schema()) if self.request.body else {}
        return self.change(reopen_consultation, data.get("reply_by"))

    def change(self, how, *args):
        try:
            how(self.context, self.request.user.login, *args)
        except NotAConsultation:
            raise api_error(409, "not_consultation", "This topic is not a consultation.")
        return consultation_json(self.context)


@api_defaults(context=Summary)
class SummaryAPI(BaseView):
    @api_view(request_method="GET", permission="view")
    def get(self):
        self.request.response.headers["ETag"] = f'"{self.context.version}"'
        return summary_json(self.request, self.context)

    @api_view(request_method="PUT", permission="moderate")
    def put(self):
        summary, data = self.context, read_json(self.request, summary_schema())
        base = known_base(summary, data["base_version"] or summary.version)
        try:
            revision, merged = save_summary(summary, data["body"], self.request.user.login,
                                            base, data["comment"])
        except UnknownCitation as exc:
            raise citation_error(exc)
        except EditConflict as conflict:
            raise conflict_error(conflict)
        return dict(summary_json(self.request, summary), merged=merged)

    def readable_upto(self):
        """The newest version the caller may see in the history: any (None) for the
        managers, the published one for the consultation's readers; a visitor of the
        public web reads the published text only (their 401/404)."""
        if reads_draft(self.request, self.context):
            return None
        if not group_reader(self.request, self.context):
            raise HTTPForbidden()
        return self.context.readable_revision(draft=False).version

    @api_view(name="history", request_method="GET", permission="view")
    def history(self):
        return history_answer(self.request, self.context, self.readable_upto())

    @api_view(name="versions", request_method="GET", permission="view")
    def version(self):
        if len(self.request.subpath) != 1:
            return self.history()
        revision = revision_or_404(self.context, self.request.subpath[0],
                                   self.readable_upto())
        return {"version": revision.version, "body": revision.body,
                "author": revision.author, "date": iso(revision.date),
                "comment": revision.comment}

    @api_view(name="diff", request_method="GET", permission="view")
    def diff(self):
        return diff_answer(self.request, self.context, "summary", self.readable_upto())[2]

    @api_view(name="revert", request_method="POST", permission="moderate")
    def revert(self):
        data = read_json(self.request, revert_schema())
        revision_or_404(self.context, data["version"])
        try:
            revision = revert_summary(self.context, data["version"],
                                      self.request.user.login, data["comment"])
        except UnknownCitation as exc:
            raise citation_error(exc)
        return {"version": revision.version}

    @api_view(name="publish", request_method="POST", permission="moderate")
    def publish(self):
        data = read_json(self.request, publish_schema())
        publish_summary(self.context, self.request.user.login, data["published"],
                        data["public"])
        return summary_json(self.request, self.context)


@api_view(context=Profile, name="citation", request_method="PUT", permission="edit_profile")
def citation_choice(context, request):
    """Whether summaries name this person (`{named: true}`) or show only their country."""
    data = read_json(request, citation_schema())
    set_cited_by_name(context, data["named"], request.user.login)
    return {"login": context.login, "named": data["named"]}
