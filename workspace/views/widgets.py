"""Form pieces every kind's forms share that are about presentation only: the optional id
of something new, kept out of the way under "Advanced" below the title, and the words a
form uses when something is wrong.

A creation form starts with what people know (the title): the id is derived from it, and
only someone who wants a particular address opens "Advanced". Errors speak to people
("Use at least 8 characters"), not in colander's and deform's words ("Shorter than minimum
length 8", "There was a problem with your submission"): `FORM_RENDERER` renders every
deform form through `wording`. Its templates and the widget's are compiled when the app is
made, like every other template (views/layout.py says why).
"""
import os

import deform
from deform.template import ZPTRendererFactory
from pyramid.events import ApplicationCreated, subscriber
from translationstring import TranslationString

from ..content.ids import MAX_LEN
from .layout import compiles_at_start
from .schemas import new_id_validator, text

ADVANCED_ID = "workspace:views/templates/widgets/advanced_id.pt"


def id_node(missing=None):
    """The optional id of a new item, for the end of a creation schema."""
    return text("id", MAX_LEN, missing=missing, title="Address (optional)",
                validator=new_id_validator,
                # "structural": the template draws its own label, inside "Advanced".
                widget=deform.widget.TextInputWidget(template=ADVANCED_ID,
                                                     category="structural"))


# colander's and deform's messages (their msgids) in the words of a person helping.
WORDS = {
    "There was a problem with your submission": "Some answers need another look.",
    "Errors have been highlighted below": "Each one is marked below with what to change.",
    "Required": "Please fill this in.",
    "Shorter than minimum length ${min}": "Use at least ${min} characters.",
    "Longer than maximum length ${max}": "Use at most ${max} characters.",
    "Invalid email address": "This does not look like an e-mail address "
                             "(name@example.org).",
    '"${val}" is not a number': "Write a number here, e.g. 3.",
    "${val} is less than minimum value ${min}": "Use ${min} or more.",
    "${val} is greater than maximum value ${max}": "Use ${max} or less.",
    '"${val}" is not one of ${choices}': "Choose one of the options offered.",
    "One or more of the choices you made was not acceptable":
        "Choose among the options offered.",
    "Invalid date": "Write a date as YYYY-MM-DD, e.g. 2026-03-31.",
    "Invalid time": "Write a time as HH:MM, e.g. 09:30.",
    "Must be a URL": "Write a web address starting with https://.",
    "String does not match expected pattern": "This is not in the expected form.",
}


def wording(term):
    """The message a form shows for `term` (a msgid, often a colander TranslationString),
    with its values filled in."""
    text = WORDS.get(str(term), term)
    mapping = getattr(term, "mapping", None)
    return TranslationString(text, mapping=mapping).interpolate() if mapping else str(text)


FORM_RENDERER = ZPTRendererFactory((deform.template.default_dir,), translator=wording)


@subscriber(ApplicationCreated)
def compile_widget_templates(event):
    if not compiles_at_start():  # a command-line process: it renders no form
        return
    FORM_RENDERER.load(ADVANCED_ID).cook_check()
    for name in sorted(os.listdir(deform.template.default_dir)):
        if name.endswith(".pt"):
            FORM_RENDERER.load(name[:-3]).cook_check()
