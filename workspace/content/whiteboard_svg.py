"""A whiteboard drawn as a standalone SVG picture, the way Excalidraw draws it (without the
hand-drawn wobble): rounded corners only where an element has `roundness`, hachure and
cross-hatch fills as hatching, both arrowheads in their own shapes, arrow labels at the
arrow's middle, frames with their names, and pictures from the board's files.

Everything a user typed reaches the SVG only through ElementTree, which escapes text and
attribute values; colours are checked against a strict pattern before they are stored, and
nothing but shapes, paths, text and data-URL images is ever written (no script, no event
handler attributes, no foreignObject, no link to elsewhere).
"""
import base64
import math
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "Virgil, 'Segoe Print', 'Comic Sans MS', system-ui, sans-serif"
LINEAR = ("line", "arrow", "freedraw")
FRAMES = ("frame", "magicframe")
BOXES = ("rectangle", "ellipse", "diamond", "sticky", "frame", "magicframe", "image",
         "embeddable", "iframe")
STICKY_COLOUR = "#fff3a0"


def fmt(value):
    return f"{value:.2f}".rstrip("0").rstrip(".")


def text_size(e):
    size, lines = e.get("fontSize", 20), e.get("text", "").split("\n")
    line_height = size * e.get("lineHeight", 1.25)
    return max(len(line) for line in lines) * size * 0.6, len(lines) * line_height


def bounds(elements):
    xs, ys = [], []
    for e in elements:
        x, y, w, h = e["x"], e["y"], e.get("width", 0), e.get("height", 0)
        if e["type"] == "text" and e.get("text"):  # a size the client may not have sent
            tw, th = text_size(e)
            w, h = max(w, tw), max(h, th)
        if e.get("points"):
            px = [x + p[0] for p in e["points"]]
            py = [y + p[1] for p in e["points"]]
            xs += [min(px), max(px)]
            ys += [min(py), max(py)]
        top = y - e.get("fontSize", 14) * 1.5 if e["type"] in FRAMES else y  # the name
        xs += [x, x + w]
        ys += [top, y + h]
    if not xs:
        return 0, 0, 400, 300
    pad = 20
    return min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad


class Patterns:
    """The hatching fills of one picture, one <pattern> per style and colour."""

    def __init__(self, svg):
        self.svg, self.defs, self.made = svg, None, {}

    def fill(self, style, colour, width):
        key = (style, colour)
        if key not in self.made:
            if self.defs is None:
                self.defs = ET.Element("defs")
                self.svg.insert(1, self.defs)
            pid = f"fill{len(self.made) + 1}"
            pattern = ET.SubElement(self.defs, "pattern", id=pid, width="8", height="8",
                                    patternUnits="userSpaceOnUse",
                                    patternTransform="rotate(-45)")
            stroke = {"stroke": colour, "stroke-width": fmt(max(1, width / 2))}
            ET.SubElement(pattern, "line", dict(stroke, x1="0", y1="0", x2="0", y2="8"))
            if style == "cross-hatch":
                ET.SubElement(pattern, "line", dict(stroke, x1="0", y1="0", x2="8", y2="0"))
            self.made[key] = pid
        return f"url(#{self.made[key]})"


def style_attrs(e, patterns=None, fill=True):
    attrs = {"stroke": e.get("strokeColor", "#1e1e1e"),
             "stroke-width": fmt(e.get("strokeWidth", 2)), "fill": "none"}
    background = e.get("backgroundColor", "transparent")
    if fill and background != "transparent":
        style = e.get("fillStyle", "solid")
        if style in ("hachure", "cross-hatch", "zigzag") and patterns is not None:
            attrs["fill"] = patterns.fill("cross-hatch" if style == "cross-hatch"
                                          else "hachure", background, e.get("strokeWidth", 2))
        else:
            attrs["fill"] = background
    if attrs["stroke"] == "transparent":
        attrs["stroke"] = "none"
    if e.get("strokeStyle") == "dashed":
        attrs["stroke-dasharray"] = "8 6"
    elif e.get("strokeStyle") == "dotted":
        attrs["stroke-dasharray"] = "2 5"
    if e.get("opacity", 100) < 100:
        attrs["opacity"] = fmt(e["opacity"] / 100)
    return attrs


def corner_radius(e, w, h):
    """Excalidraw's corner radius: none without `roundness`; type 3 (adaptive) a quarter
    of the shorter side up to 32; types 1 and 2 (proportional) a quarter of it."""
    roundness = e.get("roundness")
    if not roundness:
        return 0
    side = min(w, h)
    if roundness.get("type") == 3:
        value = roundness.get("value") or 32
        return side * 0.25 if side < value / 0.25 else value
    return side * 0.25


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
    lines = wrap(text, width - 16, size) if centred and width > 16 else text.split("\n")
    colour = e.get("strokeColor", "#1e1e1e")
    node = ET.SubElement(parent, "text", {
        "font-family": FONT, "font-size": fmt(size),
        "fill": colour if colour != "transparent" else "#1e1e1e"})
    if e.get("opacity", 100) < 100:
        node.set("opacity", fmt(e["opacity"] / 100))
    line_height = size * e.get("lineHeight", 1.25)
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


