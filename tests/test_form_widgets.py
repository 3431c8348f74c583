"""helpdesk.forms draws form widgets faster than WTForms, with the same HTML."""

import importlib

import pytest
from markupsafe import Markup
from wtforms import SelectField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from helpdesk.forms import FlaskForm, html_params


def _wtforms_html_params():
    """WTForms' own html_params, from a fresh copy of its module (helpdesk.forms replaces the loaded one)."""
    spec = importlib.util.find_spec("wtforms.widgets.core")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.html_params


@pytest.mark.parametrize("kwargs", [
    {},
    {"name": "text1", "id": "f", "class_": "text"},
    {"checked": True, "readonly": False, "name": "text1", "abc": "hello"},
    {"data_attr": "user.name", "aria_labeledby": "name", "for_": "x"},
    {"value": 'a "quoted" <b>&amp;</b>', "title": Markup('raw "quote"')},
    {"value": 0, "maxlength": 300, "x": None},
    {"value": -5, "title": "it's &#34;", "alt": Markup("&lt;b&gt;")},  # the int and str paths of _attribute
])
def test_html_params_match_wtforms(kwargs):
    assert html_params(**kwargs) == _wtforms_html_params()(**kwargs)


class Choices(FlaskForm):
    plain = SelectField("Plain", coerce=int, validators=[InputRequired()])
    texts = SelectField("Texts")


def test_select_draws_what_wtforms_draws(app):
    with app.test_request_context():
        form = Choices(meta={"csrf": False})
        form.plain.choices = [SelectChoice(0, "Ingen"), SelectChoice(2, 'Erik "E" <Johansson>'), SelectChoice(3, "")]
        form.plain.data = 2
        form.texts.choices = [SelectChoice("open", "Pågående"), SelectChoice("closed", "Stängt & klart"),
                              SelectChoice(True, "Ja")]
        form.texts.data = "closed"
        for field in (form.plain, form.texts):
            ours = field(class_="wide", aria_describedby="hint")
            theirs = widgets.Select()(field, class_="wide", aria_describedby="hint")
            assert ours == theirs
        assert 'required' in form.plain() and '<option selected value="2">Erik &#34;E&#34; &lt;Johansson&gt;</option>' in form.plain()


def test_select_with_option_groups_falls_back_to_wtforms(app):
    with app.test_request_context():
        form = Choices(meta={"csrf": False})
        form.texts.choices = [SelectChoice("a", "A", optgroup="Först"), SelectChoice("b", "B", render_kw={"disabled": True})]
        form.texts.data = "b"
        assert form.texts() == widgets.Select()(form.texts)
        assert '<optgroup label="Först">' in form.texts()
