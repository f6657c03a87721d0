"""The referrals' JSON API (DESIGN.md, Expert roster and referrals): asking, reading,
candidates, inviting, responding, answering, asking back, closing, cancelling; the
admins' overview and the deadline sweep. An action that does not fit the state is a 409
(`wrong_state`, `expired`, `already_invited`...) and changes nothing."""
from pyramid.traversal import resource_path
from pyramid.view import view_config

from ...content import referrals as rf
from ...content.roster import site_themes
from ...mail.referrals import mail_accepted, mail_answer, mail_question
from ..api import api_error, read_json
from ..base import BaseView, api_defaults
from ..paging import Pager
from .common import (ask_schema, close_schema, conflict, default_respond_by, invite_schema,
                     post_schema, publish_schema, referral_json, respond_schema)
from .mailing import mail_invitation, mail_reminders


def visible_ids(request):
    """The ids of the referrals the caller may read, newest first: all for admins, else
    those they asked or were invited to (and may still read)."""
    referrals = request.site["referrals"]
    if request.user.admin:
        return referrals.all_ids()
    return [rid for rid in referrals.ids_of(request.user.login)
            if request.has_permission("view", referrals[rid])]


def publish_target(request, group_id):
    """The collection of group `group_id` if the caller may add to it (else 400/403)."""
    group = request.site["groups"].get(group_id)
    collection = group.get("collection") if group is not None else None
    if collection is None:
        raise api_error(400, "invalid", "No such group.", {"group": "unknown"})
    if not request.has_permission("edit", collection):
        raise api_error(403, "forbidden", "You may not add to that group's collection.")
    return collection


@api_defaults(context=rf.Referrals)
class ReferralsAPI(BaseView):
    @view_config(request_method="GET", permission="view")
    def list(self):
        pager = Pager(self.request)
        referrals = self.context
        return [referral_json(referrals[rid], self.request)
                for rid in pager.window(visible_ids(self.request))]

    @view_config(request_method="POST", permission="ask_expertise")
    def create(self):
        data = read_json(self.request, ask_schema(self.request.site))
        try:
            referral = rf.ask(self.context, self.request.user.login, data["question"],
                              data["themes"], data["countries"], data["languages"],
                              data["needed_by"])
        except ValueError as exc:
            raise api_error(400, "invalid", str(exc), {"needed_by": str(exc)})
        self.request.response.status = 201
        return {"id": referral.__name__}

    @view_config(name="overview", request_method="GET", permission="admin")
    def overview(self):
        site = self.request.site
        return rf.overview(self.context, site["experts"], site["people"], site_themes(site))

    @view_config(name="reminders", request_method="POST", permission="admin")
    def reminders(self):
        """Expire invitations past respond_by and mail the reminders due now (a scheduler
        may call this as often as it likes: each reminder goes once)."""
        site = self.request.site
        due = rf.deadline_sweep(self.context, site["experts"])
        sent = mail_reminders(due, site["people"])
        return {"due": [{"kind": kind, "id": referral.__name__, "login": login}
                        for kind, referral, login in due], "mailed": sent}


@api_defaults(context=rf.Referral)
class ReferralAPI(BaseView):
    @property
    def roster(self):
        return self.request.site["experts"]

    def act(self, action, *args):
        try:
            return action(self.context, *args)
        except rf.StateError as exc:
            raise conflict(exc)
        except ValueError as exc:
            raise api_error(400, "invalid", str(exc))

    def answer(self):
        return referral_json(self.context, self.request)

    @view_config(request_method="GET", permission="view")
    def get(self):
        return self.answer()

    @view_config(name="candidates", request_method="GET", permission="admin")
    def candidates(self):
        return [{key: c[key] for key in ("login", "name", "score", "eligible", "reasons",
                                         "parts")}
                for c in rf.candidates(self.context, self.roster, self.request.site["people"])]

    @view_config(name="invite", request_method="POST", permission="admin")
    def invite(self):
        data = read_json(self.request, invite_schema())
        respond_by = data["respond_by"] or default_respond_by(self.context.answer_by)
        invitation = self.act(rf.invite, self.roster, data["login"], respond_by,
                              self.request.user.login)
        mail_invitation(self.context, invitation, self.request.site["people"])
        return self.answer()

    @view_config(name="respond", request_method="POST", permission="respond")
    def respond(self):
        data = read_json(self.request, respond_schema())
        self.act(rf.respond, self.roster, self.request.user.login, data["accept"],
                 data["reason"], data["note"])
        if data["accept"]:
            mail_accepted(self.context, self.request.site["people"], self.request.user.login)
        return self.answer()

    @view_config(name="answers", request_method="POST", permission="answer")
    def add_answer(self):
        data = read_json(self.request, post_schema())
        self.act(rf.add_answer, self.roster, self.request.user.login, data["body"])
        mail_answer(self.context, self.request.site["people"], self.request.user.title)
        self.request.response.status = 201
        return self.answer()

    @view_config(name="questions", request_method="POST", permission="ask_back")
    def ask_back(self):
        data = read_json(self.request, post_schema())
        self.act(rf.ask_back, self.request.user.login, data["body"])
        mail_question(self.context, self.request.site["people"])
        self.request.response.status = 201
        return self.answer()

    @view_config(name="close", request_method="POST", permission="close")
    def close(self):
        data = read_json(self.request, close_schema())
        self.act(rf.close, self.roster, self.request.user.login, data["outcome"],
                 data["note"])
        return self.answer()

    @view_config(name="cancel", request_method="POST", permission="close")
    def cancel(self):
        self.act(rf.cancel, self.roster, self.request.user.login)
        return self.answer()

    @view_config(name="no-expert", request_method="POST", permission="admin")
    def no_expert(self):
        self.act(rf.no_expert, self.roster, self.request.user.login)
        return self.answer()

    @view_config(name="publish", request_method="POST", permission="admin")
    def publish(self):
        """Make it a case study in the collection of group `group` (an admin who may
        add to that collection)."""
        data = read_json(self.request, publish_schema())
        collection = publish_target(self.request, data["group"])
        resource = self.act(rf.publish_as_resource, collection, self.request.user.login,
                            self.request.site["people"])
        return dict(self.answer(), resource=resource_path(resource))

    @view_config(name="consent", request_method="POST", permission="view")
    def consent(self):
        self.act(rf.give_consent, self.request.user.login)
        return self.answer()

