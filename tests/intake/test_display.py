"""Received HTML mail is shown sanitised: no scripts, handlers, styles or remote content."""

import sqlalchemy as sa

from helpdesk.intake.models import Mailbox
from helpdesk.intake.services import ingest
from tests.intake.builders import mail

HOSTILE = """<html><head><style>body{display:none}</style><script>alert(1)</script></head>
<body onload="alert(2)"><p style="position:fixed">Hej <b>servicedesk</b></p>
<a href="javascript:alert(3)">klicka</a> <a href="https://exempelby.se/x">länk</a>
<iframe src="https://evil.example/"></iframe><img src="https://tracker.example/pixel.gif" alt="spår">
<img src="cid:bild1" alt="skärmbild"><form action="https://evil.example/"><input name="p"></form>
<svg onload="alert(4)"></svg></body></html>"""


def test_hostile_html_is_sanitised_on_the_ticket_page(client, auth, session, clock):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "anna@exempelby.se", "servicedesk@exempelby.se", "HTML-post"
    msg["Message-ID"] = "<html-1@exempelby.se>"
    msg.set_content("Hej servicedesk")
    msg.add_alternative(HOSTILE, subtype="html")
    msg.get_payload()[1].add_related(b"\x89PNG fake", maintype="image", subtype="png", cid="<bild1>")
    desk = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    result = ingest(bytes(msg), desk, now=clock.now())
    session.commit()
    auth.login("erik")
    html = client.get(f"/tickets/{result.ticket_id}").get_data(as_text=True)
    body = html[html.index('class="mail-html-body"'):]
    body = body[:body.index("</details>")]
    for bad in ["<script", "onload", "javascript:", "<iframe", "style=", "tracker.example", "<form", "<svg"]:
        assert bad not in body, bad
    assert "<b>servicedesk</b>" in body and 'href="https://exempelby.se/x"' in body
    assert f"/tickets/{result.ticket_id}/attachments/" in body  # the inline image, served by us


def test_quoted_history_is_folded_away(client, auth, session, clock):
    desk = session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))
    body = ("Nu fungerar det inte igen.\n\nFrån: Servicedesk <servicedesk@exempelby.se>\nSkickat: den 17 november 2026 10:00\n"
            "Till: Anna\nÄmne: Skrivaren\n\nVi har startat om skrivaren.")
    result = ingest(mail(body=body), desk, now=clock.now())
    session.commit()
    auth.login("anna")
    html = client.get(f"/tickets/{result.ticket_id}").get_data(as_text=True)
    assert "Visa hela meddelandet med citerad text" in html
