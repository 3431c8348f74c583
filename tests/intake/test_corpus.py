"""Every file of the shared real-world corpus through ingest() and `helpdesk intake --json`.

No crash and nothing lost: each mail ends created, followup, duplicate, ignored or
quarantined (with a reason, and never because of a swallowed error); exactly the
bounces, reports, auto-replies and list mail listed below are automatic; the reply
splitter gives what email_reply_parser's and talon's own tests expect.
"""

import json
import mailbox
import re

import pytest
import sqlalchemy as sa

from helpdesk.intake.classify import automatic_kind
from helpdesk.intake.models import InboundMessage, Mailbox
from helpdesk.intake.parse import parse
from helpdesk.intake.replies import latest_reply
from helpdesk.intake.services import html_to_text, ingest
from tests.intake.corpus import CORPUS, cases, corpus_files, name_of, raw_mail, require_corpus

OUTCOMES = {"created", "followup", "duplicate", "ignored", "quarantined"}
CPY, FL, MP, RB = "cpython-test_email/", "flanker/tests/fixtures/messages/", "mail-parser/tests/mails/", \
    "ruby-mail/spec/fixtures/emails/"

# Read from the files themselves; the value is the MAIL.md rule that applies.
EXPECTED_AUTOMATIC = {
    # Bounces and delivery reports.
    CPY + "msg_05.txt": "bounce",  # multipart/report; report-type=delivery-status
    CPY + "msg_16.txt": "bounce",  # Return-Path: <>, From postmaster@ (also list headers)
    CPY + "msg_25.txt": "bounce",  # delivery-status report from MAILER-DAEMON, Auto-Submitted
    CPY + "msg_43.txt": "bounce",  # delivery-status report from "MAILER DAEMON <>"
    FL + "bounce/broken-mime.eml": "bounce",  # From postmaster@, plain text
    FL + "bounce/delayed-broken.eml": "bounce",  # a bare message/delivery-status
    FL + "bounce/delayed.eml": "bounce",
    FL + "bounce/gmail-invalid-address.eml": "bounce",  # Return-Path <>, X-Failed-Recipients
    FL + "bounce/gmail-no-dns.eml": "bounce",
    FL + "bounce/mailbox-full.eml": "bounce",
    FL + "bounce/no-mx.eml": "bounce",
    FL + "bounce/office365.eml": "bounce",
    FL + "bounce/zed.eml": "bounce",
    MP + "mail_malformed_2": "bounce",
    RB + "mime_emails/raw_email_with_mimepart_without_content_type.eml": "bounce",
    RB + "multipart_report_emails/multi_address_bounce1.eml": "bounce",
    RB + "multipart_report_emails/multi_address_bounce2.eml": "bounce",
    RB + "multipart_report_emails/multipart_report_multiple_status.eml": "bounce",
    RB + "multipart_report_emails/report_422.eml": "bounce",
    RB + "multipart_report_emails/report_530.eml": "bounce",
    # Plain mail, but the sender is postmaster@: a bounce by the rule.
    FL + "long-links.eml": "bounce",
    # Complaint (abuse feedback) reports and a read receipt.
    FL + "complaints/aol.eml": "report",
    FL + "complaints/yahoo.eml": "report",
    FL + "disposition-notification.eml": "report",
    # List and bulk mail.
    CPY + "msg_32.txt": "list",  # Precedence: bulk, X-Loop
    CPY + "msg_33.txt": "list",
    FL + "apache-message-news-mime.eml": "list",  # Precedence: bulk
    FL + "from-encoding.eml": "list",
    FL + "message-external-body.eml": "list",
    MP + "mail_test_13": "list",  # List-Id, List-Unsubscribe
    MP + "mail_test_16": "list",  # Precedence: junk (GTUBE)
    MP + "mail_test_5": "list",  # Precedence: bulk, List-Unsubscribe
    MP + "mail_test_6": "list",  # List-Id
    RB + "error_emails/bad_date_header.eml": "list",  # Precedence: junk
    RB + "error_emails/empty_in_reply_to.eml": "list",  # List-Id
}


