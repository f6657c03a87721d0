"""WebTest tests of every whiteboard API row: a permission matrix and the bad-input cases."""
import json

import pytest

BASE = "/api/groups/secret/whiteboards"
WHOS = ("anonymous", "outsider", "observer", "member", "manager", "admin")
# admin holds no role in `secret`: trust is explicit, so its content is 404 to them too.
READ_STATUS = {"anonymous": 401, "outsider": 404, "admin": 404, "observer": 200,
               "member": 200, "manager": 200}
WRITE_STATUS = dict(READ_STATUS, observer=403)


def sticky(eid="s1", text="Hello", **extra):
    return dict({"id": eid, "type": "sticky", "x": 10, "y": 20, "width": 160, "height": 120,
                 "text": text}, **extra)


def put(element):
    return {"op": "put", "element": element}


@pytest.fixture
def board(cast):
    api = cast.api["member"]
    api.post_json(BASE, {"id": "plan", "title": "Plan"}, status=201)
    api.post_json(f"{BASE}/plan/ops", {"ops": [put(sticky())]})
    api.post_json(f"{BASE}/plan/versions", {"comment": "first"}, status=201)
    return f"{BASE}/plan"


def expected(who, ok, table):
    return ok if table[who] == 200 else table[who]


@pytest.mark.parametrize("who", WHOS)
def test_reading_rows_follow_the_permission_matrix(cast, board, who):
    api = cast.api[who]
    for path in (BASE, board, f"{board}/ops?since=0", f"{board}/svg", f"{board}/excalidraw",
                 f"{board}/versions", f"{board}/versions/1", f"{board}/versions/1/svg"):
        assert api.get(path, expect_errors=True).status_int == READ_STATUS[who], path


@pytest.mark.parametrize("who", WHOS)
def test_writing_rows_follow_the_permission_matrix(cast, board, who):
    api = cast.api[who]
    status = api.post_json(BASE, {"title": "Mine"}, expect_errors=True).status_int
    assert status == expected(who, 201, WRITE_STATUS)
    status = api.post_json(f"{board}/ops", {"ops": [put(sticky("s2"))]},
                           expect_errors=True).status_int
    assert status == expected(who, 200, WRITE_STATUS)
    status = api.post_json(f"{board}/versions", {"comment": "x"}, expect_errors=True).status_int
    assert status == expected(who, 201, WRITE_STATUS)
    status = api.post(f"{board}/versions/1/restore", expect_errors=True).status_int
    assert status == expected(who, 200, WRITE_STATUS)
    status = api.put_json(board, {"title": "Renamed"}, expect_errors=True).status_int
    assert status == expected(who, 200, WRITE_STATUS)
    status = api.post(f"{BASE}/import", json.dumps({"type": "excalidraw", "elements": []}),
                      content_type="application/json", expect_errors=True).status_int
    assert status == expected(who, 201, WRITE_STATUS)
    status = api.delete(board, expect_errors=True).status_int
    assert status == expected(who, 204, WRITE_STATUS)


def test_observer_cannot_draw_but_watches(cast, board):
    response = cast.api["observer"].post_json(f"{board}/ops", {"ops": [put(sticky("x"))]},
                                              status=403)
    assert response.json["error"] == "forbidden"
    assert cast.api["observer"].get(f"{board}/ops?since=0").json["ops"][0]["id"] == "s1"


def test_create_gives_an_id_from_the_title_and_refuses_taken_or_bad_ids(cast):
    api = cast.api["member"]
    assert api.post_json(BASE, {"title": "Theory of Change"}, status=201).json == \
        {"id": "theory-of-change"}
    assert api.post_json(BASE, {"title": "Again", "id": "theory-of-change"}, status=409
                         ).json["error"] == "taken"
    assert api.post_json(BASE, {"title": "Bad", "id": "Not A Slug"}, status=400
                         ).json["fields"]["id"]
    assert api.post_json(BASE, {"title": ""}, status=400).json["fields"]["title"]
    assert api.post_json(BASE, {"title": "x", "colour": "red"}, status=400)


def test_get_lists_live_elements_with_server_versions(cast, board):
    api = cast.api["member"]
    api.post_json(f"{board}/ops", {"ops": [put(sticky(text="Changed")),
                                           put(sticky("s2")), {"op": "delete", "id": "s2"}]})
    body = api.get(board).json
    assert body["id"] == "plan" and body["title"] == "Plan" and body["seq"] == 4
    assert [(e["id"], e["version"], e["text"]) for e in body["elements"]] == \
        [("s1", 2, "Changed")]


