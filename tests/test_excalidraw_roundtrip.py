"""A file made on excalidraw.com comes back out as it went in: every element, with its
groups, roundness, arrow bindings, links, frames, pictures and freedraw pressures; the
ops API takes an element exactly as Excalidraw builds it; and the SVG draws what the file
shows (arrow labels, both arrowheads in their shapes, square corners, hatching).

The fixture and the checks follow the element types Excalidraw 0.18 documents
(packages/element/src/types.ts): every field of every element kind in the fixture is one
of those. Excalidraw's own restore code opens our exports in test_excalidraw_own_restore.py.
"""
import base64
import copy
import json
import pathlib
import xml.etree.ElementTree as ET

import colander
import pytest

from workspace.content.group import Group
from workspace.content.whiteboard import MAX_FILE_BYTES, Whiteboard
from workspace.content.whiteboard_format import (
    KEPT_FIELDS, WhiteboardFormatError, board_scene, board_svg, from_excalidraw,
    import_whiteboard, ops_schema, render_svg)

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "excalidraw" / "workshop.excalidraw"
# Excalidraw's change counters: the server keeps its own `version` of each element.
COUNTERS = ("version", "versionNonce", "updated")
SVG = "{http://www.w3.org/2000/svg}"


def scene():
    return json.loads(FIXTURE.read_text())


@pytest.fixture
def whiteboards():
    groups = Group("Groups")
    return groups.add("secret", Group("Secret"))["whiteboards"]


def same(a, b):
    return {k: v for k, v in a.items() if k not in COUNTERS} == \
        {k: v for k, v in b.items() if k not in COUNTERS}


def identical_after_round_trip(original, board):
    exported = {e["id"]: e for e in board_scene(board)["elements"]}
    return [e["id"] for e in original["elements"] if e["id"] in exported
            and same(e, exported[e["id"]])]


def test_every_field_in_the_fixture_is_one_excalidraw_documents_and_we_keep():
    for element in scene()["elements"]:
        assert set(element) - set(COUNTERS) <= KEPT_FIELDS, element["id"]


def test_an_excalidraw_com_file_comes_back_out_identical(whiteboards):
    original = scene()
    board = import_whiteboard(whiteboards, original, "member")
    assert len(identical_after_round_trip(original, board)) == 18


def test_arrows_keep_following_their_shapes(whiteboards):
    board = import_whiteboard(whiteboards, scene(), "member")
    out = {e["id"]: e for e in board_scene(board)["elements"]}
    assert out["arrow-1"]["startBinding"] == {"elementId": "box-1", "focus": 0.12, "gap": 5}
    assert out["elbow-1"]["endBinding"]["fixedPoint"] == [-0.0001, 0.5]
    assert {"type": "arrow", "id": "arrow-1"} in out["box-1"]["boundElements"]
    assert out["arrow-1-label"]["containerId"] == "arrow-1"


def test_pictures_and_frames_come_through(whiteboards):
    original = scene()
    board = import_whiteboard(whiteboards, original, "member")
    out = board_scene(board)
    file_id = "c0ffee0123456789abcdef"
    assert out["files"][file_id]["dataURL"] == original["files"][file_id]["dataURL"]
    assert out["files"][file_id]["created"] == 1764600000123
    kinds = {e["id"]: e["type"] for e in out["elements"]}
    assert kinds["frame-1"] == "frame" and kinds["image-1"] == "image"
    assert board.file(file_id).size == len(base64.b64decode(
        original["files"][file_id]["dataURL"].split(",")[1]))


def test_the_ops_api_takes_each_element_as_excalidraw_builds_it():
    ops = [{"op": "put", "element": e} for e in scene()["elements"]]
    done = ops_schema().deserialize({"ops": ops})
    assert len(done["ops"]) == 18
    board = Whiteboard("Live", "member")
    board.apply(done["ops"], "member")
    assert len(board) == 18
    assert board.element("pen-1")["pressures"] == [0.2, 0.45, 0.7, 0.5]


def test_an_arrow_without_heads_stays_without(whiteboards):
    data = scene()
    data["elements"] = [arrow(endArrowhead=None, startArrowhead=None)]
    board = import_whiteboard(whiteboards, data, "member")
    assert board_scene(board)["elements"][0]["endArrowhead"] is None
    assert len(drawn(board.elements()[0])) == 1  # the line alone


def test_excalidraw_deleting_an_element_is_a_delete():
    element = dict(scene()["elements"][1], isDeleted=True)
    done = ops_schema().deserialize({"ops": [{"op": "put", "element": element}]})
    assert done["ops"] == [{"op": "delete", "id": "box-1"}]


BAD_FIELDS = {
    "a link to script": {"link": "javascript:alert(1)"},
    "groups without end": {"groupIds": [f"g{i}" for i in range(40)]},
    "deep custom data": {"customData": {"a": {"b": {"c": {"d": {"e": {"f": {"g": 1}}}}}}}},
    "big custom data": {"customData": {"x": "y" * 20_000}},
    "a binding to nothing": {"startBinding": {"focus": 0}},
    "pressures past one": {"pressures": [2]},
    "a binding with extra keys": {"startBinding": {"elementId": "a", "onload": "x"}},
    "an unknown field": {"onclick": "alert(1)"},
}


