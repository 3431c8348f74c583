"""The knowledge base: /kb search, articles, editing, reviews due, "Det här löste mitt problem"."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

import sqlalchemy as sa

from ..auth.models import Role, User, UserRole
from ..auth.permissions import Permission, can
from ..clock import local, utcnow
from ..database import unit_of_work
from ..errors import InvalidField
from ..extensions import db
from ..forms import choices
from ..outages.services import active_systems
from ..outages.queries import subscribable_systems
from . import queries, services
from .forms import ArticleForm, HelpedForm
from .labels import AUDIENCE_LABELS, STATUS_LABELS
from .models import KnowledgeArticle
from .render import plain_text
from ..auth.routes import declare, signed_in
from ..limits import bounded_int

bp = Blueprint("knowledge", __name__)
declare(bp, signed_in)  # editors' pages check KB_EDIT; articles by audience in the queries


@bp.before_request
@login_required
def require_login():
    """The knowledge base is for signed-in users."""


@bp.app_context_processor
def knowledge_helpers():
    """Labels and the reply form's article choices (templates/knowledge/_reply_insert.html)."""
    return {"kb_labels": {"audience": AUDIENCE_LABELS, "status": STATUS_LABELS},
            "kb_reply_options": reply_options}


def reply_options() -> Markup:
    """The <option>s of the reply form's article picker, drawn in one pass: up to 300 articles
    on every agent's ticket page, where a loop in the template took a millisecond."""
    return queries.reply_options_html(current_user)


def _today():
    return local(utcnow()).date()


def _article_or_404(article_id) -> KnowledgeArticle:
    article = db.session.get(KnowledgeArticle, article_id)
    if article is None or not queries.may_read(current_user, article):
        abort(404)
    return article


def _language():
    lang = request.args.get("lang", "")
    return lang if lang in ("sv", "en") else (current_user.locale or "sv")


@bp.route("/kb")
def index():
    """Search the articles (?q=, ?system=)."""
    q = request.args.get("q", "")[:200]
    system = request.args.get("system", "")
    system_id = bounded_int(system, None, low=1)
    articles = queries.find(current_user, q, system_id=system_id, limit=50)
    due = queries.review_due_count(current_user, today=_today()) if can(current_user, Permission.KB_EDIT) else 0
    return render_template("knowledge/index.html", q=q, articles=articles, systems=subscribable_systems(),
                           system_id=system_id, due=due, language=_language())


@bp.route("/kb/<int:article_id>")
def show(article_id):
    article = _article_or_404(article_id)
    language = _language()
    return render_template("knowledge/show.html", article=article, text=article.text(language),
                           language=language, helped_form=HelpedForm(formdata=None))


@bp.route("/kb/<int:article_id>/plain")
def plain(article_id):
    """Title, address and plain text of an article, for inserting into a reply (JSON)."""
    article = _article_or_404(article_id)
    text = article.text(_language())
    return jsonify(title=text.title, url=url_for("knowledge.show", article_id=article.id, _external=True),
                   text=plain_text(text.body_md))


@bp.route("/kb/reply-text")
def reply_text():
    """Without JavaScript: the article's link and text ready to copy into a reply (?article=, ?ticket=)."""
    article_id = request.args.get("article", "")
    article = _article_or_404(bounded_int(article_id, 0))
    text = article.text(_language())
    ticket = request.args.get("ticket", "")
    return render_template("knowledge/reply_text.html", article=article, text=text, plain=plain_text(text.body_md),
                           ticket=bounded_int(ticket, None, low=1))


@bp.route("/kb/<int:article_id>/helped", methods=["POST"])
def helped(article_id):
    """ "Det här löste mitt problem": end the report without a ticket."""
    article = _article_or_404(article_id)
    form = HelpedForm()
    system = bounded_int(form.system_id.data, None, low=1)
    with unit_of_work():
        services.mark_helped(article, user=current_user, system_id=system if system and active_systems([system])
                             else None, now=utcnow())
    flash(_("Skönt att det löste sig! Inget ärende har skapats."), "success")
    return redirect(url_for("portal.index"))


def _editor_required():
    if not can(current_user, Permission.KB_EDIT):
        abort(403)


def _owner_choices():
    staff = sa.select(UserRole.user_id).where(UserRole.role.in_([Role.AGENT, Role.SYSTEM_ADMIN, Role.ADMIN]))
    rows = db.session.execute(sa.select(User.id, User.full_name).where(User.is_active, User.id.in_(staff))
                              .order_by(User.full_name)).all()
    return [(r.id, r.full_name) for r in rows]


def _edit(article):
    _editor_required()
    form = ArticleForm(obj=None)
    form.system_ids.choices = choices((s.id, s.name) for s in subscribable_systems())
    form.owner_id.choices = choices(_owner_choices())
    if request.method == "GET":
        if article is not None:
            for t in article.texts:
                getattr(form, f"title_{t.language}").data = t.title
                getattr(form, f"body_{t.language}").data = t.body_md
            form.system_ids.data = [s.id for s in article.systems]
            form.audience.data, form.status.data = article.audience, article.status
            form.owner_id.data, form.review_on.data = article.owner_id, article.review_on
        else:
            form.owner_id.data = current_user.id
    if form.validate_on_submit():
        owner = db.session.get(User, form.owner_id.data)
        try:
            with unit_of_work():
                saved = services.save_article(
                    article, texts={"sv": (form.title_sv.data or "", form.body_sv.data or ""),
                                    "en": (form.title_en.data or "", form.body_en.data or "")},
                    systems=active_systems(form.system_ids.data or []), audience=form.audience.data,
                    owner=owner, review_on=form.review_on.data, status=form.status.data,
                    actor=current_user, now=utcnow())
        except InvalidField as error:
            getattr(form, error.field).errors = [*getattr(form, error.field).errors, error.message]
        else:
            flash(_("Artikeln är sparad."), "success")
            return redirect(url_for("knowledge.show", article_id=saved.id))
    status = 400 if request.method == "POST" else 200
    return render_template("knowledge/edit.html", form=form, article=article), status


@bp.route("/kb/new", methods=["GET", "POST"])
def new():
    return _edit(None)


@bp.route("/kb/<int:article_id>/edit", methods=["GET", "POST"])
def edit(article_id):
    _editor_required()
    article = db.session.get(KnowledgeArticle, article_id)
    if article is None:
        abort(404)
    return _edit(article)


@bp.route("/kb/review")
def review():
    """The signed-in owner's articles past their review date."""
    _editor_required()
    return render_template("knowledge/review.html", articles=queries.review_due(current_user, today=_today()),
                           today=_today())
