"""The mail parser's catch-alls log what they swallow and count it for the mail admin page (issue 8)."""

import logging
import re
from pathlib import Path

from helpdesk.intake.models import SwallowedError
from tests.intake.builders import mail
from tests.intake.test_pipeline import take

PARSER = ["mime.py", "parse.py", "decoding.py", "classify.py", "fetchers/imap.py"]


def test_broken_winmail_dat_is_logged_counted_and_shown(client, auth, session, clock, caplog):
    raw = mail(attachments=[("winmail.dat", b"not a TNEF stream at all", "application/ms-tnef")])
    with caplog.at_level(logging.WARNING, logger="helpdesk.intake.swallowed"):
        take(session, raw, clock)
        take(session, mail(attachments=[("winmail.dat", b"still not TNEF", "application/ms-tnef")]), clock)
    assert any("mime.tnef" in r.getMessage() for r in caplog.records)
    row = session.get(SwallowedError, "mime.tnef")
    assert row is not None and row.count == 2 and row.last_error
    auth.login("admin")
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "mime.tnef" in page


def test_every_catch_all_in_the_parser_notes_what_it_swallowed():
    root = Path(__file__).resolve().parents[2] / "helpdesk" / "intake"
    blocks = 0
    for name in PARSER:
        lines = (root / name).read_text().splitlines()
        for number, line in enumerate(lines):
            if re.search(r"except Exception\b", line):
                blocks += 1
                assert "as error" in line and "note(" in lines[number + 1], f"{name}:{number + 1} swallows silently"
    assert blocks == 15


def test_the_page_names_the_site_in_swedish_and_shows_only_the_fault_type(client, auth, session, clock):
    session.add(SwallowedError(site="decoding.header_text", count=3, last_at=clock.now(),
                               last_error="UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe5 in Åsa Öberg"))
    session.commit()
    auth.login("admin")
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "Avkodning av rubrikrader" in page and "<code>UnicodeDecodeError</code>" in page
    assert "codec can&#39;t decode" not in page and "Åsa Öberg" not in page
