"""Our `.excalidraw` exports, opened by Excalidraw's own `restore` (the code excalidraw.com
runs on a file it opens; @excalidraw/excalidraw from tests/js/package-lock.json, bundled by
esbuild and run under jsdom by tests/js/excalidraw_restore.mjs): every element comes back,
with the fields that carry the drawing's meaning (groups, roundness, bindings, frames,
links, bound text, pictures, pressures) as we wrote them."""
import json
import subprocess

import pytest

from workspace.content.whiteboard import Whiteboard
from workspace.content.whiteboard_format import board_scene, import_whiteboard

from test_calendar_clients import JS
from test_excalidraw_roundtrip import scene, whiteboards  # noqa: F401 (a fixture)

# What a drawing means; Excalidraw may rewrite the rest (its counters, seeds, indices).
MEANING = ("type", "x", "y", "width", "height", "angle", "groupIds", "frameId", "roundness",
           "boundElements", "startBinding", "endBinding", "startArrowhead", "endArrowhead",
           "link", "locked", "containerId", "text", "originalText", "fontSize", "fontFamily",
           "lineHeight", "textAlign", "verticalAlign", "strokeColor", "backgroundColor",
           "fillStyle", "strokeWidth", "strokeStyle", "roughness", "opacity", "points",
           "pressures", "simulatePressure", "fileId", "status", "scale", "name", "customData",
           "elbowed")


@pytest.fixture(scope="module", autouse=True)
def excalidraw_installed():
    """Excalidraw from tests/js/package-lock.json (.ci/run installs it; a first local run
    here does too)."""
    if not (JS / "node_modules" / "@excalidraw" / "excalidraw").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=JS,
                       check=True, timeout=300)


def restored_by_excalidraw(data, tmp_path):
    path = tmp_path / "board.excalidraw"
    path.write_text(json.dumps(data))
    done = subprocess.run(["node", str(JS / "excalidraw_restore.mjs"), str(path)],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def meaning(element):
    """The fields above, as Excalidraw normalises them on restore: no bound elements is an
    empty list, and an elbow arrow's fixed point is nudged off the exact middle (0.5 ->
    0.5001, packages/element/src/binding.ts: normalizeFixedPoint)."""
    out = {k: element[k] for k in MEANING if k in element}
    out["boundElements"] = out.get("boundElements") or []
    for end in ("startBinding", "endBinding"):
        if out.get(end) and out[end].get("fixedPoint"):
            out[end] = dict(out[end], fixedPoint=[round(v, 3) for v in out[end]["fixedPoint"]])
    return out


def test_excalidraw_restores_every_element_of_our_export_as_we_wrote_it(whiteboards,
                                                                        tmp_path):
    board = import_whiteboard(whiteboards, scene(), "member")
    exported = board_scene(board)
    restored = restored_by_excalidraw(exported, tmp_path)
    ours = {e["id"]: e for e in exported["elements"]}
    theirs = {e["id"]: e for e in restored["elements"]}
    assert sorted(theirs) == sorted(ours) and len(ours) == 18
    changed = {i: (meaning(ours[i]), meaning(theirs[i])) for i in ours
               if meaning(ours[i]) != meaning(theirs[i])}
    assert changed == {}
    assert restored["files"] == ["c0ffee0123456789abcdef"]
    assert theirs["arrow-1"]["startBinding"]["elementId"] == "box-1"
    assert {"type": "arrow", "id": "arrow-1"} in theirs["box-1"]["boundElements"]
    assert theirs["pen-1"]["pressures"] == [0.2, 0.45, 0.7, 0.5]
    assert theirs["image-1"]["fileId"] == "c0ffee0123456789abcdef"


def test_our_sticky_opens_in_excalidraw_as_a_box_with_its_text(tmp_path):
    board = Whiteboard("Mine", "member")
    board.apply([{"op": "put", "element": {"id": "s", "type": "sticky", "x": 10, "y": 20,
                                           "width": 120, "height": 80, "text": "Idea",
                                           "backgroundColor": "#ffec99"}}], "m")
    restored = restored_by_excalidraw(board_scene(board), tmp_path)
    by_type = {e["type"]: e for e in restored["elements"]}
    assert sorted(by_type) == ["rectangle", "text"]
    box, text = by_type["rectangle"], by_type["text"]
    assert (box["id"], box["x"], box["y"], box["backgroundColor"]) == ("s", 10, 20, "#ffec99")
    assert text["containerId"] == "s" and text["text"] == "Idea"
    assert {"type": "text", "id": text["id"]} in box["boundElements"]


def test_a_deleted_element_in_an_export_stays_deleted_in_excalidraw(tmp_path):
    board = Whiteboard("Mine", "member")
    board.apply([{"op": "put", "element": {"id": "a", "type": "rectangle", "x": 0, "y": 0,
                                           "width": 10, "height": 10}},
                 {"op": "put", "element": {"id": "b", "type": "ellipse", "x": 0, "y": 0,
                                           "width": 10, "height": 10}}], "m")
    board.apply([{"op": "delete", "id": "b"}], "m")
    exported = board_scene(board)
    restored = restored_by_excalidraw(exported, tmp_path)
    live = {e["id"] for e in restored["elements"] if not e.get("isDeleted")}
    assert "a" in live and "b" not in live
