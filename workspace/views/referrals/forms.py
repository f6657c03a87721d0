"""The referral forms: asking (`/referrals/@@ask`), and the buttons of a referral's page
(invite, accept or decline, answer, ask back, close, cancel, no expert, consent), each a
POST with the CSRF token that goes back to the page; the signed Accept and Decline links
of the invitation mail (`@@respond?t=...`), which work without logging in.

An action that does not fit the state answers a 409 page and changes nothing."""
import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config, view_defaults

from ...content import referrals as rf
from ...content.roster import COUNTRIES, LANGUAGES, site_themes
from ...mail.referrals import mail_accepted, mail_answer, mail_question
from ..base import AddForm, BaseView, FieldError
from .common import (ask_schema, close_schema, default_respond_by, invite_schema,
                     post_schema, publish_schema, respond_schema)
from .mailing import mail_invitation, mail_reminders, read_respond_token

TEMPLATES = "workspace:views/templates/"
ERROR_PAGE = TEMPLATES + "error.pt"


def refused(request, status, message):
    request.tm.doom()
    response = render_to_response(ERROR_PAGE, {"title": "Not possible now", "status": status,
                                               "message": message}, request)
    response.status = status
    return response


def choices(known):
    return sorted(known.items(), key=lambda item: item[1])


@view_config(context=rf.Referrals, name="ask", renderer=TEMPLATES + "form.pt",
             permission="ask_expertise")
class AskForm(AddForm):
    title = "Ask for expertise"
    created = "Your question is with the facilitation team."
    buttons = ("ask",)

    def schema(self):
        schema = ask_schema(self.request.site)
        schema["question"].widget = deform.widget.TextAreaWidget(rows=8)
        schema["question"].description = ("What you need to know, and for what: the "
                                          "facilitation team finds the experts.")
        themes = dict(site_themes(self.request.site).terms)
        for name, known in (("themes", themes), ("countries", COUNTRIES),
                            ("languages", LANGUAGES)):
            schema[name].widget = deform.widget.SelectWidget(values=choices(known),
                                                             multiple=True, size=6)
        schema["needed_by"].widget = deform.widget.TextInputWidget(
            attributes={"placeholder": "YYYY-MM-DD", "inputmode": "numeric"})
        schema["needed_by"].description = "The day you need the answer by (YYYY-MM-DD)."
        return schema

    def create(self, appstruct):
        try:
            return rf.ask(self.context, self.request.user.login, appstruct["question"],
                          appstruct["themes"], appstruct["countries"],
                          appstruct["languages"], appstruct["needed_by"])
        except ValueError as exc:
            raise FieldError("needed_by", str(exc))


