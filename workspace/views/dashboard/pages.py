"""`/groups/<g>/@@dashboard` (the group's managers): members by country (a bar chart),
new and active members per month, consultations and how long each waited for its
summary, resources due for review; `?format=csv` gives the same figures as CSV.

Figures come from what the group holds: its role map (members and their profiles'
countries and join dates), its boards (who posted when; consultations) and its
collection. Only the group's managers see them (`moderate`), never an admin without a
role, since consultation titles are the group's content.
"""
import csv
from datetime import date, datetime, timezone
import io

import colander
from pyramid.response import Response
from pyramid.view import view_config

from ...content.collection import Resource
from ...content.group import Group
from ...content.roster import country_name
from ...content.summary import is_consultation, state_of
from ..base import BaseView, read_params

MONTHS = 12
BAR_WIDTH, ROW = 320, 22


def months_back(today, n=MONTHS):
    """The last `n` months as "YYYY-MM", oldest first."""
    out, year, month = [], today.year, today.month
    for _ in range(n):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def month_of(moment):
    return f"{moment.year:04d}-{moment.month:02d}"


def figures(site, group, today):
    people = site["people"]
    by_country, joined = {}, {}
    for login in group.roles.keys():
        profile = people.get(login)
        if profile is None:
            continue
        name = country_name(profile.country) if profile.country else "Not given"
        by_country[name] = by_country.get(name, 0) + 1
        joined[month_of(profile.created)] = joined.get(month_of(profile.created), 0) + 1
    months = months_back(today)
    active = {m: set() for m in months}
    consultations = []
    for board in group["boards"].values():
        for topic in board.values():
            posts = [topic] + list(topic.values())
            for post in posts:
                key = month_of(post.created)
                if key in active:
                    active[key].add(post.author)
            if is_consultation(topic):
                summary = topic.summary
                done = summary.published_at if summary.published else None
                waited = ((done or datetime.now(timezone.utc)) - topic.created).days
                consultations.append({"title": topic.title, "state": state_of(topic),
                                      "asked": topic.created.date().isoformat(),
                                      "waited_days": waited, "topic": topic})
    due = [item for item in group["collection"].values()
           if isinstance(item, Resource) and item.due_for_review(today)]
    return {"by_country": sorted(by_country.items(), key=lambda kv: (-kv[1], kv[0])),
            "months": [(m, joined.get(m, 0), len(active[m])) for m in months],
            "consultations": sorted(consultations, key=lambda c: c["asked"],
                                    reverse=True),
            "due": due}


def bars(rows, scale):
    """(label, value, width in px, y) of a horizontal bar chart."""
    top = max([value for _, value in rows] or [1]) or 1
    return [(label, value, max(2, int(scale * value / top)), n * ROW)
            for n, (label, value) in enumerate(rows)]


def as_csv(data):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "key", "value"])
    for name, count in data["by_country"]:
        writer.writerow(["members by country", name, count])
    for month, new, active in data["months"]:
        writer.writerow(["new members", month, new])
        writer.writerow(["active members", month, active])
    for c in data["consultations"]:
        writer.writerow([f"consultation ({c['state']})", c["title"], c["waited_days"]])
    for item in data["due"]:
        writer.writerow(["due for review", item.title, item.facets["review_by"]])
    return out.getvalue()


def format_params():
    return colander.SchemaNode(colander.Mapping(), colander.SchemaNode(
        colander.String(), name="format", missing="html",
        validator=colander.OneOf(["html", "csv"])))


@view_config(context=Group, name="dashboard", permission="moderate",
             renderer="workspace:views/templates/dashboard.pt")
class DashboardPage(BaseView):
    def __call__(self):
        data = figures(self.request.site, self.context, date.today())
        if read_params(self.request, format_params())["format"] == "csv":
            response = Response(as_csv(data), content_type="text/csv", charset="utf-8")
            response.content_disposition = (
                f'attachment; filename="{self.context.__name__}-dashboard.csv"')
            return response
        month_rows = data["months"]
        return {"title": f"Dashboard: {self.context.title}", "view": self, "data": data,
                "countries": bars(data["by_country"][:30], BAR_WIDTH),
                "new": bars([(m, n) for m, n, _ in month_rows], BAR_WIDTH),
                "active": bars([(m, a) for m, _, a in month_rows], BAR_WIDTH),
                "row": ROW, "label_width": 160}
