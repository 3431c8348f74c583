"""Helpers shared by every domain's forms, and the form base class every form derives from."""

from babel import support
from flask import current_app, has_request_context
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from markupsafe import Markup, escape
from wtforms import IntegerField, widgets
from wtforms.fields import HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import RadioField, SelectChoice
from wtforms.i18n import messages_path
from wtforms.widgets import core as widgets_core

from .limits import MAX_ID
from .textnorm import multi_line, single_line


class WTFormsTranslations:
    """flask_wtf.i18n.translations with the catalogues kept per language for the process. As there,
    the language is looked up when a message is translated, not when a form is built."""

    def __init__(self):
        self.catalogues = {}

    def _catalogue(self):
        if not has_request_context() or "babel" not in current_app.extensions:
            return None
        locale = get_locale()
        key = str(locale)
        if key not in self.catalogues:
            self.catalogues[key] = support.Translations.load(messages_path(), [locale], domain="wtforms")
        return self.catalogues[key]

    def gettext(self, string):
        catalogue = self._catalogue()
        return string if catalogue is None else catalogue.ugettext(string)

    def ngettext(self, singular, plural, n):
        catalogue = self._catalogue()
        if catalogue is None:
            return singular if n == 1 else plural
        return catalogue.ungettext(singular, plural, n)


WTFORMS_TRANSLATIONS = WTFormsTranslations()


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def html_params(**kwargs) -> Markup:
    """wtforms.widgets.html_params with the same output, without Markup.format.

    WTForms formats every attribute through Markup.format (string.Formatter with escaping), which
    made most of the CPU time of drawing a form: the agent's ticket page spent more on its form
    widgets than on its database reads. Keys are escaped as well, as WTForms does.
    """
    params = []
    for key, value in sorted(kwargs.items()):
        key = widgets_core.clean_key(key)
        if value is True:
            params.append(escape(key))
        elif value is not False:
            params.append(f'{escape(key)}="{_attribute(value)}"')
    return Markup(" ".join(params))


def _attribute(value) -> str:
    """An attribute value as WTForms writes it (a Markup value may hold a quote: written as &quot;).

    Numbers and plain strings (a select's option values, mostly) skip Markup.replace, which is
    Python-level: escape() already writes a plain string's quotes as &#34;, and digits need none."""
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is str:
        return escape(value)
    return escape(value).replace(_QUOTE, _ENTITY)


_QUOTE, _ENTITY = Markup('"'), Markup("&quot;")


# Every widget and label of WTForms looks html_params up here (the Input and Button classes keep
# their own reference).
widgets_core.html_params = widgets.html_params = html_params
widgets_core.Input.html_params = widgets_core.Button.html_params = staticmethod(html_params)


class Select(widgets.Select):
    """WTForms' select with the options drawn in one pass: same HTML, a tenth of the time.

    Falls back to WTForms for what this does not draw itself (several values, option groups,
    attributes on options, choices that are not a list of SelectChoice).
    """

    def __call__(self, field, **kwargs):
        choices = field.choices
        if self.multiple or type(choices) is not list or not all(
                type(c) is SelectChoice and not c.render_kw and c.optgroup is None for c in choices):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = vars(field.flags)  # the flags set (WTForms: those in dir(flags))
        for k in self.validation_attrs:
            if k in flags and k not in kwargs:
                kwargs[k] = flags[k]
        coerce, data = field.coerce, field.data
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        for c in choices:
            value = str(c.value) if isinstance(c.value, bool) else c.value
            selected = "selected " if coerce(c.value) == data else ""
            html.append(f'<option {selected}value="{_attribute(value)}">{escape(c.label or c.value)}</option>')
        html.append("</select>")
        return Markup("".join(html))


SELECT = Select()


class FlaskForm(_FlaskForm):
    """Flask-WTF's form with text normalised at the edge (helpdesk.textnorm): one-line text fields lose
    line breaks, NUL, control and bidi override characters; text areas keep line breaks but lose the rest.
    Passwords and hidden fields are left as typed. Every form in helpdesk derives from this class (a test
    checks it)."""

    class Meta(_FlaskForm.Meta):
        def get_translations(self, form):
            """WTForms' own messages in the request's language, read once per process per language
            (Flask-WTF reads the catalogue from disk again in every request that builds a form)."""
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return WTFORMS_TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            normalise = None
            if issubclass(field_class, TextAreaField):
                normalise = multi_line
            elif issubclass(field_class, StringField) and not issubclass(field_class, (PasswordField, HiddenField)):
                normalise = single_line
            if normalise is not None:
                options = dict(options, filters=(normalise, *unbound_field.kwargs.get("filters", ())))
            if (issubclass(field_class, SelectField) and not issubclass(field_class, RadioField)
                    and "widget" not in unbound_field.kwargs and field_class.widget.__class__ is widgets.Select):
                options = dict(options, widget=SELECT)
            return super().bind_field(form, unbound_field, options)


class BoundedIntegerField(IntegerField):
    """An IntegerField that refuses numbers beyond what the database holds (MAX_ID)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > MAX_ID:
            self.data = None
            raise ValueError(_l("Talet är för stort."))


def field_html(f, hint=None, class_="") -> Markup:
    """One form field with its label, hint and errors tied to it for screen readers.

    The field macro of templates/_forms.html, in Python: the same HTML without a Jinja macro
    call per field (the agent's ticket page draws a dozen fields).
    """
    errors = f.errors
    hint = hint or f.description
    described, attrs = [], {}
    if hint:
        described.append(f"{f.id}-hint")
    if errors:
        described.append(f"{f.id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    html = [f'<div class="field {escape(class_)}{" has-error" if errors else ""}">', f.label()]
    if hint:
        html.append(f'<p class="hint" id="{escape(f.id)}-hint">{escape(hint)}</p>')
    if errors:
        html.append(f'<p class="error" id="{escape(f.id)}-error"><span class="visually-hidden">'
                    f'{escape(gettext("Fel:"))}</span> {Markup(" ").join(errors)}</p>')
    if f.type in ("MultipleFileField", "FileField"):
        # Our own "Välj filer" label: the browser's file button would speak the browser's language.
        choose = gettext("Välj filer") if f.type == "MultipleFileField" else gettext("Välj fil")
        none = escape(gettext("Ingen fil vald"))
        html.append(f'<div class="file-picker">{f(**attrs)}<label for="{escape(f.id)}" class="file-button" '
                    f'aria-hidden="true">{escape(choose)}</label><span class="file-names" aria-live="polite" '
                    f'data-empty="{none}">{none}</span></div>')
    else:
        html.append(f(**attrs))
    html.append("</div>")
    return Markup("".join(str(part) for part in html))
