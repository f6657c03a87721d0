"""Command-line processes serve no pages, so they compile no template at start-up (a
serving process compiles them all: test_templates.py); a template they do render still
compiles when first used."""
import subprocess
import sys

from pyramid.config import Configurator
from pyramid.threadlocal import manager

from helpers import copy_ini
from workspace.views.layout import layout_of

COUNTING = """
import sys
import chameleon.template
import workspace.views.layout as layout
compiled = []
real = layout.template
layout.template = lambda spec: compiled.append(spec) or real(spec)
cook = chameleon.template.BaseTemplate.cook
chameleon.template.BaseTemplate.cook = lambda self, body: compiled.append(self) or cook(self, body)
from workspace.scripts import cli
status = cli.main(["-c", sys.argv[1], "import-groups", "--quiet", sys.argv[2]])
print("compiled", len(compiled))
"""


def test_a_command_compiles_no_template(tmp_path):
    ini = copy_ini("development.ini", str(tmp_path))
    empty = tmp_path / "groups.csv"
    empty.write_text("id,title,description,visibility\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", COUNTING, ini, str(empty)],
                          capture_output=True, text=True, timeout=120)
    assert "groups: 0 created" in done.stdout, done.stderr
    assert "compiled 0" in done.stdout


def test_the_layout_compiles_on_first_use_where_nothing_was_compiled():
    config = Configurator()
    config.include("pyramid_chameleon")
    config.commit()
    assert getattr(config.registry, "layout", None) is None
    manager.push({"registry": config.registry, "request": None})
    try:
        page = layout_of(config.registry)
        assert page._cooked and layout_of(config.registry) is page
    finally:
        manager.pop()
