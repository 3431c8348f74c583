"""Administration of the catalogue of IT systems."""

from flask import render_template, request, url_for

from ..catalogue import services
from ..catalogue.models import System
from ..extensions import db
from . import queries
from .forms import SystemForm
from .views import actor, bp, form_page


@bp.route("/systems")
def systems():
    """The catalogue, optionally narrowed by name."""
    text = request.args.get("q", "").strip()[:100]
    return render_template("admin/systems.html", items=queries.systems(text), q=text)


@bp.route("/systems/new", methods=["GET", "POST"])
def new_system():
    form = SystemForm()
    return form_page("admin/system_form.html", form, lambda now: services.create_system(
        form.values(), actor=actor(), now=now), done=lambda system: url_for(".systems"))


@bp.route("/systems/<int:system_id>", methods=["GET", "POST"])
def edit_system(system_id):
    system = db.get_or_404(System, system_id)
    form = SystemForm(obj=system)
    return form_page("admin/system_form.html", form, lambda now: services.update_system(
        system, form.values(), actor=actor(), now=now), done=lambda system: url_for(".systems"), item=system)
