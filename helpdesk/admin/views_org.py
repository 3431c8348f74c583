"""Administration of organisations, departments, support groups and their members."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..clock import utcnow
from ..database import unit_of_work
from ..extensions import db
from ..org import services
from ..org.models import Department, GroupMember, Organisation, SupportGroup
from . import queries
from .forms import ButtonForm, DepartmentForm, GroupForm, LeadForm, MemberForm, OrganisationForm
from .views import actor, bp, form_page


@bp.route("/organisations")
def organisations():
    """Every organisation: kommuner and bolag."""
    return render_template("admin/organisations.html", items=queries.organisations())


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    form = OrganisationForm()
    return form_page("admin/organisation_form.html", form, lambda now: services.create_organisation(
        form.values(), actor=actor(), now=now), done=lambda org: url_for(".organisations"))


@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
def edit_organisation(org_id):
    org = db.get_or_404(Organisation, org_id)
    form = OrganisationForm(obj=org)
    return form_page("admin/organisation_form.html", form, lambda now: services.update_organisation(
        org, form.values(), actor=actor(), now=now), done=lambda org: url_for(".organisations"), item=org)


@bp.route("/departments")
def departments():
    """Every förvaltning, by organisation."""
    return render_template("admin/departments.html", items=queries.departments())


@bp.route("/departments/new", methods=["GET", "POST"])
def new_department():
    form = DepartmentForm()
    return form_page("admin/department_form.html", form, lambda now: services.create_department(
        form.values(), actor=actor(), now=now), done=lambda dept: url_for(".departments"))


@bp.route("/departments/<int:dept_id>", methods=["GET", "POST"])
def edit_department(dept_id):
    dept = db.get_or_404(Department, dept_id)
    form = DepartmentForm(obj=dept)
    return form_page("admin/department_form.html", form, lambda now: services.update_department(
        dept, form.values(), actor=actor(), now=now), done=lambda dept: url_for(".departments"), item=dept)


@bp.route("/groups")
def groups():
    """Every support group with its number of members; a warning when no group takes security incidents."""
    items = queries.groups()
    return render_template("admin/groups.html", items=items, security_group_missing=not any(
        group.handles_security_incidents and group.is_active for group, _count in items))


@bp.route("/groups/new", methods=["GET", "POST"])
def new_group():
    form = GroupForm()
    return form_page("admin/group_form.html", form, lambda now: services.create_support_group(
        form.values(), actor=actor(), now=now), done=lambda group: url_for(".group_members", group_id=group.id))


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
def edit_group(group_id):
    group = db.get_or_404(SupportGroup, group_id)
    form = GroupForm(obj=group)
    return form_page("admin/group_form.html", form, lambda now: services.update_support_group(
        group, form.values(), actor=actor(), now=now), done=lambda group: url_for(".groups"), item=group)


@bp.route("/groups/<int:group_id>/members", methods=["GET", "POST"])
def group_members(group_id):
    """A group's members; the form adds one."""
    group = db.get_or_404(SupportGroup, group_id)
    form = MemberForm()
    return form_page("admin/group_members.html", form, lambda now: services.add_group_member(
        group, form.user.account, is_lead=form.is_lead.data, actor=actor(), now=now),
        done=lambda member: url_for(".group_members", group_id=group.id),
        item=group, members=queries.members(group), button=ButtonForm())


def _member_or_404(group_id, user_id):
    return db.get_or_404(GroupMember, (group_id, user_id))


@bp.route("/groups/<int:group_id>/members/<int:user_id>/remove", methods=["POST"])
def remove_member(group_id, user_id):
    member = _member_or_404(group_id, user_id)
    name = member.user.full_name
    if ButtonForm().validate_on_submit():
        with unit_of_work():
            services.remove_group_member(member, actor=actor(), now=utcnow())
        flash(_("%(name)s är inte längre medlem i gruppen.", name=name), "success")
    return redirect(url_for(".group_members", group_id=group_id))


@bp.route("/groups/<int:group_id>/members/<int:user_id>/lead", methods=["POST"])
def set_lead(group_id, user_id):
    member = _member_or_404(group_id, user_id)
    form = LeadForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.set_group_lead(member, form.lead.data == "1", actor=actor(), now=utcnow())
        flash(_("Ändringarna är sparade."), "success")
    return redirect(url_for(".group_members", group_id=group_id))
