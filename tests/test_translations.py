"""Every visible string has an English translation (Swedish is the source language)."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "helpdesk" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
METHODS = [("helpdesk/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def source_ids():
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.fixture(scope="module")
def catalogue():
    with open(PO, "rb") as fh:
        return read_po(fh, locale="en")


def test_every_source_string_has_an_english_translation(source_ids, catalogue):
    missing = sorted(m for m in source_ids if not (catalogue.get(m) and catalogue.get(m).string
                                                     and "fuzzy" not in catalogue.get(m).flags))
    assert missing == [], f"{len(missing)} strings lack English (run `make messages` and translate): {missing[:10]}"


def test_translations_keep_the_placeholders(catalogue):
    for message in catalogue:
        if message.id and message.string and isinstance(message.id, str):
            assert set(PLACEHOLDER.findall(message.id)) == set(PLACEHOLDER.findall(message.string)), message.id


def test_english_pages_are_english(client, auth):
    auth.login("anna")
    client.post("/language", data={"lang": "en", "next": "/"})
    html = client.get("/tickets/new").get_data(as_text=True)
    assert "Report a fault" in html or "Report" in html
    assert "Skicka ärendet" not in html


def test_times_are_shown_in_stockholm_time(client, auth, users, clock):
    from tests import factories as f

    ticket = f.ticket(users["anna"], now=clock.now())  # 08:00 UTC on 18 November = 09:00 in Stockholm
    auth.login("anna")
    assert "2026-11-18 09:00" in client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
