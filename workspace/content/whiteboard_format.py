"""Whiteboard elements in and out: what a valid element and op batch are (colander
schemas), and Excalidraw (`.excalidraw`) export and import; the SVG is drawn by
`whiteboard_svg.py`.

Plain functions over elements (dicts in Excalidraw's field names) and scenes (the parsed
JSON of a file), so that the API, the HTML forms and the tests use them alike; bad input
raises `colander.Invalid` (an element or op batch) or `WhiteboardFormatError` (a file).

An element keeps every field Excalidraw writes (groups, roundness, arrow bindings and
the shapes' `boundElements`, links, frames, pictures, freedraw pressures, bound text's own
colour and line height...), each checked for its kind and bounded, so that a file that
goes in comes out as it was and arrows keep following their shapes. A field Excalidraw
does not write is refused. The schema follows the element types Excalidraw 0.18 documents
(`packages/element/src/types.ts`).
"""
import base64
import json
import math

import colander

from .whiteboard import (ELEMENT_TYPES, MAX_ELEMENTS, MAX_OPS_PER_BATCH, MAX_TEXT,
                         MAX_TITLE, BadFile, add_whiteboard, read_data_url)
from .whiteboard_svg import LINEAR, STICKY_COLOUR, render_svg  # noqa: F401 (re-exported)

ID_RE = r"^[A-Za-z0-9_-]{1,64}\Z"  # \Z: a trailing newline must not pass
FILE_ID_RE = r"^[A-Za-z0-9_-]{1,128}\Z"
INDEX_RE = r"^[0-9A-Za-z]{1,64}\Z"  # a fractional index (Excalidraw's drawing order)
LINK_RE = r"^(https?://|mailto:)[^\s]{1,2000}\Z"
COLOUR_RE = r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|transparent)\Z"
MAX_COORD = 1_000_000
MAX_SIZE = 200_000
MAX_POINTS = 5_000
MAX_GROUPS = 32  # groups an element is in (nested groups)
MAX_BOUND = 500  # arrows and labels bound to one shape
MAX_CUSTOM_BYTES = 10_000
MAX_CUSTOM_DEPTH = 6
ARROWHEADS = ("arrow", "triangle", "triangle_outline", "bar", "dot", "circle", "circle_outline",
              "diamond", "diamond_outline", "crowfoot_one", "crowfoot_many",
              "crowfoot_one_or_many")
# Looks, not content: an import drops a value of these it cannot read rather than refuse.
STYLE_FIELDS = frozenset(("strokeColor", "backgroundColor", "fillStyle", "strokeWidth",
                          "strokeStyle", "roughness", "opacity", "fontFamily", "textAlign",
                          "verticalAlign", "startArrowhead", "endArrowhead", "angle", "locked",
                          "roundness", "link", "customData", "lineHeight", "index", "seed",
                          "versionNonce", "updated"))


class Number(colander.Number):
    """A JSON number (not a string, not a boolean), finite."""

    num = float

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        if isinstance(cstruct, bool) or not isinstance(cstruct, (int, float)) \
                or not math.isfinite(cstruct):
            raise colander.Invalid(node, "Give a finite number.")
        return float(cstruct)


class Integer(Number):
    """A JSON whole number (not a string, not a boolean)."""

    def deserialize(self, node, cstruct):
        value = super().deserialize(node, cstruct)
        if value is colander.null:
            return value
        if value != int(value):
            raise colander.Invalid(node, "Give a whole number.")
        return int(value)


class Flag(colander.SchemaType):
    """A JSON true or false (colander.Boolean would take "false" as true)."""

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        if not isinstance(cstruct, bool):
            raise colander.Invalid(node, "Give true or false.")
        return cstruct


