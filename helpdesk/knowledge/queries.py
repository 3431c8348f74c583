"""Read side of the knowledge base: who may read what, search, suggestions, reviews due."""

from markupsafe import Markup, escape

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..auth.permissions import Permission, can
from ..database import built_once
from ..extensions import db
from . import search
from .models import ArticleStatus, Audience, KnowledgeArticle, KnowledgeArticleSystem, KnowledgeArticleText


def readable(user):
    """The articles a user may read: employees' articles; agents' too for support staff."""
    query = sa.select(KnowledgeArticle).where(KnowledgeArticle.status == ArticleStatus.PUBLISHED)
    if not can(user, Permission.KB_AGENT_VIEW):
        query = query.where(KnowledgeArticle.audience == Audience.EMPLOYEES)
    return query


def may_read(user, article) -> bool:
    if can(user, Permission.KB_EDIT):
        return True
    if article.status != ArticleStatus.PUBLISHED:
        return False
    return article.audience == Audience.EMPLOYEES or can(user, Permission.KB_AGENT_VIEW)


def find(user, text: str = "", *, system_id=None, limit=50, any_word=False) -> list[KnowledgeArticle]:
    """Articles matching the words (best first), or the newest when no words are given."""
    query = readable(user).options(selectinload(KnowledgeArticle.texts), selectinload(KnowledgeArticle.systems))
    if system_id:
        query = query.where(KnowledgeArticle.id.in_(sa.select(KnowledgeArticleSystem.article_id).where(
            KnowledgeArticleSystem.system_id == system_id)))
    if text.strip():
        scores = search.ranked(text, any_word=any_word)
        if not scores:
            return []
        found = db.session.scalars(query.where(KnowledgeArticle.id.in_(scores))).all()
        return sorted(found, key=lambda a: (-scores[a.id], -a.id))[:limit]
    query = query.order_by(KnowledgeArticle.updated_at.desc(), KnowledgeArticle.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def suggestions(user, *, system_id=None, text="", limit=5) -> list[KnowledgeArticle]:
    """Articles to offer beside the report form: matching the words (the chosen system's first), else the system's."""
    words = search.significant(text)
    if not words:
        return find(user, "", system_id=system_id, limit=limit) if system_id else []
    found = find(user, words, system_id=system_id, limit=limit, any_word=True) if system_id else []
    if len(found) < limit:
        seen = {a.id for a in found}
        found += [a for a in find(user, words, limit=limit, any_word=True) if a.id not in seen]
    return found[:limit]


def review_due(owner, *, today) -> list[KnowledgeArticle]:
    """The owner's published articles whose review date has passed."""
    return list(db.session.scalars(
        sa.select(KnowledgeArticle).where(KnowledgeArticle.owner_id == owner.id,
                                          KnowledgeArticle.review_on <= today,
                                          KnowledgeArticle.status != ArticleStatus.ARCHIVED)
        .options(selectinload(KnowledgeArticle.texts)).order_by(KnowledgeArticle.review_on)))


def review_due_count(owner, *, today) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(KnowledgeArticle).where(
        KnowledgeArticle.owner_id == owner.id, KnowledgeArticle.review_on <= today,
        KnowledgeArticle.status != ArticleStatus.ARCHIVED)) or 0


def reply_choices(user) -> list[tuple[int, str]]:
    """Articles an agent may insert into a reply, by title (the Swedish one, else the first language's).

    Only the titles are read: the ticket page draws this list for every agent, and the
    articles' bodies are many times the size of their titles. Unordered: sorted here by title.
    """
    return _choices_of(reply_title_rows(user))


def reply_title_rows(user) -> tuple:
    """The rows reply_choices is made of: (article id, language, title) of the newest 300 articles
    the user may read, in the database's order."""
    # Core rows through the connection: the session's ORM layer cost more than the query here.
    # Plain tuples: comparing SQLAlchemy rows goes through Python, 370 µs for 300 of them.
    rows = db.session.connection().execute(_reply_titles_query(can(user, Permission.KB_AGENT_VIEW)))
    return tuple(map(tuple, rows))


def _choices_of(rows) -> list[tuple[int, str]]:
    titles, languages = {}, {}
    for article_id, language, title in rows:  # as KnowledgeArticle.text("sv"): Swedish, else the first language
        chosen = languages.get(article_id)
        if chosen is None or (chosen != "sv" and (language == "sv" or language < chosen)):
            titles[article_id], languages[article_id] = title, language
    return sorted(titles.items(), key=lambda p: (p[1].lower(), -p[0]))  # the newest first among equal titles


_REPLY_OPTIONS: dict = {}  # rows (as reply_title_rows reads them) -> the <option>s drawn from them


def reply_options_html(user) -> Markup:
    """The <option>s of the reply form's article picker (up to 300 on every agent's ticket page).

    The titles are read on every call, so the list is never stale; when they are the rows the
    previous call read (the same ids, languages and titles in the same order), the options drawn
    then are given again instead of being sorted, escaped and joined anew (0.4 ms)."""
    rows = reply_title_rows(user)
    drawn = _REPLY_OPTIONS.get(rows)
    if drawn is None:
        drawn = Markup("".join(f'<option value="{article_id}">{escape(title)}</option>'
                               for article_id, title in _choices_of(rows)))
        if len(_REPLY_OPTIONS) >= 4:  # one list for agents, one for other readers: a few entries at most
            _REPLY_OPTIONS.clear()
        _REPLY_OPTIONS[rows] = drawn
    return drawn


@built_once
def _reply_titles_query(agents: bool):
    """The titles of the newest 300 articles the reader may see (agents: the agents' articles too)."""
    query = sa.select(KnowledgeArticle.id).where(KnowledgeArticle.status == ArticleStatus.PUBLISHED)
    if not agents:
        query = query.where(KnowledgeArticle.audience == Audience.EMPLOYEES)
    newest = query.order_by(KnowledgeArticle.id.desc()).limit(300).subquery()
    return (sa.select(KnowledgeArticleText.article_id, KnowledgeArticleText.language, KnowledgeArticleText.title)
            .where(KnowledgeArticleText.article_id.in_(sa.select(newest.c.id))))

