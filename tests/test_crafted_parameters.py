"""Crafted requests the security review sent (issue 11) answer a 400 that says why, never
a 500, and oversized work is refused before it is done."""
import json

import pytest

HUGE = "9" * 30


def test_a_deeply_nested_excalidraw_import_is_a_400(cast):
    nested = '{"type": "excalidraw", "elements": [' + "[" * 5000 + "]" * 5000 + "]}"
    answer = cast.api["member"].post("/api/groups/secret/whiteboards/import", nested,
                                     headers={"Content-Type": "application/json"},
                                     status=400)
    assert answer.json["error"]


def test_an_excalidraw_import_of_300000_elements_is_refused_by_its_count(cast):
    elements = [{"id": f"e{n}", "type": "rectangle", "x": 0, "y": 0, "width": 1,
                 "height": 1} for n in range(300_000)]
    body = json.dumps({"type": "excalidraw", "version": 2, "elements": elements})
    answer = cast.api["member"].post("/api/groups/secret/whiteboards/import", body,
                                     headers={"Content-Type": "application/json"},
                                     expect_errors=True)
    assert answer.status_int in (400, 413)
    assert "elements" in answer.json["message"] or answer.status_int == 413


@pytest.mark.parametrize("path", [
    f"/api/notifications?before={HUGE}",
    f"/notifications/@@open?id={HUGE}",
    "/api/notifications?before=-1",
    f"/api/search?q=teacher&page={HUGE}",
    "/api/search?q=teacher&from=2026-13-45",
    f"/audit?before={HUGE}",
])
def test_huge_or_malformed_numbers_and_dates_are_a_400(cast, path):
    who = "admin" if path.startswith("/audit") else "member"
    client = cast.html(who) if not path.startswith("/api/") else cast.api[who]
    assert client.get(path, expect_errors=True).status_int == 400


def test_a_document_history_before_a_huge_version_is_a_400(cast):
    member = cast.api["member"]
    member.post_json("/api/groups/secret/documents", {"id": "plan", "title": "Plan",
                                                      "body": "x\n"}, status=201)
    member.get(f"/api/groups/secret/documents/plan/history?before={HUGE}", status=400)
    member.get(f"/api/groups/secret/documents/plan/versions/{HUGE}", status=404)