class JSONData(colander.SchemaType):
    """Any JSON an element carries for its app (`customData`), bounded in size and depth."""

    def deserialize(self, node, cstruct):
        if cstruct is colander.null:
            return colander.null
        if not isinstance(cstruct, dict):
            raise colander.Invalid(node, "Give an object.")
        if depth(cstruct) > MAX_CUSTOM_DEPTH:
            raise colander.Invalid(node, f"At most {MAX_CUSTOM_DEPTH} levels deep.")
        try:
            size = len(json.dumps(cstruct, allow_nan=False))
        except (TypeError, ValueError):
            raise colander.Invalid(node, "Give plain JSON.")
        if size > MAX_CUSTOM_BYTES:
            raise colander.Invalid(node, f"At most {MAX_CUSTOM_BYTES} bytes.")
        return cstruct


def depth(value, level=1):
    """How deeply `value` nests (stops counting past MAX_CUSTOM_DEPTH)."""
    if level > MAX_CUSTOM_DEPTH or not isinstance(value, (dict, list)):
        return level
    items = value.values() if isinstance(value, dict) else value
    return max((depth(item, level + 1) for item in items), default=level)


class Nullable(colander.SchemaNode):
    """A field inside a nested object that may be JSON null (kept as None)."""

    def deserialize(self, cstruct=colander.null):
        return None if cstruct is None else super().deserialize(cstruct)


class Point(colander.TupleSchema):
    x = colander.SchemaNode(Number(), validator=colander.Range(-MAX_COORD, MAX_COORD))
    y = colander.SchemaNode(Number(), validator=colander.Range(-MAX_COORD, MAX_COORD))


def number(name, low, high, missing=colander.drop):
    return colander.SchemaNode(Number(), name=name, missing=missing,
                               validator=colander.Range(low, high))


def string(name, validator, missing=colander.drop):
    return colander.SchemaNode(colander.String(allow_empty=True), name=name, missing=missing,
                               validator=validator)


def colour(name):
    return string(name, colander.Regex(COLOUR_RE, "Use #rgb, #rrggbb or transparent."))


def choice(name, values):
    return string(name, colander.OneOf(values))


def whole(name, low, high):
    return colander.SchemaNode(Integer(), name=name, missing=colander.drop,
                               validator=colander.Range(low, high))


def flag(name):
    return colander.SchemaNode(Flag(), name=name, missing=colander.drop)


def point(name, node_class=colander.SchemaNode):
    return node_class(colander.Sequence(), Point(name="point"), name=name,
                      missing=colander.drop, validator=colander.Length(max=MAX_POINTS))


def mapping(name, *children, node_class=colander.SchemaNode):
    node = node_class(colander.Mapping(unknown="raise"), name=name, missing=colander.drop)
    for child in children:
        node.add(child)
    return node


def binding(name):
    """Where an arrow's end is bound: the shape, and how it sits on it."""
    fixed = Nullable(colander.Tuple(), name="fixedPoint", missing=colander.drop)
    fixed.add(colander.SchemaNode(Number(), name="x", validator=colander.Range(-10, 10)))
    fixed.add(colander.SchemaNode(Number(), name="y", validator=colander.Range(-10, 10)))
    node = mapping(name, string("elementId", colander.Regex(ID_RE), missing=colander.required),
                   number("focus", -10, 10), number("gap", -MAX_SIZE, MAX_SIZE), fixed,
                   choice("mode", ("inside", "orbit", "skip")))
    return node


def typed_list(name, item, max_items):
    return colander.SchemaNode(colander.Sequence(), item, name=name, missing=colander.drop,
                               validator=colander.Length(max=max_items))


