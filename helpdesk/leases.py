"""Leases in the database: one holder at a time across processes and machines."""

import contextvars
import os
import socket
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, unit_of_work
from .extensions import db

HOLDER = f"{socket.gethostname()}:{os.getpid()}"
# The lease of the scheduled job running in this context: (name, ttl), for keep_alive().
_job_lease: contextvars.ContextVar = contextvars.ContextVar("job_lease", default=None)


class LeaseLost(Exception):
    """Another holder took the lease over (ours ran out): stop rather than work beside it."""


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


def renew(name: str, *, now, ttl: timedelta, holder: str = HOLDER) -> bool:
    """Extend a lease we hold; False when we no longer hold it (it ran out and another took it)."""
    with unit_of_work():
        return bool(db.session.execute(
            sa.update(Lease).where(Lease.name == name, Lease.holder == holder).values(until=now + ttl)
        ).rowcount)


@contextmanager
def job_lease(name: str, ttl: timedelta):
    """Mark the job lease held while a scheduled job runs, so that long jobs can keep_alive()."""
    token = _job_lease.set((name, ttl))
    try:
        yield
    finally:
        _job_lease.reset(token)


def keep_alive(now) -> None:
    """Renew the running job's lease (long jobs call this between batches); LeaseLost when it was taken.

    Outside a scheduled run (the CLI, tests) there is no job lease and nothing happens. Call it
    between transactions: it commits its own."""
    current = _job_lease.get()
    if current is None:
        return
    name, ttl = current
    if not renew(name, now=now, ttl=ttl):
        raise LeaseLost(name)
