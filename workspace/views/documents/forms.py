"""The HTML writes of documents and files: the new-document and edit forms (the editor),
uploads, a file's page with its new-version form, revert and move to the trash.

Each form is a schema and a save, on the shared form bases; the outcomes the content
classes report (merged, conflict, too large) become messages on the page. Nothing here
asks whether an item is trashed: the trash's ACL refuses "edit" inside it, answered 409.
"""
import re

import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config, view_defaults

from ...content.document import Document, Documents, EditConflict, File, TooLarge, \
    UnknownVersion
from ...content.trash import move_to_trash
from ..base import AddForm, BaseView, EditForm, FieldError
from .common import (create_document, create_file, editors_now, new_document_schema,
                     revision_or_404, save_schema, too_large_message, upload_limit,
                     upload_schema)

TEMPLATES = "workspace:views/templates/"
# The lines `merge_texts` puts around a clash; saving them by mistake is refused in HTML.
CONFLICT_MARKER = re.compile(r"^(<<<<<<< your version|>>>>>>> saved meanwhile)$", re.M)


@view_config(context=Documents, name="new", renderer=TEMPLATES + "document_edit.pt",
             permission="edit")
class NewDocumentForm(AddForm):
    title = "New document"
    created = "Document created."

    def schema(self):
        return new_document_schema()

    def page(self, form_html, **extra):
        return super().page(form_html, doc=None, conflict=None, editors=[],
                            preview_url=self.api_url("@@preview"), **extra)

    def create(self, appstruct):
        return create_document(self.request, self.context, appstruct)


@view_config(context=Document, name="edit", renderer=TEMPLATES + "document_edit.pt",
             permission="edit")
class EditDocumentForm(EditForm):
    """The editor: shows who else has it open, saves on the version it was opened on, and
    on a clash shows both texts, marked, for the person to reconcile."""

    @property
    def title(self):
        return f"Edit {self.context.title}"

    def schema(self):
        return save_schema(api=False)

    def appstruct(self):
        doc = self.context
        return {"title": doc.title, "body": doc.body, "base_version": doc.version,
                "comment": ""}

    def page(self, form_html, **extra):
        extra.setdefault("conflict", None)
        return super().page(form_html, doc=self.context,
                            editors=editors_now(self.request, self.context),
                            presence_url=self.api_url("presence"),
                            preview_url=self.api_url("preview"), **extra)

    def save_success(self, appstruct):
        try:
            return super().save_success(appstruct)
        except EditConflict as conflict:
            html = self.form(self.schema()).render({
                "title": conflict.title, "body": conflict.marked,
                "base_version": conflict.current.version, "comment": appstruct["comment"]})
            return self.page(html, conflict=conflict)

    def update(self, appstruct):
        request, doc = self.request, self.context
        if CONFLICT_MARKER.search(appstruct["body"]):
            raise FieldError("body", "The text still has conflict markers (<<<<<<<, =======, "
                                     ">>>>>>>): keep what you want and remove those lines.")
        try:
            revision, merged = doc.save(appstruct["title"], appstruct["body"],
                                        request.user.login, appstruct["base_version"],
                                        appstruct["comment"])
        except UnknownVersion:
            raise FieldError("body", "The version this edit started from is unknown.")
        self.saved = f"Saved as version {revision.version}" + (
            ", merged with changes others saved meanwhile." if merged else ".")
        editors_now(request, doc, leaving=True)


@view_config(context=Documents, name="upload", renderer=TEMPLATES + "form.pt",
             permission="edit")
class UploadForm(AddForm):
    title = "Upload a file"
    buttons = (deform.Button("submit", "Upload"),)

    def schema(self):
        return upload_schema(new=True)

    def create(self, appstruct):
        upload = appstruct["file"]
        try:
            item = create_file(self.request, self.context, upload["fp"], upload["filename"],
                               upload.get("mimetype"), appstruct["title"],
                               appstruct["comment"])
        except TooLarge:
            raise FieldError("file", too_large_message(self.request))
        self.created = f"“{item.title}” uploaded."
        return item


@view_config(context=File, renderer=TEMPLATES + "document_file.pt", request_method="GET",
             permission="view")
@view_config(context=File, renderer=TEMPLATES + "document_file.pt", request_method="POST",
             permission="edit")
class FilePage(EditForm):
    """The file, its versions, and (for those who may edit it) the form to upload a new
    version."""

    buttons = (deform.Button("submit", "Upload"),)

    @property
    def title(self):
        return self.context.title

    def schema(self):
        return upload_schema(new=False)

    def appstruct(self):
        return {"base_version": self.context.version}

    def page(self, form_html, **extra):
        item = self.context
        return super().page(form_html if self.can("edit") else None, item=item,
                            current=item.current(), revisions=item.history(), **extra)

    def update(self, appstruct):
        upload = appstruct["file"]
        try:
            revision = self.context.upload(upload["fp"], upload["filename"],
                                           upload.get("mimetype"), self.request.user.login,
                                           appstruct["base_version"], appstruct["comment"],
                                           limit=upload_limit(self.request))
        except TooLarge:
            raise FieldError("file", too_large_message(self.request))
        except EditConflict:
            raise FieldError("file", "Someone uploaded a newer version meanwhile; look at "
                                     "it first, then upload again.")
        self.saved = f"Version {revision.version} uploaded."


@view_defaults(request_method="POST", permission="edit")
class ItemActions(BaseView):
    """The buttons on a document's or file's page that change it without a form."""

    @view_config(context=Document, name="revert")
    def revert(self):
        """A new version equal to the one posted; history is never rewritten."""
        doc = self.context
        revision = revision_or_404(self.request, doc, self.request.POST.get("version"))
        new = doc.revert(revision.version, self.request.user.login)
        self.request.session.flash(
            f"Version {revision.version} restored as version {new.version}.")
        return HTTPFound(self.request.resource_url(doc))

    @view_config(context=Document, name="delete")
    @view_config(context=File, name="delete")
    def delete(self):
        item = self.context
        documents = item.__parent__
        move_to_trash(item, self.request.user.login)
        self.request.session.flash(
            f"“{item.title}” was moved to the trash; members can restore it.")
        return HTTPFound(self.request.resource_url(documents))
