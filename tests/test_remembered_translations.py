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
        app.config["BABEL_DEFAULT_LOCALE"] = "en"
        refresh()
        assert gettext("Mina ärenden") == "My tickets"
        assert render_template_string('{{ _("Mina ärenden") }}') == "My tickets"
