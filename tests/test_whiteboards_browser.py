"""The whiteboard page in Chromium: two people on one board see each other's changes live."""
import time

from helpers import page_login, serious_accessibility_violations


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
        from workspace.content.trash import move_to_trash
        with site.open() as s:
            move_to_trash(s["groups"]["pathways"]["whiteboards"]["plan"], "amara")
        page.get_by_role("status").filter(has_text="This board is no longer here.").wait_for(
            timeout=5000)
    finally:
        context.close()


def elements_of(page):
    return page.evaluate("[...window.whiteboard.board.elements.values()]")


def drag(page, start, end, steps=6):
    box = page.locator("#wb-canvas").bounding_box()
    page.mouse.move(box["x"] + start[0], box["y"] + start[1])
    page.mouse.down()
    page.mouse.move(box["x"] + end[0], box["y"] + end[1], steps=steps)
    page.mouse.up()


def saved(page):
    wait_until(page, "window.whiteboard.board.pending() === 0")


def test_tools_selection_shortcuts_undo_and_redo(chromium, live_server, site):
    path = make_board(site)
    context, page, errors = open_board(chromium, live_server, "amara", path)
    try:
        canvas = page.locator("#wb-canvas")
        canvas.focus()
        for key, start, end in (("r", (50, 50), (150, 120)), ("o", (200, 50), (300, 120)),
                                ("d", (350, 50), (450, 120)), ("l", (50, 200), (150, 260)),
                                ("a", (200, 200), (300, 260)), ("p", (350, 200), (450, 260))):
            page.keyboard.press(key)
            drag(page, start, end)
        page.keyboard.press("t")
        canvas.click(position={"x": 60, "y": 320})
        page.get_by_label("Text of the note").fill("Goals")
        page.keyboard.press("Escape")
        saved(page)
        kinds = sorted(e["type"] for e in elements_of(page))
        assert kinds == ["arrow", "diamond", "ellipse", "freedraw", "line", "rectangle", "text"]
        rect = next(e for e in elements_of(page) if e["type"] == "rectangle")
        assert (rect["width"], rect["height"]) == (100, 70)
        arrow = next(e for e in elements_of(page) if e["type"] == "arrow")
        assert arrow["points"][-1] == [100, 60] and arrow["endArrowhead"] == "arrow"
        # select and move the rectangle, then resize it from its bottom-right corner
        page.keyboard.press("v")
        drag(page, (50, 80), (90, 100))
        saved(page)
        rect = next(e for e in elements_of(page) if e["type"] == "rectangle")
        assert (rect["x"], rect["y"]) == (90, 70)
        drag(page, (194, 144), (244, 164))  # the handle sits 4 px outside the corner
        saved(page)
        rect = next(e for e in elements_of(page) if e["type"] == "rectangle")
        assert (rect["x"], rect["y"], rect["width"], rect["height"]) == (90, 70, 150, 90)
        # double-clicking a shape gives it a label: text bound to it
        box = canvas.bounding_box()
        page.mouse.dblclick(box["x"] + 165, box["y"] + 115)
        page.get_by_label("Text of the note").fill("Outcome")
        page.keyboard.press("Escape")
        saved(page)
        label = next(e for e in elements_of(page) if e.get("text") == "Outcome")
        assert label["type"] == "text" and label["containerId"] == rect["id"]
        # a style change applies to the selection
        page.get_by_label("Stroke").select_option("#e03131")
        saved(page)
        rect = next(e for e in elements_of(page) if e["type"] == "rectangle")
        assert rect["strokeColor"] == "#e03131"
        # delete, undo, redo with the keyboard
        canvas.focus()
        page.keyboard.press("Delete")
        saved(page)
        assert "rectangle" not in [e["type"] for e in elements_of(page)]
        page.keyboard.press("Control+z")
        saved(page)
        assert "rectangle" in [e["type"] for e in elements_of(page)]
        page.keyboard.press("Control+Shift+z")
        saved(page)
        assert "rectangle" not in [e["type"] for e in elements_of(page)]
        # a sticky note from the keyboard alone, then nudged with the arrow keys
        canvas.focus()
        page.keyboard.press("s")
        page.keyboard.press("Enter")
        page.keyboard.type("Keyboard note")
        page.keyboard.press("Escape")
        page.keyboard.press("v")
        page.keyboard.press("Shift+ArrowRight")
        saved(page)
        note = next(e for e in elements_of(page) if e.get("text") == "Keyboard note")
        width = page.evaluate("document.getElementById('wb-canvas').clientWidth")
        assert note["type"] == "sticky" and note["x"] == round(width / 2 - 90 + 10, 2)
        # zoom with the keyboard and the buttons
        page.keyboard.press("+")
        assert page.locator("#wb-zoom").text_content() == "120%"
        page.get_by_role("button", name="Zoom out").click()
        assert page.locator("#wb-zoom").text_content() == "100%"
        # the server holds what the page shows
        server = cast_elements(site, "pathways")
        assert sorted(e["type"] for e in server) == sorted(e["type"] for e in elements_of(page))
        assert errors == []
    finally:
        context.close()