@pytest.fixture(autouse=True)
def corpus_present():
    """Every test here needs the corpus: skipped with the reason without it, failed under HELPDESK_REQUIRE_CORPUS=1."""
    require_corpus()


def desk(session):
    return session.scalar(sa.select(Mailbox).where(Mailbox.name == "servicedesk"))


def test_corpus_is_where_expected():
    assert len(corpus_files()) > 400, f"corpus missing at {CORPUS}"  # (the fixture has checked it already)


def test_every_corpus_mail_ends_in_a_known_outcome(session, clock):
    box = desk(session)
    before = session.scalar(sa.select(sa.func.count()).select_from(InboundMessage))
    problems = []
    files = corpus_files()
    for path in files:
        name = name_of(path)
        result = ingest(raw_mail(path), box, now=clock.now()).as_dict()
        session.commit()
        outcome, reason = result["outcome"], result["reason"]
        if outcome not in OUTCOMES:
            problems.append(f"{name}: outcome {outcome!r}")
        if outcome == "quarantined" and not reason:
            problems.append(f"{name}: quarantined without a reason")
        if reason.startswith("error:"):
            problems.append(f"{name}: pipeline error {reason}")
        if outcome != "quarantined" and result["automatic"] != (name in EXPECTED_AUTOMATIC):
            problems.append(f"{name}: automatic={result['automatic']}")
        if result["automatic"] and (outcome == "created" or result["acknowledged"]):
            problems.append(f"{name}: automatic mail {outcome}, acknowledged={result['acknowledged']}")
    assert problems == []
    after = session.scalar(sa.select(sa.func.count()).select_from(InboundMessage))
    assert after - before == len(files)


def test_exactly_the_automatic_mail_in_the_corpus_is_recognised():
    found = {}
    for path in corpus_files():
        kind = automatic_kind(parse(raw_mail(path)), own_domains={"helpdesk.exempelby.se"})
        if kind:
            found[name_of(path)] = kind
    assert found == EXPECTED_AUTOMATIC


# email_reply_parser's own expectations (test/email_reply_parser_test.rb), on the body as
# the intake reads it from a mail. None: the whole body is the reply (nothing hidden).
ERP = "email_reply_parser/test/emails/"
REPLY_EXPECTATIONS = {
    "email_1_1": [("equals", "Hi folks\n\nWhat is the best way to clear a Riak bucket of all key, values after\n"
                             "running a test?\nI am currently using the Java HTTP API.")],
    "email_1_2": [("startswith", "Hi,\nOn Tue, 2011-03-01 at 18:02 +0530, Abhishek Kona wrote:\n> Hi folks"),
                  ("contains", "You can list the keys"), ("endswith", "delete them all individually.\""),
                  ("excludes", "riak-users mailing list")],
    "email_1_3": [("startswith", "Oh thanks.\n\nHaving"), ("excludes", "-Abhishek"), ("excludes", "Russell Brown")],
    "email_1_4": [("startswith", "Awesome"), ("excludes", "Loader")],
    "email_1_5": [("whole", None)],
    "email_1_6": [("startswith", "I get"), ("excludes", "Was this")],
    "email_1_7": [("equals", ":+1:")],
    "email_1_8": [("startswith", "On Tue, Apr 29, 2014 at 4:22 PM"), ("contains", "I will reply under this one"),
                  ("contains", "> okay?"), ("endswith", "and under this."), ("excludes", "this is my signature")],
    "correct_sig": [("equals", "this is an email with a correct -- signature.")],
    "email_2_1": [("equals", "Outlook with a reply")],
    "email_2_2": [("equals", "Outlook with a reply directly above line")],
    "email_2_3": [("equals", "Outlook with a reply directly above line")],
    "email_iPhone": [("equals", "Here is another email")],
    "email_BlackBerry": [("equals", "Here is another email")],
    "email_multi_word_sent_from_my_mobile_device": [("equals", "Here is another email")],
    "email_sent_from_my_not_signature": [
        ("equals", "Here is another email\n\nSent from my desk, is much easier then my mobile phone.")],
    "email_bullets": [("equals", "test 2 this should list second\n\nand have spaces\n\nand retain this formatting"
                                 "\n\n\n   - how about bullets\n   - and another")],
    "email_one_is_not_on": [("contains", "One outstanding question"), ("excludes", "On Oct 1, 2012")],
    "greedy_on": [("startswith", "On your remote host"), ("excludes", "On 9 Jan 2014")],
    "email_sig_delimiter_in_middle_of_line": [("whole", None)],
    "pathological": [("excludes", "wrote:")],
    "email_long_quote": [("startswith", "Hi folks")],
}