def excalidraw_fields():
    """The fields Excalidraw writes beyond geometry and looks, each bounded."""
    bound = colander.SchemaNode(colander.Mapping(unknown="raise"), name="bound")
    bound.add(string("id", colander.Regex(ID_RE), missing=colander.required))
    bound.add(choice("type", ("text", "arrow")))
    bound["type"].missing = colander.required
    segment = colander.SchemaNode(colander.Mapping(unknown="raise"), name="segment")
    segment.add(Point(name="start"))
    segment.add(Point(name="end"))
    segment.add(colander.SchemaNode(Integer(), name="index", validator=colander.Range(0, MAX_POINTS)))
    crop = mapping("crop", *(number(n, -MAX_SIZE, MAX_SIZE, missing=colander.required)
                             for n in ("x", "y", "width", "height", "naturalWidth",
                                       "naturalHeight")))
    scale = colander.SchemaNode(colander.Tuple(), name="scale", missing=colander.drop)
    scale.add(colander.SchemaNode(Number(), name="x", validator=colander.Range(-1, 1)))
    scale.add(colander.SchemaNode(Number(), name="y", validator=colander.Range(-1, 1)))
    return [
        typed_list("groupIds", colander.SchemaNode(colander.String(), name="group",
                                                   validator=colander.Regex(ID_RE)), MAX_GROUPS),
        string("frameId", colander.Regex(ID_RE)),
        string("index", colander.Regex(INDEX_RE)),
        mapping("roundness", colander.SchemaNode(Integer(), name="type",
                                                 validator=colander.Range(1, 3)),
                Nullable(Number(), name="value", missing=colander.drop,
                         validator=colander.Range(0, MAX_SIZE))),
        whole("seed", 0, 2 ** 53), whole("versionNonce", -(2 ** 53), 2 ** 53),
        whole("updated", 0, 2 ** 53), flag("isDeleted"),
        typed_list("boundElements", bound, MAX_BOUND),
        string("link", colander.Regex(LINK_RE, "Links are http(s) or mailto addresses.")),
        colander.SchemaNode(JSONData(), name="customData", missing=colander.drop),
        # text
        string("originalText", colander.Length(max=MAX_TEXT)), flag("autoResize"),
        number("lineHeight", 0.1, 10), number("baseline", -MAX_SIZE, MAX_SIZE),
        # lines and arrows
        Point(name="lastCommittedPoint", missing=colander.drop),
        binding("startBinding"), binding("endBinding"), flag("elbowed"), flag("polygon"),
        typed_list("fixedSegments", segment, 100), flag("startIsSpecial"),
        flag("endIsSpecial"),
        # freedraw
        typed_list("pressures", colander.SchemaNode(Number(), name="pressure",
                                                    validator=colander.Range(0, 1)),
                   MAX_POINTS),
        flag("simulatePressure"),
        # images and frames
        string("fileId", colander.Regex(FILE_ID_RE)),
        choice("status", ("pending", "saved", "error")), scale, crop,
        string("name", colander.Length(max=MAX_TITLE)),
    ]


def element_schema():
    """One element, Excalidraw's field names; anything else is refused."""
    schema = colander.SchemaNode(colander.Mapping(unknown="raise"), name="element")
    schema.add(string("id", colander.Regex(ID_RE, "Use 1 to 64 of A-Z a-z 0-9 _ -."),
                      missing=colander.required))
    schema.add(choice("type", ELEMENT_TYPES))
    schema["type"].missing = colander.required
    schema.add(number("x", -MAX_COORD, MAX_COORD, missing=colander.required))
    schema.add(number("y", -MAX_COORD, MAX_COORD, missing=colander.required))
    schema.add(number("width", -MAX_SIZE, MAX_SIZE, missing=0.0))
    schema.add(number("height", -MAX_SIZE, MAX_SIZE, missing=0.0))
    schema.add(number("angle", -2 * math.pi, 2 * math.pi))
    schema.add(colander.SchemaNode(colander.Sequence(), Point(name="point"), name="points",
                                   missing=colander.drop,
                                   validator=colander.Length(max=MAX_POINTS)))
    schema.add(string("text", colander.Length(max=MAX_TEXT)))
    schema.add(colander.SchemaNode(colander.String(), name="containerId", missing=colander.drop,
                                   validator=colander.Regex(ID_RE)))
    schema.add(colour("strokeColor"))
    schema.add(colour("backgroundColor"))
    schema.add(choice("fillStyle", ("solid", "hachure", "cross-hatch", "zigzag")))
    schema.add(number("strokeWidth", 0, 100))
    schema.add(choice("strokeStyle", ("solid", "dashed", "dotted")))
    schema.add(number("roughness", 0, 10))
    schema.add(number("opacity", 0, 100))
    schema.add(number("fontSize", 1, 1000))
    schema.add(number("fontFamily", 0, 20))
    schema.add(choice("textAlign", ("left", "center", "right")))
    schema.add(choice("verticalAlign", ("top", "middle", "bottom")))
    for name in ("startArrowhead", "endArrowhead"):  # null: no arrowhead at that end
        schema.add(Nullable(colander.String(), name=name, missing=colander.drop,
                            validator=colander.OneOf(ARROWHEADS)))
    schema.add(flag("locked"))
    for node in excalidraw_fields():
        schema.add(node)
    # The server sets `version` and `order`; a client may send back what it last saw, which
    # is ignored.
    schema.add(number("version", 0, 2 ** 53))
    schema.add(number("order", 0, 2 ** 53))
    return schema


