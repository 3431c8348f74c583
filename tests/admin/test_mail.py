"""Mail administration: mailboxes, the intake log and quarantine, failed outgoing mail."""

import sqlalchemy as sa

from helpdesk.intake.models import InboundMessage, Mailbox
from helpdesk.intake.services import ingest
from helpdesk.notifications.models import OutboundMessage
from tests.intake.builders import mail

MAILBOX = {"name": "bygg", "address": "bygg@exempelby.se", "channel": "imap", "send_transport": "smtp",
           "organisation_id": "1", "default_group_id": "0", "poll_seconds": "60", "closed_policy": "reopen",
           "allowed_domains": "", "settings": '{"host": "127.0.0.1", "username": "bygg"}', "is_active": "y"}


def test_pages_answer_admin_only(client, auth):
    auth.login("admin")
    for url in ["/admin/mailboxes", "/admin/mailboxes/new", "/admin/mailboxes/1", "/admin/mail",
                "/admin/mail?outcome=quarantined", "/admin/mail?page=x", "/admin/outbox"]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/mail/999999").status_code == 404
    auth.logout()
    auth.login("erik")
    assert client.get("/admin/mail").status_code == 403


def test_create_mailbox_and_refuse_secrets_in_settings(client, auth, session):
    auth.login("admin")
    assert client.post("/admin/mailboxes/new", data=MAILBOX).status_code == 302
    box = session.scalar(sa.select(Mailbox).where(Mailbox.name == "bygg"))
    assert box.settings == {"host": "127.0.0.1", "username": "bygg"} and box.channel == "imap"
    response = client.post("/admin/mailboxes/new", data=MAILBOX | {
        "name": "bygg2", "address": "bygg2@exempelby.se", "settings": '{"password": "hemligt"}'})
    assert response.status_code == 400 and "miljövariabler" in response.get_data(as_text=True)
    response = client.post("/admin/mailboxes/new", data=MAILBOX | {"name": "bygg3", "address": "b3@exempelby.se",
                                                                    "settings": "{inte json"})
    assert response.status_code == 400 and "inte giltig JSON" in response.get_data(as_text=True)
    assert "inte json" in response.get_data(as_text=True)


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
    assert "SMTPConnectError" in client.get("/admin/outbox").get_data(as_text=True)
    assert client.post(f"/admin/outbox/{failed.id}/retry").status_code == 302
    session.expire_all()
    assert failed.status == "pending" and failed.attempts == 0
