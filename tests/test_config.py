"""Configuration order and the production guard."""

import pytest

from helpdesk import create_app
from helpdesk.config import DEV_SECRET_KEY


def test_production_refuses_development_secret_key(monkeypatch):
    monkeypatch.setenv("HELPDESK_ENV_NAME", "production")
    monkeypatch.delenv("HELPDESK_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="development SECRET_KEY"):
        create_app()


def test_environment_overrides_and_production_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("HELPDESK_ENV_NAME", "production")
    monkeypatch.setenv("HELPDESK_SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    monkeypatch.setenv("HELPDESK_QUEUE_PAGE_SIZE", "50")
    app = create_app()
    assert app.config["SECRET_KEY"] == "a-real-secret" != DEV_SECRET_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["QUEUE_PAGE_SIZE"] == 50
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite")


def test_default_database_is_sqlite_in_instance_folder(monkeypatch):
    monkeypatch.delenv("HELPDESK_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["DATABASE_URL"].startswith("sqlite:///") and "instance" in app.config["DATABASE_URL"]
