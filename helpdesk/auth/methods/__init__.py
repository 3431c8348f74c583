"""The one seam for sign-in methods: local passwords, LDAP bind (AD, OpenLDAP) and OpenID Connect.

A method turns credentials into an Identity (what the directory says about a
person) or refuses with SignInFailed; helpdesk.directory.provision turns an
Identity into the desk's User. SAML would be one more module here.
"""

from dataclasses import dataclass, field

from flask import current_app

from ...errors import DomainError

PASSWORD_METHODS = ("ldap", "local")  # the ones the username/password form serves, in this order
REDIRECT_METHODS = ("oidc",)


class SignInFailed(DomainError):
    """Credentials refused or a sign-in that could not be completed; the message is shown."""


class DirectoryUnavailable(SignInFailed):
    """The directory or provider did not answer; local break-glass accounts still work."""


@dataclass
class Identity:
    """A person as the directory describes them."""

    source: str  # "ldap" or "oidc"
    key: str  # the directory's stable id (entry UUID, Entra object id)
    username: str
    full_name: str
    email: str | None = None
    department: str | None = None
    groups: tuple[str, ...] = ()
    disabled: bool = False
    dn: str | None = None
    manager_dn: str | None = None
    tenant: str | None = None
    extra: dict = field(default_factory=dict)


def enabled() -> list[str]:
    """The configured methods, in the login page's order, unknown names left out."""
    methods = current_app.config.get("AUTH_METHODS") or ["local"]
    if isinstance(methods, str):
        methods = [m.strip() for m in methods.split(",")]
    return [m for m in methods if m in PASSWORD_METHODS + REDIRECT_METHODS]


def password_methods() -> list[str]:
    return [m for m in enabled() if m in PASSWORD_METHODS]


def text(value) -> str | None:
    """One attribute or claim value as trimmed text (first of a list), or None."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    value = str(value).strip()
    return value or None


def values(value) -> tuple[str, ...]:
    """A multi-valued attribute or claim as a tuple of text."""
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        value = [value]
    return tuple(t for t in (text(v) for v in value) if t)


def check_password(username: str, password: str, *, now):
    """The user behind a username and password, trying LDAP then local accounts as configured.

    None when refused; SignInFailed with a message the person should see;
    DirectoryUnavailable when the directory is down and no local account matched.
    """
    from . import local

    down = None
    for method in password_methods():
        if method == "local":
            user = local.check(username, password)
            if user is not None:
                return user
            continue
        try:
            identity = _directory(method).authenticate(username, password)
        except DirectoryUnavailable as error:
            down = error  # a break-glass local account may still sign in
            continue
        if identity is not None:
            from ...directory.provision import sign_in

            return sign_in(identity, now=now)
    if down is not None and not ("local" in password_methods() and local.known(username)):
        raise down  # a wrong password for a local account still counts as a failure
    return None


def _directory(method):
    from .ldap import LdapDirectory

    return LdapDirectory.from_app()
