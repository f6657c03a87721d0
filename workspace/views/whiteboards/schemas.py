"""What a person may send about whiteboards, shared by the forms and the API: a board's
id and title, a version's note, and the query strings of the API (the ops and elements
themselves are the domain's: `content.whiteboard_format.ops_schema`)."""
import colander

from ...content.ids import MAX_LEN
from ...content.whiteboard import MAX_TITLE
from ..schemas import new_id_validator, strict, text
from ..widgets import id_node


def whiteboard_schema(with_id=True):
    """A new board (`id` optional) or a renamed one (title only)."""
    schema = colander.SchemaNode(strict())
    schema.add(colander.SchemaNode(colander.String(), name="title",
                                   validator=colander.Length(min=1, max=MAX_TITLE)))
    if with_id:
        schema.add(id_node(missing=colander.drop))
    return schema


def version_schema():
    schema = colander.SchemaNode(strict())
    schema.add(text("comment", 500, missing="", title="Note (optional)"))
    return schema


def ops_params():
    """`GET .../ops?since=N`: the last sequence number the caller has seen."""
    schema = colander.SchemaNode(colander.Mapping(unknown="ignore"))
    schema.add(colander.SchemaNode(colander.Integer(), name="since", missing=0,
                                   validator=colander.Range(min=0)))
    return schema


def import_params():
    """`POST .../whiteboards/import?id=&title=`: both optional (the title is cut to size,
    the id must be one a new item may take)."""
    schema = colander.SchemaNode(colander.Mapping(unknown="ignore"))
    schema.add(text("id", MAX_LEN, missing=None, validator=new_id_validator))
    schema.add(colander.SchemaNode(colander.String(), name="title", missing="",
                                   preparer=lambda value: value.strip()[:MAX_TITLE]
                                   if isinstance(value, str) else value))
    return schema
