"""The forbidden-extension check sees through trailing dots, spaces and invisible characters (issue 8, finding 13)."""

import pytest

from helpdesk.tickets.attachments import AttachmentRefused, check_upload, clean_filename, store

DISGUISED = ["x.exe.", "x.exe ", "x.exe . . ", "x.EXE", "x.exe\u200b", "x.exe::$DATA", "x.ex\u00ade", "x.exe\t",
             "rapport.pdf.exe...", "ｘ.ｅｘｅ"]


@pytest.mark.parametrize("name", DISGUISED)
def test_disguised_forbidden_extension_is_refused(app, name):
    with app.app_context(), pytest.raises(AttachmentRefused):
        check_upload(name, 10)


@pytest.mark.parametrize("name", DISGUISED)
def test_store_refuses_disguised_names(app, name):
    with app.app_context(), pytest.raises(AttachmentRefused):
        store(name, b"MZ")


def test_ordinary_names_pass_and_keep_their_name(app):
    with app.app_context():
        for name in ("skärmbild.png", "Protokoll 2026-11-18.pdf", "README", "arkiv.tar.gz"):
            check_upload(name, 10)
        assert clean_filename("faktura.pdf. ") == "faktura.pdf"
