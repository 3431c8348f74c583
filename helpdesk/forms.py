"""Helpers shared by every domain's forms."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.fields.choices import SelectChoice

from .limits import MAX_ID


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class BoundedIntegerField(IntegerField):
    """An IntegerField that refuses numbers beyond what the database holds (MAX_ID)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > MAX_ID:
            self.data = None
            raise ValueError(_l("Talet är för stort."))