def cast_elements(site, gid):
    with site.open() as s:
        return [dict(e) for e in s["groups"][gid]["whiteboards"]["plan"].elements()]


def test_drawing_with_a_finger_on_a_phone(chromium, live_server, site):
    path = make_board(site)
    context = chromium.new_context(viewport={"width": 390, "height": 800}, has_touch=True)
    page = context.new_page()
    try:
        page_login(page, live_server, "amara")
        page.goto(f"{live_server}{path}")
        page.wait_for_selector("#whiteboard[data-ready=true]")
        page.get_by_role("button", name="Rectangle").tap()
        box = page.locator("#wb-canvas").bounding_box()
        cdp = context.new_cdp_session(page)
        x, y = box["x"] + 100, box["y"] + 100
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        for step in range(1, 6):
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
                {"x": x + step * 20, "y": y + step * 10}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        saved(page)
        [rect] = cast_elements(site, "pathways")
        assert rect["type"] == "rectangle" and (rect["width"], rect["height"]) == (100, 50)
        assert (rect["x"], rect["y"]) == (100, 100)
        # a tapped sticky lands where the finger was, even when the page scrolls to the canvas
        page.wait_for_timeout(800)  # a tap right after a swipe is taken as stopping the fling
        sticky_tool = page.get_by_role("button", name="Sticky note")
        sticky_tool.tap()
        wait_until(page, "document.querySelector('[data-tool=sticky]')"
                         ".getAttribute('aria-pressed') === 'true'")
        page.locator("#wb-canvas").tap(position={"x": 150, "y": 150})
        page.get_by_label("Text of the note").fill("From a phone")
        page.get_by_role("button", name="Select").tap()  # leaving the editor saves the note
        sticky = next(e for e in elements_of(page) if e["type"] == "sticky")
        assert (sticky["x"], sticky["y"], sticky["text"]) == (60, 80, "From a phone")
        # two fingers spread apart zoom in
        page.wait_for_timeout(800)
        box = page.locator("#wb-canvas").bounding_box()  # where it is now, in the viewport
        cx, cy = box["x"] + 170, box["y"] + 80
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [
            {"x": cx - 40, "y": cy, "id": 1}, {"x": cx + 40, "y": cy, "id": 2}]})
        for step in range(1, 6):
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
                {"x": cx - 40 - step * 8, "y": cy, "id": 1},
                {"x": cx + 40 + step * 8, "y": cy, "id": 2}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        assert page.locator("#wb-zoom").text_content() == "200%"
        assert len(cast_elements(site, "pathways")) == 2  # the pinch drew nothing
    finally:
        context.close()


def test_list_history_and_version_pages_pass_axe(chromium, live_server, site):
    path = make_board(site)
    with site.open() as s:
        board = s["groups"]["pathways"]["whiteboards"]["plan"]
        board.apply([{"op": "put", "element": {"id": "n1", "type": "sticky", "x": 0, "y": 0,
                                               "width": 100, "height": 80, "text": "Aim"}}],
                    "amara")
        board.keep_version("amara", "draft")
    context, page, errors = open_board(chromium, live_server, "amara", path)
    try:
        for url in ("/groups/pathways/whiteboards/", f"{path}/versions/",
                    f"{path}/versions/1/", "/groups/pathways/whiteboards/add",
                    "/groups/pathways/whiteboards/import"):
            page.goto(f"{live_server}{url}")
            assert serious_accessibility_violations(page) == [], url
        # the old version's picture is the server's SVG, and it loads
        page.goto(f"{live_server}{path}/versions/1/")
        assert page.evaluate("document.querySelector('.wb-version img').naturalWidth") > 0
        page.get_by_role("button", name="Restore this version").click()
        page.wait_for_selector("#whiteboard[data-ready=true]")
        assert errors == []
    finally:
        context.close()
