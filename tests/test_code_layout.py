"""The shape DESIGN.md gives the code, checked so that it keeps holding: small view
modules, one JSON-view shorthand, content free of the web, tests free of conftest imports."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "workspace"
MAX_VIEW_LINES = 300


def python_files(folder):
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", python_files(PACKAGE / "views"), ids=str)
def test_no_view_module_is_over_300_lines(path):
    assert len(path.read_text().splitlines()) <= MAX_VIEW_LINES


def test_json_views_use_the_api_view_shorthand():
    written_out = [str(p.relative_to(ROOT)) for p in python_files(PACKAGE / "views")
                   if p.name != "base.py" and re.search(r'route_name="api",\s*renderer="json"',
                                                         p.read_text())]
    assert written_out == []


WEB = re.compile(r"^\s*(from|import)\s+(pyramid\.(view|renderers|httpexceptions|request)"
                 r"|workspace\.(views|search|mail|scripts)|\.\.(views|search|mail|scripts)"
                 r"|whoosh|deform|webob)\b", re.M)


def test_content_knows_nothing_of_the_web_search_or_mail():
    crossing = [str(p.relative_to(ROOT)) for p in python_files(PACKAGE / "content")
                if WEB.search(p.read_text())]
    assert crossing == []


def test_view_modules_of_one_kind_import_no_other_kinds_pages():
    kinds = [p.name for p in (PACKAGE / "views").iterdir() if (p / "__init__.py").exists()]
    crossing = []
    for kind in kinds:
        for path in python_files(PACKAGE / "views" / kind):
            for other in kinds:
                if other != kind and re.search(rf"from \.\.{other}(\.| import)", path.read_text()):
                    crossing.append((str(path.relative_to(ROOT)), other))
    assert crossing == []


def test_tests_import_shared_helpers_from_helpers_not_conftest():
    importing = [p.name for p in sorted(ROOT.joinpath("tests").glob("*.py"))
                 if re.search(r"^\s*(from conftest import|import conftest)", p.read_text(), re.M)]
    assert importing == []
