"""Escalating to a supplier: the mail, the supplier's clocks, its replies, and the internal clock."""

from datetime import timedelta

import sqlalchemy as sa

from helpdesk.intake.services import ingest
from helpdesk.notifications.models import OutboundMessage
from helpdesk.reports.months import Month
from helpdesk.reports.queries import everything_scope
from helpdesk.suppliers import clocks, queries, services
from helpdesk.suppliers.models import SupplierMessage
from helpdesk.tickets import services as tickets
from helpdesk.tickets.models import Status
from tests import factories
from tests.intake.builders import mail
from tests.suppliers.builders import supplier_with_contract

HOUR = timedelta(hours=1)


def escalated(session, users, now, **contract):
    supplier, contract = supplier_with_contract(**contract)
    ticket = factories.ticket(users["anna"], now=now, system_name="Lönesystem")
    tickets.add_reply(ticket, body="Vi tittar på det.", actor=users["per"], now=now, staff=True)
    escalation = services.escalate(ticket, contract, body="Lönekörningen stannar, se loggen.",
                                   actor=users["per"], now=now, local_day=now.date())
    session.flush()
    return ticket, escalation


def supplier_reply(session, escalation, now, *, sender="support@leverantor.se", subject=None):
    subject = subject or f"SV: {services.subject_tag(escalation)} Lönekörningen CASE-4711"
    result = ingest(mail(sender=sender, to="servicedesk@exempelby.se", subject=subject,
                         body="Vi har hittat felet."), None, now=now)
    session.flush()
    return result


def test_escalation_mails_the_supplier_with_its_tag_and_waits(session, clock, users):
    ticket, escalation = escalated(session, users, clock.now())
    sent = session.scalar(sa.select(OutboundMessage).where(OutboundMessage.message_id == escalation.outbound_message_id))
    assert sent.recipients == ["support@leverantor.se"]
    assert sent.subject.startswith(f"[#{ticket.id}/LEV-{escalation.id}]")
    assert "In-Reply-To" not in sent.headers
    assert ticket.status == Status.WAITING_SUPPLIER
    assert escalation.response_breach_at == clock.now() + 4 * HOUR  # 09:00 + 4 h within 08–17


def test_late_supplier_answer_is_a_breach_and_the_internal_clock_is_not_charged(session, clock, users):
    start = clock.now()  # Wednesday 09:00 in Stockholm
    ticket, escalation = escalated(session, users, start)
    result = supplier_reply(session, escalation, start + 6 * HOUR)  # six service hours later, 15:00
    assert result.ticket_id == ticket.id
    assert escalation.responded_at == start + 6 * HOUR
    assert escalation.response_met is False
    assert escalation.response_seconds == 6 * 3600
    assert escalation.case_number == "4711"
    assert ticket.status == Status.OPEN  # back to work
    tickets.change_status(ticket, Status.SOLVED, actor=users["per"], now=start + 7 * HOUR)
    session.flush()
    # The internal resolution clock stood still while the supplier had the ticket.
    assert ticket.sla_paused_seconds == 6 * 3600
    assert ticket.sla_resolution_seconds == 3600
    month = Month(2026, 11)
    rows = queries.follow_up(everything_scope(), month, start + 30 * 24 * HOUR)
    (row,) = rows
    assert row.counts["response_breached"] == 1 and row.counts["responded_in_time"] == 0
    assert row.counts["resolved_in_time"] == 1
    assert [e.id for e in queries.breaches(everything_scope(), month, start + 30 * 24 * HOUR)] == [escalation.id]


def test_period_counts_find_each_moments_period_between_gaps_and_at_bounds(session, clock, users):
    """Several periods in any order with gaps between them: each moment counts in the period whose
    [start, end) holds it (a moment on a bound in the period that starts there), in none when it is
    in a gap, and the same as when each period is counted alone."""
    start = clock.now()
    _ticket, escalation = escalated(session, users, start)
    supplier_reply(session, escalation, start + 6 * HOUR)  # responded, and the response breached at +4 h
    now = start + 30 * 24 * HOUR
    periods = [(start + 5 * HOUR, start + 7 * HOUR), (start - 2 * HOUR, start), (start, start + HOUR),
               (start + 2 * HOUR, start + 3 * HOUR), (start + 7 * HOUR, start + 9 * HOUR)]
    counts, seconds = queries.period_counts(everything_scope(), periods, now)
    contract = escalation.contract_id
    assert counts[periods[2]][contract]["escalated"] == 1  # at the bound: the period starting there
    assert counts[periods[0]][contract]["responded"] == 1
    assert seconds[periods[0]][contract] == ([6 * 3600], [])
    assert not any(c.get(contract, {}).get("response_breached") for c in counts.values())  # +4 h: in a gap
    assert contract not in counts[periods[1]] and contract not in counts[periods[3]]
    for period in periods:
        alone, alone_seconds = queries.month_counts(everything_scope(), *period, now)
        assert dict(counts[period]) == alone and dict(seconds[period]) == alone_seconds


