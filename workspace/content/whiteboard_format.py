"""Whiteboard elements in and out: what a valid element and op batch are (colander
schemas), the server-side SVG rendering, and Excalidraw (`.excalidraw`) export and import.

Plain functions over elements (dicts in Excalidraw's field names) and scenes (the parsed
JSON of a file), so that the API, the HTML forms and the tests use them alike; bad input
raises `colander.Invalid` (an element or op batch) or `WhiteboardFormatError` (a file).

Everything a user typed reaches the SVG only through ElementTree, which escapes text and
attribute values; colours are checked against a strict pattern before they are stored, and
nothing but shapes, paths and text elements is ever written (no script, no event handler
attributes, no foreignObject).
"""
import json
import math
import xml.etree.ElementTree as ET

import colander

from .whiteboard import (ELEMENT_TYPES, MAX_ELEMENTS, MAX_OPS_PER_BATCH, MAX_TEXT,
                         MAX_TITLE, add_whiteboard)

ID_RE = r"^[A-Za-z0-9_-]{1,64}\Z"  # \Z: a trailing newline must not pass
COLOUR_RE = r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|transparent)\Z"
MAX_COORD = 1_000_000
MAX_SIZE = 200_000
MAX_POINTS = 5_000
LINEAR = ("line", "arrow", "freedraw")
ARROWHEADS = ("arrow", "triangle", "triangle_outline", "bar", "dot", "circle", "circle_outline",
              "diamond", "diamond_outline", "crowfoot_one", "crowfoot_many",
              "crowfoot_one_or_many")
# Looks, not content: an import drops a value of these it cannot read rather than refuse.
STYLE_FIELDS = frozenset(("strokeColor", "backgroundColor", "fillStyle", "strokeWidth",
                          "strokeStyle", "roughness", "opacity", "fontFamily", "textAlign",
                          "verticalAlign", "startArrowhead", "endArrowhead", "angle", "locked"))
STICKY_COLOUR = "#fff3a0"


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
    schema.add(choice("startArrowhead", ARROWHEADS))
    schema.add(choice("endArrowhead", ARROWHEADS))
    schema.add(colander.SchemaNode(colander.Boolean(), name="locked", missing=colander.drop))
    # The server sets `version` and `order`; a client may send back what it last saw, which
    # is ignored.
    schema.add(number("version", 0, 2 ** 53))
    schema.add(number("order", 0, 2 ** 53))
    return schema


ELEMENT_SCHEMA = element_schema()  # schemas keep no state between uses
KEPT_FIELDS = frozenset(node.name for node in ELEMENT_SCHEMA.children)
SERVER_FIELDS = frozenset(("version", "order"))


def read_element(cstruct):
    """A valid element from `cstruct`, as stored: without the fields the server sets, and
    points as lists. Raises colander.Invalid."""
    element = ELEMENT_SCHEMA.deserialize(cstruct)
    for name in SERVER_FIELDS:
        element.pop(name, None)
    if "points" in element:
        element["points"] = [list(p) for p in element["points"]]
    return element


class OpNode(colander.SchemaNode):
    """`{"op": "put", "element": {...}}` or `{"op": "delete", "id": "..."}`."""

    def deserialize(self, cstruct=colander.null):
        data = super().deserialize(cstruct)
        if data["op"] == "put":
            if "element" not in data or "id" in data:
                raise colander.Invalid(self, "A put carries an element (and no id).")
            data["element"] = read_element(data["element"])
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


# -- SVG ---------------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "Virgil, 'Segoe Print', 'Comic Sans MS', system-ui, sans-serif"


def fmt(value):
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bounds(elements):
    xs, ys = [], []
    for e in elements:
        x, y, w, h = e["x"], e["y"], e.get("width", 0), e.get("height", 0)
        if e["type"] == "text" and e.get("text"):  # a size the client may not have sent
            size, lines = e.get("fontSize", 20), e["text"].split("\n")
            w = max(w, max(len(line) for line in lines) * size * 0.6)
            h = max(h, len(lines) * size * 1.25)
        if e.get("points"):
            px = [x + p[0] for p in e["points"]]
            py = [y + p[1] for p in e["points"]]
            xs += [min(px), max(px)]
            ys += [min(py), max(py)]
        xs += [x, x + w]
        ys += [y, y + h]
    if not xs:
        return 0, 0, 400, 300
    pad = 20
    return min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad


