"""Whiteboards in Chromium (issue 16, friction): a sticky note takes the size it is dragged
to (it ignored the drag), and the page stays free of serious accessibility violations after
drawing (axe once found aria-allowed-attr on the canvas)."""
import pytest

from helpers import serious_accessibility_violations
from test_whiteboards_browser import make_board, open_board, wait_until

pytestmark = pytest.mark.browser

STICKY = "[...window.whiteboard.board.elements.values()].find(e => e.type === 'sticky')"


def test_a_dragged_sticky_note_keeps_the_dragged_size(chromium, live_server, site):
    path = make_board(site)
    context, page, errors = open_board(chromium, live_server, "amara", path)
    page.get_by_role("button", name="Sticky note").click()
    box = page.locator("#wb-canvas").bounding_box()
    page.mouse.move(box["x"] + 100, box["y"] + 100)
    page.mouse.down()
    page.mouse.move(box["x"] + 400, box["y"] + 300, steps=8)
    page.mouse.up()
    editor = page.get_by_label("Text of the note")
    editor.wait_for(state="visible")
    editor.fill("Sized by hand")
    editor.press("Escape")
    wait_until(page, f"({STICKY}) && ({STICKY}).text === 'Sized by hand'")
    note = page.evaluate(STICKY)
    assert (note["width"], note["height"]) == (300, 200)
    # A click still makes a note of the usual size.
    page.get_by_role("button", name="Sticky note").click()
    page.locator("#wb-canvas").click(position={"x": 700, "y": 500})
    page.get_by_label("Text of the note").fill("Clicked")
    page.get_by_label("Text of the note").press("Escape")
    sizes = "[...window.whiteboard.board.elements.values()].filter(e => e.type === 'sticky')" \
            ".map(e => [e.text, e.width, e.height])"
    wait_until(page, f"{sizes}.length === 2")
    assert ["Clicked", 180, 140] in page.evaluate(sizes)
    assert errors == []
    context.close()


def test_no_serious_violation_after_drawing(chromium, live_server, site):
    path = make_board(site)
    context, page, errors = open_board(chromium, live_server, "amara", path)
    canvas = page.locator("#wb-canvas")
    box = canvas.bounding_box()
    for tool, start, end in (("Rectangle", (100, 100), (250, 200)),
                             ("Pen", (300, 100), (400, 180)), ("Arrow", (100, 300), (300, 350))):
        page.get_by_role("button", name=tool).click()
        page.mouse.move(box["x"] + start[0], box["y"] + start[1])
        page.mouse.down()
        page.mouse.move(box["x"] + end[0], box["y"] + end[1], steps=6)
        page.mouse.up()
        assert serious_accessibility_violations(page) == [], tool
    page.get_by_role("button", name="Select").click()
    canvas.click(position={"x": 120, "y": 120})
    canvas.press("Delete")
    assert serious_accessibility_violations(page) == []
    assert errors == []
    context.close()
