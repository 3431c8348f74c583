"""Mail administration: mailboxes, the intake log and quarantine, failed outgoing mail."""

import sqlalchemy as sa

from helpdesk.intake.models import InboundMessage, Mailbox
from helpdesk.intake.services import ingest
from helpdesk.notifications.models import OutboundMessage
from tests.intake.builders import mail


def test_pages_answer_admin_only(client, auth):
    auth.login("admin")
    for url in ["/admin/mailboxes", "/admin/mailboxes/new", "/admin/mailboxes/new?channel=ews", "/admin/mailboxes/1",
                "/admin/mailboxes/1/channel", "/admin/mailboxes/1?channel=graph", "/admin/mail",
                "/admin/mail?outcome=quarantined", "/admin/mail?page=x", "/admin/outbox"]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/mail/999999").status_code == 404
    auth.logout()
    auth.login("erik")
    assert client.get("/admin/mail").status_code == 403


def test_quarantined_mail_is_listed_downloaded_and_reimported(client, auth, session, clock):
    desk = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    desk.allowed_domains = "exempelby.se"
    raw = mail(sender="extern@example.org", subject="Hjälp")
    ingest(raw, desk, now=clock.now())
    session.commit()
    item = session.scalar(sa.select(InboundMessage).where(InboundMessage.outcome == "quarantined"))
    auth.login("admin")
    assert "Hjälp" in client.get("/admin/mail?outcome=quarantined").get_data(as_text=True)
    download = client.get(f"/admin/mail/{item.id}/raw")
    assert download.status_code == 200 and download.get_data() == raw
    assert download.headers["Content-Disposition"].startswith("attachment")
    download.close()
    desk.allowed_domains = ""
    session.commit()
    assert client.post(f"/admin/mail/{item.id}/reimport").status_code == 302
    session.expire_all()
    assert item.released_at is not None
    assert session.scalar(sa.select(InboundMessage).where(InboundMessage.outcome == "created",
                                                          InboundMessage.raw_sha256 == item.raw_sha256))


def test_failed_outgoing_mail_can_be_retried(client, auth, session, clock):
    failed = session.scalars(sa.select(OutboundMessage)).first()
    failed.status, failed.attempts, failed.last_error = "failed", 8, "SMTPConnectError: nej"
    session.commit()
    auth.login("admin")
    assert "SMTPConnectError" in client.get("/admin/outbox").get_data(as_text=True)  # the class, behind "Teknisk detalj"
    assert client.post(f"/admin/outbox/{failed.id}/retry").status_code == 302
    session.expire_all()
    assert failed.status == "pending" and failed.attempts == 0
