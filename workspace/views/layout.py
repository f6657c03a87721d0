"""The one layout every page fills, and every template compiled before serving.

Templates fill `metal:use-macro="layout"`: `layout` is handed to every template by
`add_layout`, so the process holds one compiled layout (with `load: layout.pt` each
template compiled a copy of its own, lazily, while serving). `compile_templates` compiles
our templates and deform's at start-up, so that no request compiles one: under load right
after a restart, CPython 3.11's compiler could fail with "SystemError: AST constructor
recursion depth mismatch" (gh-106905) when templates compiled while other threads were
busy, even one template at a time. A command-line process serves no page: it compiles
nothing at start-up (`disable_template_compilation`), and a template it does render (a
mail's) compiles when first used.
"""
import os

from pyramid.events import BeforeRender, subscriber
from pyramid.renderers import get_renderer
import deform

TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")
LAYOUT = "workspace:views/templates/layout.pt"


def template(spec):
    """The compiled chameleon template behind a renderer asset spec."""
    page = get_renderer(spec).implementation()
    page.cook_check()
    return page


_at_start = {"enabled": True}


def disable_template_compilation():
    """This process serves no pages (a command-line run): compile no template at start-up."""
    _at_start["enabled"] = False


def compiles_at_start():
    """Whether this process compiles its templates at start-up (it serves pages)."""
    return _at_start["enabled"]


def compile_templates(registry):
    """Compile every page template and deform's widget templates now; keep the layout.
    Nothing in a process that serves no pages."""
    if not compiles_at_start():
        return
    for name in sorted(os.listdir(TEMPLATES)):
        if name.endswith(".pt"):
            template(f"workspace:views/templates/{name}")
    widgets = deform.Form.default_renderer
    for name in sorted(os.listdir(deform.template.default_dir)):
        if name.endswith(".pt"):
            widgets.load(name[:-3]).cook_check()
    registry.layout = template(LAYOUT)


@subscriber(BeforeRender)
def add_layout(event):
    request = event.get("request")
    if request is not None:
        event.setdefault("layout", layout_of(request.registry))


def layout_of(registry):
    """The compiled layout: compiled at start-up, or on first use where nothing was."""
    page = getattr(registry, "layout", None)
    if page is None:
        page = registry.layout = template(LAYOUT)
    return page