@view_defaults(context=rf.Referral, request_method="POST")
class ReferralActions(BaseView):
    """The buttons of a referral's page."""

    @property
    def roster(self):
        return self.request.site["experts"]

    def fields(self, schema):
        data = {key: value for key, value in self.request.POST.items()
                if key != "csrf_token" and value != ""}
        try:
            return schema.deserialize(data)
        except colander.Invalid as exc:
            raise BadForm("; ".join(f"{k}: {v}" for k, v in exc.asdict().items()))

    def act(self, action, *args, done="Saved."):
        try:
            result = action(self.context, *args)
        except rf.StateError as exc:
            return None, refused(self.request, 409, exc.message)
        except ValueError as exc:
            return None, refused(self.request, 400, str(exc))
        self.request.session.flash(done)
        return result, HTTPFound(self.request.resource_url(self.context))

    def run(self, schema, handle):
        try:
            data = self.fields(schema) if schema is not None else {}
        except BadForm as exc:
            return refused(self.request, 400, str(exc))
        return handle(data)

    @view_config(name="invite", permission="admin")
    def invite(self):
        def handle(data):
            respond_by = data["respond_by"] or default_respond_by(self.context.answer_by)
            invitation, response = self.act(rf.invite, self.roster, data["login"],
                                             respond_by, self.request.user.login,
                                             done=f"{data['login']} is invited.")
            if invitation is not None:
                mail_invitation(self.context, invitation, self.request.site["people"])
            return response
        return self.run(invite_schema(), handle)

    @view_config(name="decide", permission="respond")
    def decide(self):
        def handle(data):
            invitation, response = self.act(rf.respond, self.roster, self.request.user.login,
                                            data["accept"], data["reason"], data["note"],
                                            done="Thank you for answering the invitation.")
            if invitation is not None and data["accept"]:
                mail_accepted(self.context, self.request.site["people"], invitation.login)
            return response
        return self.run(respond_schema(), handle)

    @view_config(name="answer", permission="answer")
    def answer(self):
        def handle(data):
            result, response = self.act(rf.add_answer, self.roster, self.request.user.login,
                                        data["body"], done="Your answer is posted.")
            if response.status_int == 302:
                mail_answer(self.context, self.request.site["people"],
                            self.request.user.title)
            return response
        return self.run(post_schema(), handle)

    @view_config(name="ask-back", permission="ask_back")
    def ask_back(self):
        def handle(data):
            result, response = self.act(rf.ask_back, self.request.user.login, data["body"],
                                        done="Your question is posted.")
            if response.status_int == 302:
                mail_question(self.context, self.request.site["people"])
            return response
        return self.run(post_schema(), handle)

    @view_config(name="close", permission="close")
    def close(self):
        return self.run(close_schema(), lambda data: self.act(
            rf.close, self.roster, self.request.user.login, data["outcome"], data["note"],
            done="The referral is closed.")[1])

    @view_config(name="cancel", permission="close")
    def cancel(self):
        return self.run(None, lambda data: self.act(
            rf.cancel, self.roster, self.request.user.login,
            done="The referral is cancelled.")[1])

    @view_config(name="no-expert", permission="admin")
    def no_expert(self):
        return self.run(None, lambda data: self.act(
            rf.no_expert, self.roster, self.request.user.login,
            done="Marked as having no expert.")[1])

    @view_config(name="publish", permission="admin")
    def publish(self):
        def handle(data):
            group = self.request.site["groups"].get(data["group"])
            collection = group.get("collection") if group is not None else None
            if collection is None or not self.request.has_permission("edit", collection):
                return refused(self.request, 403, "You may not add to that group's "
                                                  "collection.")
            return self.act(rf.publish_as_resource, collection, self.request.user.login,
                            self.request.site["people"],
                            done="It is a case study in the collection now.")[1]
        return self.run(publish_schema(), handle)

    @view_config(name="consent", permission="view")
    def consent(self):
        return self.run(None, lambda data: self.act(
            rf.give_consent, self.request.user.login, done="Thank you for your consent.")[1])


class BadForm(Exception):
    """A form field of a referral's button is not valid (a 400 page)."""


@view_config(context=rf.Referrals, name="reminders", request_method="POST",
             permission="admin")
def send_reminders(request):
    """The overview's button: expire invitations past respond_by, mail what is due."""
    site = request.site
    due = rf.deadline_sweep(request.context, site["experts"])
    sent = mail_reminders(due, site["people"])
    request.session.flash(f"{len(due)} deadlines handled, {sent} reminders mailed.")
    return HTTPFound(request.resource_url(request.context, "@@overview"))


@view_defaults(context=rf.Referral, name="respond", permission=NO_PERMISSION_REQUIRED)
class SignedResponse(BaseView):
    """The Accept and Decline links of the invitation mail: the signed token is the
    expert's word that the link is theirs, so no login is needed; a bad or old token
    names nothing (404). GET only shows a page (mail scanners open links); POST acts."""

    def invitation(self):
        found = read_respond_token(self.context, self.request.params.get("t", ""))
        if found is None:
            raise HTTPNotFound()
        return found

    @view_config(request_method="GET", renderer=TEMPLATES + "referral_respond.pt")
    def show(self):
        invitation, action = self.invitation()
        return {"title": "Your answer to an expert referral", "referral": self.context,
                "invitation": invitation, "action": action,
                "state": invitation.state_at(rf.now_utc()), "reasons": rf.DECLINE_REASONS,
                "token": self.request.params["t"]}

    @view_config(request_method="POST", require_csrf=False)
    def post(self):
        invitation, action = self.invitation()
        reason = self.request.POST.get("reason") or None
        note = (self.request.POST.get("note") or "")[:rf.MAX_NOTE]
        try:
            rf.respond(self.context, self.request.site["experts"], invitation.login,
                       action == "accept", reason, note)
        except rf.StateError as exc:
            return refused(self.request, 409, exc.message)
        except ValueError as exc:
            return refused(self.request, 400, str(exc))
        if action == "accept":
            mail_accepted(self.context, self.request.site["people"], invitation.login)
        self.request.session.flash("Thank you: your answer is recorded.")
        return render_to_response(TEMPLATES + "referral_respond.pt", {
            "title": "Your answer to an expert referral", "referral": self.context,
            "invitation": invitation, "action": action, "state": invitation.state,
            "reasons": rf.DECLINE_REASONS, "token": None}, self.request)
