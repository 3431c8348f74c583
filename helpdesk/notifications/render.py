"""E-mail templates: templates/email/<name>/{subject.txt,body.txt,body.html} per language."""

import re

from flask import current_app
from flask_babel import force_locale, get_translations
from jinja2.ext import _make_new_gettext, _make_new_ngettext
from markupsafe import escape


def render(name: str, locale: str, **context) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one template in the given language.

    The compiled templates are rendered directly, without the web pages' context processors
    (mail needs none of them; the SLA job renders thousands a minute): the layout's language
    is the mail's own, where it used to be the language of whoever's request queued it.
    """
    env = current_app.jinja_env
    with force_locale(locale):
        # The catalogue looked up once, not for every _() (Flask-Babel's gettext asks for the
        # locale and catalogue on each call): jinja2's own newstyle wrappers around it.
        translations = get_translations()
        words = {"gettext": _make_new_gettext(translations.ugettext),
                 "ngettext": _make_new_ngettext(translations.ungettext)}
        subject, text, html = (env.get_template(f"email/{name}/{part}").render(current_locale=locale, **words,
                                                                                **context)
                               for part in ("subject.txt", "body.txt", "body.html"))
    return " ".join(subject.split()), text.strip() + "\n", html


def _mark(key: str) -> str:
    return f"\ue000{key}\ue001"  # private-use characters: no filter, escape or split() touches them


_MARKS = re.compile("\ue000(\\w+)\ue001")


class Stencil:
    """One template rendered once with marks where per-item values go, then filled in per item.

    For jobs that send the same mail about thousands of tickets (the SLA alerts): rendering the
    three parts costs about a millisecond, filling in a stencil a string join. The caller passes
    stand-ins whose values are ``mark(key)`` (or, for a value a filter formats, a literal text it
    names in ``literals``) and must key its stencils by everything the template branches on;
    ``fill`` then gives what ``render`` would have given with the real values (escaped for the
    HTML part, the subject and text normalised the same way).
    """

    mark = staticmethod(_mark)

    def __init__(self, name: str, locale: str, *, literals=None, **context):
        parts = render(name, locale, **context)
        self._pieces = []
        for text in parts:
            for literal, key in (literals or {}).items():
                text = text.replace(literal, _mark(key))
            self._pieces.append(_MARKS.split(text))  # even places: template text; odd: keys

    def fill(self, values: dict[str, str]) -> tuple[str, str, str]:
        """Subject, plain text and HTML with values (plain strings) in place of the marks."""
        escaped = {key: str(escape(value)) for key, value in values.items()}
        subject, text, html = ("".join(values_[p] if i % 2 else p for i, p in enumerate(pieces))
                               for pieces, values_ in zip(self._pieces, (values, values, escaped)))
        return " ".join(subject.split()), text.strip() + "\n", html
