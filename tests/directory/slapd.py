"""A real OpenLDAP slapd for the tests: its own slapd.conf and database in a temporary folder, on a free loopback port.

The entries look like a kommun's Active Directory, spelled with OpenLDAP's
attribute names (uid, displayName, departmentNumber, memberOf by the memberof
overlay, employeeType as the disabled flag); the tests set the attribute map.
"""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from ldap3 import MODIFY_REPLACE, Connection, Server

SLAPD = "/usr/sbin/slapd"
SUFFIX = "dc=exempelby,dc=se"
ADMIN_DN, ADMIN_PASSWORD = f"cn=admin,{SUFFIX}", "admin-secret"
SERVICE_DN, SERVICE_PASSWORD = f"cn=helpdesk-svc,ou=service,{SUFFIX}", "svc-secret"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
ATTRIBUTES = {"id": "entryUUID", "username": "uid", "full_name": "displayName", "email": "mail",
              "department": "departmentNumber", "groups": "memberOf", "manager": "manager",
              "disabled": "employeeType"}
USER_FILTER = "(&(objectClass=inetOrgPerson)(uid={username}))"
SYNC_FILTER = "(objectClass=inetOrgPerson)"

CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile {root}/slapd.pid
sizelimit unlimited
database mdb
maxsize 1073741824
suffix "{suffix}"
rootdn "{admin}"
rootpw {admin_password}
directory {root}/db
dbnosync
index objectClass eq
index uid eq
index mail eq
overlay memberof
access to attrs=userPassword by anonymous auth by self write by * none
access to * by dn.exact="{service}" read by self read by * none
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def person(uid, name, *, department, mail=None, password="Sommar2026!", manager=None, disabled=False):
    """One employee's entry (LDIF)."""
    lines = [f"dn: uid={uid},{PEOPLE}", "objectClass: inetOrgPerson", f"uid: {uid}", f"cn: {name}",
             f"sn: {name.split()[-1]}", f"displayName: {name}", f"mail: {mail or uid + '@exempelby.se'}",
             f"departmentNumber: {department}", f"userPassword: {password}"]
    if manager:
        lines.append(f"manager: uid={manager},{PEOPLE}")
    if disabled:
        lines.append("employeeType: disabled")
    return "\n".join(lines) + "\n"


def group(cn, members):
    lines = [f"dn: cn={cn},{GROUPS}", "objectClass: groupOfNames", f"cn: {cn}"]
    lines += [f"member: uid={m},{PEOPLE}" for m in members]
    return "\n".join(lines) + "\n"


BASE = f"""dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
o: Exempelby kommun
dc: exempelby

dn: ou=service,{SUFFIX}
objectClass: organizationalUnit
ou: service

dn: {SERVICE_DN}
objectClass: simpleSecurityObject
objectClass: organizationalRole
cn: helpdesk-svc
userPassword: {SERVICE_PASSWORD}

dn: {PEOPLE}
objectClass: organizationalUnit
ou: people

dn: {GROUPS}
objectClass: organizationalUnit
ou: groups
"""

EMPLOYEES = [
    person("linnea", "Linnea Holm", department="Socialförvaltningen", manager="maria"),
    person("kerstin", "Kerstin Ström", department="Kommunledningskontoret"),
    person("petter", "Petter Åberg", department="SOC", manager="kerstin"),  # the short name works too
    person("gunnar", "Gunnar Ek", department="Kommunledningskontoret", disabled=True),
    person("maria", "Maria Ek", department="Kommunledningskontoret"),  # the demo's maria, by e-mail
]
GROUP_ENTRIES = [
    group("Servicedesk-agenter", ["kerstin"]),
    group("Alla-anstallda", ["linnea", "kerstin", "petter", "gunnar", "maria"]),
]
RULES = {"cn=Servicedesk-agenter,ou=groups,dc=exempelby,dc=se": {"roles": ["agent"], "support_groups": ["Servicedesk"]}}


class Slapd:
    """slapd with its own config on 127.0.0.1; start() loads the base entries and the employees."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="helpdesk-slapd-"))
        self.port = free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> "Slapd":
        (self.root / "db").mkdir()
        conf = self.root / "slapd.conf"
        conf.write_text(CONF.format(root=self.root, suffix=SUFFIX, admin=ADMIN_DN, admin_password=ADMIN_PASSWORD,
                                    service=SERVICE_DN))
        with open(self.root / "slapd.log", "wb") as log:
            self.process = subprocess.Popen([SLAPD, "-d", "0", "-f", str(conf), "-h", self.url + "/"],
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("slapd did not start:\n" + self.log())
                time.sleep(0.05)
        self.add(BASE + "\n" + "\n".join(EMPLOYEES) + "\n" + "\n".join(GROUP_ENTRIES))
        return self

    def add(self, ldif: str) -> None:
        """ldapadd as the administrator."""
        subprocess.run(["ldapadd", "-x", "-H", self.url, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD],
                       input=ldif.encode(), check=True, capture_output=True)

    def admin(self) -> Connection:
        return Connection(Server(self.url), ADMIN_DN, ADMIN_PASSWORD, auto_bind=True)

    def set(self, uid, attribute, values) -> None:
        """Replace an attribute of an employee's entry ([] removes it)."""
        conn = self.admin()
        try:
            conn.modify(f"uid={uid},{PEOPLE}", {attribute: [(MODIFY_REPLACE, values)]})
            assert conn.result["result"] == 0, conn.result
        finally:
            conn.unbind()

    def settings(self, **overrides) -> dict:
        return {"LDAP_URL": self.url, "LDAP_STARTTLS": False, "LDAP_BIND_DN": SERVICE_DN,
                "LDAP_BIND_PASSWORD": SERVICE_PASSWORD, "LDAP_USER_BASE": PEOPLE, "LDAP_USER_FILTER": USER_FILTER,
                "LDAP_SYNC_FILTER": SYNC_FILTER, "LDAP_ATTRIBUTES": ATTRIBUTES, "LDAP_TIMEOUT": 5, **overrides}

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "slapd.log"
        return path.read_text(errors="replace") if path.exists() else ""
