"""The request's catalogue is remembered (helpdesk.web.RememberingDomain, translations()) but follows the locale."""

from flask import render_template_string
from flask_babel import force_locale, gettext, refresh

from helpdesk.forms import WTFORMS_TRANSLATIONS


def test_force_locale_and_refresh_switch_the_remembered_catalogue(app):
    with app.test_request_context("/"):
        assert gettext("Mina ärenden") == "Mina ärenden"
        assert render_template_string('{{ _("Mina ärenden") }}') == "Mina ärenden"
        with force_locale("en"):
            assert gettext("Mina ärenden") == "My tickets"
            assert render_template_string('{{ _("Mina ärenden") }}') == "My tickets"
            assert WTFORMS_TRANSLATIONS.gettext("This field is required.") == "This field is required."
        assert gettext("Mina ärenden") == "Mina ärenden"
        assert render_template_string('{{ _("Mina ärenden") }}') == "Mina ärenden"
        assert WTFORMS_TRANSLATIONS.gettext("This field is required.") != "This field is required."  # Swedish
        default = app.config["BABEL_DEFAULT_LOCALE"]
        app.config["BABEL_DEFAULT_LOCALE"] = "en"
        try:
            refresh()
            assert gettext("Mina ärenden") == "My tickets"
            assert render_template_string('{{ _("Mina ärenden") }}') == "My tickets"
        finally:  # the app is shared by the session's tests
            app.config["BABEL_DEFAULT_LOCALE"] = default
            refresh()


def test_template_gettext_gives_what_jinjas_newstyle_gettext_gave(app):
    """helpdesk.web.template_gettext remembers texts without keywords; the output is Jinja's."""
    from jinja2.ext import _make_new_gettext

    from helpdesk.web import template_gettext, translations

    templates = [
        '{{ _("Mina ärenden") }}',
        '{{ _("Mina ärenden") }}{{ _("Mina ärenden") }}',  # the second one remembered
        '{{ _("Nivå %(tier)s, prioritet %(p)s.", tier="<b>", p=2) }}',  # keywords escaped
        '{{ _("100 %% klart") }}',  # %% without keywords, as Jinja formats it
        '{{ gettext("Mina ärenden") }}',
        '{% trans n=3 %}Nivå {{ n }}{% endtrans %}',
        '{% autoescape false %}{{ _("Nivå %(tier)s, prioritet %(p)s.", tier="<b>", p=1) }}{% endautoescape %}',
    ]
    with app.test_request_context("/"):
        for locale in ("sv", "en"):
            with force_locale(locale):
                ours = [render_template_string(t) for t in templates]
                env = app.jinja_env
                saved = env.globals["_"], env.globals["gettext"]
                jinjas = _make_new_gettext(lambda s: translations().ugettext(s))
                env.globals.update(_=jinjas, gettext=jinjas)
                try:
                    theirs = [render_template_string(t) for t in templates]
                finally:
                    env.globals.update(_=saved[0], gettext=saved[1])
                assert saved[0] is template_gettext
                assert ours == theirs
        with force_locale("en"):
            assert render_template_string('{{ _("Mina ärenden") }}') == "My tickets"
        assert render_template_string('{{ _("Mina ärenden") }}') == "Mina ärenden"
        assert "&lt;b&gt;" in render_template_string('{{ _("Nivå %(tier)s, prioritet %(p)s.", tier="<b>", p=2) }}')


def test_local_minute_is_flask_babels_user_time_around_summer_time(app):
    """helpdesk.web.local_minute (the localtime filter) gives flask-babel's to_user_timezone digits,
    every 20 minutes through both changes of 2026, for aware and naive UTC times."""
    from datetime import UTC, datetime, timedelta

    from flask_babel import to_user_timezone

    from helpdesk.web import local_minute

    with app.test_request_context("/"):
        for start in (datetime(2026, 3, 28, 20, tzinfo=UTC), datetime(2026, 10, 24, 20, tzinfo=UTC)):
            for step in range(3 * 24 * 3):
                at = start + timedelta(minutes=20 * step)
                expected = to_user_timezone(at).strftime("%Y-%m-%d %H:%M")
                assert local_minute(at) == expected
                assert local_minute(at.replace(tzinfo=None)) == expected
        assert render_template_string("{{ at|localtime }}", at=datetime(2026, 7, 1, 10, 5, tzinfo=UTC)) == "2026-07-01 12:05"
