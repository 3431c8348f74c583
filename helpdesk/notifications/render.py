"""E-mail templates: templates/email/<name>/{subject.txt,body.txt,body.html} per language."""

from flask import current_app
from flask_babel import force_locale, get_translations
from jinja2.ext import _make_new_gettext, _make_new_ngettext


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
