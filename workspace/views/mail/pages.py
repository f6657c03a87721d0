"""The mailgroup's pages: the group's mail page (its address, your delivery, and for
managers the settings and a link to held mail), the held list with bulk actions, the page
a held-mail notice links to, and the unsubscribe page of List-Unsubscribe (POST is the
RFC 8058 one-click unsubscribe: no cookie, no CSRF token, the signed link is the proof)."""
from pyramid.httpexceptions import HTTPFound
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config, view_defaults

from ...content.board import Board
from ...content.mail import DELIVERIES, MODERATIONS, GroupMail, change_mail_settings, set_delivery
from ...content.site import Site
from ...mail import mail_settings
from ...mail.held import ACTIONS, act_on_held
from ...mail.keys import read_token
from ...mail.notices import REASONS
from ...mail.state import state_near
from ..base import BaseView, read_params
from .common import held_params

TEMPLATES = "workspace:views/templates/"
DONE = {"approve": "Approved", "reject": "Rejected", "discard": "Discarded"}


@view_defaults(context=GroupMail, permission="view")
class MailPage(BaseView):
    @view_config(request_method="GET", renderer=TEMPLATES + "mail.pt")
    def show(self):
        mail, login = self.context, self.request.user.login
        state = state_near(mail)
        return {"title": f"Mail: {self.group.title}", "mail": mail, "group": self.group,
                "address": mail_settings(self.request.registry).group_address(
                    self.group.__name__),
                "member": self.group.role_of(login) is not None,
                "delivery": mail.delivery_of(login), "deliveries": DELIVERIES,
                "disabled": state.delivery_disabled(login), "moderations": MODERATIONS,
                "boards": [b for b in self.group["boards"].values() if isinstance(b, Board)],
                "can_manage": self.can("manage_group"), "can_moderate": self.can("moderate"),
                "held_count": mail.held_count(),
                "csrf": self.request.session.get_csrf_token()}

    @view_config(request_method="POST", request_param="delivery")
    def subscribe(self):
        login = self.request.user.login
        delivery = self.request.POST["delivery"]
        if self.group.role_of(login) is not None and delivery in DELIVERIES:
            set_delivery(self.context, login, delivery)
            state_near(self.context).enable_delivery(login)
            self.request.session.flash("Your mail delivery is saved.")
        return HTTPFound(self.request.resource_url(self.context))

    @view_config(request_method="POST", request_param="moderation",
                 permission="manage_group")
    def settings(self):
        post = self.request.POST
        try:
            change_mail_settings(self.context, self.request.user.login,
                                 enabled=post.get("enabled") == "on",
                                 moderation=post["moderation"],
                                 board=post.get("board") or None)
            self.request.session.flash("Mail settings saved.")
        except ValueError:
            self.request.session.flash("Choose a moderation and a board of this group.")
        return HTTPFound(self.request.resource_url(self.context))


@view_defaults(context=GroupMail, name="held", permission="moderate",
               renderer=TEMPLATES + "mail_held.pt")
class HeldPage(BaseView):
    """Held mail, oldest first, with actions on each and on all that are ticked."""

    @view_config(request_method="GET")
    def show(self):
        params = read_params(self.request, held_params())
        page, limit = params["page"], params["limit"]
        held, total = self.context.held_page((page - 1) * limit, limit)
        return {"title": f"Held mail: {self.group.title}", "held": held, "total": total,
                "page": page, "more": page * limit < total, "reasons": REASONS,
                "group": self.group, "csrf": self.request.session.get_csrf_token()}

    @view_config(request_method="POST")
    def act(self):
        post = self.request.POST
        action = post.get("action")
        ids = post.getall("ids") if "ids" in post else []
        if action in ACTIONS:
            done = [i for i in ids[:500] if act_on_held(
                self.group, mail_settings(self.request.registry), i, action,
                self.request.user.login, post.get("reason", "")[:2000]) is not None]
            self.request.session.flash(f"{DONE[action]} {len(done)} message"
                                       f"{'s' * (len(done) != 1)}.")
        return HTTPFound(self.request.resource_url(self.context, "@@held"))


def held_from_token(request):
    """(group, held message, manager login) a notice's link names, or Nones."""
    parts = read_token(mail_settings(request.registry).secret, "held",
                       request.subpath[0] if len(request.subpath) == 1 else "", 3)
    if parts is None:
        return None, None, None
    gid, held_id, login = parts
    group = request.site["groups"].get(gid)
    if group is None or group.role_of(login) != "manager":
        return None, None, None
    return group, group["mail"].get_held(held_id), login


@view_config(context=Site, name="held", renderer=TEMPLATES + "mail_action.pt",
             permission=NO_PERMISSION_REQUIRED)
def held_action(context, request):
    """The page a held-mail notice links to: what is held, and one button per action."""
    group, held, login = held_from_token(request)
    done = None
    if request.method == "POST" and group is not None and held is not None:
        action = request.POST.get("action")
        if action in ACTIONS:
            act_on_held(group, mail_settings(request.registry), held.__name__, action, login,
                        request.POST.get("reason", "")[:2000])
            done = action
    if group is None:
        request.response.status = 404
    return {"title": "Held mail", "group": group, "held": held, "done": done,
            "reasons": REASONS, "csrf": request.session.get_csrf_token()}


@view_config(context=Site, name="unsubscribe", renderer=TEMPLATES + "unsubscribe.pt",
             permission=NO_PERMISSION_REQUIRED, require_csrf=False)
def unsubscribe(context, request):
    """GET shows what the link does and a button; POST (the button, or a mail client's
    one-click `List-Unsubscribe=One-Click`) sets the delivery to `none`."""
    parts = read_token(mail_settings(request.registry).secret, "unsub",
                       request.subpath[0] if len(request.subpath) == 1 else "", 2)
    group = request.site["groups"].get(parts[0]) if parts else None
    if group is None:
        request.response.status = 404
        return {"title": "Unsubscribe", "group": None, "done": False}
    done = request.method == "POST"
    if done:
        set_delivery(group["mail"], parts[1], "none")
    return {"title": "Unsubscribe", "group": group, "done": done}
