"""One id rule for the whole tree: no item id can take a page's place."""
import colander
import pytest

from workspace.content.folder import Folder
from workspace.content.ids import RESERVED, unique_id
from workspace.views.schemas import new_id_validator


def container_view_names(registry):
    """(context class, name) of every named view registered on a container kind."""
    found = set()
    for entry in registry.introspector.get_category("views"):
        view = entry["introspectable"]
        context, name = view["context"], view["name"]
        if name and isinstance(context, type) and issubclass(context, Folder):
            found.add((context.__name__, name))
    return found


def test_every_view_of_a_container_is_a_reserved_id(app):
    names = container_view_names(app.registry)
    assert ("Documents", "upload") in names  # the check sees the views it must
    hidden = sorted((context, name) for context, name in names
                    if name.lstrip("@") not in RESERVED)
    assert hidden == []


@pytest.mark.parametrize("name", ["new", "upload", "add", "import", "edit", "history"])
def test_a_reserved_id_is_refused_with_a_message(name):
    with pytest.raises(colander.Invalid, match="reserved"):
        new_id_validator(colander.SchemaNode(colander.String(), name="id"), name)


def test_an_id_derived_from_a_title_never_takes_a_page_name():
    folder = Folder()
    assert unique_id(folder, "New") == "new-2"
    assert unique_id(folder, "Import") == "import-2"


@pytest.mark.parametrize("path, body", [
    ("/api/groups/secret/documents", {"id": "upload", "title": "Upload", "body": ""}),
    ("/api/groups/secret/documents", {"id": "new", "title": "New", "body": ""}),
    ("/api/groups/secret/whiteboards", {"id": "import", "title": "Import"}),
    ("/api/groups/secret/whiteboards", {"id": "add", "title": "Add"}),
    ("/api/groups/secret/boards", {"id": "new-topic", "title": "Topics"}),
    ("/api/groups/secret/calendar", {"id": "import", "title": "Import",
                                     "start": "2026-12-01T10:00:00+00:00",
                                     "end": "2026-12-01T11:00:00+00:00",
                                     "timezone": "UTC"}),
])
def test_every_kind_refuses_a_page_name_as_its_id_with_a_400(cast, path, body):
    response = cast.api["manager"].post_json(path, body, status=400)
    assert "id" in response.json["fields"]