def style_attrs(e, fill=True):
    attrs = {"stroke": e.get("strokeColor", "#1e1e1e"),
             "stroke-width": fmt(e.get("strokeWidth", 2)),
             "fill": e.get("backgroundColor", "transparent") if fill else "none"}
    if attrs["fill"] == "transparent":
        attrs["fill"] = "none"
    if e.get("strokeStyle") == "dashed":
        attrs["stroke-dasharray"] = "8 6"
    elif e.get("strokeStyle") == "dotted":
        attrs["stroke-dasharray"] = "2 5"
    if e.get("opacity", 100) < 100:
        attrs["opacity"] = fmt(e["opacity"] / 100)
    return attrs


def rotated(parent, e):
    """A <g> rotated about the element's centre when it has an angle, else `parent`."""
    if not e.get("angle"):
        return parent
    cx, cy = e["x"] + e.get("width", 0) / 2, e["y"] + e.get("height", 0) / 2
    return ET.SubElement(parent, "g", transform=f"rotate({fmt(math.degrees(e['angle']))} "
                                                f"{fmt(cx)} {fmt(cy)})")


def wrap(text, width, font_size):
    """Lines of `text` no wider than `width` (roughly: 0.55 em a character)."""
    per_line = max(1, int(width / (font_size * 0.55))) if width > 0 else 10_000
    lines = []
    for paragraph in text.split("\n"):
        words, line = paragraph.split(" "), ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if len(candidate) <= per_line or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def add_text(parent, text, x, y, width, height, e, centred=False):
    size = e.get("fontSize", 20)
    lines = wrap(text, width - 16, size) if centred else text.split("\n")
    node = ET.SubElement(parent, "text", {
        "font-family": FONT, "font-size": fmt(size),
        "fill": e.get("strokeColor", "#1e1e1e") if e.get("strokeColor") != "transparent"
        else "#1e1e1e"})
    line_height = size * 1.25
    if centred:
        node.set("text-anchor", "middle")
        top = y + (height - line_height * len(lines)) / 2 + size
        left = x + width / 2
    else:
        align = e.get("textAlign", "left")
        anchor = {"left": "start", "center": "middle", "right": "end"}[align]
        node.set("text-anchor", anchor)
        left = {"start": x, "middle": x + width / 2, "end": x + width}[anchor]
        top = y + size
    for i, line in enumerate(lines):
        span = ET.SubElement(node, "tspan", x=fmt(left), y=fmt(top + i * line_height))
        span.text = line


def polyline_d(e):
    pts = e.get("points") or [[0, 0], [e.get("width", 0), e.get("height", 0)]]
    return " ".join(("M" if i == 0 else "L") + f"{fmt(e['x'] + p[0])} {fmt(e['y'] + p[1])}"
                    for i, p in enumerate(pts))


def arrowhead(parent, e):
    pts = e.get("points") or [[0, 0], [e.get("width", 0), e.get("height", 0)]]
    if len(pts) < 2:
        return
    (x1, y1), (x2, y2) = pts[-2], pts[-1]
    angle = math.atan2(y2 - y1, x2 - x1)
    size = 10 + 2 * e.get("strokeWidth", 2)
    tip = (e["x"] + x2, e["y"] + y2)
    wings = [(tip[0] - size * math.cos(angle + s), tip[1] - size * math.sin(angle + s))
             for s in (0.45, -0.45)]
    d = f"M{fmt(wings[0][0])} {fmt(wings[0][1])} L{fmt(tip[0])} {fmt(tip[1])} " \
        f"L{fmt(wings[1][0])} {fmt(wings[1][1])}"
    ET.SubElement(parent, "path", dict(style_attrs(e, fill=False), d=d))


def render_element(svg, e, bound_text):
    g = rotated(svg, e)
    x, y, w, h = e["x"], e["y"], e.get("width", 0), e.get("height", 0)
    x, w = (x + w, -w) if w < 0 else (x, w)
    y, h = (y + h, -h) if h < 0 else (y, h)
    kind = e["type"]
    if kind == "rectangle":
        ET.SubElement(g, "rect", dict(style_attrs(e), x=fmt(x), y=fmt(y), width=fmt(w),
                                      height=fmt(h), rx="6"))
    elif kind == "sticky":
        attrs = dict(style_attrs(e), x=fmt(x), y=fmt(y), width=fmt(w), height=fmt(h), rx="4")
        if attrs["fill"] == "none":
            attrs["fill"] = STICKY_COLOUR
        attrs["stroke"] = "#c9b458"
        attrs["stroke-width"] = "1"
        ET.SubElement(g, "rect", attrs)
        if e.get("text"):
            add_text(g, e["text"], x, y, w, h, dict(e, strokeColor="#1e1e1e"), centred=True)
    elif kind == "ellipse":
        ET.SubElement(g, "ellipse", dict(style_attrs(e), cx=fmt(x + w / 2), cy=fmt(y + h / 2),
                                         rx=fmt(w / 2), ry=fmt(h / 2)))
    elif kind == "diamond":
        pts = [(x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2)]
        ET.SubElement(g, "polygon", dict(style_attrs(e), points=" ".join(
            f"{fmt(px)},{fmt(py)}" for px, py in pts)))
    elif kind in LINEAR:
        attrs = dict(style_attrs(e, fill=False), d=polyline_d(e))
        attrs["stroke-linecap"] = attrs["stroke-linejoin"] = "round"
        ET.SubElement(g, "path", attrs)
        if kind == "arrow":
            arrowhead(g, e)
    elif kind == "text" and e.get("text") and not e.get("containerId"):
        add_text(g, e["text"], x, y, w, h, e)
    if kind in ("rectangle", "ellipse", "diamond") and e["id"] in bound_text:
        add_text(g, bound_text[e["id"]]["text"], x, y, w, h, bound_text[e["id"]], centred=True)