def test_ops_since_gives_what_others_did_and_who_is_here(cast, board):
    member, manager = cast.api["member"], cast.api["manager"]
    seq = member.get(f"{board}/ops?since=0").json["seq"]
    assert manager.post_json(f"{board}/ops", {"ops": [put(sticky("m1", "From manager"))]}
                             ).json == {"seq": seq + 1}
    answer = member.get(f"{board}/ops?since={seq}").json
    assert answer["seq"] == seq + 1
    assert [(op["seq"], op["op"], op["id"], op["by"]) for op in answer["ops"]] == \
        [(seq + 1, "put", "m1", "manager")]
    assert answer["ops"][0]["element"]["text"] == "From manager"
    assert answer["present"] == ["member"]  # the manager posted but has not polled yet
    manager.get(f"{board}/ops?since=0")
    assert member.get(f"{board}/ops?since={seq + 1}").json["present"] == ["manager", "member"]
    assert member.get(f"{board}/ops?since={seq + 1}").json["ops"] == []


def test_ops_since_must_be_a_whole_number(cast, board):
    api = cast.api["member"]
    for bad in ("x", "-1", "1.5"):
        assert api.get(f"{board}/ops?since={bad}", status=400).json["error"] == "invalid"
    assert api.get(f"{board}/ops?since=999").json["reset"] is True


BAD_OPS = {
    "unknown op": {"op": "paint", "id": "s1"},
    "unknown type": put(dict(sticky(), type="video")),
    "non-numeric geometry": put(dict(sticky(), x="ten")),
    "absurd geometry": put(dict(sticky(), width=1e15)),
    "text over 10,000": put(sticky(text="x" * 10_001)),
    "unknown field": put(dict(sticky(), onclick="alert(1)")),
    "bad colour": put(dict(sticky(), strokeColor="url(javascript:alert(1))")),
}


@pytest.mark.parametrize("case", sorted(BAD_OPS))
def test_a_batch_with_one_bad_op_is_refused_whole(cast, board, case):
    api = cast.api["member"]
    before = api.get(board).json
    good = put(sticky("fine", "Fine"))
    response = api.post_json(f"{board}/ops", {"ops": [good, BAD_OPS[case]]}, status=400)
    assert response.json["error"] == "invalid" and response.json["fields"]
    assert api.get(board).json == before


def test_more_than_500_ops_in_one_request_are_refused(cast, board):
    api = cast.api["member"]
    ops = [put(sticky(f"n{i}")) for i in range(501)]
    assert api.post_json(f"{board}/ops", {"ops": ops}, status=400).json["fields"]["ops"]
    assert api.get(board).json["seq"] == 1
    assert api.post_json(f"{board}/ops", {"ops": ops[:500]}).json["seq"] == 501


def test_more_than_20000_elements_on_a_board_are_refused(cast, board, site):
    with site.open() as s:
        plan = s["groups"]["secret"]["whiteboards"]["plan"]
        for start in range(0, 19_999, 2000):
            plan.apply([put({"id": f"e{i}", "type": "rectangle", "x": i, "y": 0})
                        for i in range(start, min(start + 2000, 19_999))], "member")
        assert len(plan) == 20_000
    api = cast.api["member"]
    seq = api.get(board).json["seq"]
    response = api.post_json(f"{board}/ops", {"ops": [put(sticky("one-more"))]}, status=400)
    assert response.json["error"] == "too_many_elements"
    assert api.post_json(f"{board}/ops", {"ops": [{"op": "delete", "id": "e0"},
                                                  put(sticky("one-more"))]}).json["seq"] == seq + 2


def test_bodies_that_are_not_json_objects_are_refused(cast, board):
    api = cast.api["member"]
    api.post(f"{board}/ops", "ops=1", content_type="application/x-www-form-urlencoded",
             status=415)
    api.post(f"{board}/ops", "{nope", content_type="application/json", status=400)
    api.post_json(f"{board}/ops", {"ops": "all"}, status=400)
    api.post_json(f"{board}/ops", {"ops": [], "extra": 1}, status=400)


def test_svg_is_rendered_on_the_server_and_escapes_text(cast, board):
    api = cast.api["member"]
    nasty = '<script>alert(1)</script><foreignObject><img src=x onerror="alert(2)">'
    api.post_json(f"{board}/ops", {"ops": [put(sticky(text=nasty)),
                                           put({"id": "t", "type": "text", "x": 0, "y": 300,
                                                "text": nasty})]})
    response = api.get(f"{board}/svg")
    assert response.content_type == "image/svg+xml"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    svg = response.text
    assert "<script" not in svg and "<foreignObject" not in svg and "<img" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_excalidraw_export_then_import_makes_a_new_board(cast, board):
    api = cast.api["member"]
    api.post_json(f"{board}/ops", {"ops": [put({"id": "a1", "type": "arrow", "x": 0, "y": 0,
                                                "points": [[0, 0], [50, 25]]})]})
    exported = api.get(f"{board}/excalidraw")
    assert "attachment" in exported.headers["Content-Disposition"]
    scene = json.loads(exported.body)
    assert scene["type"] == "excalidraw" and scene["appState"]["name"] == "Plan"
    response = api.post(f"{BASE}/import?title=Copy", exported.body,
                        content_type="application/json", status=201)
    copy = api.get(f"{BASE}/{response.json['id']}").json
    assert copy["title"] == "Copy"
    original = api.get(board).json["elements"]
    assert [(e["id"], e["type"], e.get("text"), e.get("points")) for e in copy["elements"]] == \
        [(e["id"], e["type"], e.get("text"), e.get("points")) for e in original]
    assert api.get(f"{BASE}/{response.json['id']}/versions").json[0]["comment"] == "Imported"


