"""The monthly supplier follow-up: per supplier and contract, against what was contracted."""

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

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


def month_counts(scope, start, end, now) -> dict:
    """{contract id: {count: n}} and the measured seconds, for [start, end) as seen at now."""
    seen_until = min(end, now)
    conditions = {
        "escalated": _within(E.escalated_at, start, end),
        "responded": _within(E.responded_at, start, end),
        "responded_in_time": sa.and_(_within(E.responded_at, start, end), E.response_met.is_(True)),
        "resolved": _within(E.resolved_at, start, end),
        "resolved_in_time": sa.and_(_within(E.resolved_at, start, end), E.resolution_met.is_(True)),
        "response_breached": _within(E.response_breach_at, start, seen_until),
        "resolution_breached": _within(E.resolution_breach_at, start, seen_until),
    }
    any_in_month = sa.or_(*conditions.values())
    query = (sa.select(E.contract_id, E.response_seconds, E.resolution_seconds,
                       *[sa.case((c, 1), else_=0).label(k) for k, c in conditions.items()])
             .join(Ticket, Ticket.id == E.ticket_id).where(any_in_month, scope.clause()))
    counts = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    seconds = defaultdict(lambda: ([], []))
    for row in db.session.execute(query):
        for key in COUNTS:
            counts[row.contract_id][key] += getattr(row, key)
        if row.responded:
            seconds[row.contract_id][0].append(row.response_seconds)
        if row.resolved:
            seconds[row.contract_id][1].append(row.resolution_seconds)
    return counts, seconds


def follow_up(scope, month, now, *, with_trend=True) -> list[ContractRow]:
    """Every contract with an escalation, a response, a resolution or a breach in the month."""
    counts, seconds = month_counts(scope, month.start, month.end, now)
    trend = {m: month_counts(scope, m.start, m.end, now)[0] for m in month.trend()[:-1]} if with_trend else {}
    ids = set(counts) | {cid for c in trend.values() for cid in c}
    contracts = db.session.execute(
        sa.select(SupplierContract, Supplier.name).join(Supplier, Supplier.id == SupplierContract.supplier_id)
        .where(SupplierContract.id.in_(ids))).all() if ids else []
    rows = []
    for contract, supplier_name in contracts:
        row = ContractRow(supplier_name, contract.reference, contract.id, contract.response_minutes,
                          contract.resolution_minutes, counts.get(contract.id, dict.fromkeys(COUNTS, 0)),
                          *seconds.get(contract.id, ([], [])))
        if with_trend:
            row.trend = [(m, trend[m].get(contract.id, dict.fromkeys(COUNTS, 0))) for m in month.trend()[:-1]]
            row.trend.append((month, row.counts))
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
    return list(db.session.scalars(sa.select(E).where(E.ticket_id == ticket_id).order_by(E.id)))


def contract_choices(system_id=None) -> list:
    """Active contracts, the ticket's system's first."""
    rows = db.session.execute(
        sa.select(SupplierContract.id, Supplier.name, SupplierContract.reference, SupplierContract.system_id)
        .join(Supplier, Supplier.id == SupplierContract.supplier_id)
        .where(SupplierContract.is_active, Supplier.is_active)).all()
    rows = sorted(rows, key=lambda r: (r.system_id != system_id, r.name.lower(), r.reference))
    return [(r.id, f"{r.name} – {r.reference}") for r in rows]
