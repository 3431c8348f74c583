"""Leases in the database: one holder at a time across processes and machines."""

import os
import socket
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, unit_of_work
from .extensions import db

HOLDER = f"{socket.gethostname()}:{os.getpid()}"


class Lease(db.Model):
    __tablename__ = "lease"

    name: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(200))
    until: Mapped[datetime] = mapped_column(UTCDateTime)


def acquire(name: str, *, now, ttl: timedelta, holder: str = HOLDER) -> bool:
    """Take or extend the lease; False while another holder's lease runs."""
    with unit_of_work():
        taken = db.session.execute(
            sa.update(Lease).where(Lease.name == name, sa.or_(Lease.until < now, Lease.holder == holder))
            .values(holder=holder, until=now + ttl)
        ).rowcount
    if taken:
        return True
    try:
        with unit_of_work():
            db.session.add(Lease(name=name, holder=holder, until=now + ttl))
    except IntegrityError:
        return False  # someone else holds it
    return True


def release(name: str, *, holder: str = HOLDER) -> None:
    with unit_of_work():
        db.session.execute(sa.delete(Lease).where(Lease.name == name, Lease.holder == holder))