def test_import_refuses_malformed_files_and_makes_nothing(cast):
    api = cast.api["member"]
    api.post(f"{BASE}/import", "not json", content_type="application/json", status=400)
    api.post(f"{BASE}/import", json.dumps({"elements": "x"}), content_type="application/json",
             status=400)
    bad = {"type": "excalidraw", "elements": [{"id": "r", "type": "rectangle", "x": "left",
                                               "y": 0}]}
    response = api.post(f"{BASE}/import", json.dumps(bad), content_type="application/json",
                        status=400)
    assert "elements.0" in response.json["fields"]
    api.post(f"{BASE}/import?id=Bad Id", json.dumps({"elements": []}),
             content_type="application/json", status=400)
    assert api.get(BASE).json == []


def test_import_skips_deleted_and_unsupported_elements(cast):
    scene = {"type": "excalidraw", "version": 2, "elements": [
        {"id": "r", "type": "rectangle", "x": 0, "y": 0, "width": 5, "height": 5,
         "roundness": {"type": 3}, "seed": 1, "frameId": None, "index": "a0"},
        {"id": "gone", "type": "ellipse", "x": 0, "y": 0, "isDeleted": True},
        {"id": "img", "type": "image", "x": 0, "y": 0, "fileId": "f"}]}
    api = cast.api["member"]
    wid = api.post(f"{BASE}/import", json.dumps(scene), content_type="application/json",
                   status=201).json["id"]
    assert [e["id"] for e in api.get(f"{BASE}/{wid}").json["elements"]] == ["r"]


def test_versions_list_show_and_restore(cast, board):
    api = cast.api["member"]
    api.post_json(f"{board}/ops", {"ops": [{"op": "delete", "id": "s1"}]})
    versions = api.get(f"{board}/versions").json
    assert [(v["version"], v["author"], v["comment"]) for v in versions] == \
        [(1, "member", "first")]
    assert versions[0]["date"].endswith("+00:00")
    assert [e["id"] for e in api.get(f"{board}/versions/1").json["elements"]] == ["s1"]
    api.get(f"{board}/versions/9", status=404)
    api.get(f"{board}/versions/x", status=404)
    restored = api.post(f"{board}/versions/1/restore").json
    assert restored["version"] == 2
    assert [e["id"] for e in api.get(board).json["elements"]] == ["s1"]
    assert [v["version"] for v in api.get(f"{board}/versions").json] == [2, 1]
    assert api.post_json(f"{board}/versions", {"comment": "c" * 501}, status=400)


def test_delete_moves_the_board_to_the_trash_and_audits_it(cast, board, site):
    cast.api["member"].delete(board, status=204)
    cast.api["member"].get(board, status=404)
    with site.open() as s:
        trash = s["groups"]["secret"]["trash"]
        assert trash["plan"].title == "Plan" and trash["plan"].trash_record.deleted_by == "member"
        entry = s.audit.newest(1)[0]
        assert (entry["actor"], entry["action"], entry["object"], entry["detail"]) == \
            ("member", "trashed", "/groups/secret/whiteboards/plan", "whiteboard")


def test_a_trashed_board_is_read_as_before_and_refuses_every_write(cast, board):
    member = cast.api["member"]
    member.delete(board, status=204)
    trashed = "/api/groups/secret/trash/plan"
    assert member.get(trashed).json["title"] == "Plan"
    for path in (f"{trashed}/ops?since=0", f"{trashed}/svg", f"{trashed}/excalidraw",
                 f"{trashed}/versions", f"{trashed}/versions/1", f"{trashed}/versions/1/svg"):
        member.get(path, status=200)
    writes = (member.post_json(f"{trashed}/ops", {"ops": [put(sticky("s2"))]}, status=409),
              member.put_json(trashed, {"title": "Renamed"}, status=409),
              member.post_json(f"{trashed}/versions", {"comment": "x"}, status=409),
              member.post(f"{trashed}/versions/1/restore", status=409),
              member.delete(trashed, status=409))
    assert {response.json["error"] for response in writes} == {"in_trash"}
    assert member.get(trashed).json["title"] == "Plan"
    assert [v["version"] for v in member.get(f"{trashed}/versions").json] == [1]


