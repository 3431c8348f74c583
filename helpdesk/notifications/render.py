"""E-mail templates: templates/email/<name>/{subject.txt,body.txt,body.html} per language."""

from flask import render_template
from flask_babel import force_locale


def render(name: str, locale: str, **context) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one template in the given language."""
    with force_locale(locale):
        subject = render_template(f"email/{name}/subject.txt", **context)
        text = render_template(f"email/{name}/body.txt", **context)
        html = render_template(f"email/{name}/body.html", **context)
    return " ".join(subject.split()), text.strip() + "\n", html
