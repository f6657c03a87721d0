"""The referral pages: the list (`/referrals`, one's own; admins: all), a referral's page
with the actions its reader may take in its state, and the admins' overview."""
from pyramid.view import view_config

from ...content import referrals as rf
from ...content.roster import Names, site_themes
from ...content.text import render_markdown
from ..base import BaseView
from ..paging import Pager
from .api import visible_ids
from .common import default_respond_by

TEMPLATES = "workspace:views/templates/"


@view_config(context=rf.Referrals, renderer=TEMPLATES + "referrals.pt", permission="view")
class ReferralsPage(BaseView):
    def __call__(self):
        pager = Pager(self.request)
        ids = pager.window(visible_ids(self.request))
        return {"title": "Expert referrals", "referrals": [self.context[i] for i in ids],
                "pager": pager.links(), "is_admin": self.request.user.admin,
                "now": rf.now_utc(), "when": self.when}


@view_config(context=rf.Referral, renderer=TEMPLATES + "referral.pt", permission="view")
class ReferralPage(BaseView):
    def __call__(self):
        referral, login = self.context, self.request.user.login
        now = rf.now_utc()
        invitation = referral.invitations.get(login)
        is_admin = self.can("admin")
        candidates = []
        if is_admin and referral.state in ("new", "referred", "answered"):
            candidates = rf.candidates(referral, self.request.site["experts"],
                                       self.request.site["people"])[:20]
        answered_by = {p["author"] for p in referral.answers()}
        return {
            "title": referral.title, "referral": referral, "names": Names(self.request.site),
            "when": self.when, "now": now, "is_admin": is_admin,
            "is_requester": login == referral.requester,
            "my_invitation": invitation.state_at(now) if invitation else None,
            "invitations": [(i, i.state_at(now)) for i in referral.invitations.values()],
            "posts": [dict(p, html=render_markdown(p["body"])) for p in referral.posts],
            "deadlines": rf.deadlines(referral), "candidates": candidates,
            "default_respond_by": default_respond_by(referral.answer_by),
            "reasons": rf.DECLINE_REASONS, "outcomes": rf.OUTCOMES,
            "may_consent": (referral.state in ("answered", "closed")
                            and login in answered_by | {referral.requester}
                            and login not in referral.consents),
            "consented": rf.consented(referral),
            "csrf": self.request.session.get_csrf_token()}


@view_config(context=rf.Referrals, name="overview", renderer=TEMPLATES + "referral_overview.pt",
             permission="admin")
class OverviewPage(BaseView):
    """Open referrals by state and age, the median time to a first answer, decline
    reasons, and a chart of the themes and how many available experts claim each."""

    def __call__(self):
        site = self.request.site
        themes = site_themes(site)
        stats = rf.overview(self.context, site["experts"], site["people"], themes)
        counts = {tid: 0 for tid in themes.ids()}
        for login, entry in site["experts"].entries.items():
            profile = site["people"].get(login)
            if profile is not None and profile.active and entry.available:
                for tid in profile.expertise:
                    if tid in counts:
                        counts[tid] += 1
        top = max(counts.values(), default=0) or 1
        chart = [{"label": themes.label(tid), "count": n, "width": round(300 * n / top)}
                 for tid, n in counts.items()]
        return {"title": "Referrals overview", "stats": stats, "chart": chart,
                "names": Names(site), "reasons": rf.DECLINE_REASONS,
                "buckets": [label for label, _ in rf.AGE_BUCKETS],
                "csrf": self.request.session.get_csrf_token()}
