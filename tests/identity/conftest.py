"""A real OpenID Connect provider (tests/oidc_provider: django-oauth-toolkit) started on
127.0.0.1 for these tests, and an organisation signing in through it."""

import json
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.utils import timezone

from identity.models import IdentityProvider
from organisations.models import Organisation, OrganisationDomain

ROOT = Path(__file__).resolve().parents[2]
SLUGS = ("acme",)  # organisations whose callback the provider's application accepts
# The provider's people: username -> (password, email, name). Those in UNVERIFIED get
# email_verified false in their claims.
PEOPLE = {
    "ada": ("ada-at-the-provider-1", "ada@acme.test", "Ada Lovelace"),
    "grace": ("grace-at-the-provider-1", "grace@acme.test", "Grace Hopper"),
    "kim": ("kim-at-the-provider-1", "kim@elsewhere.test", "Kim Outsider"),
    "bob": ("bob-at-the-provider-1", "bob@acme.test", "Bob Builder"),
    "olga": ("olga-at-the-provider-1", "olga@acme.test", "Olga Owner"),
}
UNVERIFIED = ["grace"]


@dataclass
class TestProvider:
    url: str
    client_id: str
    client_secret: str
    process: subprocess.Popen = field(repr=False)

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    @property
    def rogue_issuer(self) -> str:
        """Same provider, but its discovery names a key set it does not sign with."""
        return f"{self.url}/rogue"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider(live_server) -> Iterator[TestProvider]:
    """The provider, serving until the session ends. Its application accepts the callback of
    our test client (http://testserver) and of the live server, for each of SLUGS."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as tmp:
        bases = ["http://testserver", live_server.url]
        config = {
            "database": str(Path(tmp) / "provider.sqlite3"),
            "secret_key": "test-provider-key-not-secret",
            "people": [
                {"username": u, "password": p, "email": e, "name": n}
                for u, (p, e, n) in PEOPLE.items()
            ],
            "unverified": UNVERIFIED,
            "client": {
                "id": "mentoring-test-client",
                "secret": "mentoring-test-client-secret",
                "redirect_uris": [
                    f"{base}/accounts/oidc/org-{slug}/login/callback/"
                    for base in bases
                    for slug in SLUGS
                ],
            },
        }
        config_path = Path(tmp) / "config.json"
        config_path.write_text(json.dumps(config))
        log = (Path(tmp) / "provider.log").open("w+")
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve", str(port), str(config_path)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        provider = TestProvider(
            url=f"http://127.0.0.1:{port}",
            client_id=config["client"]["id"],
            client_secret=config["client"]["secret"],
            process=process,
        )
        try:
            _wait_until_ready(provider, log)
            yield provider
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()


def _wait_until_ready(provider: TestProvider, log) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if provider.process.poll() is not None:
            log.seek(0)
            pytest.fail(f"The test OpenID Connect provider did not start:\n{log.read()}")
        try:
            response = requests.get(
                f"{provider.issuer}/.well-known/openid-configuration", timeout=2
            )
            if response.status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    pytest.fail("The test OpenID Connect provider did not answer within 60 s")


def organisation_with_provider(
    provider: TestProvider,
    *,
    slug: str = "acme",
    domain: str = "acme.test",
    require_sso: bool = False,
    issuer: str | None = None,
) -> Organisation:
    organisation = Organisation.objects.create(name=slug.title(), slug=slug)
    OrganisationDomain.objects.create(
        organisation=organisation, domain=domain, verified_at=timezone.now()
    )
    idp = IdentityProvider(
        organisation=organisation,
        protocol=IdentityProvider.Protocol.OIDC,
        enabled=True,
        require_sso=require_sso,
        issuer=issuer or provider.issuer,
        client_id=provider.client_id,
    )
    idp.client_secret = provider.client_secret
    idp.save()
    return organisation


@pytest.fixture
def acme(db, oidc_provider) -> Organisation:
    """Acme: verified domain acme.test, signing in through the test provider."""
    return organisation_with_provider(oidc_provider)


def sign_in_at_provider(authorize_url: str, username: str) -> str:
    """Follow the provider's authorize URL as a browser would, signing in on its own form with
    `username`'s password; returns the callback URL (with code and state) it sends back to."""
    password = PEOPLE[username][0]
    session = requests.Session()
    response = session.get(authorize_url, allow_redirects=True, timeout=10)
    assert "/login/" in response.url, response.url  # the provider's own sign-in form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    next_url = unescape(re.search(r'name="next" value="([^"]*)"', response.text).group(1))
    response = session.post(
        response.url,
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password,
            "next": next_url,
        },
        headers={"Referer": response.url},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text
    # Back to the authorize endpoint, which (authorization skipped) sends on to our callback.
    location = requests.compat.urljoin(response.url, response.headers["Location"])
    response = session.get(location, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def provider_url_of(response) -> str:
    """Where the sign-in page sends the browser on: the provider's URL of its refresh and link
    (identity/continue.html)."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    refresh = re.search(r'<meta http-equiv="refresh" content="0;url=([^"]+)">', html).group(1)
    link = re.search(r'<a href="([^"]+)" role="button" id="continue-to-provider">', html)
    link = link.group(1)
    assert refresh == link
    return unescape(link)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
