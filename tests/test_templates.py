"""Every template is compiled before the first request (none compiles while serving)."""
import os

from pyramid.renderers import get_renderer
from pyramid.threadlocal import manager
import pytest

from workspace.views.layout import TEMPLATES


@pytest.mark.parametrize("name", sorted(n for n in os.listdir(TEMPLATES) if n.endswith(".pt")))
def test_every_page_template_is_compiled_at_start_up(app, name):
    manager.push({"registry": app.registry, "request": None})
    try:
        page = get_renderer(f"workspace:views/templates/{name}").implementation()
    finally:
        manager.pop()
    assert page._cooked


def test_pages_share_one_compiled_layout(app, testapp):
    assert app.registry.layout._cooked
    assert "Skip to content" in testapp.get("/login").text
