"""Work-arounds for bugs in the platform we run on, each with the reason it exists."""
import threading

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
