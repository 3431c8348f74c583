"""Bounds for every integer that comes from outside: URL, query string, form, command line.

A number too large for the database (SQLite raises OverflowError beyond 64 bits; PostgreSQL's
INTEGER ends at 2**31 - 1) must never reach a query: it answers 404, a form error or a usage
error instead of a 500 or a traceback. Ids are INTEGER columns, so MAX_ID is their top.

- URLs: ``<int:...>`` is replaced app-wide by IdConverter (at most 10 digits, at most MAX_ID),
  so a route cannot forget it.
- Query strings: ``int_arg("page", 1)`` instead of ``request.args.get(..., type=int)``.
- Forms: ``helpdesk.forms.BoundedIntegerField`` (or a NumberRange with a max).
- CLI: ``click.argument("number", type=TICKET_NUMBER)``.
"""

import builtins

import click
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
TICKET_NUMBER = click.IntRange(1, MAX_ID)


def bounded_int(value, default=None, *, low: int = 0, high: int = MAX_ID):
    """value as an int within low..high, else default (never raises)."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(high)):
        return default
    number = int(text)
    return number if low <= number <= high else default


def int_arg(name: str, default=None, *, low: int = 0, high: int = MAX_ID):
    """A bounded whole number from the query string, else default."""
    from flask import request

    return bounded_int(request.args.get(name), default, low=low, high=high)


class IdConverter(IntegerConverter):
    """``<int:x>`` for the whole app: 1 to 10 digits and at most MAX_ID, else the route does not match."""

    regex = r"\d{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_ID if max is None else builtins.min(max, MAX_ID), signed=signed)