def render_svg(elements, title=""):
    """The elements as a standalone SVG document (bytes)."""
    elements = list(elements)
    live_ids = {e["id"] for e in elements}
    bound_text = {e["containerId"]: e for e in elements
                  if e["type"] == "text" and e.get("containerId") in live_ids and e.get("text")}
    x, y, w, h = bounds(elements)
    svg = ET.Element("svg", {"xmlns": SVG_NS, "viewBox": f"{fmt(x)} {fmt(y)} {fmt(w)} {fmt(h)}",
                             "width": fmt(w), "height": fmt(h), "role": "img"})
    ET.SubElement(svg, "title").text = title or "Whiteboard"
    ET.SubElement(svg, "rect", x=fmt(x), y=fmt(y), width=fmt(w), height=fmt(h), fill="#ffffff")
    for e in elements:
        if e["type"] == "text" and e.get("containerId") in bound_text and \
                bound_text[e["containerId"]] is e:
            continue  # drawn inside its container
        render_element(svg, e, bound_text)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(svg, encoding="utf-8")


# -- Excalidraw interchange --------------------------------------------------------------

STICKY_MARK = {"workspace": "sticky"}


def seed_of(element_id):
    return sum(ord(c) * (i + 1) for i, c in enumerate(element_id)) % 2_000_000_000 + 1


def excalidraw_base(e):
    out = {
        "id": e["id"], "type": e["type"], "x": e["x"], "y": e["y"],
        "width": e.get("width", 0), "height": e.get("height", 0), "angle": e.get("angle", 0),
        "strokeColor": e.get("strokeColor", "#1e1e1e"),
        "backgroundColor": e.get("backgroundColor", "transparent"),
        "fillStyle": e.get("fillStyle", "solid"), "strokeWidth": e.get("strokeWidth", 2),
        "strokeStyle": e.get("strokeStyle", "solid"), "roughness": e.get("roughness", 1),
        "opacity": e.get("opacity", 100), "groupIds": [], "frameId": None,
        "roundness": None, "seed": seed_of(e["id"]), "version": e.get("version", 1),
        "versionNonce": seed_of(e["id"][::-1]), "isDeleted": bool(e.get("isDeleted")),
        "boundElements": None, "updated": 1, "link": None, "locked": e.get("locked", False),
    }
    if e["type"] in LINEAR:
        out["points"] = e.get("points") or [[0, 0], [out["width"], out["height"]]]
        xs, ys = [p[0] for p in out["points"]], [p[1] for p in out["points"]]
        out["width"], out["height"] = max(xs) - min(xs), max(ys) - min(ys)
        if e["type"] == "freedraw":
            out.update(pressures=[], simulatePressure=True, lastCommittedPoint=None)
        else:
            out.update(lastCommittedPoint=None, startBinding=None, endBinding=None,
                       startArrowhead=e.get("startArrowhead"),
                       endArrowhead=e.get("endArrowhead",
                                          "arrow" if e["type"] == "arrow" else None))
    return out


def excalidraw_text(e, element_id, container_id=None):
    size = e.get("fontSize", 20)
    out = excalidraw_base(dict(e, id=element_id, type="text"))
    out.update(text=e.get("text", ""), originalText=e.get("text", ""), fontSize=size,
               fontFamily=e.get("fontFamily", 1),
               textAlign=e.get("textAlign", "center" if container_id else "left"),
               verticalAlign=e.get("verticalAlign", "middle" if container_id else "top"),
               containerId=container_id, lineHeight=1.25, autoResize=True)
    if container_id:
        out["strokeColor"] = "#1e1e1e"
        out["backgroundColor"] = "transparent"
    return out


