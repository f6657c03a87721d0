"""The E-mail rows of DESIGN.md's API: a group's mail settings (managers), one's own
subscription, held mail and what managers do with it, and digests (admins)."""
from pyramid.httpexceptions import HTTPNotFound

from ...content.group import Group
from ...content.mail import GroupMail, change_mail_settings, set_delivery
from ...content.site import Site
from ...mail import mail_settings, worker_of
from ...mail.digests import send_due_digests
from ...mail.held import ACTIONS, act_on_held
from ...mail.state import state_near
from ..api import api_error, read_json
from ..base import BaseView, api_defaults, api_view, read_params
from .common import (held_json, held_params, mail_json, mail_schema, page_headers,
                     reason_schema, subscription_schema)


@api_defaults(context=GroupMail, permission="manage_group")
class MailSettingsAPI(BaseView):
    """GET, PUT /api/groups/{g}/mail: `{enabled, address, moderation, board}`."""

    @api_view(request_method="GET")
    def get(self):
        return mail_json(self.request, self.context)

    @api_view(request_method="PUT")
    def put(self):
        data = read_json(self.request, mail_schema())
        if "board" in data:
            data["board"] = data["board"] or None
        try:
            change_mail_settings(self.context, self.request.user.login, **data)
        except ValueError as exc:
            raise api_error(400, "invalid", "Some fields are not valid.",
                            {str(exc): "not one of this group's"})
        return mail_json(self.request, self.context)


def subscription_json(group, login):
    state = state_near(group)
    return {"delivery": group["mail"].delivery_of(login),
            "disabled": state.delivery_disabled(login) if state is not None else None}


@api_defaults(context=Group, name="subscription", permission="view")
class SubscriptionAPI(BaseView):
    """GET, PUT /api/groups/{g}/subscription: the caller's own `{delivery, disabled}`.
    Choosing a delivery again turns delivery back on after bounces stopped it."""

    def __init__(self, context, request):
        super().__init__(context, request)
        if context.role_of(request.user.login) is None:
            raise api_error(403, "not_member", "Only the group's members get its mail.")

    @api_view(request_method="GET")
    def get(self):
        return subscription_json(self.context, self.request.user.login)

    @api_view(request_method="PUT")
    def put(self):
        data = read_json(self.request, subscription_schema())
        login = self.request.user.login
        set_delivery(self.context["mail"], login, data["delivery"])
        state_near(self.context).enable_delivery(login)
        return subscription_json(self.context, login)


@api_defaults(context=Group, name="held", permission="moderate")
class HeldAPI(BaseView):
    """GET /api/groups/{g}/held (paged), POST .../held/{id}/approve|reject|discard."""

    @api_view(request_method="GET")
    def list(self):
        if self.request.subpath:
            raise HTTPNotFound()
        params = read_params(self.request, held_params())
        page, limit = params["page"], params["limit"]
        held, total = self.context["mail"].held_page((page - 1) * limit, limit)
        page_headers(self.request, total, page, limit)
        return [held_json(h) for h in held]

    @api_view(request_method="POST")
    def act(self):
        if len(self.request.subpath) != 2 or self.request.subpath[1] not in ACTIONS:
            raise api_error(404, message="Use .../held/{id}/approve, reject or discard.")
        held_id, action = self.request.subpath
        reason = read_json(self.request, reason_schema())["reason"] \
            if self.request.body else ""
        held = act_on_held(self.context, mail_settings(self.request.registry), held_id,
                           action, self.request.user.login, reason)
        if held is None:
            raise api_error(404, message="That message is no longer held.")
        return {"id": held_id, "action": action}


@api_view(context=Site, name="mail", request_method="POST", permission="admin")
def digests(context, request):
    """POST /api/mail/digests: send the digests due now."""
    if list(request.subpath) != ["digests"]:
        raise HTTPNotFound()
    sent = send_due_digests(request.registry._zodb_databases[""],
                            mail_settings(request.registry))
    worker = worker_of(request.registry)
    if worker is not None:
        worker.wake_send.set()
    return {"queued": sent}
