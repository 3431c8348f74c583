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
    monkeypatch.setenv("HELPDESK_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    monkeypatch.setenv("HELPDESK_QUEUE_PAGE_SIZE", "50")
    app = create_app()
    assert app.config["SECRET_KEY"] == STRONG_KEY != DEV_SECRET_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["QUEUE_PAGE_SIZE"] == 50
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite")


def test_default_database_is_sqlite_in_instance_folder(monkeypatch):
    monkeypatch.delenv("HELPDESK_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["DATABASE_URL"].startswith("sqlite:///") and "instance" in app.config["DATABASE_URL"]


STRONG_KEY = "q8X2vN4tLr7pZ1mK9sB3wY6hJ0cF5dGe"  # 32 characters, as secrets.token_urlsafe gives


@pytest.mark.parametrize("key", ["", "a", "123", None, "x" * 64, "abababababababababababababababab", DEV_SECRET_KEY])
@pytest.mark.parametrize("env_name", ["production", "testing"])
def test_weak_secret_keys_are_refused_outside_development(monkeypatch, tmp_path, key, env_name):
    """Finding 7: the guard accepted "", "a", "123" and null."""
    monkeypatch.setenv("HELPDESK_ENV_NAME", env_name)
    monkeypatch.setenv("HELPDESK_SECRET_KEY", "null" if key is None else key)
    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


@pytest.mark.parametrize("env_name", ["Production", "prod", "staging", " production", ""])
def test_unknown_environment_names_are_refused(monkeypatch, tmp_path, env_name):
    """Finding 7: any name but exactly "production" ran in development mode with the public key."""
    monkeypatch.setenv("HELPDESK_ENV_NAME", env_name)
    monkeypatch.setenv("HELPDESK_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    with pytest.raises(RuntimeError, match="ENV_NAME"):
        create_app()


def test_a_random_key_starts_in_production_and_testing(monkeypatch, tmp_path):
    import secrets

    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    for env_name, key in [("production", STRONG_KEY), ("testing", secrets.token_hex(16)),
                          ("production", secrets.token_urlsafe(48))]:
        monkeypatch.setenv("HELPDESK_ENV_NAME", env_name)
        monkeypatch.setenv("HELPDESK_SECRET_KEY", key)
        assert create_app().config["SECRET_KEY"] == key