def to_excalidraw(elements, title=None):
    """An `.excalidraw` file (a dict) for these elements, named `title`; a sticky leaves
    as a rectangle marked in `customData` with its text bound to it, so that it comes back
    a sticky."""
    out = []
    bound = {}
    for e in elements:
        if e["type"] == "text" and e.get("containerId"):
            bound.setdefault(e["containerId"], []).append(e["id"])
    for e in elements:
        if e["type"] == "sticky":
            rect = excalidraw_base(dict(e, type="rectangle",
                                        backgroundColor=e.get("backgroundColor")
                                        if e.get("backgroundColor", "transparent")
                                        != "transparent" else STICKY_COLOUR))
            rect["customData"] = dict(STICKY_MARK)
            text_id = f"{e['id']}-text"
            rect["boundElements"] = [{"type": "text", "id": text_id}]
            out += [rect, excalidraw_text(dict(e, x=e["x"] + 8, y=e["y"] + 8,
                                               width=max(e.get("width", 0) - 16, 0),
                                               height=max(e.get("height", 0) - 16, 0)),
                                          text_id, e["id"])]
        elif e["type"] == "text":
            out.append(excalidraw_text(e, e["id"], e.get("containerId")))
        else:
            item = excalidraw_base(e)
            if e["id"] in bound:
                item["boundElements"] = [{"type": "text", "id": t} for t in bound[e["id"]]]
            out.append(item)
    state = {"viewBackgroundColor": "#ffffff", "gridSize": None}
    if title is not None:
        state["name"] = title
    return {"type": "excalidraw", "version": 2, "source": "workspace",
            "elements": out, "appState": state, "files": {}}


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
    except (ValueError, UnicodeDecodeError):
        raise WhiteboardFormatError("This file is not valid JSON.", code="bad_json")


def scene_title(scene, fallback="Imported board"):
    """The board's name an `.excalidraw` file carries (`appState.name`), else `fallback`."""
    state = scene.get("appState") if isinstance(scene, dict) else None
    name = state.get("name") if isinstance(state, dict) else None
    return (name if isinstance(name, str) and name.strip() else fallback)[:MAX_TITLE]


def from_excalidraw(scene):
    """Validated elements (our shape) from an `.excalidraw` scene dict.

    Deleted elements and kinds we do not draw (images, frames, embeds) are left out;
    fields we do not keep are dropped; a rectangle marked as our sticky comes back a
    sticky with its bound text. Raises WhiteboardFormatError on anything malformed.
    """
    if not isinstance(scene, dict) or not isinstance(scene.get("elements"), list):
        raise WhiteboardFormatError("This is not an .excalidraw file: no list of elements.")
    raw = [e for e in scene["elements"]
           if isinstance(e, dict) and not e.get("isDeleted") and e.get("type") in ELEMENT_TYPES]
    stickies = {e.get("id") for e in raw if e.get("type") == "rectangle"
                and e.get("customData") == STICKY_MARK}
    sticky_text = {e.get("containerId"): e.get("text", "") for e in raw
                   if e.get("type") == "text" and e.get("containerId") in stickies}
    elements, errors = [], {}
    for i, e in enumerate(raw):
        if e.get("type") == "text" and e.get("containerId") in stickies:
            continue
        kept = {k: v for k, v in e.items()
                if k in KEPT_FIELDS and k not in SERVER_FIELDS and v is not None}
        if kept.get("id") in stickies:
            kept["type"] = "sticky"
            kept["text"] = sticky_text.get(kept["id"], "")
        try:
            element = read_element(kept)
        except colander.Invalid as exc:
            bad = {key.split(".")[-1]: msg for key, msg in exc.asdict().items()}
            if not set(bad) <= STYLE_FIELDS:
                errors[f"elements.{i}"] = "; ".join(f"{k}: {v}" for k, v in bad.items())
                continue
            element = read_element({k: v for k, v in kept.items() if k not in bad})
        elements.append(element)
    if errors:
        raise WhiteboardFormatError("Some elements are not valid.",
                                    dict(list(errors.items())[:20]))
    if len({e["id"] for e in elements}) != len(elements):
        raise WhiteboardFormatError("Two elements share an id.")
    if len(elements) > MAX_ELEMENTS:
        raise WhiteboardFormatError(f"A board holds at most {MAX_ELEMENTS} elements.")
    return elements


def import_whiteboard(whiteboards, scene, actor, title=None, wid=None):
    """A new board in `whiteboards` from an `.excalidraw` scene, titled `title` or by the
    file; WhiteboardFormatError if the scene is not one we can read, IdTaken if `wid` is."""
    elements = from_excalidraw(scene)
    return add_whiteboard(whiteboards, title or scene_title(scene), actor, wid, elements)
