"""Form pieces several kinds' forms share that are about presentation only: the optional id
of something new, kept out of the way under "Advanced" below the title.

A creation form starts with what people know (the title): the id is derived from it, and
only someone who wants a particular address opens "Advanced". The widget's template is
compiled when the app is made, like every other template (views/layout.py says why).
"""
import deform
from pyramid.events import ApplicationCreated, subscriber

from ..content.ids import MAX_LEN
from .schemas import new_id_validator, text

ADVANCED_ID = "workspace:views/templates/widgets/advanced_id.pt"


def id_node(missing=None):
    """The optional id of a new item, for the end of a creation schema."""
    return text("id", MAX_LEN, missing=missing, title="Address (optional)",
                validator=new_id_validator,
                # "structural": the template draws its own label, inside "Advanced".
                widget=deform.widget.TextInputWidget(template=ADVANCED_ID,
                                                     category="structural"))


@subscriber(ApplicationCreated)
def compile_widget_templates(event):
    deform.Form.default_renderer.load(ADVANCED_ID).cook_check()
