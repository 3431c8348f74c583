"""Knowledge articles with Swedish and English versions; the search index lives outside the ORM."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime
from ..extensions import db

LANGUAGES = ("sv", "en")


class Audience(StrEnum):
    EMPLOYEES = "employees"  # everyone signed in (and agents)
    AGENTS = "agents"  # support staff only


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class KnowledgeArticle(db.Model):
    __tablename__ = "kb_articles"
    __table_args__ = (
        sa.CheckConstraint("audience IN ('employees', 'agents')", name="audience"),
        sa.Index("ix_kb_articles_review", "owner_id", "review_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(sa.String(16), default=Audience.EMPLOYEES)
    status: Mapped[str] = mapped_column(sa.String(16), default=ArticleStatus.PUBLISHED)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    review_on: Mapped[date | None]
    helped_count: Mapped[int] = mapped_column(default=0)  # "Det här löste mitt problem"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    owner = relationship("User")
    texts: Mapped[list["KnowledgeArticleText"]] = relationship(
        back_populates="article", order_by="KnowledgeArticleText.language", cascade="all, delete-orphan")
    systems = relationship("System", secondary="kb_article_systems", order_by="System.name", viewonly=True)

    def text(self, language: str) -> "KnowledgeArticleText | None":
        """The version in a language, falling back to any other."""
        by_language = {t.language: t for t in self.texts}
        return by_language.get(language) or next(iter(by_language.values()), None)


class KnowledgeArticleText(db.Model):
    """One language version; body_html is rendered and sanitised once, when saved."""

    __tablename__ = "kb_article_texts"

    article_id: Mapped[int] = mapped_column(sa.ForeignKey("kb_articles.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body_md: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    article = relationship("KnowledgeArticle", back_populates="texts")


class KnowledgeArticleSystem(db.Model):
    __tablename__ = "kb_article_systems"

    article_id: Mapped[int] = mapped_column(sa.ForeignKey("kb_articles.id", ondelete="CASCADE"), primary_key=True)
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("system.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
