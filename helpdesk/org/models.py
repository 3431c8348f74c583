"""Organisations, departments (förvaltningar) and support groups."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class OrgKind:
    KOMMUN = "kommun"
    BOLAG = "bolag"
    ALL = (KOMMUN, BOLAG)


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default=OrgKind.KOMMUN)
    org_number: Mapped[str | None] = mapped_column(sa.String(20))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Service hours and tier of tickets that name no system.
    default_calendar_id: Mapped[int | None] = mapped_column(sa.ForeignKey("calendar.id", use_alter=True))
    default_tier: Mapped[str] = mapped_column(sa.String(16), default="silver")
    # Covered by the cybersecurity law (NIS2): every kommun; a bolag only through its own sector.
    nis2_covered: Mapped[bool] = mapped_column(default=True)

    parent = relationship("Organisation", remote_side=[id])
    default_calendar = relationship("Calendar", foreign_keys=[default_calendar_id])
    departments: Mapped[list["Department"]] = relationship(
        back_populates="organisation", order_by="Department.name"
    )

    def __str__(self):
        return self.name


class Department(db.Model):
    __tablename__ = "department"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name", name="uq_department_org_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str | None] = mapped_column(sa.String(20))
    is_active: Mapped[bool] = mapped_column(default=True)

    organisation: Mapped[Organisation] = relationship(back_populates="departments")

    def __str__(self):
        return self.name


class SupportGroup(db.Model):
    __tablename__ = "support_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    description: Mapped[str | None] = mapped_column(sa.Text)
    # The central service desk triages whatever no rule routes elsewhere.
    is_service_desk: Mapped[bool] = mapped_column(default=False)
    # The security officers' group: every security incident is routed here, whatever its system.
    handles_security_incidents: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    is_active: Mapped[bool] = mapped_column(default=True)

    organisation: Mapped[Organisation] = relationship()
    department = relationship("Department")
    members: Mapped[list["GroupMember"]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )

    def __str__(self):
        return self.name


class GroupMember(db.Model):
    __tablename__ = "group_member"

    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("support_group.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    is_lead: Mapped[bool] = mapped_column(default=False)
    # "manual", or "directory" when a group rule put the member here (and takes them out again).
    source: Mapped[str] = mapped_column(sa.String(16), default="manual", server_default="manual")

    group: Mapped[SupportGroup] = relationship(back_populates="members")
    user = relationship("User")