def points_of(e):
    return e.get("points") or [[0, 0], [e.get("width", 0), e.get("height", 0)]]


def polyline_d(e):
    return " ".join(("M" if i == 0 else "L") + f"{fmt(e['x'] + p[0])} {fmt(e['y'] + p[1])}"
                    for i, p in enumerate(points_of(e)))


def arrowhead(parent, e, kind, at_start):
    """Excalidraw's arrowhead `kind` at one end of the arrow, pointing outwards."""
    pts = points_of(e)
    if len(pts) < 2 or not kind:
        return
    (x1, y1), (x2, y2) = (pts[1], pts[0]) if at_start else (pts[-2], pts[-1])
    angle = math.atan2(y2 - y1, x2 - x1)
    width = e.get("strokeWidth", 2)
    size = 10 + 2 * width
    tx, ty = e["x"] + x2, e["y"] + y2
    stroke = style_attrs(e, fill=False)
    colour = stroke["stroke"]

    def at(distance, turn=0.0):
        return (tx - distance * math.cos(angle + turn), ty - distance * math.sin(angle + turn))

    def path(points, closed, filled):
        d = " ".join(("M" if i == 0 else "L") + f"{fmt(px)} {fmt(py)}"
                     for i, (px, py) in enumerate(points)) + (" Z" if closed else "")
        attrs = dict(stroke, d=d, fill=colour if filled else ("#ffffff" if closed else "none"))
        attrs["stroke-linejoin"] = "round"
        ET.SubElement(parent, "path", attrs)

    def across(point, half):
        """The two points `half` either side of `point`, square to the arrow."""
        return [(point[0] + half * math.cos(angle + s), point[1] + half * math.sin(angle + s))
                for s in (math.pi / 2, -math.pi / 2)]

    if kind == "arrow":
        path([at(size, 0.45), (tx, ty), at(size, -0.45)], False, False)
    elif kind in ("triangle", "triangle_outline"):
        path([(tx, ty), at(size, 0.4), at(size, -0.4)], True, kind == "triangle")
    elif kind == "bar":
        path(across((tx, ty), size / 2), False, False)
    elif kind in ("dot", "circle", "circle_outline"):
        cx, cy = at(size / 3)
        ET.SubElement(parent, "circle", dict(stroke, cx=fmt(cx), cy=fmt(cy), r=fmt(size / 3),
                                             fill="#ffffff" if kind == "circle_outline"
                                             else colour))
    elif kind in ("diamond", "diamond_outline"):
        left, right = across(at(size / 2), size / 4)
        path([(tx, ty), left, at(size), right], True, kind == "diamond")
    elif kind.startswith("crowfoot"):
        if kind in ("crowfoot_many", "crowfoot_one_or_many"):
            left, right = across((tx, ty), size / 2)
            path([left, at(size), right], False, False)
        if kind in ("crowfoot_one", "crowfoot_one_or_many"):
            path(across(at(size * 0.6), size / 2), False, False)


def midpoint(e):
    """The point halfway along a line or arrow (where Excalidraw puts its label)."""
    pts = [(e["x"] + p[0], e["y"] + p[1]) for p in points_of(e)]
    lengths = [math.dist(a, b) for a, b in zip(pts, pts[1:])]
    half, walked = sum(lengths) / 2, 0.0
    for (a, b), length in zip(zip(pts, pts[1:]), lengths):
        if walked + length >= half and length:
            t = (half - walked) / length
            return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        walked += length
    return pts[0]


def add_picture(g, e, x, y, w, h, files):
    picture = files.get(e.get("fileId")) if files else None
    if picture is None:  # Excalidraw shows an empty frame for a picture it lacks
        ET.SubElement(g, "rect", x=fmt(x), y=fmt(y), width=fmt(w), height=fmt(h),
                      fill="#f1f3f5", stroke="#adb5bd")
        return
    mime, data = picture
    href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    attrs = {"x": fmt(x), "y": fmt(y), "width": fmt(w), "height": fmt(h), "href": href,
             "preserveAspectRatio": "none"}
    scale = e.get("scale") or [1, 1]
    if scale != [1, 1]:
        attrs["transform"] = (f"translate({fmt(x + w / 2)} {fmt(y + h / 2)}) "
                              f"scale({fmt(scale[0])} {fmt(scale[1])}) "
                              f"translate({fmt(-x - w / 2)} {fmt(-y - h / 2)})")
    ET.SubElement(g, "image", attrs)


