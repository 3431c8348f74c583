"""`helpdesk api-token …`: tokens for scripts and other systems."""

from datetime import UTC, datetime, time

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..auth.models import User
from ..clock import STOCKHOLM, utcnow
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from . import tokens
from .models import ApiToken, Scope


@click.group("api-token")
def api_token_group():
    """Create, list and revoke API tokens."""


def _user(username):
    user = db.session.scalar(sa.select(User).where(User.username == username.lower()))
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    return user


@api_token_group.command("create")
@click.option("--user", "username", required=True, help="User name the token acts as.")
@click.option("--scope", type=click.Choice([s.value for s in Scope]), required=True)
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Last day of validity (Europe/Stockholm); none: never expires.")
@click.option("--name", default=None, help="What the token is for (default: cli).")
@click.option("--service", is_flag=True, help="A service account's token (a system, not a person).")
@with_appcontext
def create(username, scope, expires, name, service):
    """Create a token and print it once; only its hash is kept."""
    user = _user(username)
    expires_at = None
    if expires:
        expires_at = datetime.combine(expires.date(), time(23, 59, 59), STOCKHOLM).astimezone(UTC)
    try:
        with unit_of_work():
            token, secret = tokens.create_token(user=user, name=name or "cli", scope=scope, expires_at=expires_at,
                                                actor=None, now=utcnow(), kind="service" if service else "personal")
    except DomainError as error:
        raise click.ClickException(error.message)
    click.echo(secret)
    click.echo(f"token #{token.id} for {user.username}, scope {scope}, expires "
               f"{expires_at.isoformat() if expires_at else 'never'} — store it now; it is not shown again.", err=True)


@api_token_group.command("list")
@click.option("--user", "username", default=None)
@with_appcontext
def list_tokens(username):
    """Tokens with owner, scope, expiry and last use (never the secrets)."""
    query = sa.select(ApiToken).order_by(ApiToken.id)
    if username:
        query = query.where(ApiToken.user_id == _user(username).id)
    for t in db.session.scalars(query):
        state = "revoked" if t.revoked_at else "active"
        click.echo(f"#{t.id} {t.prefix}… {t.user.username} {t.scope} {t.kind} {state} "
                   f"expires={t.expires_at.isoformat() if t.expires_at else '-'} "
                   f"last_used={t.last_used_at.isoformat() if t.last_used_at else '-'} {t.name}")


@api_token_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def revoke(token_id):
    """Revoke token TOKEN_ID."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"No token #{token_id}.")
    with unit_of_work():
        tokens.revoke_token(token, actor=None, now=utcnow())
    click.echo(f"token #{token_id} revoked")