@pytest.mark.parametrize("name", sorted(REPLY_EXPECTATIONS))
def test_reply_splitting_meets_email_reply_parser_expectations(name):
    text = parse(raw_mail(CORPUS / ERP / f"{name}.txt")).text
    reply = latest_reply(text)  # its speed on pathological input: benchmarks/mail_hardening.py
    shown = reply if reply is not None else text.strip()
    for kind, expected in REPLY_EXPECTATIONS[name]:
        if kind == "whole":
            assert reply is None
        elif kind == "equals":
            assert shown == expected
        elif kind == "startswith":
            assert shown.startswith(expected)
        elif kind == "endswith":
            assert shown.endswith(expected)
        elif kind == "contains":
            assert expected in shown
        else:
            assert expected not in shown


# talon's test_standard_replies expects "Hello" (or the *_reply_text file). Where we differ on
# purpose, the value is what we show instead and why.
TALON = CORPUS / "talon/tests/fixtures/standard_replies"
TALON_DIFFERS = {
    "iphone.eml": ("Hello", "signature hidden, as email_reply_parser does"),
    "sparrow.eml": ("Hello", "signature after '-- ' hidden"),
    "thunderbird.eml": ("On 04/02/2012 06:26 PM, Megan One wrote:\n> Hi\nHello",
                        "bottom-posted: the quote above the answer stays as context"),
}


@pytest.mark.parametrize("name", cases(sorted(p.name for p in TALON.glob("*.eml"))))
def test_reply_splitting_against_talon_standard_replies(name):
    mail = parse((TALON / name).read_bytes())
    text = mail.text.strip() or html_to_text(mail.html or "")
    shown = latest_reply(text) or text.strip()
    expected_file = TALON / name.replace(".eml", "_reply_text")
    talon = expected_file.read_text().strip() if expected_file.exists() else "Hello"
    if name in TALON_DIFFERS:
        assert shown == TALON_DIFFERS[name][0] and shown != talon
    else:
        assert shown == talon


def _messages_in_file(path) -> int:
    """1 for a single message; an mbox (first line "From sender date") holds as many as it splits into."""
    with open(path, "rb") as fh:
        first = fh.readline()
    if not re.match(rb"From [^\s:]+[ \t]", first):
        return 1
    box = mailbox.mbox(str(path), create=False)
    count = len(box.keys())
    box.close()
    return count


def test_corpus_through_the_cli_gives_one_json_object_per_message(runner, tmp_path):
    paths = []
    for path in corpus_files():
        if raw_mail(path) != path.read_bytes():  # wrapped: winmail.dat streams, bare reply bodies
            wrapped = tmp_path / name_of(path).replace("/", "__")
            wrapped.write_bytes(raw_mail(path))
            path = wrapped
        paths.append(str(path))
    result = runner.invoke(args=["intake", "--json", *paths])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == sum(_messages_in_file(p) for p in paths)
    for line in lines:
        data = json.loads(line)
        assert set(data) == {"message_id", "outcome", "ticket", "automatic", "acknowledged", "reason"}
        assert data["outcome"] in OUTCOMES and data["message_id"]
        assert data["outcome"] != "quarantined" or data["reason"]
        assert not data["reason"].startswith("error:")
