"""Importing departments, groups, systems and users from a CSV file: preview, then all or nothing."""

import base64
import binascii
import io
import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..clock import utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..org.importer import KINDS, import_rows
from ..tickets.forms import EmptyForm
from .views import bp

MAX_BYTES = 5 * 1024 * 1024
KIND_LABELS = {"departments": _l("Förvaltningar"), "groups": _l("Supportgrupper"), "systems": _l("System"),
               "users": _l("Användare")}
WHAT = {"organisation": _l("organisation"), "department": _l("förvaltning"), "support group": _l("supportgrupp")}


def swedish(message: str) -> str:
    """The importer's message (written for the command line) in Swedish for the page."""
    patterns = [
        (r"column '(.+)' is empty or missing", lambda m: _("kolumnen %(c)s är tom eller saknas", c=m[1])),
        (r"no (organisation|department|support group) named '?(.+?)'?$",
         lambda m: _("det finns ingen %(what)s som heter %(name)s", what=WHAT[m[1]], name=m[2])),
        (r"no user '?(.+?)'?$", lambda m: _("det finns ingen användare %(u)s", u=m[1])),
        (r"column '(.+)' must be a KLASSA level 0-4, not '?(.*?)'?$",
         lambda m: _("kolumnen %(c)s ska vara en KLASSA-nivå 0–4, inte %(v)s", c=m[1], v=m[2])),
        (r"tier must be one of (.+)", lambda m: _("servicenivån ska vara en av %(list)s", list=m[1])),
        (r"unknown role in '?(.*?)'?$", lambda m: _("okänd roll i %(roles)s", roles=m[1])),
    ]
    for pattern, words in patterns:
        match = re.fullmatch(pattern, message)
        if match:
            return words(match)
    return message  # already Swedish (the account services speak Swedish)


def read_rows(data: bytes):
    """The file's rows as dicts, or a Swedish message about why it cannot be read."""
    from sqlite_utils.utils import rows_from_file

    if not data:
        return None, _("Välj en CSV-fil.")
    if len(data) > MAX_BYTES:
        return None, _("Filen är för stor (högst 5 MB).")
    try:
        rows, _format = rows_from_file(io.BytesIO(data))
        return list(rows), None
    except Exception:  # the parser's own message is not for people
        return None, _("Filen kunde inte läsas. Spara den som CSV (UTF-8) med kolumnnamn på första raden.")


def preview(kind, rows):
    """Try every row in a savepoint that is rolled back: (lines, errors), each line (row, key, created)."""
    lines, errors = [], []
    now = utcnow()
    savepoint = db.session.begin_nested()
    try:
        for number, row in enumerate(rows, start=2):
            key = str(row.get("username") or row.get("name") or "").strip()
            try:
                counts = import_rows(kind, [row], now=now)
            except DomainError as error:
                errors.append(_("Rad %(n)s: %(message)s", n=number, message=swedish(error.message.split(": ", 1)[-1])))
            else:
                lines.append((number, key, counts["created"] == 1))
    finally:
        savepoint.rollback()
    return lines, errors


@bp.route("/import", methods=["GET", "POST"])
def import_page():
    """Upload a CSV, see what it would change, then apply all of it (or nothing)."""
    form = EmptyForm()
    kind = request.form.get("kind") if request.form.get("kind") in KINDS else "users"
    if request.method == "POST" and form.validate_on_submit():
        if request.form.get("confirm") == "1":
            try:
                data = base64.b64decode(request.form.get("data", ""), validate=True)
            except (binascii.Error, ValueError):
                data = b""
            rows, problem = read_rows(data)
            if problem is None:
                try:
                    with unit_of_work():
                        counts = import_rows(kind, rows, now=utcnow())
                except DomainError as error:
                    problem = _("Inget importerades. %(message)s", message=swedish(error.message.split(": ", 1)[-1]))
                else:
                    flash(_("Importen är klar: %(c)s nya och %(u)s ändrade.", c=counts["created"], u=counts["updated"]),
                          "success")
                    return redirect(url_for("admin.import_page"))
            flash(problem, "error")
        else:
            upload = request.files.get("file")
            data = upload.read() if upload else b""
            rows, problem = read_rows(data)
            if problem is not None:
                return render_template("admin/import.html", form=form, kind=kind, kinds=KIND_LABELS,
                                       problem=problem), 400
            lines, errors = preview(kind, rows)
            return render_template("admin/import.html", form=form, kind=kind, kinds=KIND_LABELS, lines=lines,
                                   errors=errors, data=base64.b64encode(data).decode()), 400 if errors else 200
    return render_template("admin/import.html", form=form, kind=kind, kinds=KIND_LABELS)
