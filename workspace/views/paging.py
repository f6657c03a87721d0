"""Paged lists (DESIGN.md, Scale): `?page=&limit=` (100 by default, 500 at most) and
`?q=` (a name search), `X-Total-Count` and `Link: <...>; rel="next"` on the answer.

Every list of people, groups, members, requests, trash and audit entries reads its
parameters with `paging_params` and answers through `Pager`, in pages and in the API
alike, so that a page costs what it shows. A count that stopped at its cap (a name
search past 10,000 matches, see content/names.py) is sent as `X-Total-Count: 10000`
with `X-Total-Count-Exact: false`, and pages say "10,000 or more".
"""
from urllib.parse import urlencode

import colander

from .base import read_params

DEFAULT_LIMIT, MAX_LIMIT = 100, 500
MAX_QUERY = 200


def paging_params(q=False, **extra):
    """The colander schema of `?page=&limit=` (and `?q=` when `q`); `extra` nodes by
    name are added as they are."""
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(colander.Int(), name="page", missing=1,
                                   validator=colander.Range(1, 10**9)))
    schema.add(colander.SchemaNode(colander.Int(), name="limit", missing=DEFAULT_LIMIT,
                                   validator=colander.Range(1, MAX_LIMIT)))
    if q:
        schema.add(colander.SchemaNode(colander.String(), name="q", missing="",
                                       validator=colander.Length(max=MAX_QUERY)))
    for name, node in extra.items():
        node.name = name
        schema.add(node)
    return schema


class Pager:
    """The page a request asks for, and the headers and links of its answer."""

    def __init__(self, request, q=False, **extra):
        self.request = request
        self.params = read_params(request, paging_params(q, **extra))
        self.page, self.limit = self.params["page"], self.params["limit"]
        self.q = self.params.get("q", "").strip()
        self.total, self.exact = 0, True

    @property
    def start(self):
        return (self.page - 1) * self.limit

    @property
    def stop(self):
        return self.page * self.limit

    def window(self, items):
        """This page of the sequence `items` (which is counted with len())."""
        return self.answer(items[self.start:self.stop], len(items))

    def answer(self, items, total, exact=True):
        """`items` (this page's), with the list's `total`: sets the headers and returns
        `items` as a list."""
        self.total, self.exact = total, exact
        headers = self.request.response.headers
        headers["X-Total-Count"] = str(total)
        if not exact:
            headers["X-Total-Count-Exact"] = "false"
        if self.has_next:
            headers["Link"] = f'<{self.url(self.page + 1)}>; rel="next"'
        return list(items)

    def selected(self, selection):
        """Like `answer`, for a content `Selection` (keys, total, exact): its keys."""
        return self.answer(selection.keys, selection.total, selection.exact)

    @property
    def has_next(self):
        return self.stop < self.total

    @property
    def pages(self):
        return max(1, -(-self.total // self.limit))

    def url(self, page):
        """This request's URL at `page`, its other parameters kept."""
        query = [(k, v) for k, v in self.request.GET.items() if k != "page"]
        query.append(("page", str(page)))
        return f"{self.request.path_url}?{urlencode(query)}"

    def links(self):
        """What a page's template shows: counts, previous and next links."""
        shown = f"{self.total:,}" if self.exact else f"{self.total:,} or more"
        return {"total": self.total, "shown": shown, "page": self.page,
                "pages": self.pages if self.exact else None, "q": self.q,
                "previous": self.url(self.page - 1) if self.page > 1 else None,
                "next": self.url(self.page + 1) if self.has_next else None}
