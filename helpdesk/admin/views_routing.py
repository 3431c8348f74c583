"""Administration of the routing rules."""

from flask import render_template, url_for

from ..extensions import db
from ..routing import admin as services
from ..routing.models import RoutingRule
from . import queries
from .forms import RuleForm
from .views import actor, bp, form_page


@bp.route("/routing")
def rules():
    """The routing rules in the order they are tried."""
    return render_template("admin/rules.html", items=queries.rules(), departments=queries.department_names())


@bp.route("/routing/new", methods=["GET", "POST"])
def new_rule():
    form = RuleForm()
    return form_page("admin/rule_form.html", form, lambda now: services.create_routing_rule(
        form.values(), actor=actor(), now=now), done=lambda rule: url_for(".rules"))


@bp.route("/routing/<int:rule_id>", methods=["GET", "POST"])
def edit_rule(rule_id):
    rule = db.get_or_404(RoutingRule, rule_id)
    form = RuleForm(obj=rule)
    return form_page("admin/rule_form.html", form, lambda now: services.update_routing_rule(
        rule, form.values(), actor=actor(), now=now), done=lambda rule: url_for(".rules"), item=rule)
