"""The monthly supplier follow-up: per supplier and contract, against what was contracted."""

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..database import built_once
from ..extensions import db
from ..tickets.models import Ticket
from .models import Supplier, SupplierContract, SupplierEscalation

E = SupplierEscalation
COUNTS = ("escalated", "responded", "responded_in_time", "resolved", "resolved_in_time",
          "response_breached", "resolution_breached")


@dataclass
class ContractRow:
    supplier: str
    contract: str
    contract_id: int
    response_minutes: int
    resolution_minutes: int
    counts: dict = field(default_factory=dict)
    response_seconds: list = field(default_factory=list)
    resolution_seconds: list = field(default_factory=list)
    trend: list = field(default_factory=list)  # [(Month, counts)], oldest first

    def share(self, numerator, denominator) -> float | None:
        d = self.counts.get(denominator, 0)
        return round(100 * self.counts.get(numerator, 0) / d, 1) if d else None

    @property
    def median_response_seconds(self):
        return _median(self.response_seconds)

    @property
    def median_resolution_seconds(self):
        return _median(self.resolution_seconds)


def _median(values):
    values = sorted(values)
    return values[(len(values) + 1) // 2 - 1] if values else None


def _within(column, start, end):
    return sa.and_(column >= start, column < end)


def _empty():
    return dict.fromkeys(COUNTS, 0)


def period_counts(scope, periods, now) -> tuple[dict, dict]:
    """For each (start, end) period: {contract id: {count: n}} and (response, resolution) seconds measured.

    One pass over the escalations with any moment in the whole span; each is put into the periods its
    escalation, response, resolution and breach moments fall in (a breach only as seen at now). The
    periods do not overlap; the database tells which period each moment falls in, so no timestamp
    is converted here.
    """
    ordered = sorted(periods)
    first, last = ordered[0][0], max(p[1] for p in ordered)
    moments = (E.escalated_at, E.responded_at, E.resolved_at, E.response_breach_at, E.resolution_breach_at)

    bounds = sorted({moment for period in ordered for moment in period})
    slots = [next((i for i, (a, b) in enumerate(ordered) if a <= lo and hi <= b), None)
             for lo, hi in zip(bounds, bounds[1:], strict=False)]  # the period of each span between bounds

    def search(column, lo, hi):
        """The period of a moment known to lie in [bounds[lo], bounds[hi]): halving, so a handful
        of comparisons per moment instead of two per period."""
        if hi - lo == 1:
            return sa.null() if slots[lo] is None else sa.literal(slots[lo])
        mid = (lo + hi) // 2
        return sa.case((column < bounds[mid], search(column, lo, mid)), else_=search(column, mid, hi))

    def period_of(column, *, seen=False):
        """The index in ordered of the period a moment falls in (a breach only once it is in the past), or NULL."""
        return sa.case((sa.and_(_within(column, bounds[0], bounds[-1]), *([column < now] if seen else [])),
                        search(column, 0, len(bounds) - 1)), else_=sa.null())

    query = (sa.select(E.contract_id, period_of(E.escalated_at), period_of(E.responded_at), E.response_met,
                       E.response_seconds, period_of(E.resolved_at), E.resolution_met, E.resolution_seconds,
                       period_of(E.response_breach_at, seen=True), period_of(E.resolution_breach_at, seen=True))
             .join(Ticket, Ticket.id == E.ticket_id)
             .where(sa.or_(*[_within(m, first, last) for m in moments]), scope.clause()))
    counts = [defaultdict(_empty) for _ in ordered]
    seconds = [defaultdict(lambda: ([], [])) for _ in ordered]
    for (contract, escalated, responded, response_met, response_seconds, resolved, resolution_met,
         resolution_seconds, response_breached, resolution_breached) in db.session.execute(query):
        if escalated is not None:
            counts[escalated][contract]["escalated"] += 1
        if responded is not None:
            c = counts[responded][contract]
            c["responded"] += 1
            c["responded_in_time"] += response_met is True
            seconds[responded][contract][0].append(response_seconds)
        if resolved is not None:
            c = counts[resolved][contract]
            c["resolved"] += 1
            c["resolved_in_time"] += resolution_met is True
            seconds[resolved][contract][1].append(resolution_seconds)
        if response_breached is not None:
            counts[response_breached][contract]["response_breached"] += 1
        if resolution_breached is not None:
            counts[resolution_breached][contract]["resolution_breached"] += 1
    return dict(zip(ordered, counts, strict=True)), dict(zip(ordered, seconds, strict=True))


def month_counts(scope, start, end, now) -> tuple[dict, dict]:
    """{contract id: {count: n}} and the measured seconds, for [start, end) as seen at now."""
    counts, seconds = period_counts(scope, [(start, end)], now)
    return dict(counts[(start, end)]), dict(seconds[(start, end)])


def follow_up(scope, month, now, *, with_trend=True) -> list[ContractRow]:
    """Every contract with an escalation, a response, a resolution or a breach in the month."""
    months = month.trend() if with_trend else [month]
    all_counts, all_seconds = period_counts(scope, [(m.start, m.end) for m in months], now)
    counts, seconds = all_counts[(month.start, month.end)], all_seconds[(month.start, month.end)]
    ids = {cid for c in all_counts.values() for cid in c}
    contracts = db.session.execute(
        sa.select(SupplierContract, Supplier.name).join(Supplier, Supplier.id == SupplierContract.supplier_id)
        .where(SupplierContract.id.in_(ids))).all() if ids else []
    rows = []
    for contract, supplier_name in contracts:
        row = ContractRow(supplier_name, contract.reference, contract.id, contract.response_minutes,
                          contract.resolution_minutes, counts.get(contract.id, _empty()),
                          *seconds.get(contract.id, ([], [])))
        if with_trend:
            row.trend = [(m, all_counts[(m.start, m.end)].get(contract.id, _empty())) for m in months]
        rows.append(row)
    return sorted(rows, key=lambda r: (r.supplier.lower(), r.contract.lower()))


def breaches(scope, month, now, contract_id=None) -> list[SupplierEscalation]:
    """The escalations whose contracted response or resolution time passed in the month (drill-down)."""
    seen_until = min(month.end, now)
    query = (sa.select(E).join(Ticket, Ticket.id == E.ticket_id)
             .where(sa.or_(_within(E.response_breach_at, month.start, seen_until),
                           _within(E.resolution_breach_at, month.start, seen_until)), scope.clause())
             .order_by(E.escalated_at, E.id))
    if contract_id is not None:
        query = query.where(E.contract_id == contract_id)
    return list(db.session.scalars(query))


def escalations_of(ticket_id) -> list[SupplierEscalation]:
    return list(db.session.scalars(_escalations_query(), {"ticket_id": ticket_id}))


@built_once
def _escalations_query():
    return sa.select(E).where(E.ticket_id == sa.bindparam("ticket_id")).order_by(E.id)


def contract_choices(system_id=None) -> list:
    """Active contracts, the ticket's system's first."""
    rows = db.session.execute(_contracts_query()).all()
    rows = sorted(rows, key=lambda r: (r.system_id != system_id, r.name.lower(), r.reference))
    return [(r.id, f"{r.name} – {r.reference}") for r in rows]


@built_once
def _contracts_query():
    return (sa.select(SupplierContract.id, Supplier.name, SupplierContract.reference, SupplierContract.system_id)
            .join(Supplier, Supplier.id == SupplierContract.supplier_id)
            .where(SupplierContract.is_active, Supplier.is_active))
