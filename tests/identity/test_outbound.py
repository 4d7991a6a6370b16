"""An owner types their identity provider's address; the site never lets it reach its own
network (loopback, private, link-local and cloud-metadata addresses), after DNS resolution and
after redirects, unless the host is in IDENTITY_ALLOWED_HOSTS. The test providers run on
127.0.0.1, which the test settings allow; these tests take that away."""

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from identity.models import IdentityProvider
from identity.remote import MetadataUnavailable, saml_metadata_from_url
from mentoring.outbound import guarded_session, refusal_of
from organisations.models import Membership, Organisation, OrganisationDomain, Role
from tests.factories import UserFactory, second_factor_add
from tests.identity import saml_kit
from tests.identity.conftest import organisation_with_provider

saml_idp = saml_kit.saml_idp

UNREACHABLE = "sign-in cannot be reached right now"


class LocalServer:
    """A plain HTTP server on 127.0.0.1: /ok answers, /to-localhost redirects to localhost,
    /huge sends 2 MB."""

    def __init__(self) -> None:
        served = self
        self.hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                served.hits.append(self.path)
                port = self.server.server_address[1]
                if self.path == "/to-localhost":
                    self.send_response(302)
                    self.send_header("Location", f"http://localhost:{port}/ok")
                    self.end_headers()
                    return
                body = b"x" * (2 * 1024 * 1024) if self.path == "/huge" else b"hello"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server = LocalServer()
    yield server
    server.close()


def refused_reason(url: str, allowed_hosts=()) -> str:
    with (
        guarded_session(allowed_hosts=allowed_hosts) as session,
        pytest.raises(requests.ConnectionError) as caught,
    ):
        session.get(url, timeout=5)
    refusal = refusal_of(caught.value)
    assert refusal is not None, caught.value
    return str(refusal)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/",
        "http://localhost:9/",  # a name that resolves to loopback
    ],
)
def test_private_addresses_are_refused_before_any_connection(url):
    started = time.monotonic()

    reason = refused_reason(url)

    assert "is on a private network, which may not be reached from here" in reason
    assert time.monotonic() - started < 1  # refused, not tried until a timeout


def test_an_allowed_host_is_reached_and_a_redirect_to_another_name_is_checked_again(local_server):
    with guarded_session(allowed_hosts=["127.0.0.1"]) as session:
        assert session.get(local_server.url + "/ok", timeout=5).text == "hello"

    reason = refused_reason(local_server.url + "/to-localhost", allowed_hosts=["127.0.0.1"])

    assert "localhost is on a private network" in reason
    assert local_server.hits == ["/ok", "/to-localhost"]  # the redirect target was never asked


def test_proxies_from_the_environment_are_not_used(monkeypatch, local_server):
    """A proxy (here an allowed host) would make the connection on our behalf, unchecked."""
    monkeypatch.setenv("HTTP_PROXY", local_server.url)

    reason = refused_reason("http://10.0.0.1/", allowed_hosts=["127.0.0.1"])

    assert "private network" in reason
    assert local_server.hits == []


@pytest.mark.django_db
def test_openid_connect_discovery_at_a_private_address_is_not_fetched(client, settings, acme_oidc):
    settings.IDENTITY_ALLOWED_HOSTS = []

    response = client.post(reverse("account_login"), {"login": "alice@acme.test"})

    assert response.status_code == 200
    assert UNREACHABLE in response.content.decode().replace("&#x27;", "'")


@pytest.fixture
def acme_oidc(db, oidc_provider) -> Organisation:
    return organisation_with_provider(oidc_provider)


@pytest.mark.django_db(transaction=True)
def test_saml_metadata_by_url_is_read_only_from_allowed_hosts(settings, saml_idp):
    settings.IDENTITY_ALLOWED_HOSTS = []
    cache.clear()

    with pytest.raises(MetadataUnavailable, match="private network"):
        saml_metadata_from_url(saml_idp.metadata_url)

    settings.IDENTITY_ALLOWED_HOSTS = ["127.0.0.1"]
    assert saml_metadata_from_url(saml_idp.metadata_url).sso_url.startswith(saml_idp.url)


@pytest.mark.django_db
def test_saml_metadata_larger_than_a_megabyte_is_refused(settings, local_server):
    with pytest.raises(MetadataUnavailable, match="larger than 1 MB"):
        saml_metadata_from_url(local_server.url + "/huge")


@pytest.mark.django_db
def test_a_saml_sign_in_whose_metadata_cannot_be_read_says_so_in_words(client, settings):
    acme = Organisation.objects.create(name="Acme", slug="acme")
    OrganisationDomain.objects.create(
        organisation=acme, domain="acme.test", verified_at=timezone.now()
    )
    IdentityProvider.objects.create(
        organisation=acme,
        protocol=IdentityProvider.Protocol.SAML,
        enabled=True,
        entity_id="https://idp.acme.test/saml",
        metadata_url="http://169.254.169.254/latest/meta-data/",
    )

    response = client.post(reverse("account_login"), {"login": "alice@acme.test"})

    assert response.status_code == 200
    assert UNREACHABLE in response.content.decode().replace("&#x27;", "'")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("issuer", {"protocol": "oidc", "client_id": "x", "client_secret": "y"}),
        ("metadata_url", {"protocol": "saml"}),
    ],
)
def test_the_settings_page_refuses_a_provider_address_on_a_private_network(
    client, settings, field, values
):
    settings.IDENTITY_ALLOWED_HOSTS = []
    acme = Organisation.objects.create(name="Acme", slug="acme")
    owner = UserFactory()
    Membership.objects.create(organisation=acme, user=owner, role=Role.OWNER)
    second_factor_add(owner)
    client.force_login(owner)

    response = client.post(
        reverse("identity:settings", args=["acme"]),
        {**values, field: "http://169.254.169.254/latest/"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "169.254.169.254 is on a private network, which may not be reached from here." in html
    assert 'value="http://169.254.169.254/latest/"' in html  # what she typed is kept
    assert not IdentityProvider.objects.filter(organisation=acme).exists()
