"""Editing in the browser keeps what Excalidraw wrote: a shape moved, an arrow restyled and
a label retyped on our page keep their groups, roundness, bindings, links, frame and custom
data on the server (the page sends each element as it has it, less the server's fields)."""
from workspace.content.whiteboard import Whiteboard
from workspace.content.whiteboard_format import board_scene

from test_excalidraw_own_restore import excalidraw_installed  # noqa: F401 (npm ci)
from test_excalidraw_own_restore import restored_by_excalidraw
from test_whiteboards_browser import drag, elements_of, make_board, open_board, saved

FRAME = {"id": "frame-1", "type": "frame", "x": 20, "y": 20, "width": 700, "height": 420,
         "name": "Aims", "roundness": None}
BOX = {"id": "box", "type": "rectangle", "x": 100, "y": 100, "width": 200, "height": 100,
       "groupIds": ["g-aims"], "frameId": "frame-1", "roundness": {"type": 3},
       "link": "https://example.org/brief", "customData": {"tag": "aims"},
       "boundElements": [{"id": "label", "type": "text"}, {"id": "link-1", "type": "arrow"}],
       "seed": 1234, "index": "a1", "backgroundColor": "#ffec99", "fillStyle": "hachure"}
LABEL = {"id": "label", "type": "text", "x": 150, "y": 140, "width": 100, "height": 25,
         "text": "Aims", "originalText": "Aims", "containerId": "box", "lineHeight": 1.25,
         "fontSize": 20, "textAlign": "center", "verticalAlign": "middle",
         "strokeColor": "#1971c2", "autoResize": True, "groupIds": ["g-aims"]}
ARROW = {"id": "link-1", "type": "arrow", "x": 305, "y": 150, "width": 200, "height": 0,
         "points": [[0, 0], [200, 0]], "startBinding": {"elementId": "box", "focus": 0.1,
                                                         "gap": 5},
         "endBinding": None, "startArrowhead": None, "endArrowhead": "triangle",
         "roundness": {"type": 2}, "elbowed": False, "frameId": "frame-1"}
KEPT = {"box": ("groupIds", "frameId", "roundness", "link", "customData", "boundElements",
                "seed", "index"),
        "label": ("containerId", "lineHeight", "strokeColor", "autoResize", "groupIds"),
        "link-1": ("startBinding", "startArrowhead", "endArrowhead", "roundness", "elbowed",
                   "frameId")}


def stored(site):
    with site.open() as s:
        board = s["groups"]["pathways"]["whiteboards"]["plan"]
        return {e["id"]: dict(e) for e in board.elements()}


def test_editing_on_our_page_keeps_what_excalidraw_wrote(chromium, live_server, site,
                                                         tmp_path):
    path = make_board(site)
    with site.open() as s:
        board = s["groups"]["pathways"]["whiteboards"]["plan"]
        assert isinstance(board, Whiteboard)
        board.apply([{"op": "put", "element": {k: v for k, v in e.items() if v is not None}}
                     for e in (FRAME, BOX, LABEL, ARROW)], "amara")
    before = stored(site)
    context, page, errors = open_board(chromium, live_server, "amara", path)
    try:
        canvas = page.locator("#wb-canvas")
        canvas.focus()
        page.keyboard.press("v")
        drag(page, (130, 180), (170, 220))  # the box (and its label) 40 px right and down
        saved(page)
        moved = stored(site)
        assert (moved["box"]["x"], moved["box"]["y"]) == (140, 140)
        assert (moved["label"]["x"], moved["label"]["y"]) == (190, 180)
        # the arrow, restyled
        page.mouse.click(canvas.bounding_box()["x"] + 450, canvas.bounding_box()["y"] + 150)
        page.get_by_label("Stroke").select_option("#e03131")
        saved(page)
        # the label, retyped
        box = canvas.bounding_box()
        page.mouse.dblclick(box["x"] + 240, box["y"] + 190)
        page.get_by_label("Text of the note").fill("Aims for 2027")
        page.keyboard.press("Escape")
        saved(page)
        after = stored(site)
        assert after["link-1"]["strokeColor"] == "#e03131"
        assert after["label"]["text"] == after["label"]["originalText"] == "Aims for 2027"
        for element_id, fields in KEPT.items():
            assert {f: after[element_id].get(f) for f in fields} == \
                {f: before[element_id].get(f) for f in fields}, element_id
            assert after[element_id]["version"] > before[element_id]["version"], element_id
        # what the page holds is what the server holds
        page_box = next(e for e in elements_of(page) if e["id"] == "box")
        assert page_box["groupIds"] == ["g-aims"] and page_box["roundness"] == {"type": 3}
        assert errors == []
    finally:
        context.close()
    # and Excalidraw opens the board's export as it is now
    with site.open() as s:
        scene = board_scene(s["groups"]["pathways"]["whiteboards"]["plan"])
    opened = {e["id"]: e for e in restored_by_excalidraw(scene, tmp_path)["elements"]}
    assert opened["label"]["text"] == opened["label"]["originalText"] == "Aims for 2027"
    assert opened["box"]["groupIds"] == ["g-aims"] and opened["box"]["x"] == 140
    assert opened["link-1"]["startBinding"]["elementId"] == "box"
