"""A real Dovecot (Debian's dovecot-imapd, 2.3) on 127.0.0.1 for the IMAP fetcher's tests.

Nothing of the system's Dovecot set-up is used: the configuration, sockets, state,
log, TLS certificate and mail all live in one temporary folder. A small token
introspection endpoint in a thread lets Dovecot's oauth2 passdb accept XOAUTH2.
"""

import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from imapclient import IMAPClient

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
USER = "servicedesk"
PASSWORD = "hemligt-lösen-1"
TOKEN = "test-access-token-1"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = helpdesk-test-{port}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = plain login xoauth2 oauthbearer
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = 0
first_valid_gid = 0
{users}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf
}}
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service stats {{
  inet_listener http {{
    port = 0
  }}
}}
"""

OAUTH2 = """\
introspection_mode = auth
introspection_url = http://127.0.0.1:{port}/introspect
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Introspect(BaseHTTPRequestHandler):
    """RFC 7662-style answer for Dovecot's oauth2 passdb (introspection_mode = auth)."""

    def do_GET(self):
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        self.server.seen.append(token)
        answer = {"active": True, "username": USER} if token == TOKEN else {"active": False}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class Introspection:
    """The token introspection endpoint, serving from a thread."""

    def __init__(self):
        self.server = HTTPServer(("127.0.0.1", 0), _Introspect)
        self.server.seen = []
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def _mail_owner() -> tuple[int, int, str]:
    """Dovecot refuses mail access as root: root hands the mail to nobody."""
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        return nobody.pw_uid, nobody.pw_gid, ""
    me = pwd.getpwuid(os.geteuid())
    return me.pw_uid, me.pw_gid, f"default_internal_user = {me.pw_name}\ndefault_login_user = {me.pw_name}"


class Dovecot:
    """One Dovecot instance with one user, USER, reachable by password and by XOAUTH2 token."""

    host = "127.0.0.1"
    user = USER
    password = PASSWORD
    token = TOKEN

    def __init__(self):
        # Not pytest's tmp folder: that is private to root, and the mail user must reach its mail.
        self.root = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
        self.root.chmod(0o755)
        self.port, self.tls_port = free_port(), free_port()
        self.conf = self.root / "dovecot.conf"
        self.introspection = Introspection()
        self.process = None

    @property
    def ca_file(self) -> str:
        return str(self.root / "cert.pem")

    def start(self) -> "Dovecot":
        self._write_files()
        with open(self.root / "stderr.log", "wb") as err:
            self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(self.conf)],
                                            stdin=subprocess.DEVNULL, stdout=err, stderr=err)
        self._wait_for_sockets()
        # Anvil's auth penalty delays every login after a failure by 2, 4, 8, 15 s
        # per client IP. The auth process disables it quietly when its socket does
        # not exist, and the auth process starts only at the first login.
        (self.root / "run" / "anvil-auth-penalty").unlink()
        self._wait_for_port()
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.introspection.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def reset(self) -> None:
        """Remove the user's mail and folders (the next login starts from an empty INBOX)."""
        shutil.rmtree(self.root / "mail" / USER, ignore_errors=True)
        self.introspection.server.seen.clear()

    def save(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver a message into a folder, as the MTA would."""
        subprocess.run([DOVEADM, "-c", str(self.conf), "save", "-u", USER, "-m", folder],
                       input=raw, check=True, capture_output=True)

    def client(self) -> IMAPClient:
        """A logged-in IMAP client to look at the mailbox (use it in a with block)."""
        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        try:
            client.plain_login(USER, PASSWORD)
        except BaseException:
            client.shutdown()
            raise
        return client

    def flags(self, folder: str) -> list[tuple] | None:
        """Each message's flags in a folder (in UID order), or None when the folder does not exist."""
        with self.client() as client:
            if not client.folder_exists(folder):
                return None
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search("ALL"))
            answer = client.fetch(uids, ["FLAGS"]) if uids else {}
            return [tuple(f for f in answer[uid][b"FLAGS"] if f != b"\\Recent") for uid in uids]

    def settings(self, **overrides) -> dict:
        """Mailbox.settings for this server: plain IMAP, password login."""
        return {"host": self.host, "port": self.port, "security": "none", "username": USER, **overrides}

    def _write_files(self) -> None:
        uid, gid, users = _mail_owner()
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir()
        os.chown(self.root / "mail", uid, gid)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::{self.root}/mail/{USER}::\n")
        (self.root / "oauth2.conf").write_text(OAUTH2.format(port=self.introspection.port))
        self.conf.write_text(CONFIG.format(root=self.root, port=self.port, tls_port=self.tls_port,
                                           uid=uid, gid=gid, users=users))
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-keyout", self.root / "key.pem", "-out", self.root / "cert.pem",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)

    def _wait_for_sockets(self) -> None:
        penalty = self.root / "run" / "anvil-auth-penalty"
        self._wait(lambda: penalty.exists(), "its sockets")

    def _wait_for_port(self) -> None:
        def accepting():
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as conn:
                    return conn.recv(64).startswith(b"* OK")
            except OSError:
                return False

        self._wait(accepting, f"port {self.port}")

    def _wait(self, ready, what: str) -> None:
        deadline = time.monotonic() + 15
        while not ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Dovecot did not start ({what}):\n{self.log()}\n"
                                   f"{(self.root / 'stderr.log').read_text(errors='replace')}")
            time.sleep(0.05)
