"""Unit tests of the whiteboard formats (content.whiteboard_format), with no request and no
app: what a valid element and op batch are, the SVG, Excalidraw out and in, and making a
board from a file."""
import xml.etree.ElementTree as ET

import colander
import pytest

from workspace.content.group import Group
from workspace.content.ids import IdTaken
from workspace.content.trash import move_to_trash
from workspace.content.whiteboard import MAX_TITLE
from workspace.content.whiteboard_format import (WhiteboardFormatError, from_excalidraw,
                                                 import_whiteboard, ops_schema, read_element,
                                                 read_scene, render_svg, scene_title,
                                                 to_excalidraw)


def rect(eid, x=0, **extra):
    return dict({"id": eid, "type": "rectangle", "x": x, "y": 0, "width": 10, "height": 10},
                **extra)


def put(element):
    return {"op": "put", "element": element}


def validate(body):
    return ops_schema().deserialize(body)


@pytest.mark.parametrize("op", [
    {"op": "paint", "id": "a"},
    {"op": "put", "element": dict(rect("a"), type="image")},
    {"op": "put", "element": dict(rect("a"), x="12")},
    {"op": "put", "element": dict(rect("a"), x=float("nan"))},
    {"op": "put", "element": dict(rect("a"), x=1e12)},
    {"op": "put", "element": dict(rect("a"), width=True)},
    {"op": "put", "element": dict(rect("a"), text="x" * 10_001)},
    {"op": "put", "element": dict(rect("a"), strokeColor="red\" onload=\"alert(1)")},
    {"op": "put", "element": dict(rect("a"), onclick="alert(1)")},
    {"op": "put", "element": dict(rect("a"), id="<script>")},
    {"op": "put", "element": dict(rect("a"), points=[[0, 0], ["a", 1]])},
    {"op": "delete"},
    {"op": "put", "id": "a"},
])
def test_bad_ops_are_refused(op):
    with pytest.raises(colander.Invalid):
        validate({"ops": [op]})


def test_more_than_500_ops_are_refused():
    with pytest.raises(colander.Invalid):
        validate({"ops": [put(rect(f"e{i}")) for i in range(501)]})
    assert len(validate({"ops": [put(rect(f"e{i}")) for i in range(500)]})["ops"]) == 500


def test_svg_escapes_whatever_a_user_typed():
    nasty = '<script>alert(1)</script><foreignObject onload="x()">&'
    svg = render_svg([{"id": "s", "type": "sticky", "x": 0, "y": 0, "width": 200, "height": 100,
                       "text": nasty},
                      {"id": "t", "type": "text", "x": 0, "y": 200, "text": nasty}],
                     title=nasty).decode()
    assert "<script" not in svg and "<foreignObject" not in svg
    assert "&lt;script&gt;" in svg
    tree = ET.fromstring(svg.split("\n", 1)[1])
    tags = {node.tag.split("}")[1] for node in tree.iter()}
    assert tags <= {"svg", "title", "rect", "text", "tspan"}
    assert not [a for node in tree.iter() for a in node.attrib if a.lower().startswith("on")]
    assert nasty in "".join(tree.itertext())  # shown as typed, as text


def test_excalidraw_export_and_import_round_trip_keeps_ids_points_and_stickies():
    elements = [{"id": "s1", "type": "sticky", "x": 0, "y": 0, "width": 160, "height": 120,
                 "text": "Idea"},
                {"id": "r1", "type": "rectangle", "x": 300, "y": 0, "width": 100, "height": 50},
                {"id": "r1-label", "type": "text", "x": 310, "y": 10, "text": "Box",
                 "containerId": "r1"},
                {"id": "a1", "type": "arrow", "x": 160, "y": 60, "width": 140, "height": 0,
                 "points": [[0, 0], [140, 0]]}]
    scene = to_excalidraw(elements)
    rect_out = next(e for e in scene["elements"] if e["id"] == "s1")
    assert rect_out["type"] == "rectangle" and rect_out["boundElements"][0]["type"] == "text"
    assert next(e for e in scene["elements"] if e["id"] == "r1-label")["containerId"] == "r1"
    back = {e["id"]: e for e in from_excalidraw(scene)}
    assert back["s1"]["type"] == "sticky" and back["s1"]["text"] == "Idea"
    assert back["a1"]["points"] == [[0, 0], [140, 0]]
    assert back["r1-label"]["containerId"] == "r1"
    assert set(back) == {"s1", "r1", "r1-label", "a1"}


def test_import_keeps_shapes_whose_looks_it_cannot_read_but_refuses_bad_geometry():
    scene = {"elements": [
        {"id": "r", "type": "rectangle", "x": 0, "y": 0, "width": 5, "height": 5,
         "strokeColor": "rgba(0,0,0,.5)", "fillStyle": "dots", "endArrowhead": "crowfoot_many"},
        {"id": "a", "type": "arrow", "x": 0, "y": 0, "points": [[0, 0], [9, 3]],
         "endArrowhead": "triangle_outline"}]}
    imported = {e["id"]: e for e in from_excalidraw(scene)}
    assert "strokeColor" not in imported["r"] and "fillStyle" not in imported["r"]
    assert imported["a"]["endArrowhead"] == "triangle_outline"
    exported = to_excalidraw(list(imported.values()))["elements"]
    arrow = next(e for e in exported if e["id"] == "a")
    assert (arrow["width"], arrow["height"]) == (9, 3)
    with pytest.raises(ValueError):
        from_excalidraw({"elements": [{"id": "r", "type": "rectangle", "x": "far", "y": 0,
                                       "strokeColor": "nope"}]})


