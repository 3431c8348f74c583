"""LDAP bind against Active Directory or OpenLDAP (ldap3): search as the service account, then bind as the user."""

import logging
import ssl
import uuid
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from ldap3 import BASE, NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from ...netguard import refuse_remote_in_tests
from . import DirectoryUnavailable, Identity, SignInFailed, text, values

log = logging.getLogger(__name__)
DEFAULT_ATTRIBUTES = {
    "id": "objectGUID", "username": "sAMAccountName", "full_name": "displayName", "email": "mail",
    "department": "department", "groups": "memberOf", "manager": "manager", "disabled": "userAccountControl",
}
DISABLED_WORDS = {"true", "1", "yes", "disabled", "ja"}


def attribute_map(config) -> dict:
    """The configured map over AD's defaults (a partial map in the setting keeps the rest)."""
    return {**DEFAULT_ATTRIBUTES, **(config.get("LDAP_ATTRIBUTES") or {})}


class LdapDirectory:
    """One configured directory. Every call opens its own connection and closes it."""

    def __init__(self, config):
        if not config.get("LDAP_URL") or not config.get("LDAP_USER_BASE"):
            raise DirectoryUnavailable(_("Katalogen (LDAP) är inte inställd."))
        self.config = config
        self.url = config["LDAP_URL"]
        self.attrs = attribute_map(config)
        parts = urlsplit(self.url)
        self.host, self.ldaps = parts.hostname or "", parts.scheme == "ldaps"
        refuse_remote_in_tests(self.host, "LDAP")

    @classmethod
    def from_app(cls):
        return cls(current_app.config)

    def _server(self) -> Server:
        tls = None
        if self.ldaps or self.config.get("LDAP_STARTTLS"):
            tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=self.config.get("LDAP_CA_FILE"))
        return Server(self.url, use_ssl=self.ldaps, tls=tls, get_info=NONE,
                      connect_timeout=self.config.get("LDAP_TIMEOUT", 10))

    def _bind(self, dn, password) -> Connection | None:
        """A bound connection, or None when the directory refuses the credentials."""
        conn = Connection(self._server(), user=dn, password=password, raise_exceptions=False,
                          receive_timeout=self.config.get("LDAP_TIMEOUT", 10), read_only=True)
        try:
            conn.open()
            if not self.ldaps and self.config.get("LDAP_STARTTLS"):
                conn.start_tls()
            if conn.bind():
                return conn
            conn.unbind()
            return None
        except LDAPException as error:
            _close(conn)
            log.warning("LDAP server %s unavailable: %s", self.url, error)
            raise DirectoryUnavailable(_("Kommunens katalog svarar inte just nu. Försök igen om en stund.")) from error

    def _service(self) -> Connection:
        conn = self._bind(self.config.get("LDAP_BIND_DN"), self.config.get("LDAP_BIND_PASSWORD"))
        if conn is None:
            log.error("LDAP service account %s was refused", self.config.get("LDAP_BIND_DN"))
            raise DirectoryUnavailable(_("Kommunens katalog svarar inte just nu. Försök igen om en stund."))
        return conn

    def _wanted(self) -> list[str]:
        return sorted({name for name in self.attrs.values() if name})

    def find(self, username: str) -> Identity | None:
        """The one entry the user filter finds for username, else None (none, or ambiguous)."""
        query = self.config.get("LDAP_USER_FILTER") or "(&(objectClass=user)(sAMAccountName={username}))"
        conn = self._service()
        try:
            conn.search(self.config["LDAP_USER_BASE"], query.replace("{username}", escape_filter_chars(username)),
                        search_scope=SUBTREE, attributes=self._wanted(), size_limit=2)
            found = [e for e in conn.response or () if e.get("type") == "searchResEntry"]
        except LDAPException as error:
            raise DirectoryUnavailable(_("Kommunens katalog svarar inte just nu. Försök igen om en stund.")) from error
        finally:
            conn.unbind()
        if len(found) != 1:
            return None
        return self.identity(found[0]["dn"], found[0]["attributes"])

    def authenticate(self, username: str, password: str) -> Identity | None:
        """The identity of a valid directory login; None when the directory has no such user."""
        if not password:  # an empty password would be an anonymous bind, which "succeeds"
            raise SignInFailed(_("Fel användarnamn eller lösenord."))
        identity = self.find(username)
        if identity is None:
            return None
        conn = self._bind(identity.dn, password)
        if conn is None:
            raise SignInFailed(_("Fel användarnamn eller lösenord."))
        conn.unbind()
        if identity.disabled:  # told only to whoever knows the password
            raise SignInFailed(_("Ditt konto är avstängt i kommunens katalog. Kontakta servicedesken."))
        return identity

    def entries(self, query: str | None = None):
        """Every user entry of the sync filter, read in pages (simple paged results, RFC 2696)."""
        query = query or self.config.get("LDAP_SYNC_FILTER")
        conn = self._service()
        try:
            pages = conn.extend.standard.paged_search(
                self.config["LDAP_USER_BASE"], query, search_scope=SUBTREE, attributes=self._wanted(),
                paged_size=self.config.get("LDAP_PAGE_SIZE", 1000), generator=True)
            for entry in pages:
                if entry.get("type") == "searchResEntry":
                    yield self.identity(entry["dn"], entry["attributes"])
        except LDAPException as error:
            raise DirectoryUnavailable(_("Kommunens katalog svarar inte just nu. Försök igen om en stund.")) from error
        finally:
            conn.unbind()

    def exists(self, dn) -> bool:
        conn = self._service()
        try:
            return bool(conn.search(dn, "(objectClass=*)", search_scope=BASE, attributes=[]))
        finally:
            conn.unbind()

    def identity(self, dn: str, attributes) -> Identity:
        """An entry's attributes through the attribute map."""
        attributes = {key.lower(): value for key, value in attributes.items()}  # one pass, not ldap3's slow CI dict

        def get(name):
            attr = self.attrs.get(name)
            return attributes.get(attr.lower()) if attr else None

        key = get("id")
        if isinstance(key, list):
            key = key[0] if key else None
        if isinstance(key, bytes) and len(key) == 16:  # AD's objectGUID
            key = str(uuid.UUID(bytes_le=key))
        username = (text(get("username")) or "").lower()
        return Identity(
            source="ldap", key=text(key) or dn.lower(), username=username,
            full_name=text(get("full_name")) or username, email=(text(get("email")) or "").lower() or None,
            department=text(get("department")), groups=values(get("groups")), disabled=self._disabled(get("disabled")),
            dn=dn, manager_dn=text(get("manager")))

    def _disabled(self, value) -> bool:
        value = text(value)
        if value is None:
            return False
        if (self.attrs.get("disabled") or "").lower() == "useraccountcontrol":
            return value.isdigit() and bool(int(value) & 2)  # ACCOUNTDISABLE
        return value.lower() in DISABLED_WORDS


def _close(conn) -> None:
    """Close whatever socket a failed connection left open (ldap3 leaves it on a failed connect)."""
    try:
        conn.unbind()
    except LDAPException:
        pass
    if conn.socket is not None:
        conn.socket.close()
        conn.socket = None
