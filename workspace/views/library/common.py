"""What the library's page and API share: the query string, which records the reader's
library is made of, and the answer's shape with codes shown as names."""
import colander

from ...content.library import (FACETS, SORTS, group_entries, public_entries,
                                 search_library, today)
from ...content.roster import country_name, language_name
from ...content.vocabulary import themes_of
from ..api import iso
from ..base import read_params
from ..schemas import boolean

PAGE, MAX_LIMIT = 20, 100


def library_params():
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(colander.String(), name="q", missing="",
                                   validator=colander.Length(max=200)))
    for facet in FACETS:
        item = colander.SchemaNode(colander.String(), validator=colander.Length(max=64))
        schema.add(colander.SchemaNode(colander.Sequence(accept_scalar=True), item,
                                       name=facet, missing=(),
                                       validator=colander.Length(max=20)))
    schema.add(colander.SchemaNode(colander.String(), name="sort", missing="changed",
                                   validator=colander.OneOf(SORTS)))
    schema.add(colander.SchemaNode(colander.Integer(), name="page", missing=1,
                                   validator=colander.Range(1, 10**6)))
    schema.add(colander.SchemaNode(colander.Integer(), name="limit", missing=PAGE,
                                   validator=colander.Range(1, MAX_LIMIT)))
    schema.add(colander.SchemaNode(boolean(), name="due", missing=False))
    return schema


def read_library_params(request):
    return read_params(request, library_params())


def readable_groups(request, permission="view"):
    """The groups whose content the caller may read (`permission`): their own and the
    open ones; never a group by any other way."""
    user, groups = request.user, request.site["groups"]
    if user is None:
        return []
    ids = set(gid for gid in user.groups if gid in groups)
    if permission == "view":
        ids.update(groups.open)
    return [groups[gid] for gid in sorted(ids)
            if request.has_permission(permission, groups[gid])]


def reader_entries(request, due=False):
    """The records of the caller's library: their groups' (managed ones only for the
    due-for-review list) and, for everyone, those on the public web."""
    groups = readable_groups(request, "moderate" if due else "view")
    entries, seen = [], set()
    for group in groups:
        seen.add(group.__name__)
        entries.extend(group_entries(group))
    if not due:
        entries.extend(public_entries(request.site, seen))
    return entries


def labeller(request):
    themes = themes_of(request.site)
    names = {"type": lambda v: v.replace("-", " ").capitalize(),
             "country": country_name, "language": language_name, "theme": themes.label,
             "level": lambda v: v.replace("-", " ").capitalize(), "year": str}
    return names


def facets_json(request, counts, params):
    names = labeller(request)
    out = {}
    for facet in FACETS:
        chosen = set(params[facet])
        values = sorted(counts[facet].items(),
                        key=lambda kv: (-kv[1], kv[0]) if facet != "year" else (kv[0],),
                        reverse=facet == "year")
        out[facet] = [{"value": v, "label": names[facet](v), "count": n,
                       "selected": v in chosen} for v, n in values]
    return out


def entry_json(request, entry):
    facets = entry.facets
    return {"path": entry.path, "url": request.application_url + entry.path + "/",
            "kind": entry.kind, "type": facets["type"], "title": entry.title,
            "abstract": facets.get("abstract", ""), "year": facets.get("year"),
            "countries": list(facets["countries"]), "themes": list(facets["themes"]),
            "group": entry.group_id, "changed": iso(entry.changed),
            "public": entry.public}


def library_answer(request, params, extra_filters=None):
    """{total, page, pages, results, facets} of the caller's library for `params`."""
    filters = {facet: params[facet] for facet in FACETS}
    for facet, values in (extra_filters or {}).items():
        filters[facet] = list(filters[facet]) + list(values)
    entries = reader_entries(request, due=params["due"])
    found, counts = search_library(entries, params["q"], filters, params["sort"],
                                   due_before=today() if params["due"] else None)
    start = (params["page"] - 1) * params["limit"]
    return {"total": len(found), "page": params["page"],
            "pages": max(1, -(-len(found) // params["limit"])),
            "results": [entry_json(request, e) for e in found[start:start +
                                                                 params["limit"]]],
            "facets": facets_json(request, counts, params)}

