"""Text is normalised at the edge: CR/LF, NUL and bidi overrides in subjects, names and forms (issue 8, finding 15)."""

import pkgutil
from email.header import Header

import flask_wtf
import sqlalchemy as sa

import helpdesk
from helpdesk.forms import FlaskForm
from helpdesk.intake.parse import parse
from helpdesk.textnorm import multi_line, single_line
from helpdesk.tickets.models import Message
from tests.tickets.test_views import newest, report

HOSTILE = "Faktura\r\nBcc: x@evil.example\x00 betald \u202egpj.exe"


def test_single_line_keeps_text_after_nul_and_drops_breaks_and_bidi_overrides():
    assert single_line(HOSTILE) == "Faktura Bcc: x@evil.example betald gpj.exe"
    assert single_line("Åsa\u2028Öberg\x85\t  Ek") == "Åsa Öberg Ek"
    assert single_line("\u200fשלום\u200f") == "\u200fשלום\u200f"  # directional marks stay


def test_multi_line_keeps_line_breaks_but_not_nul_or_overrides():
    assert multi_line("rad 1\r\nrad 2\x00 fortsätter\u202e\rrad 3") == "rad 1\nrad 2 fortsätter\nrad 3"


def test_mail_subject_and_sender_name_are_normalised():
    subject = Header(HOSTILE, "utf-8").encode()
    name = Header("Anna\r\nLindqvist\u202e\x00 (IT)", "utf-8").encode()
    raw = (f"From: {name} <anna@exempelby.se>\r\nTo: servicedesk@exempelby.se\r\nSubject: {subject}\r\n"
           "Message-ID: <norm-1@exempelby.se>\r\n\r\nHej\x00 där\u202e!\r\n").encode()
    mail = parse(raw)
    assert mail.subject == "Faktura Bcc: x@evil.example betald gpj.exe"
    assert mail.sender_name == "Anna Lindqvist (IT)"
    assert mail.text.strip() == "Hej där!"


def test_web_form_subject_and_description_are_normalised(client, auth, session):
    auth.login("anna")
    response = report(client, subject="Skrivaren\r\nfungerar\x00 inte\u202e", description="Rad 1\r\nRad 2\x00 och mer\u2066")
    assert response.status_code == 302
    ticket = newest(session)
    assert ticket.subject == "Skrivaren fungerar inte"
    body = session.scalar(sa.select(Message.body).where(Message.ticket_id == ticket.id).order_by(Message.id))
    assert body == "Rad 1\nRad 2 och mer"


def test_every_form_derives_from_the_normalising_base():
    for info in pkgutil.walk_packages(helpdesk.__path__, "helpdesk."):
        __import__(info.name)
    forms = []
    pending = [flask_wtf.FlaskForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("helpdesk.") and cls is not FlaskForm:
            forms.append(cls)
    assert forms
    stray = [f"{c.__module__}.{c.__name__}" for c in forms if not issubclass(c, FlaskForm)]
    assert not stray, f"forms that bypass helpdesk.forms.FlaskForm: {stray}"
