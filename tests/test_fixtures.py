"""The fixtures give every test a site of its own on the one app of the test process:
nothing one test saves, indexes or leaves in the app's memory reaches the next."""
from helpers import Site, api_client
from workspace.content.throttle import MAX_FAILURES


def found(app, token, words):
    return api_client(app, token).get("/api/search", params={"q": words}).json["total"]


def test_the_next_site_shares_nothing_with_the_one_before(sites, tmp_path):
    app, registry = sites.app, sites.app.registry
    sites.open(tmp_path / "first", cast=True)
    try:
        admin = sites.tokens["admin"]
        api_client(app, admin).post_json("/api/groups", {
            "id": "leaky", "title": "Leaky heronword", "description": "",
            "visibility": "open"}, status=201)
        assert found(app, admin, "heronword") == 1
        registry.settings["workspace.max_upload_bytes"] = "1"
        registry.workspace_left_behind = {"by": "the first test"}
        registry.editor_presence.here("/groups/secret/documents/plan", "member")
        for _ in range(MAX_FAILURES):
            registry.login_throttle.failed("member", "192.0.2.1")
        assert registry.login_throttle.blocked("member", "192.0.2.1")
    finally:
        sites.close()

    sites.open(tmp_path / "second", cast=True)
    try:
        with Site(app).open() as site:
            assert "leaky" not in site["groups"] and "secret" in site["groups"]
        assert found(app, sites.tokens["admin"], "heronword") == 0
        assert registry.settings["workspace.max_upload_bytes"] == sites.settings[
            "workspace.max_upload_bytes"]
        assert str(tmp_path / "second") in registry.settings["zodbconn.uri"]
        assert not hasattr(registry, "workspace_left_behind")
        assert registry.editor_presence.others("/groups/secret/documents/plan", "admin") == []
        assert not registry.login_throttle.blocked("member", "192.0.2.1")
    finally:
        sites.close()


def test_each_test_gets_its_own_files(app, tmp_path):
    db = app.registry._zodb_databases[""]
    assert db.storage.getName() == str(tmp_path / "var" / "Data.fs")
    assert app.registry.workspace_indexer.store.directory == str(tmp_path / "var" / "index")
