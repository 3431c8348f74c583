"""Knowledge search with Swedish stemming: PostgreSQL tsvector 'swedish', SQLite FTS5 over Snowball stems.

FTS5 has no Swedish stemmer, so on SQLite the document and the query are both reduced to Snowball
stems here ("skrivaren" and "skrivare" both become "skriv"); PostgreSQL's 'swedish' configuration
uses the same Snowball algorithm inside the database. The index tables live outside the ORM
(migration 0014).
"""

import re

import snowballstemmer
import sqlalchemy as sa

from ..extensions import db

_WORD = re.compile(r"\w+", re.UNICODE)
_STEMMER = snowballstemmer.stemmer("swedish")
MAX_TERMS = 8


# Words too common to say what a report is about (the Snowball project's Swedish stop list, abridged).
STOP_WORDS = frozenset("""
alla allt att av blev bli blir blivit de dem den denna deras dess dessa det detta dig din dina ditt du där då
efter ej eller en er era ert ett från för ha hade han hans har henne hennes hon honom hur här i icke ingen inom
inte jag ju kan kunde man med mellan men mig min mina mitt mot mycket ni nu när någon något några och om oss
på samma sedan sig sin sina sitta själv skulle som så sådan sådana sådant till under upp ut utan vad var vara
varför varit varje vars vart vem vi vid vilka vilkas vilken vilket vår våra vårt än är åt över fungerar går
""".split())


def significant(text: str) -> str:
    """The words of a report that are worth searching for, at most eight, as one string."""
    kept = []
    for word in words(text):
        if len(word) > 2 and word not in STOP_WORDS and word not in kept:
            kept.append(word)
    return " ".join(kept[:MAX_TERMS])


def words(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


def stems(text: str) -> list[str]:
    return _STEMMER.stemWords(words(text))


def query_terms(text: str) -> list[str]:
    """The distinct searchable words of a query, at most eight."""
    seen = []
    for word in words(text):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def index_text(article_id: int, language: str, title: str, body: str) -> None:
    """(Re)write one language version's search document."""
    row = {"id": article_id, "lang": language, "title": title, "body": body}
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(
            "INSERT INTO kb_search (article_id, language, document) VALUES (:id, :lang, "
            "setweight(to_tsvector('swedish', :title), 'A') || to_tsvector('swedish', :body)) "
            "ON CONFLICT (article_id, language) DO UPDATE SET document = EXCLUDED.document"), row)
    else:
        db.session.execute(sa.text("DELETE FROM kb_fts WHERE article_id = :id AND language = :lang"), row)
        db.session.execute(sa.text(
            "INSERT INTO kb_fts (article_id, language, title, body) VALUES (:id, :lang, :title, :body)"),
            row | {"title": " ".join(stems(title)), "body": " ".join(stems(body))})


def remove_article(article_id: int) -> None:
    if db.engine.dialect.name != "postgresql":  # PostgreSQL's rows go with the article (ON DELETE CASCADE)
        db.session.execute(sa.text("DELETE FROM kb_fts WHERE article_id = :id"), {"id": article_id})


def ranked(text: str, *, any_word=False, limit=500) -> dict[int, float]:
    """Article ids whose document holds every word (or any: any_word), with a score (higher is better)."""
    terms = query_terms(text)
    if not terms:
        return {}
    if db.engine.dialect.name == "postgresql":
        # Each word stemmed by PostgreSQL itself, or prefix-matched so a half-typed word still finds.
        parts = [f"(to_tsquery('swedish', :t{i}) || to_tsquery('simple', :p{i}))" for i in range(len(terms))]
        params = {f"t{i}": _pg_word(t) for i, t in enumerate(terms)} | \
            {f"p{i}": f"{_pg_word(t)}:*" for i, t in enumerate(terms)}
        tsquery = f"({(' || ' if any_word else ' && ').join(parts)})"
        rows = db.session.execute(sa.text(
            f"SELECT article_id, ts_rank(document, {tsquery}) FROM kb_search WHERE document @@ {tsquery} "
            "LIMIT :limit"), params | {"limit": limit}).all()
    else:
        match = (" OR " if any_word else " AND ").join(f'"{s}"*' for s in _STEMMER.stemWords(terms))
        rows = db.session.execute(sa.text(
            "SELECT article_id, -bm25(kb_fts, 0, 0, 5.0, 1.0) FROM kb_fts WHERE kb_fts MATCH :q LIMIT :limit"),
            {"q": match, "limit": limit}).all()
    best: dict[int, float] = {}
    for article_id, score in rows:
        best[int(article_id)] = max(best.get(int(article_id), float("-inf")), float(score))
    return best


def _pg_word(word: str) -> str:
    return re.sub(r"[^\w]", "", word)