ELEMENT_SCHEMA = element_schema()  # schemas keep no state between uses
KEPT_NULLS = frozenset(("startArrowhead", "endArrowhead"))  # null says something here
KEPT_FIELDS = frozenset(node.name for node in ELEMENT_SCHEMA.children)
SERVER_FIELDS = frozenset(("version", "order"))


def read_element(cstruct):
    """A valid element from `cstruct`, as stored: without the fields the server sets or
    that are null (no value), points as lists. Raises colander.Invalid."""
    if isinstance(cstruct, dict):
        cstruct = {k: v for k, v in cstruct.items() if v is not None or k in KEPT_NULLS}
    element = ELEMENT_SCHEMA.deserialize(cstruct)
    if element["type"] == "image" and "fileId" not in element:
        raise colander.Invalid(ELEMENT_SCHEMA["fileId"], "A picture names its file.")
    for name in SERVER_FIELDS | {"isDeleted"}:
        element.pop(name, None)
    for name in ("points", "scale", "lastCommittedPoint"):
        if name in element:
            element[name] = [list(p) for p in element[name]] if name == "points" \
                else list(element[name])
    for name in ("startBinding", "endBinding"):
        if element.get(name, {}).get("fixedPoint"):
            element[name] = dict(element[name], fixedPoint=list(element[name]["fixedPoint"]))
    for segment in element.get("fixedSegments", ()):
        segment["start"], segment["end"] = list(segment["start"]), list(segment["end"])
    return element


class OpNode(colander.SchemaNode):
    """`{"op": "put", "element": {...}}` or `{"op": "delete", "id": "..."}`."""

    def deserialize(self, cstruct=colander.null):
        data = super().deserialize(cstruct)
        if data["op"] == "put":
            if "element" not in data or "id" in data:
                raise colander.Invalid(self, "A put carries an element (and no id).")
            deleted = data["element"].get("isDeleted") is True
            data["element"] = read_element(data["element"])
            if deleted:  # Excalidraw sends a deletion as the element flagged isDeleted
                return {"op": "delete", "id": data["element"]["id"]}
        elif "id" not in data or "element" in data:
            raise colander.Invalid(self, "A delete carries an id (and no element).")
        return data


def op_schema():
    node = OpNode(colander.Mapping(unknown="raise"), name="op")
    node.add(choice("op", ("put", "delete")))
    node["op"].missing = colander.required
    node.add(colander.SchemaNode(colander.Mapping(unknown="preserve"), name="element",
                                 missing=colander.drop))
    node.add(colander.SchemaNode(colander.String(), name="id", missing=colander.drop,
                                 validator=colander.Regex(ID_RE)))
    return node


def ops_schema():
    """A batch of ops as `Whiteboard.apply` takes them: `{"ops": [...]}`, 1 to
    MAX_OPS_PER_BATCH of them."""
    schema = colander.SchemaNode(colander.Mapping(unknown="raise"))
    schema.add(colander.SchemaNode(
        colander.Sequence(), op_schema(), name="ops",
        validator=colander.Length(min=1, max=MAX_OPS_PER_BATCH,
                                  max_err=f"At most {MAX_OPS_PER_BATCH} ops per request.")))
    return schema