def test_an_import_keeps_the_files_order_and_ignores_server_fields():
    scene = {"elements": [
        {"id": "top-last", "type": "text", "x": 0, "y": 0, "text": "on top", "version": 9},
        {"id": "a-middle", "type": "ellipse", "x": 0, "y": 0, "order": 4}]}
    assert [e["id"] for e in from_excalidraw(scene)] == ["top-last", "a-middle"]
    assert all("version" not in e and "order" not in e for e in from_excalidraw(scene))
    body = validate({"ops": [put(dict(rect("a"), version=3, order=7))]})
    assert "version" not in body["ops"][0]["element"] and "order" not in body["ops"][0]["element"]

def test_an_element_is_read_as_stored_without_server_fields():
    element = read_element({"id": "a1", "type": "arrow", "x": 1, "y": 2, "version": 7,
                            "order": 3, "points": [[0, 0], [5, 5]]})
    assert element == {"id": "a1", "type": "arrow", "x": 1.0, "y": 2.0, "width": 0.0,
                       "height": 0.0, "points": [[0.0, 0.0], [5.0, 5.0]]}
    with pytest.raises(colander.Invalid):
        read_element({"id": "a1\n", "type": "arrow", "x": 1, "y": 2})


def test_a_file_that_is_not_json_is_refused_as_such():
    for data in (b"{not json", b"\xff\xfe"):
        with pytest.raises(WhiteboardFormatError) as caught:
            read_scene(data)
        assert caught.value.code == "bad_json"
    assert read_scene(b'{"elements": []}') == {"elements": []}


@pytest.mark.parametrize("scene", [[], {"elements": "x"}, {"type": "excalidraw"}])
def test_a_scene_without_a_list_of_elements_is_refused(scene):
    with pytest.raises(WhiteboardFormatError) as caught:
        from_excalidraw(scene)
    assert caught.value.code == "invalid"


def test_an_import_refuses_shared_ids_and_more_elements_than_a_board_holds(monkeypatch):
    with pytest.raises(WhiteboardFormatError, match="share an id"):
        from_excalidraw({"elements": [rect("a"), rect("a", x=5)]})
    monkeypatch.setattr("workspace.content.whiteboard_format.MAX_ELEMENTS", 2)
    with pytest.raises(WhiteboardFormatError, match="at most 2 elements"):
        from_excalidraw({"elements": [rect("a"), rect("b"), rect("c")]})
    assert len(from_excalidraw({"elements": [rect("a"), rect("b")]})) == 2


def test_a_bad_element_is_named_by_its_place_in_the_file():
    with pytest.raises(WhiteboardFormatError) as caught:
        from_excalidraw({"elements": [rect("fine"), rect("bad", x="left")]})
    assert list(caught.value.fields) == ["elements.1"]


def test_the_title_of_a_file_is_its_name_cut_to_size_or_a_fallback():
    assert scene_title({"appState": {"name": "Mind map"}}) == "Mind map"
    assert scene_title({"appState": {"name": "x" * 300}}) == "x" * MAX_TITLE
    for scene in ({}, {"appState": {"name": "  "}}, {"appState": "name"}, [],
                  {"appState": {"name": 7}}):
        assert scene_title(scene) == "Imported board"


def test_an_export_carries_the_boards_name_and_comes_back_under_it():
    scene = to_excalidraw([rect("r")], "Plan for 2027")
    assert scene["appState"]["name"] == "Plan for 2027"
    assert "name" not in to_excalidraw([rect("r")])["appState"]
    group = Group("Pathways")
    board = import_whiteboard(group["whiteboards"], scene, "amara")
    assert (board.__name__, board.title, board.creator) == ("plan-for-2027", "Plan for 2027",
                                                            "amara")
    assert [e["id"] for e in board.elements()] == ["r"]
    assert [(v.number, v.comment, v.author) for v in board.versions.newest_first()] == \
        [(1, "Imported", "amara")]


def test_an_imported_board_takes_a_free_id_and_refuses_a_taken_one():
    group = Group("Pathways")
    whiteboards = group["whiteboards"]
    scene = {"elements": [], "appState": {"name": "Plan"}}
    first = import_whiteboard(whiteboards, scene, "amara")
    move_to_trash(first, "amara")  # an id in the trash is kept for its board's return
    assert import_whiteboard(whiteboards, scene, "amara").__name__ == "plan-2"
    assert import_whiteboard(whiteboards, scene, "amara", title="Other").__name__ == "other"
    with pytest.raises(IdTaken):
        import_whiteboard(whiteboards, scene, "amara", wid="other")
    empty = whiteboards["plan-2"]
    assert len(empty) == 0 and len(empty.versions) == 0  # nothing to keep, no version


def test_svg_of_an_empty_board_is_a_blank_page_and_labels_sit_in_their_shapes():
    blank = ET.fromstring(render_svg([]).split(b"\n", 1)[1])
    assert blank.get("viewBox") == "0 0 400 300"
    assert blank.find("{http://www.w3.org/2000/svg}title").text == "Whiteboard"
    svg = render_svg([rect("r", width=200, height=100),
                      {"id": "label", "type": "text", "x": 500, "y": 500, "text": "Inside",
                       "containerId": "r"}]).decode()
    tree = ET.fromstring(svg.split("\n", 1)[1])
    [text] = [node for node in tree.iter() if node.tag.endswith("}text")]
    [line] = list(text)
    assert (text.get("text-anchor"), line.get("x")) == ("middle", "100")  # not at x=500
    assert "".join(text.itertext()) == "Inside"
