"""The Collection's pages: a group's collection, a Resource's page (with schema.org
JSON-LD and citation export, readable by anyone once it is on the public web), its file's
download (HTML and API) and the publish button."""
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from ...content.citation import FORMATS, json_ld
from ...content.collection import Collection, Resource, publish_resource
from ...content.roster import country_name, language_name
from ...content.vocabulary import themes_of
from ..api import api_error, is_api
from ..attachments import attachment, download_name
from ..versioned import reader_crumbs, revision_or_404, version_node
from ..base import BaseView, api_view, read_params
from ..paging import Pager
from .common import resource_json

TEMPLATES = "workspace:views/templates/"


@view_config(context=Collection, renderer=TEMPLATES + "collection.pt", permission="view")
class CollectionPage(BaseView):
    def __call__(self):
        pager = Pager(self.request)
        items = sorted(self.context.resources(), key=lambda r: r.changed, reverse=True)
        page = pager.window(items)
        return {"title": "Collection", "view": self, "items": page,
                "links": pager.links()}


@view_config(context=Resource, renderer=TEMPLATES + "resource.pt", permission="view")
class ResourcePage(BaseView):
    def __call__(self):
        request, item = self.request, self.context
        record = resource_json(request, item)
        themes = themes_of(request.site)
        rows = [(label, value) for label, value in (
            ("Authors", "; ".join(record["authors"])),
            ("Publisher", record["publisher"]),
            ("Countries", ", ".join(country_name(c) for c in record["countries"])),
            ("Education levels", ", ".join(v.replace("-", " ") for v in record["levels"])),
            ("Themes", ", ".join(themes.label(t) for t in record["themes"])),
            ("Languages", ", ".join(language_name(c) for c in record["languages"])),
            ("Licence", record["licence"]), ("Review by", record["review_by"] or ""),
            ("Superseded by", record["superseded_by"])) if value]
        return {"title": record["title"], "view": self, "record": record, "rows": rows,
                "type_label": record["type"].replace("-", " ").capitalize(),
                "crumbs": reader_crumbs(request, item), "can_edit": self.can("edit"),
                "can_publish": self.can("moderate"), "csrf": get_csrf_token(request),
                "jsonld": json_ld(item, request.resource_url(item))}


def cite_params():
    import colander
    return colander.SchemaNode(colander.Mapping(), colander.SchemaNode(
        colander.String(), name="format", missing="bibtex",
        validator=colander.OneOf(sorted(FORMATS))))


@view_config(context=Resource, name="cite", request_method="GET", permission="view")
def cite(context, request):
    """The record as a BibTeX, RIS or CSL-JSON file (`?format=`)."""
    fmt = read_params(request, cite_params())["format"]
    write, content_type, ext = FORMATS[fmt]
    response = Response(write(context, request.resource_url(context)),
                        content_type=content_type, charset="utf-8")
    response.content_disposition = f'attachment; filename="{context.__name__}.{ext}"'
    return response


def download_params():
    import colander
    return colander.SchemaNode(colander.Mapping(), version_node("version", missing=None))


@api_view(context=Resource, name="download", request_method="GET", permission="view")
@view_config(context=Resource, name="download", request_method="GET", permission="view")
def download(context, request):
    """The file of a version (`?version=`, the current one by default), as an attachment
    under the name it was uploaded with; 404 when that version has none. An older
    version's file needs `history` (a visitor of the public web gets the current file)."""
    version = read_params(request, download_params())["version"] or context.version
    if version != context.version and not request.has_permission("history", context):
        raise HTTPForbidden()
    revision = revision_or_404(context, version)
    found = revision.file
    if found is None:
        raise api_error(404, message="This version has no file.") if is_api(request) \
            else HTTPNotFound()
    return attachment(found.open(), found.size, found.content_type,
                      download_name(context, found.filename, revision.version))


@view_config(context=Resource, name="publish", request_method="POST", permission="moderate")
def publish(context, request):
    public = request.POST.get("public") == "true"
    publish_resource(context, request.user.login, public)
    request.session.flash("Published to the public web." if public
                          else "Taken off the public web.")
    return HTTPFound(request.resource_url(context))
