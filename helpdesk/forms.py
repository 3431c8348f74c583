"""Helpers shared by every domain's forms, and the form base class every form derives from."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from wtforms import IntegerField
from wtforms.fields import HiddenField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from .limits import MAX_ID
from .textnorm import multi_line, single_line


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class FlaskForm(_FlaskForm):
    """Flask-WTF's form with text normalised at the edge (helpdesk.textnorm): one-line text fields lose
    line breaks, NUL, control and bidi override characters; text areas keep line breaks but lose the rest.
    Passwords and hidden fields are left as typed. Every form in helpdesk derives from this class (a test
    checks it)."""

    class Meta(_FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            normalise = None
            if issubclass(field_class, TextAreaField):
                normalise = multi_line
            elif issubclass(field_class, StringField) and not issubclass(field_class, (PasswordField, HiddenField)):
                normalise = single_line
            if normalise is not None:
                options = dict(options, filters=(normalise, *unbound_field.kwargs.get("filters", ())))
            return super().bind_field(form, unbound_field, options)


class BoundedIntegerField(IntegerField):
    """An IntegerField that refuses numbers beyond what the database holds (MAX_ID)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > MAX_ID:
            self.data = None
            raise ValueError(_l("Talet är för stort."))
