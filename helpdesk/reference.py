"""Reference data read once per request (or per job run): groups, members, catalogue, calendars, levels.

A page asks for the same small tables several times (the update form and the side forms
both want the groups, the members and the systems; the SLA box and the facts box both want
the calendar). ``cached(key, compute)`` runs compute once per scope and hands out the same
answer after that. The scope is the current request (forgotten at its end, see web.py) or
an explicit ``scope()`` a job opens for one run; outside both it just computes. Anything
that commits ends the scope's validity, so the cache is also dropped after every commit:
a request that changes a group and then draws a page sees the change.
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

KEY = "_reference_cache"
_job_scope: ContextVar[dict | None] = ContextVar("reference_cache", default=None)


def _store() -> dict | None:
    store = _job_scope.get()
    if store is None and has_request_context():
        store = g.setdefault(KEY, {})
    return store


def cached(key, compute):
    """compute() once per request or job scope; every time outside them."""
    store = _store()
    if store is None:
        return compute()
    try:
        return store[key]
    except KeyError:
        store[key] = value = compute()
        return value


@contextmanager
def scope():
    """Cache reference data for the duration of the block (a job run); values must not be ORM rows
    that a commit inside the block would expire, unless the block does not commit."""
    token = _job_scope.set({})
    try:
        yield
    finally:
        _job_scope.reset(token)


def forget() -> None:
    """Drop what the request cached (its end)."""
    if has_request_context():
        g.pop(KEY, None)


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session):
    forget()


def row(model, key):
    """db.session.get(model, key), remembered for the scope: the identity map holds rows only weakly,
    so a row nobody keeps is read again on the next get."""
    if key is None:
        return None
    return cached((model.__name__, key), lambda: _get(model, key))


def _get(model, key):
    """db.session.get(model, key), through a statement built once when the row must be read:
    Session.get builds its SELECT and that statement's cache key anew on every miss."""
    from .extensions import db

    if model.__mapper__.identity_key_from_primary_key([key]) in db.session.identity_map:
        return db.session.get(model, key)
    return db.session.scalars(_by_key(model), {"key": key}).first()


@functools.cache
def _by_key(model):
    (column,) = model.__mapper__.primary_key
    return sa.select(model).where(column == sa.bindparam("key"))
