"""Work-arounds for bugs in the platform we run on, each with the reason it exists."""
import gc
import threading

from chameleon.loader import MemoryLoader
from chameleon.template import BaseTemplate

_cook_lock = threading.RLock()


def serialise_template_compilation():
    """Let one thread at a time compile a template.

    CPython 3.11 keeps the AST recursion depth of `compile()` in global state, so two
    waitress threads compiling templates at once can fail with "SystemError: AST
    constructor recursion depth mismatch" (CPython gh-106905). Each template compiles
    once per process, so the lock costs nothing after warm-up.
    """
    original = BaseTemplate.cook
    if getattr(original, "serialised", False):
        return

    def cook(self, body):
        with _cook_lock:
            return original(self, body)

    cook.serialised = True
    BaseTemplate.cook = cook


class CompiledTemplates(MemoryLoader):
    """Compiled template programs by digest (the template's source and builtins)."""

    def __init__(self):
        self._programs = {}

    def get(self, name):
        return self._programs.get(name)

    def build(self, source, filename):
        program = self._programs[filename] = super().build(source, filename)
        return program


def share_compiled_templates():
    """Compile each template once per process, however many apps load it.

    chameleon's default loader keeps nothing, so every app (the tests build hundreds)
    compiled every template again; the digest covers the source, so a changed template
    still compiles anew.
    """
    if not isinstance(BaseTemplate.loader, CompiledTemplates):
        BaseTemplate.loader = CompiledTemplates()


def spread_out_garbage_collection():
    """Collect cyclic garbage ten times less often.

    A full collection walks every object the process holds (the ZODB cache, the search
    index's cached columns): 70-80 ms at 100,000 index entries, once every hundred or so
    searches with CPython's default thresholds, which made it the slowest one percent of
    queries. Reference counting still frees everything that is not in a cycle.
    """
    gc.set_threshold(7000, 20, 20)
