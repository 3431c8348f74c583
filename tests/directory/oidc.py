"""The test OpenID provider (node + oidc-provider) and a person signing in at it."""

import json
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urljoin

import requests

from tests.directory.slapd import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
PACKAGE = ROOT / "node_modules" / "oidc-provider"
CLIENT_ID, CLIENT_SECRET = "helpdesk", "test-client-secret-0123456789"
TENANT, OTHER_TENANT = "11111111-2222-3333-4444-555555555555", "99999999-8888-7777-6666-555555555555"
REDIRECT_URI = "http://localhost/login/oidc/callback"  # the Flask test client's host
ACCOUNTS = {
    "sofia": {"password": "sofia-lösen", "claims": {
        "oid": "0f6a1c1e-0000-4000-8000-000000000001", "tid": TENANT, "name": "Sofia Berglund",
        "preferred_username": "sofia.berglund@exempelby.se", "email": "sofia.berglund@exempelby.se",
        "email_verified": True, "department": "Socialförvaltningen",
        "groups": ["cn=Servicedesk-agenter,ou=groups,dc=exempelby,dc=se"]}},
    "mallory": {"password": "mallory-lösen", "claims": {
        "oid": "0f6a1c1e-0000-4000-8000-000000000002", "tid": OTHER_TENANT, "name": "Mallory Annan",
        "preferred_username": "mallory@annan.example", "email": "mallory@annan.example"}},
}


def node():
    return shutil.which("node")


class OidcProvider:
    def __init__(self, redirect_uris=(REDIRECT_URI,)):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.redirect_uris = list(redirect_uris)
        self.process = None
        self.output = []

    def start(self) -> "OidcProvider":
        settings = {"port": self.port, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                    "redirect_uris": self.redirect_uris, "accounts": ACCOUNTS}
        self.process = subprocess.Popen([node(), str(SCRIPT), json.dumps(settings)], cwd=ROOT, text=True,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        ready = threading.Event()

        def read():
            for line in self.process.stdout:
                self.output.append(line)
                if line.startswith("ready"):
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(30):
            self.stop()
            raise RuntimeError("oidc-provider did not start:\n" + "".join(self.output))
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdout:
            self.process.stdout.close()

    def rotate(self) -> None:
        requests.post(self.issuer + "/_test/rotate", timeout=10).raise_for_status()

    def settings(self, **overrides) -> dict:
        return {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
                "OIDC_REDIRECT_URI": REDIRECT_URI, "OIDC_ALLOWED_TENANTS": [TENANT], "OIDC_TIMEOUT": 5, **overrides}

    def sign_in(self, authorize_url: str, login: str, password: str) -> str:
        """Follow the provider's pages as a browser would; the URL it sends back to the desk (code and state)."""
        with requests.Session() as browser:
            url = authorize_url
            for _ in range(10):
                response = browser.get(url, allow_redirects=False, timeout=10)
                if response.status_code in (302, 303):
                    url = urljoin(url, response.headers["Location"])
                    if url.startswith(self.redirect_uris[0].split("/login")[0]):
                        return url
                    continue
                assert response.status_code == 200, response.text
                break
            assert 'name="login"' in response.text, response.text
            action = url.rstrip("/") + "/login"
            response = browser.post(action, data={"login": login, "password": password}, allow_redirects=False,
                                    timeout=10)
            for _ in range(10):
                if response.status_code not in (302, 303):
                    raise AssertionError(f"provider answered {response.status_code}: {response.text[:500]}")
                url = urljoin(url, response.headers["Location"])
                if url.startswith(self.redirect_uris[0].split("/login")[0]):
                    return url
                response = browser.get(url, allow_redirects=False, timeout=10)
        raise AssertionError("the provider never sent the browser back")
