"""The read pages of documents and files: the Documents tab, a document and any old
version of it, the history of a document or file, and the diff between two versions.

They change nothing (a reader's visit writes nothing to the database); old versions,
history and diffs need `history`, which the group's readers hold and a visitor of a public
Resource does not (they read its current version only). The editor, uploads
and actions are in `forms`, the JSON twins in `api`. A trashed item's pages still answer,
with a notice and without edit controls (the trash's ACL refuses "edit").
"""
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config, view_defaults

from ...content.diff import diff_rows
from ...content.document import Document, Documents, File
from ..base import BaseView, read_params
from .common import query_schema, revision_or_404

TEMPLATES = "workspace:views/templates/"
HISTORY_PAGE = 100


@view_defaults(permission="view")
class DocumentPages(BaseView):
    """Templates get `view` (its group, `when`, `can`, `trashed`) and what they show."""

    def page(self, title, **values):
        return dict(title=title, view=self, **values)

    @view_config(context=Documents, renderer=TEMPLATES + "documents.pt")
    def listing(self):
        return self.page("Documents", items=self.context.documents_and_files())

    @view_config(context=Document, renderer=TEMPLATES + "document.pt")
    def current(self):
        doc = self.context
        return self.page(doc.title, doc=doc, revision=doc.current(), old=False)

    @view_config(context=Document, name="versions", renderer=TEMPLATES + "document.pt",
                 permission="history")
    def version(self):
        doc = self.context
        if len(self.request.subpath) != 1:
            return HTTPFound(self.request.resource_url(doc, "@@history"))
        revision = revision_or_404(self.request, doc, self.request.subpath[0])
        return self.page(f"{revision.title} (version {revision.version})", doc=doc,
                         revision=revision, old=True)

    @view_config(context=Document, name="history",
                 renderer=TEMPLATES + "document_history.pt", permission="history")
    @view_config(context=File, name="history", renderer=TEMPLATES + "document_history.pt",
                 permission="history")
    def history(self):
        """A hundred versions at most, newest first, with a link to the older ones."""
        item = self.context
        params = read_params(self.request, query_schema("limit", "before"))
        limit = min(params["limit"] or HISTORY_PAGE, HISTORY_PAGE)
        revisions = item.history(limit, params["before"])
        older = revisions[-1].version if revisions and revisions[-1].version > 1 else None
        return self.page(f"History of {item.title}", item=item, revisions=revisions,
                         older=older, newest=item.version,
                         is_document=isinstance(item, Document))

    @view_config(context=Document, name="diff", renderer=TEMPLATES + "document_diff.pt",
                 permission="history")
    def diff(self):
        """`?from=&to=` (by default the last change), line by line."""
        doc = self.context
        params = read_params(self.request, query_schema("from", "to"))
        old = revision_or_404(self.request, doc, params["from"] or doc.version - 1 or 1)
        new = revision_or_404(self.request, doc, params["to"] or doc.version)
        return self.page(f"Changes in {doc.title}", doc=doc, old=old, new=new,
                         hunks=diff_rows(old.body, new.body),
                         title_changed=old.title != new.title)