# -- Excalidraw interchange --------------------------------------------------------------

STICKY_MARK = {"workspace": "sticky"}
# What Excalidraw gives a new element of each kind, for the fields an element made here
# (by our own editor or an older file) may lack; whatever an element has is kept over these.
BASE_DEFAULTS = {"width": 0, "height": 0, "angle": 0, "strokeColor": "#1e1e1e",
                 "backgroundColor": "transparent", "fillStyle": "solid", "strokeWidth": 2,
                 "strokeStyle": "solid", "roughness": 1, "opacity": 100, "groupIds": [],
                 "frameId": None,
                 "roundness": None, "isDeleted": False, "boundElements": None, "updated": 1,
                 "link": None, "locked": False}
KIND_DEFAULTS = {
    "text": {"fontSize": 20, "fontFamily": 1, "textAlign": "left", "verticalAlign": "top",
             "containerId": None, "autoResize": True, "lineHeight": 1.25},
    "line": {"lastCommittedPoint": None, "startBinding": None, "endBinding": None,
             "startArrowhead": None, "endArrowhead": None},
    "arrow": {"lastCommittedPoint": None, "startBinding": None, "endBinding": None,
              "startArrowhead": None, "endArrowhead": "arrow", "elbowed": False},
    "freedraw": {"pressures": [], "simulatePressure": True, "lastCommittedPoint": None},
    "image": {"fileId": None, "status": "saved", "scale": [1, 1], "crop": None},
    "frame": {"name": None}, "magicframe": {"name": None},
}


def seed_of(element_id):
    return sum(ord(c) * (i + 1) for i, c in enumerate(element_id)) % 2_000_000_000 + 1


def excalidraw_element(e):
    """One stored element as Excalidraw writes it: its own fields over the defaults."""
    out = dict(BASE_DEFAULTS, seed=seed_of(e["id"]), versionNonce=seed_of(e["id"][::-1]))
    out.update(KIND_DEFAULTS.get(e["type"], {}))
    out.update({k: v for k, v in e.items() if k != "order"})
    out.setdefault("version", 1)
    out["isDeleted"] = bool(e.get("isDeleted"))
    if e["type"] in LINEAR:
        out["points"] = e.get("points") or [[0, 0], [out["width"], out["height"]]]
        xs, ys = [p[0] for p in out["points"]], [p[1] for p in out["points"]]
        out["width"], out["height"] = max(xs) - min(xs), max(ys) - min(ys)
    if e["type"] == "arrow" and out.get("elbowed"):
        for name in ("fixedSegments", "startIsSpecial", "endIsSpecial"):
            out.setdefault(name, None)
    if e["type"] == "text":
        out.setdefault("originalText", out.get("text", ""))
        out.setdefault("text", "")
        if out.get("containerId"):
            out.setdefault("textAlign", "center")
            out["verticalAlign"] = e.get("verticalAlign", "middle")
            out["textAlign"] = e.get("textAlign", "center")
    return out


def sticky_elements(e):
    """A sticky as Excalidraw has it: a rectangle marked in `customData`, with its text
    bound to it, so that it comes back a sticky."""
    text_id = f"{e['id']}-text"
    background = e.get("backgroundColor", "transparent")
    rect = excalidraw_element(dict(
        {k: v for k, v in e.items() if k != "text"}, type="rectangle",
        backgroundColor=background if background != "transparent" else STICKY_COLOUR,
        customData=dict(STICKY_MARK), boundElements=[{"type": "text", "id": text_id}]))
    text = excalidraw_element({
        "id": text_id, "type": "text", "x": e["x"] + 8, "y": e["y"] + 8,
        "width": max(e.get("width", 0) - 16, 0), "height": max(e.get("height", 0) - 16, 0),
        "text": e.get("text", ""), "fontSize": e.get("fontSize", 20), "containerId": e["id"],
        "textAlign": "center", "verticalAlign": "middle", "version": e.get("version", 1)})
    if e.get("groupIds"):
        text["groupIds"] = e["groupIds"]
    return [rect, text]


