"""The helpdesk command: seed-demo, create-user, import, tickets show/create/update."""

import json

import sqlalchemy as sa

from helpdesk.auth.models import User
from helpdesk.catalogue.models import System
from helpdesk.org.models import Department


def test_seed_demo_refuses_a_database_with_data(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "already holds" in result.output
    assert runner.invoke(args=["seed-demo", "--if-empty"]).exit_code == 0


def test_tickets_create_show_update_as_json(runner):
    result = runner.invoke(args=["tickets", "create", "--requester", "anna", "--subject", "Ny skärm",
                                 "--body", "Skärmen är trasig", "--system", "Klientdatorer", "--json"])
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    assert created["group"] == "Servicedesk" and created["system"] == "Klientdatorer"
    assert created["requester"]["username"] == "anna" and created["channel"] == "api"
    shown = json.loads(runner.invoke(args=["tickets", "show", str(created["number"]), "--json"]).output)
    assert shown["messages"][0]["body"] == "Skärmen är trasig"
    assert [e["kind"] for e in shown["events"]][:2] == ["created", "group"]
    result = runner.invoke(args=["tickets", "update", str(created["number"]), "--status", "solved",
                                 "--actor", "erik", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["status"] == "solved"


def test_tickets_errors_are_messages(runner):
    assert "No ticket #999999" in runner.invoke(args=["tickets", "show", "999999"]).output
    result = runner.invoke(args=["tickets", "create", "--requester", "nobody", "--subject", "x", "--body", "y"])
    assert result.exit_code != 0 and "No user" in result.output
    result = runner.invoke(args=["tickets", "update", "1", "--status", "bogus"])
    assert result.exit_code != 0


def test_invalid_transition_from_cli_is_a_message(runner):
    number = json.loads(runner.invoke(args=["tickets", "create", "--requester", "anna", "--subject", "x",
                                            "--body", "y", "--json"]).output)["number"]
    runner.invoke(args=["tickets", "update", str(number), "--status", "solved"])
    result = runner.invoke(args=["tickets", "update", str(number), "--status", "waiting_supplier"])
    assert result.exit_code != 0 and "Status kan inte ändras" in result.output


def test_create_user(runner, session):
    result = runner.invoke(args=["create-user", "nisse", "--name", "Nisse Hult", "--email", "nisse@exempelby.se",
                                 "--password", "hemligt", "--role", "agent", "--department", "Socialförvaltningen"])
    assert result.exit_code == 0, result.output
    user = session.scalar(sa.select(User).where(User.username == "nisse"))
    assert user.roles == {"agent"} and user.department.name == "Socialförvaltningen"
    result = runner.invoke(args=["create-user", "nisse", "--name", "X", "--password", "p"])
    assert result.exit_code != 0 and "finns redan" in result.output


def test_import_csv_departments_and_systems(runner, session, tmp_path):
    depts = tmp_path / "depts.csv"
    depts.write_text("organisation,name,short_name\nExempelby kommun,Räddningstjänsten,RTJ\n", encoding="utf-8")
    assert runner.invoke(args=["import", str(depts), "--kind", "departments"]).exit_code == 0
    assert session.scalar(sa.select(Department).where(Department.name == "Räddningstjänsten")).short_name == "RTJ"
    systems = tmp_path / "systems.json"
    systems.write_text(json.dumps([{"name": "Larmcentral", "department": "Räddningstjänsten",
                                    "support_group": "Servicedesk", "tier": "guld", "k": 2, "r": 3, "t": 4, "s": 2,
                                    "common": "nej", "admin": "erik"}]), encoding="utf-8")
    result = runner.invoke(args=["import", str(systems), "--kind", "systems"])
    assert result.exit_code == 0, result.output
    system = session.scalar(sa.select(System).where(System.name == "Larmcentral"))
    assert system.klassa_t == 4 and system.admin.username == "erik"


def test_import_error_names_the_row_and_saves_nothing(runner, session, tmp_path):
    users = tmp_path / "users.csv"
    users.write_text("username,full_name,department,roles\nok1,Ok Ett,Socialförvaltningen,agent\n"
                     "bad,Bad Två,Finns inte,\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(users), "--kind", "users"])
    assert result.exit_code != 0 and "Row 3" in result.output
    assert session.scalar(sa.select(User).where(User.username == "ok1")) is None