def test_answer_within_contract_is_met(session, clock, users):
    start = clock.now()
    _ticket, escalation = escalated(session, users, start)
    supplier_reply(session, escalation, start + 2 * HOUR)
    assert escalation.response_met is True and escalation.response_breach_at is None


def test_mail_from_another_sender_is_not_the_suppliers(session, clock, users):
    start = clock.now()
    ticket, escalation = escalated(session, users, start)
    supplier_reply(session, escalation, start + HOUR, sender="someone@elsewhere.example")
    assert escalation.responded_at is None
    assert ticket.status == Status.WAITING_SUPPLIER
    assert session.scalar(sa.select(sa.func.count()).select_from(SupplierMessage)
                          .where(SupplierMessage.escalation_id == escalation.id)) == 1  # the escalation only


def test_supplier_domain_and_message_id_thread_the_reply(session, clock, users):
    start = clock.now()
    ticket, escalation = escalated(session, users, start, domain="leverantor.se")
    raw = mail(sender="noreply@leverantor.se", subject="Ert ärende har mottagits",
               headers={"In-Reply-To": f"<{escalation.outbound_message_id}>"})
    result = ingest(raw, None, now=start + HOUR)
    session.flush()
    assert result.ticket_id == ticket.id
    assert escalation.responded_at == start + HOUR


def test_supplier_marks_its_part_done(session, clock, users):
    start = clock.now()
    ticket, escalation = escalated(session, users, start)
    supplier_reply(session, escalation, start + 5 * HOUR)
    services.mark_resolved(escalation, actor=users["per"], now=start + 30 * HOUR)
    cached = {k: getattr(escalation, k) for k in clocks.cached_fields(clocks.clocks_of(escalation))}
    assert cached == clocks.cached_fields(clocks.clocks_of(escalation))
    assert escalation.resolved_at == start + 30 * HOUR


def test_recompute_restores_a_damaged_cache_from_history(session, clock, users):
    from helpdesk.suppliers.cli import recompute

    start = clock.now()
    _ticket, escalation = escalated(session, users, start)
    supplier_reply(session, escalation, start + 6 * HOUR)
    right = {k: getattr(escalation, k) for k in ("responded_at", "response_met", "response_breach_at")}
    escalation.response_met, escalation.responded_at = True, None
    session.flush()
    assert recompute(check=True) == (1, 1)
    assert recompute(check=False) == (1, 1)
    assert {k: getattr(escalation, k) for k in right} == right
    assert recompute(check=True) == (1, 0)


def test_late_answer_is_a_breach_in_the_monthly_report_json_and_page(session, clock, users, client, auth):
    import json

    from helpdesk.reports.exports import render
    from helpdesk.reports.report import monthly_report

    start = clock.now()
    ticket, escalation = escalated(session, users, start)
    supplier_reply(session, escalation, start + 6 * HOUR)
    later = start + 30 * 24 * HOUR
    document = json.loads(render(monthly_report(everything_scope(), Month(2026, 11), now=later), "json"))
    (row,) = document["suppliers"]
    assert row["response_breached"] == 1 and row["responded"] == 1 and row["response_share"] == 0.0
    assert row["response_median_seconds"] == 6 * 3600
    session.commit()
    clock.set(later)
    auth.login("maria")
    page = client.get("/reports/suppliers/2026-11")
    assert page.status_code == 200 and f"#{ticket.id}" in page.text


def test_agent_writes_to_the_supplier_again_in_its_thread(session, clock, users):
    start = clock.now()
    ticket, escalation = escalated(session, users, start)
    supplier_reply(session, escalation, start + HOUR)
    assert ticket.status == Status.OPEN
    services.write_to_supplier(escalation, body="Vilken version gäller?", actor=users["per"], now=start + 2 * HOUR)
    session.flush()
    sent = session.scalars(sa.select(OutboundMessage).where(OutboundMessage.ticket_id == ticket.id,
                                                             OutboundMessage.kind == "supplier_escalation")
                           .order_by(OutboundMessage.id)).all()[-1]
    answered = services.supplier_message_ids(escalation)[-1]
    assert sent.recipients == ["support@leverantor.se"] and sent.headers["In-Reply-To"] == f"<{answered}>"
    assert sent.subject.startswith(services.subject_tag(escalation))
    assert ticket.status == Status.WAITING_SUPPLIER
    assert escalation.responded_at == start + HOUR  # the first answer still counts