def render_element(svg, e, bound_text, patterns, files):
    g = rotated(svg, e)
    x, y, w, h = e["x"], e["y"], e.get("width", 0), e.get("height", 0)
    x, w = (x + w, -w) if w < 0 else (x, w)
    y, h = (y + h, -h) if h < 0 else (y, h)
    kind = e["type"]
    box = dict(x=fmt(x), y=fmt(y), width=fmt(w), height=fmt(h))
    if kind in ("rectangle", "embeddable", "iframe"):
        attrs = dict(style_attrs(e, patterns), **box)
        radius = corner_radius(e, w, h)
        if radius:
            attrs["rx"] = fmt(radius)
        ET.SubElement(g, "rect", attrs)
        if kind != "rectangle" and e.get("link"):
            add_text(g, e["link"], x, y, w, h, {"fontSize": 14}, centred=True)
    elif kind in FRAMES:
        ET.SubElement(g, "rect", dict(box, rx="8", fill="none", stroke="#bbbbbb",
                                      **{"stroke-width": "1"}))
        label = ET.SubElement(g, "text", {"font-family": "system-ui, sans-serif",
                                          "font-size": "14", "fill": "#999999",
                                          "x": fmt(x), "y": fmt(y - 6)})
        label.text = e.get("name") or ("AI Frame" if kind == "magicframe" else "Frame")
    elif kind == "image":
        add_picture(g, e, x, y, w, h, files)
    elif kind == "sticky":
        attrs = dict(style_attrs(e, patterns), **box, rx="4")
        if attrs["fill"] == "none":
            attrs["fill"] = STICKY_COLOUR
        attrs["stroke"] = "#c9b458"
        attrs["stroke-width"] = "1"
        ET.SubElement(g, "rect", attrs)
        if e.get("text"):
            add_text(g, e["text"], x, y, w, h, dict(e, strokeColor="#1e1e1e"), centred=True)
    elif kind == "ellipse":
        ET.SubElement(g, "ellipse", dict(style_attrs(e, patterns), cx=fmt(x + w / 2),
                                         cy=fmt(y + h / 2), rx=fmt(w / 2), ry=fmt(h / 2)))
    elif kind == "diamond":
        pts = [(x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2)]
        attrs = dict(style_attrs(e, patterns), points=" ".join(
            f"{fmt(px)},{fmt(py)}" for px, py in pts))
        if e.get("roundness"):
            attrs["stroke-linejoin"] = "round"
        ET.SubElement(g, "polygon", attrs)
    elif kind in LINEAR:
        closed = kind == "line" and e.get("polygon")
        attrs = dict(style_attrs(e, patterns, fill=bool(closed)),
                     d=polyline_d(e) + (" Z" if closed else ""))
        attrs["stroke-linecap"] = attrs["stroke-linejoin"] = "round"
        ET.SubElement(g, "path", attrs)
        if kind == "arrow":
            arrowhead(g, e, e.get("startArrowhead"), at_start=True)
            arrowhead(g, e, e.get("endArrowhead", "arrow"), at_start=False)
    elif kind == "text" and e.get("text") and not e.get("containerId"):
        add_text(g, e["text"], x, y, w, h, e)
    label = bound_text.get(e["id"])
    if label is None or kind in ("sticky", "text"):
        return
    if kind in LINEAR:
        mx, my = midpoint(e)
        tw, th = text_size(label)
        # the label sits on a white patch that hides the line behind it, as in Excalidraw
        ET.SubElement(g, "rect", x=fmt(mx - tw / 2 - 4), y=fmt(my - th / 2), width=fmt(tw + 8),
                      height=fmt(th), fill="#ffffff")
        add_text(g, label["text"], mx - tw / 2 - 8, my - th / 2, tw + 16, th, label,
                 centred=True)
    elif kind in BOXES:
        add_text(g, label["text"], x, y, w, h, label, centred=True)


def render_svg(elements, title="", files=None):
    """The elements as a standalone SVG document (bytes); `files` maps an image's file id
    to its (media type, bytes)."""
    elements = list(elements)
    live_ids = {e["id"] for e in elements}
    bound_text = {e["containerId"]: e for e in elements
                  if e["type"] == "text" and e.get("containerId") in live_ids and e.get("text")}
    x, y, w, h = bounds(elements)
    svg = ET.Element("svg", {"xmlns": SVG_NS, "viewBox": f"{fmt(x)} {fmt(y)} {fmt(w)} {fmt(h)}",
                             "width": fmt(w), "height": fmt(h), "role": "img"})
    ET.SubElement(svg, "title").text = title or "Whiteboard"
    ET.SubElement(svg, "rect", x=fmt(x), y=fmt(y), width=fmt(w), height=fmt(h), fill="#ffffff")
    patterns = Patterns(svg)
    for e in elements:
        if e["type"] == "text" and bound_text.get(e.get("containerId")) is e:
            continue  # drawn with its container
        render_element(svg, e, bound_text, patterns, files)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(svg, encoding="utf-8")