@pytest.mark.parametrize("case", sorted(BAD_FIELDS))
def test_what_excalidraw_would_not_write_is_refused(case):
    element = dict(scene()["elements"][1], **BAD_FIELDS[case])
    with pytest.raises(colander.Invalid):
        ops_schema().deserialize({"ops": [{"op": "put", "element": element}]})


def picture_scene(data_url, count=1):
    data = scene()
    image = next(e for e in data["elements"] if e["type"] == "image")
    data["elements"] = [dict(image, id=f"img-{i}", fileId=f"f{i}") for i in range(count)]
    data["files"] = {f"f{i}": {"mimeType": "image/png", "id": f"f{i}", "dataURL": data_url}
                     for i in range(count)}
    return data


@pytest.mark.parametrize("data_url", [
    "data:text/html;base64," + base64.b64encode(b"<script>alert(1)</script>").decode(),
    "data:image/png;base64," + base64.b64encode(b"<svg onload=alert(1)>").decode(),
    "data:image/png;base64,not base64!",
    "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * MAX_FILE_BYTES).decode(),
    "https://example.org/picture.png",
])
def test_a_bad_picture_refuses_the_import_and_makes_no_board(whiteboards, data_url):
    with pytest.raises(WhiteboardFormatError):
        import_whiteboard(whiteboards, picture_scene(data_url), "member")
    assert len(whiteboards) == 0


def test_a_picture_the_file_lacks_is_left_out(whiteboards):
    data = scene()
    data["files"] = {}
    assert "image-1" not in {e["id"] for e in from_excalidraw(data)}


# --- the SVG ------------------------------------------------------------------------------

def svg_of(board_or_elements):
    if isinstance(board_or_elements, Whiteboard):
        return ET.fromstring(board_svg(board_or_elements))
    return ET.fromstring(render_svg(board_or_elements))


def texts(svg):
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def test_the_svg_draws_arrow_labels_frames_and_pictures(whiteboards):
    svg = svg_of(import_whiteboard(whiteboards, scene(), "member"))
    assert "leads to" in texts(svg) and "Workshop ideas" in texts(svg)
    image, = svg.iter(f"{SVG}image")
    assert image.get("href").startswith("data:image/png;base64,")


def arrow(**kw):
    return dict({"id": "a", "type": "arrow", "x": 0, "y": 0, "points": [[0, 0], [100, 0]]}, **kw)


def drawn(element):
    svg = svg_of([element])
    return [(child.tag.replace(SVG, ""), child.get("fill"), child.get("d") or child.get("r"))
            for child in svg.iter() if child.tag in (f"{SVG}path", f"{SVG}circle")]


def test_each_arrowhead_has_its_own_shape_and_the_start_one_is_drawn():
    shapes = {head: drawn(arrow(endArrowhead=head)) for head in
              ("arrow", "triangle", "triangle_outline", "dot", "bar", "diamond",
               "crowfoot_many")}
    assert len({tuple(s) for s in shapes.values()}) == len(shapes)
    assert len(drawn(arrow(startArrowhead="triangle", endArrowhead="triangle"))) == 3
    assert len(drawn(arrow(endArrowhead=None))) == 1


def test_corners_are_round_only_with_roundness_and_hatching_is_not_solid():
    box = {"id": "r", "type": "rectangle", "x": 0, "y": 0, "width": 100, "height": 40}
    square, = [r for r in svg_of([box]).iter(f"{SVG}rect")][1:]
    assert square.get("rx") is None
    rounded, = [r for r in svg_of([dict(box, roundness={"type": 3})]).iter(f"{SVG}rect")][1:]
    assert rounded.get("rx") == "10"
    for style in ("hachure", "cross-hatch"):
        svg = svg_of([dict(box, fillStyle=style, backgroundColor="#ffc9c9")])
        shape = [r for r in svg.iter(f"{SVG}rect")][1]
        assert shape.get("fill").startswith("url(#")
        pattern, = svg.iter(f"{SVG}pattern")
        assert len(list(pattern)) == (2 if style == "cross-hatch" else 1)
    solid = [r for r in svg_of([dict(box, backgroundColor="#ffc9c9")]).iter(f"{SVG}rect")][1]
    assert solid.get("fill") == "#ffc9c9"


def test_bound_text_keeps_its_own_colour_in_the_svg(whiteboards):
    svg = svg_of(import_whiteboard(whiteboards, scene(), "member"))
    label = next(t for t in svg.iter(f"{SVG}text") if "".join(t.itertext()) == "Teacher voice")
    assert label.get("fill") == "#1971c2"


def test_an_export_of_our_own_sticky_still_loads_as_a_sticky(whiteboards):
    board = Whiteboard("Mine", "member")
    board.apply([{"op": "put", "element": {"id": "s", "type": "sticky", "x": 0, "y": 0,
                                           "width": 100, "height": 80, "text": "Idea"}}], "m")
    out = board_scene(board)
    back = {e["id"]: e for e in from_excalidraw(copy.deepcopy(out))}
    assert back["s"]["type"] == "sticky" and back["s"]["text"] == "Idea"
