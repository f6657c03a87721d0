"""The whiteboard page in Chromium: two people on one board see each other's changes live."""
import time

from conftest import page_login, serious_accessibility_violations


def make_board(site):
    site.add_user("amara")
    site.add_user("rohan")
    site.add_user("claire")
    site.add_group("pathways", "private", {"amara": "member", "rohan": "member",
                                           "claire": "observer"})
    from workspace.content.whiteboard import Whiteboard
    with site.open() as s:
        s["groups"]["pathways"]["whiteboards"].add("plan", Whiteboard("Plan", "amara"))
    return "/groups/pathways/whiteboards/plan"


def wait_until(page, expression, timeout=5.0):
    """Poll `expression` in the page (the CSP forbids wait_for_function's eval)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


def open_board(chromium, live_server, login, path):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page_login(page, live_server, login)
    page.goto(f"{live_server}{path}")
    page.wait_for_selector("#whiteboard[data-ready=true]")
    return context, page, errors


def test_a_sticky_note_added_in_one_browser_appears_in_the_other(chromium, live_server, site):
    path = make_board(site)
    ctx_a, amara, errors_a = open_board(chromium, live_server, "amara", path)
    ctx_b, rohan, errors_b = open_board(chromium, live_server, "rohan", path)
    try:
        amara.get_by_role("button", name="Sticky note").click()
        amara.locator("#wb-canvas").click(position={"x": 300, "y": 200})
        editor = amara.get_by_label("Text of the note")
        editor.wait_for(state="visible")
        editor.fill("Teachers get mentoring")
        editor.press("Escape")
        amara.get_by_role("button", name="Teachers get mentoring").wait_for()
        # rohan's page shows it without reloading, within the polling interval
        rohan.get_by_role("button", name="Teachers get mentoring").wait_for(timeout=5000)
        element = rohan.evaluate(
            "[...window.whiteboard.board.elements.values()].find(e => e.type === 'sticky')")
        assert element["text"] == "Teachers get mentoring"
        # and each sees the other on the board
        rohan.locator("#wb-people li", has_text="amara").wait_for(timeout=5000)
        amara.locator("#wb-people li", has_text="rohan").wait_for(timeout=5000)
        # rohan draws a rectangle; amara sees it too
        rohan.get_by_role("button", name="Rectangle").click()
        canvas = rohan.locator("#wb-canvas")
        box = canvas.bounding_box()
        rohan.mouse.move(box["x"] + 600, box["y"] + 300)
        rohan.mouse.down()
        rohan.mouse.move(box["x"] + 700, box["y"] + 380, steps=5)
        rohan.mouse.up()
        wait_until(amara, "[...window.whiteboard.board.elements.values()]"
                          ".some(e => e.type === 'rectangle')")
        # undo removes it for both
        rohan.keyboard.press("Control+z")
        wait_until(amara, "![...window.whiteboard.board.elements.values()]"
                          ".some(e => e.type === 'rectangle')")
        assert serious_accessibility_violations(amara) == []
        assert errors_a == [] and errors_b == []
    finally:
        ctx_a.close()
        ctx_b.close()
    with site.open() as s:
        board = s["groups"]["pathways"]["whiteboards"]["plan"]
        assert [e["text"] for e in board.elements()] == ["Teachers get mentoring"]


def test_an_observer_watches_without_tools(chromium, live_server, site):
    path = make_board(site)
    context, page, errors = open_board(chromium, live_server, "claire", path)
    try:
        assert page.get_by_role("toolbar", name="Drawing tools").count() == 0
        with site.open() as s:
            s["groups"]["pathways"]["whiteboards"]["plan"].apply(
                [{"op": "put", "element": {"id": "n1", "type": "text", "x": 0, "y": 0,
                                           "text": "Agenda"}}], "amara")
        page.get_by_role("button", name="Agenda").wait_for(timeout=5000)
        assert errors == []
    finally:
        context.close()