def to_excalidraw(elements, title=None, files=None):
    """An `.excalidraw` file (a dict) for these elements, named `title`, with the pictures
    they show (`files`: file id -> (media type, bytes, created)); a sticky leaves as a
    rectangle with bound text (see `sticky_elements`). A shape that bound text names as
    its container lists it in `boundElements`, as Excalidraw expects."""
    elements = list(elements)
    labels = {}
    for e in elements:
        if e["type"] == "text" and e.get("containerId"):
            labels.setdefault(e["containerId"], []).append(e["id"])
    out = []
    for e in elements:
        if e["type"] == "sticky":
            out += sticky_elements(e)
            continue
        item = excalidraw_element(e)
        listed = {b["id"] for b in item["boundElements"] or ()}
        missing = [t for t in labels.get(e["id"], ()) if t not in listed]
        if missing:
            item["boundElements"] = list(item["boundElements"] or ()) + [
                {"type": "text", "id": t} for t in missing]
        out.append(item)
    state = {"viewBackgroundColor": "#ffffff", "gridSize": None}
    if title is not None:
        state["name"] = title
    return {"type": "excalidraw", "version": 2, "source": "workspace",
            "elements": out, "appState": state, "files": files_json(elements, files or {})}


def files_json(elements, files):
    """Excalidraw's `files` for the pictures these elements show."""
    wanted = {e.get("fileId") for e in elements if e["type"] == "image"}
    out = {}
    for file_id in sorted(wanted & set(files)):
        mime, data, created = files[file_id]
        out[file_id] = {"mimeType": mime, "id": file_id, "created": created or 1,
                        "dataURL": f"data:{mime};base64,{base64.b64encode(data).decode()}"}
    return out


def board_files(board):
    """A board's pictures as `to_excalidraw` and `render_svg` take them."""
    return {fid: (f.mime_type, f.data(), f.created) for fid, f in board.files().items()}


def board_scene(board, elements=None, title=None):
    """The `.excalidraw` file of a board (or of `elements`, a version's, on it)."""
    elements = board.elements() if elements is None else list(elements)
    return to_excalidraw(elements, board.title if title is None else title, board_files(board))


def board_svg(board, elements=None, title=None):
    """The SVG picture of a board (or of `elements`, a version's, on it)."""
    elements = board.elements() if elements is None else list(elements)
    files = {fid: (mime, data) for fid, (mime, data, _) in board_files(board).items()}
    return render_svg(elements, board.title if title is None else title, files)


class WhiteboardFormatError(ValueError):
    """A file is not an Excalidraw scene we can read: `code` says how (`bad_json`, or
    `invalid`), `fields` where."""

    def __init__(self, message, fields=None, code="invalid"):
        super().__init__(message)
        self.fields = fields or {}
        self.code = code


def read_scene(data):
    """The scene in the bytes of an `.excalidraw` file (parsed, not yet checked)."""
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise WhiteboardFormatError("This file is not valid JSON.", code="bad_json")


def scene_title(scene, fallback="Imported board"):
    """The board's name an `.excalidraw` file carries (`appState.name`), else `fallback`."""
    state = scene.get("appState") if isinstance(scene, dict) else None
    name = state.get("name") if isinstance(state, dict) else None
    return (name if isinstance(name, str) and name.strip() else fallback)[:MAX_TITLE]


