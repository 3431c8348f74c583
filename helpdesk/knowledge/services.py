"""Knowledge rules: write and revise articles (rendered and indexed on save), record that one helped."""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import InvalidField
from ..extensions import db
from ..outages.models import DeflectionKind, ReportDeflection
from . import search
from .models import LANGUAGES, ArticleStatus, Audience, KnowledgeArticle, KnowledgeArticleSystem, KnowledgeArticleText
from .render import markdown_to_html, plain_text


def save_article(article=None, *, texts: dict, systems, audience, owner, review_on: date | None,
                 status=ArticleStatus.PUBLISHED, actor, now) -> KnowledgeArticle:
    """Create or revise an article; texts maps language to (title, markdown). Swedish is required."""
    title_sv, body_sv = texts.get("sv", ("", ""))
    if not (title_sv or "").strip():
        raise InvalidField("title_sv", _("Ange en svensk rubrik."))
    if not (body_sv or "").strip():
        raise InvalidField("body_sv", _("Skriv artikelns text på svenska."))
    owner_id = owner.id if owner else None
    if article is None:
        article = KnowledgeArticle(created_at=now, helped_count=0)
    article.audience = Audience(audience)
    article.status = ArticleStatus(status)
    article.owner_id = owner_id
    article.review_on = review_on
    article.updated_at = now
    db.session.add(article)
    db.session.flush()
    existing = {t.language: t for t in article.texts}
    for language in LANGUAGES:
        title, body = (v.strip() for v in texts.get(language, ("", "")))
        current = existing.get(language)
        if not title and not body:
            if current is not None:
                article.texts.remove(current)
            continue
        if not title or not body:
            raise InvalidField(f"title_{language}", _("Fyll i både rubrik och text, eller lämna båda tomma."))
        if current is None:
            current = KnowledgeArticleText(article_id=article.id, language=language)
            article.texts.append(current)
        current.title, current.body_md = title[:200], body
        current.body_html = markdown_to_html(body)
        current.updated_at, current.updated_by_id = now, actor.id
    db.session.execute(sa.delete(KnowledgeArticleSystem).where(KnowledgeArticleSystem.article_id == article.id))
    for system_id in sorted({s.id for s in systems}):
        db.session.add(KnowledgeArticleSystem(article_id=article.id, system_id=system_id))
    db.session.flush()
    reindex(article)
    return article


def reindex(article) -> None:
    """Rewrite the article's search documents (published articles only are searchable)."""
    search.remove_article(article.id)
    if article.status != ArticleStatus.PUBLISHED:
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("DELETE FROM kb_search WHERE article_id = :id"), {"id": article.id})
        return
    for text in article.texts:
        search.index_text(article.id, text.language, text.title, plain_text(text.body_md))


def mark_helped(article, *, user, system_id=None, now) -> None:
    """ "Det här löste mitt problem": the report ends without a ticket, and is counted."""
    article.helped_count = (article.helped_count or 0) + 1
    db.session.add(ReportDeflection(kind=DeflectionKind.ARTICLE, user_id=user.id,
                                    organisation_id=user.organisation_id, system_id=system_id,
                                    article_id=article.id, created_at=now))
    db.session.flush()
