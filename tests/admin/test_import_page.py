"""The CSV import page: preview of changes, all or nothing, errors in Swedish per row."""

import base64
import io
import re

import sqlalchemy as sa

from helpdesk.auth.models import User

GOOD = "username,full_name,email,department,roles\nnyimport,Nils Import,nils@exempelby.se,Socialförvaltningen,agent\nerik,Erik Johansson,,,agent\n"
BAD = "username,full_name,department\nettfel,Ett Fel,Finns Inte\n,Utan Namn,\n"


def upload(client, text, kind="users"):
    return client.post("/admin/import", data={"kind": kind, "file": (io.BytesIO(text.encode()), "fil.csv")},
                       content_type="multipart/form-data")


def test_preview_changes_nothing_then_import_applies_all(client, auth, session):
    auth.login("admin")
    response = upload(client, GOOD)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Förhandsgranskning" in html and "1 nya och 1 ändrade." in html
    assert session.scalar(sa.select(User).where(User.username == "nyimport")) is None
    data = re.search(r'name="data" value="([^"]+)"', html).group(1)
    response = client.post("/admin/import", data={"kind": "users", "data": data, "confirm": "1"}, follow_redirects=True)
    assert "Importen är klar: 1 nya och 1 ändrade." in response.get_data(as_text=True)
    assert session.scalar(sa.select(User).where(User.username == "nyimport")).full_name == "Nils Import"


def test_errors_are_swedish_per_row_and_nothing_is_imported(client, auth, session):
    auth.login("admin")
    response = upload(client, BAD)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Inget har importerats" in html
    assert "Rad 2: det finns ingen förvaltning som heter Finns Inte" in html
    assert "Rad 3: kolumnen username är tom eller saknas" in html
    assert session.scalar(sa.select(User).where(User.username == "ettfel")) is None
    # Applying the bad file anyway (a forged confirm) still imports nothing.
    client.post("/admin/import", data={"kind": "users", "data": base64.b64encode(BAD.encode()).decode(), "confirm": "1"})
    assert session.scalar(sa.select(User).where(User.username == "ettfel")) is None


def test_unreadable_or_missing_file_is_a_clear_message(client, auth):
    auth.login("admin")
    assert "Välj en CSV-fil." in client.post("/admin/import", data={"kind": "users"}).get_data(as_text=True)
    response = upload(client, "\x00\x01\x02 inte en csv")
    assert response.status_code in (200, 400)
    auth.logout()
    auth.login("erik")
    assert client.get("/admin/import").status_code == 403
