"""Applying retention rules: what goes, what stays, what the protocol says, and the dry run."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from helpdesk.audit.models import AuditEntry
from helpdesk.database import unit_of_work
from helpdesk.errors import InvalidField
from helpdesk.extensions import db
from helpdesk.intake import store
from helpdesk.intake.models import InboundMessage
from helpdesk.notifications.models import OutboundMessage
from helpdesk.retention import queries, services as retention
from helpdesk.retention.jobs import apply_retention, execute_run
from helpdesk.retention.models import RetentionRule, RetentionRun, RunStatus
from helpdesk.scheduler import job_table
from helpdesk.tickets import services
from helpdesk.tickets.models import Attachment, Message, Ticket, TicketEvent, TicketParticipant, TicketType
from tests import factories as f
from tests.retention.conftest import LATELY, LONG_AGO, attachment_paths, closed_ticket, exists, inbound_mail

OLD_CLOSE = datetime(2025, 1, 20, 10, 0, tzinfo=UTC)


def gone(ticket_id) -> bool:
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id) is None


def protocol(run_id):
    db.session.expire_all()
    return db.session.get(RetentionRun, run_id), queries.run_numbers(run_id)


def test_destroy_run_removes_what_the_rule_reaches_and_keeps_the_rest(users, clock, make_rule, session):
    anna = users["anna"]
    old = closed_ticket(anna, closed_at=OLD_CLOSE, body="Gammalt fel", uploads=[("logg.txt", b"only-old-ticket-42")])
    shared = closed_ticket(anna, closed_at=OLD_CLOSE, uploads=[("bild.png", b"shared-bytes-42")])
    raw_path = store.path_of(inbound_mail(old, b"From: anna@exempelby.se\r\n\r\nGammalt fel 42\r\n").raw_sha256)
    held = closed_ticket(anna, closed_at=OLD_CLOSE)
    young = closed_ticket(anna, closed_at=LATELY, uploads=[("bild.png", b"shared-bytes-42")])
    request = closed_ticket(anna, closed_at=OLD_CLOSE, type=TicketType.REQUEST)
    still_open = services.create_ticket(requester=anna, subject="Öppet", body="x", actor=anna, now=LONG_AGO)
    retention.place_hold(held, reason="Tvist om avtal", actor=users["ines"], now=clock.now())
    old_files, shared_files = attachment_paths(old), attachment_paths(shared)
    assert all(map(exists, old_files + shared_files + [raw_path]))
    rule = make_rule("incident", months=12)
    run = retention.approve_run(rule, actor=users["admin"], now=clock.now())
    destroyed, kept = [old.id, shared.id], [t.id for t in (held, young, request, still_open)]
    session.commit()

    assert apply_retention(clock) == 2

    assert all(map(gone, destroyed)) and not any(map(gone, kept))
    for model in (Message, TicketEvent, Attachment, InboundMessage):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)
                                 .where(model.ticket_id.in_(destroyed))) == 0
    assert not any(map(exists, old_files)) and not exists(raw_path)
    assert all(map(exists, shared_files)), "the young ticket still uses the same file"
    item, numbers = protocol(run.id)
    assert item.status == RunStatus.DONE and item.count == 2 and numbers == sorted(destroyed)
    assert item.decision_reference == "KS 2026/123 § 45" and item.approved_by_name == "Systemadministratör"
    assert item.started_at == item.finished_at == clock.now()


def test_pseudonymising_leaves_no_trace_of_the_person_or_the_texts(users, clock, make_rule, session):
    anna, erik, fatima = users["anna"], users["erik"], users["fatima"]
    secret = "Personnummer 19800101-1234 står i loggen"
    ticket = closed_ticket(anna, closed_at=OLD_CLOSE, subject="Anna Lindqvist kan inte logga in", body=secret,
                           uploads=[("anna.txt", b"anna-secret-bytes-77")], email={
                               "body_html": f"<p>{secret}</p>", "body_html_safe": f"<p>{secret}</p>", "headers": {"From": "anna@exempelby.se"},
                               "email_message_id": "abc@exempelby.se"})
    services.add_participant(ticket, fatima.id)
    services.change_status(ticket, "open", actor=erik, now=OLD_CLOSE)
    services.add_reply(ticket, body="Hej Anna, prova igen.", actor=erik, now=OLD_CLOSE, staff=True)
    services.add_reply(ticket, body="Fatima Ali ringde om samma sak.", actor=fatima, now=OLD_CLOSE, staff=False)
    services.move_to_group(ticket, f.group("IT-drift"), actor=erik, now=OLD_CLOSE, reason="Anna Lindqvist bad om det")
    services.change_status(ticket, "closed", actor=erik, now=OLD_CLOSE)
    raw = inbound_mail(ticket, b"From: anna@exempelby.se\r\n\r\n" + secret.encode())
    raw_path = store.path_of(raw.raw_sha256)
    db.session.add(OutboundMessage(created_at=OLD_CLOSE, kind="agent_reply", ticket_id=ticket.id,
                                   sender="servicedesk@exempelby.se", recipients=["anna@exempelby.se"],
                                   subject="Anna", message_id="out-1@exempelby.se", body_text=secret,
                                   next_attempt_at=OLD_CLOSE, status="sent"))
    paths = attachment_paths(ticket)
    before = {"status": ticket.status, "created_at": ticket.created_at, "closed_at": ticket.closed_at,
              "events": len(ticket.events), "messages": len(ticket.messages), "priority": ticket.priority,
              "group": ticket.support_group_id, "assignee": ticket.assignee_id}
    rule = make_rule("incident", months=12, action="pseudonymise", automatic=True)
    session.commit()

    assert apply_retention(clock) == 1

    db.session.expire_all()
    t = db.session.get(Ticket, ticket.id)
    assert t.subject == f"[gallrat #{t.id}]" and t.requester.full_name == "Gallrad person"
    assert not t.requester.is_active and t.requester.email is None
    assert {"status": t.status, "created_at": t.created_at, "closed_at": t.closed_at,
            "events": len(t.events) - 1, "messages": len(t.messages), "priority": t.priority,
            "group": t.support_group_id, "assignee": t.assignee_id} == before
    assert {m.body for m in t.messages} == {"[gallrat]"}
    assert [m.author_id for m in t.messages if m.author_id != t.requester_id] == [erik.id]
    assert t.events[-1].kind == "pseudonymised" and t.events[-1].new_value == "KS 2026/123 § 45"
    assert [p.user_id for p in t.participants] == [t.requester_id]
    assert db.session.scalars(sa.select(Attachment).where(Attachment.ticket_id == t.id)).all() == []
    assert db.session.scalars(sa.select(OutboundMessage).where(OutboundMessage.ticket_id == t.id)).all() == []
    assert not any(map(exists, paths)) and not exists(raw_path)
    traces = ["Anna", "anna@", "19800101", "Fatima", "Lindqvist", "prova igen"]
    for text in _stored_text(t.id):
        for trace in traces:
            assert trace.lower() not in text.lower(), (trace, text)
    people = {t.requester_id, t.created_by_id, *(e.actor_id for e in t.events), *(m.author_id for m in t.messages)}
    assert anna.id not in people and fatima.id not in people
    # Done once: the next run finds nothing to pseudonymise.
    assert apply_retention(clock) == 0 and rule.automatic


def _stored_text(ticket_id):
    """Every text value stored about the ticket, in every table that names it, and its search document."""
    rows = []
    for model in (Ticket, Message, TicketEvent, TicketParticipant, Attachment, InboundMessage, OutboundMessage):
        column = model.id if model is Ticket else model.ticket_id
        for row in db.session.execute(sa.select(model.__table__).where(column == ticket_id)):
            rows += [str(v) for v in row if v is not None]
    if db.engine.dialect.name == "sqlite":
        rows += [str(v) for v in db.session.execute(
            sa.text("SELECT subject, body FROM ticket_fts WHERE rowid = :id"), {"id": ticket_id}).one()]
    else:
        rows += [db.session.scalar(sa.text("SELECT document::text FROM ticket_search WHERE ticket_id = :id"),
                                   {"id": ticket_id})]
    return rows


def test_dry_run_lists_and_changes_nothing(users, clock, make_rule, runner, session):
    tickets = [closed_ticket(users["anna"], closed_at=OLD_CLOSE) for _ in range(3)]
    young = closed_ticket(users["anna"], closed_at=LATELY)
    make_rule("incident", months=12)
    session.commit()
    counts = {m: db.session.scalar(sa.select(sa.func.count()).select_from(m))
              for m in (Ticket, Message, TicketEvent, RetentionRun, AuditEntry)}

    result = runner.invoke(args=["retention", "run", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert f"would destroy 3 tickets: {tickets[0].id}–{tickets[-1].id}" in result.output
    assert str(young.id) not in result.output.split("tickets:")[-1]
    assert "Dry run: nothing was changed." in result.output
    assert counts == {m: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in counts}


def test_cli_run_needs_an_approver_and_writes_the_protocol(users, clock, make_rule, runner, session):
    number = closed_ticket(users["anna"], closed_at=OLD_CLOSE).id
    make_rule("incident", months=12)
    session.commit()
    refused = runner.invoke(args=["retention", "run"])
    assert refused.exit_code != 0 and "--approved-by" in refused.output and not gone(number)

    result = runner.invoke(args=["retention", "run", "--approved-by", "admin"])

    assert result.exit_code == 0, result.output
    assert f"done, destroy 1 tickets: {number}" in result.output and gone(number)
    run = db.session.scalar(sa.select(RetentionRun))
    assert run.approved_by_name == "Systemadministratör" and run.count == 1


def test_scheduler_applies_only_automatic_rules_and_approved_runs(users, clock, make_rule, session):
    assert "apply_retention" in [name for name, _function, _seconds in job_table()]
    incident = closed_ticket(users["anna"], closed_at=OLD_CLOSE).id
    request = closed_ticket(users["anna"], closed_at=OLD_CLOSE, type=TicketType.REQUEST).id
    make_rule("incident", months=12)
    make_rule("request", months=12, automatic=True)
    session.commit()

    assert apply_retention(clock) == 1

    assert gone(request) and not gone(incident)
    run = db.session.scalar(sa.select(RetentionRun))
    assert run.approved_by_id is None and run.approved_by_name == "scheduler"
    assert apply_retention(clock) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RetentionRun)) == 1, "no empty protocols"


def test_a_run_works_in_batches_and_the_protocol_counts_them_all(users, clock, make_rule, session):
    numbers = [closed_ticket(users["anna"], closed_at=OLD_CLOSE.replace(day=d)).id for d in range(1, 8)]
    rule = make_rule("incident", months=12)
    run_id = retention.approve_run(rule, actor=users["admin"], now=clock.now()).id
    session.commit()

    assert execute_run(run_id, clock, batch_size=3) == 7

    item, listed = protocol(run_id)
    assert item.count == 7 and listed == sorted(numbers) and all(map(gone, numbers))
    assert execute_run(run_id, clock) == 0, "a finished run is not carried out again"


def test_the_cutoff_counts_calendar_months_from_closing(users, clock, make_rule, session):
    clock.set(datetime(2026, 3, 31, 12, 0, tzinfo=UTC))
    just_old = closed_ticket(users["anna"], closed_at=datetime(2025, 3, 31, 11, 0, tzinfo=UTC),
                             created_at=datetime(2025, 3, 1, tzinfo=UTC))
    not_yet = closed_ticket(users["anna"], closed_at=datetime(2025, 3, 31, 13, 0, tzinfo=UTC),
                            created_at=datetime(2025, 3, 1, tzinfo=UTC))
    rule = make_rule("incident", months=12)
    assert list(queries.due_numbers(queries.Terms.of_rule(rule, clock.now()))) == [just_old.id]
    assert queries.months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert not_yet.id


def test_security_incidents_follow_only_their_own_rule(users, clock, make_rule, session):
    from helpdesk.security.models import SecurityIncident
    from helpdesk.security.services import report_incident

    incident = report_incident(reporter=users["anna"], subject="Phishing", description="Klickade på länk",
                               now=datetime(2025, 1, 2, tzinfo=UTC))
    services.change_status(incident.ticket, "closed", actor=users["ines"], now=OLD_CLOSE)
    ticket_id, incident_id = incident.ticket_id, incident.id
    make_rule("incident", months=12, automatic=True)
    session.commit()
    assert apply_retention(clock) == 0 and not gone(ticket_id)

    make_rule("security_incident", months=12, automatic=True)
    session.commit()
    assert apply_retention(clock) == 1
    assert gone(ticket_id) and db.session.get(SecurityIncident, incident_id) is None


def test_destroying_a_merge_target_unlinks_the_kept_ticket(users, clock, make_rule, session):
    target = closed_ticket(users["anna"], closed_at=OLD_CLOSE)
    source = services.create_ticket(requester=users["anna"], subject="Samma", body="x", actor=users["erik"],
                                    now=OLD_CLOSE)
    services.merge_ticket(source, target, actor=users["erik"], now=LATELY)  # closes source lately: kept
    ids = target.id, source.id
    make_rule("incident", months=12, automatic=True)
    session.commit()

    assert apply_retention(clock) == 1

    assert gone(ids[0]) and db.session.get(Ticket, ids[1]).merged_into_id is None


def test_a_rule_without_a_decision_reference_is_refused(users, clock, make_rule, session):
    with pytest.raises(InvalidField) as refused:
        make_rule("incident", reference="   ")
    assert refused.value.field == "decision_reference" and "informationshanteringsplanen" in refused.value.message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RetentionRule)) == 0
    rule = make_rule("incident")
    session.commit()
    with pytest.raises(InvalidField):
        retention.update_rule(rule, {"organisation_id": rule.organisation_id, "ticket_type": "incident",
                                     "months": 12, "action": "destroy", "decision_reference": ""},
                              actor=users["admin"], now=clock.now())
    db.session.rollback()
    with pytest.raises(IntegrityError), unit_of_work():  # the database refuses it too
        db.session.execute(sa.update(RetentionRule).values(decision_reference=" "))


def test_legal_hold_is_placed_and_lifted_with_history_and_audit(users, clock, make_rule, session):
    ticket = closed_ticket(users["anna"], closed_at=OLD_CLOSE)
    number = ticket.id
    retention.place_hold(ticket, reason="Begärd av revisionen", actor=users["ines"], now=clock.now())
    make_rule("incident", months=12, automatic=True)
    session.commit()
    assert apply_retention(clock) == 0 and not gone(number)

    retention.lift_hold(db.session.get(Ticket, number), reason="Revisionen klar", actor=users["admin"],
                        now=clock.now())
    session.commit()
    assert apply_retention(clock) == 1 and gone(number)
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("legal_hold%"))
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["legal_hold_placed", "legal_hold_lifted"]