def read_files(scene, wanted):
    """The pictures of a scene that its image elements show: file id -> (media type,
    bytes, created); WhiteboardFormatError for one that is not a picture we keep."""
    files = scene.get("files") or {}
    if not isinstance(files, dict):
        raise WhiteboardFormatError("The file's `files` is not an object.")
    out, errors = {}, {}
    for file_id in sorted(wanted & set(files)):
        entry = files[file_id]
        try:
            if not isinstance(entry, dict):
                raise BadFile("Not a picture entry.")
            mime, data = read_data_url(entry.get("dataURL"))
        except BadFile as exc:
            errors[f"files.{file_id}"[:200]] = str(exc)
            continue
        created = entry.get("created")
        out[file_id] = (mime, data, created if isinstance(created, int)
                        and not isinstance(created, bool) else None)
    if errors:
        raise WhiteboardFormatError("Some pictures cannot be kept.", dict(list(errors.items())[:20]))
    return out


def field_of(error_key):
    """The element's field a colander error key names ("element.startBinding.gap")."""
    parts = error_key.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def from_excalidraw(scene, with_files=False):
    """Validated elements (our shape) from an `.excalidraw` scene dict (and, `with_files`,
    the pictures they show, as `read_files` gives them).

    Deleted elements, kinds we do not know and pictures whose file the scene lacks are
    left out; a look we cannot read is dropped; a rectangle marked as our sticky comes back
    a sticky with its bound text. Raises WhiteboardFormatError on anything malformed.
    """
    if not isinstance(scene, dict) or not isinstance(scene.get("elements"), list):
        raise WhiteboardFormatError("This is not an .excalidraw file: no list of elements.")
    if len(scene["elements"]) > MAX_ELEMENTS * 2:
        raise WhiteboardFormatError(f"A board holds at most {MAX_ELEMENTS} elements.")
    files = scene.get("files") if isinstance(scene.get("files"), dict) else {}
    raw = [e for e in scene["elements"]
           if isinstance(e, dict) and not e.get("isDeleted") and e.get("type") in ELEMENT_TYPES
           and (e.get("type") != "image" or e.get("fileId") in files)]
    stickies = {e.get("id") for e in raw if e.get("type") == "rectangle"
                and e.get("customData") == STICKY_MARK}
    sticky_text = {e.get("containerId"): e.get("text", "") for e in raw
                   if e.get("type") == "text" and e.get("containerId") in stickies}
    elements, errors = [], {}
    for i, e in enumerate(raw):
        if e.get("type") == "text" and e.get("containerId") in stickies:
            continue
        kept = {k: v for k, v in e.items() if k not in SERVER_FIELDS}
        if kept.get("id") in stickies:
            kept = {k: v for k, v in kept.items() if k not in ("customData", "boundElements")}
            kept["type"] = "sticky"
            kept["text"] = sticky_text.get(kept["id"], "")
        try:
            element = read_element(kept)
        except colander.Invalid as exc:
            bad = {field_of(key): msg for key, msg in exc.asdict().items()}
            unknown = {k for k in kept if k not in KEPT_FIELDS}
            if not set(bad) - unknown <= STYLE_FIELDS:
                errors[f"elements.{i}"] = "; ".join(f"{k}: {v}" for k, v in bad.items())
                continue
            element = read_element({k: v for k, v in kept.items()
                                    if k not in bad and k not in unknown})
        elements.append(element)
    if errors:
        raise WhiteboardFormatError("Some elements are not valid.",
                                    dict(list(errors.items())[:20]))
    if len({e["id"] for e in elements}) != len(elements):
        raise WhiteboardFormatError("Two elements share an id.")
    if len(elements) > MAX_ELEMENTS:
        raise WhiteboardFormatError(f"A board holds at most {MAX_ELEMENTS} elements.")
    if not with_files:
        return elements
    return elements, read_files(scene, {e["fileId"] for e in elements if e["type"] == "image"})


def import_whiteboard(whiteboards, scene, actor, title=None, wid=None):
    """A new board in `whiteboards` from an `.excalidraw` scene, titled `title` or by the
    file; WhiteboardFormatError if the scene is not one we can read, IdTaken if `wid` is."""
    elements, files = from_excalidraw(scene, with_files=True)
    return add_whiteboard(whiteboards, title or scene_title(scene), actor, wid, elements,
                          files)