def test_ids_that_name_a_page_are_refused(cast):
    api = cast.api["member"]
    for reserved in ("add", "import", "versions", "edit"):
        response = api.post_json(BASE, {"title": "Sneaky", "id": reserved}, status=400)
        assert response.json["fields"]["id"]
        api.post(f"{BASE}/import?id={reserved}", json.dumps({"elements": []}),
                 content_type="application/json", status=400)
    assert api.get(BASE).json == []


def test_text_on_a_board_is_searchable_by_readers_only(cast, board):
    member = cast.api["member"]
    member.post_json(f"{board}/ops", {"ops": [put(sticky("z", "Zanzibar mentoring pilot"))]})
    hits = member.get("/api/search?q=zanzibar").json
    assert [(r["type"], r["title"], r["group"]) for r in hits["results"]] == \
        [("whiteboard", "Plan", "secret")]
    assert cast.api["outsider"].get("/api/search?q=zanzibar").json["total"] == 0
    member.post_json(f"{board}/ops", {"ops": [put(sticky("z", "Pemba coaching"))]})
    assert member.get("/api/search?q=pemba").json["total"] == 1


def test_concurrent_writers_on_one_board_all_land(cast, site, live_server):
    """Six clients post ops at once over real HTTP: every write survives (conflicts are
    retried), and the log numbers them without gaps or repeats."""
    import threading
    import urllib.request
    cast.api["member"].post_json(BASE, {"id": "busy", "title": "Busy"}, status=201)
    tokens = {who: site.token_for(who) for who in ("member", "manager")}
    url = f"{live_server}{BASE}/busy/ops"
    failures = []

    def writer(n):
        token = tokens[("member", "manager")[n % 2]]
        for i in range(15):
            body = json.dumps({"ops": [put(sticky(f"w{n}-{i}", f"note {n} {i}"))]}).encode()
            request = urllib.request.Request(url, body, method="POST", headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            try:
                with urllib.request.urlopen(request) as response:
                    assert response.status == 200
            except Exception as exc:  # collected, not swallowed
                failures.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    body = cast.api["member"].get(f"{BASE}/busy").json
    assert len(body["elements"]) == 90 and body["seq"] == 90
    ops = cast.api["member"].get(f"{BASE}/busy/ops?since=0").json["ops"]
    assert [op["seq"] for op in ops] == list(range(1, 91))


def test_a_trashed_board_is_listed_in_the_trash_and_restores_whole(cast, board):
    member = cast.api["member"]
    seq = member.get(board).json["seq"]
    member.delete(board, status=204)
    [item] = member.get("/api/groups/secret/trash").json
    assert (item["id"], item["title"], item["type"], item["deleted_by"]) == \
        ("plan", "Plan", "whiteboard", "member")
    member.post("/api/groups/secret/trash/plan/restore", status=200)
    restored = member.get(board).json
    assert restored["seq"] == seq and [e["id"] for e in restored["elements"]] == ["s1"]
    assert member.get(f"{board}/versions").json[0]["comment"] == "first"


def test_presence_forgets_who_stopped_polling(cast, board, app, monkeypatch):
    from cachetools import TTLCache
    from workspace.views import presence
    clock = [1000.0]
    monkeypatch.setattr(presence, "TTLCache",
                        lambda size, ttl: TTLCache(size, ttl, timer=lambda: clock[0]))
    seconds = app.registry.whiteboard_presence.ttl
    monkeypatch.setattr(app.registry, "whiteboard_presence", presence.Presence(seconds))
    cast.api["manager"].get(f"{board}/ops?since=0")
    clock[0] += seconds - 1
    assert cast.api["member"].get(f"{board}/ops?since=0").json["present"] == \
        ["manager", "member"]
    clock[0] += 2
    assert cast.api["member"].get(f"{board}/ops?since=0").json["present"] == ["member"]


def test_a_client_far_behind_gets_the_log_in_pages(cast, board):
    member = cast.api["member"]
    for start in range(0, 1200, 500):
        member.post_json(f"{board}/ops", {"ops": [put(sticky(f"p{i}")) for i in
                                                  range(start, min(start + 500, 1200))]})
    first = member.get(f"{board}/ops?since=0").json
    assert len(first["ops"]) == 1000 and first["more"] is True and first["seq"] == 1000
    rest = member.get(f"{board}/ops?since={first['seq']}").json
    assert len(rest["ops"]) == 201 and rest["more"] is False and rest["seq"] == 1201
