"""The owner's sign-in settings: OpenID Connect or SAML, the values to give the provider, the
write-only secret, and requiring the provider."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
from auditlog.models import LogEntry
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.urls import reverse
from django.utils import timezone

from identity.models import IdentityProvider
from organisations.models import Membership, Organisation, OrganisationDomain, Role
from tests.factories import UserFactory, second_factor_add

pytestmark = pytest.mark.django_db
URL = reverse("identity:settings", args=["acme"])
SECRET = "s3cret-from-the-provider-Zq8"
OIDC = {
    "protocol": "oidc",
    "issuer": "https://login.microsoftonline.com/0000-tenant/v2.0",
    "client_id": "app-client-id",
    "client_secret": SECRET,
    "enabled": "on",
}


@pytest.fixture
def acme(db) -> Organisation:
    acme = Organisation.objects.create(name="Acme", slug="acme")
    OrganisationDomain.objects.create(
        organisation=acme, domain="acme.test", verified_at=timezone.now()
    )
    return acme


def member(organisation: Organisation, role: str, *, second_factor: bool = True):
    user = UserFactory()
    Membership.objects.create(organisation=organisation, user=user, role=role)
    if second_factor:
        second_factor_add(user)
    return user


@pytest.fixture
def owner_client(client, acme):
    client.force_login(member(acme, Role.OWNER))
    return client


def test_the_owner_sees_the_values_to_give_the_provider(owner_client, settings):
    settings.SITE_URL = "https://mentoring.example.org"
    html = owner_client.get(URL).content.decode()

    assert "https://mentoring.example.org/accounts/oidc/org-acme/login/callback/" in html
    assert "https://mentoring.example.org/accounts/saml/acme/acs/" in html
    assert "https://mentoring.example.org/accounts/saml/acme/metadata/" in html
    assert "https://mentoring.example.org/accounts/saml/acme/sls/" in html
    for label in ("Issuer URL", "Client ID", "Client secret", "Metadata URL", "Entity ID"):
        assert label in html


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MEMBER])
def test_anyone_but_an_owner_of_this_organisation_gets_404(client, acme, role):
    client.force_login(member(acme, role))

    assert client.get(URL).status_code == 404
    assert client.post(URL, OIDC).status_code == 404
    assert not IdentityProvider.objects.exists()


def test_the_owner_of_another_organisation_gets_404(client, acme):
    other = Organisation.objects.create(name="Globex", slug="globex")
    client.force_login(member(other, Role.OWNER))

    assert client.get(URL).status_code == 404


def test_an_owner_without_a_second_factor_is_sent_to_set_one_up(client, acme):
    client.force_login(member(acme, Role.OWNER, second_factor=False))

    response = client.get(URL)

    assert response["Location"] == reverse("mfa_activate_totp")


def test_saving_oidc_keeps_the_secret_encrypted_and_never_shows_it(owner_client, acme):
    response = owner_client.post(URL, OIDC)

    assert response["Location"] == URL
    idp = IdentityProvider.objects.get(organisation=acme)
    assert (idp.protocol, idp.issuer, idp.client_id, idp.enabled) == (
        "oidc",
        OIDC["issuer"],
        "app-client-id",
        True,
    )
    assert idp.client_secret == SECRET
    assert SECRET not in idp.client_secret_encrypted
    html = owner_client.get(URL).content.decode()
    assert SECRET not in html
    assert "Stored. Leave blank to keep it" in html


def test_a_blank_secret_keeps_the_stored_one_and_a_new_one_replaces_it(owner_client, acme):
    owner_client.post(URL, OIDC)

    owner_client.post(URL, {**OIDC, "client_secret": "", "client_id": "renamed"})
    kept = IdentityProvider.objects.get(organisation=acme)
    owner_client.post(URL, {**OIDC, "client_secret": "a-new-one"})
    replaced = IdentityProvider.objects.get(organisation=acme)

    assert (kept.client_id, kept.client_secret) == ("renamed", SECRET)
    assert replaced.client_secret == "a-new-one"


def test_each_change_is_in_the_audit_trail_without_the_secret(owner_client, acme):
    owner_client.post(URL, OIDC)
    owner_client.post(URL, {**OIDC, "client_secret": "", "enabled": ""})

    entries = LogEntry.objects.filter(
        content_type__model="identityprovider", additional_data__organisation_id=acme.pk
    ).order_by("pk")
    created, updated = entries
    assert created.changes_dict["client_secret"] == ["", "(changed)"]
    assert created.changes_dict["issuer"][1] == OIDC["issuer"]
    assert updated.changes_dict == {"enabled": ["True", "False"]}
    for entry in entries:
        assert SECRET not in str(entry.changes) + str(entry.additional_data)


def test_missing_oidc_fields_are_named_and_what_was_typed_is_kept(owner_client):
    response = owner_client.post(URL, {**OIDC, "client_id": "", "client_secret": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("OpenID Connect needs this.") == 2
    assert OIDC["issuer"] in html
    assert not IdentityProvider.objects.exists()


def test_saml_needs_metadata_or_its_three_fields(owner_client, acme):
    refused = owner_client.post(URL, {"protocol": "saml"})
    saved = owner_client.post(
        URL, {"protocol": "saml", "metadata_url": "https://idp.acme.test/metadata"}
    )

    assert refused.content.decode().count("Give the metadata URL, or this.") == 3
    assert saved.status_code == 302
    assert IdentityProvider.objects.get(organisation=acme).protocol == "saml"


def test_requiring_the_provider_needs_it_on(owner_client, acme):
    response = owner_client.post(URL, {**OIDC, "enabled": "", "require_sso": "on"})

    assert "Turn the provider on first" in response.content.decode()
    assert not IdentityProvider.objects.exists()
    owner_client.post(URL, {**OIDC, "require_sso": "on"})
    assert IdentityProvider.objects.get(organisation=acme).require_sso


def test_requiring_the_provider_needs_a_verified_domain(owner_client, acme):
    acme.domains.update(verified_at=None)

    response = owner_client.post(URL, {**OIDC, "require_sso": "on"})

    assert "no verified email domain yet" in response.content.decode()
    assert not IdentityProvider.objects.exists()


def _idp_metadata() -> tuple[str, str]:
    """An identity provider's metadata XML with a fresh self-signed certificate, and that
    certificate as base64 DER."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.acme.test")])
    now = datetime.now(tz=UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    der = base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()
    redirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    xml = f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.acme.test/saml">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
      <ds:X509Certificate>{der}</ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="{redirect}" Location="https://idp.acme.test/slo"/>
    <md:SingleSignOnService Binding="{redirect}" Location="https://idp.acme.test/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""
    return xml, der


def test_pasted_saml_metadata_fills_the_providers_fields(owner_client, acme):
    xml, der = _idp_metadata()

    response = owner_client.post(URL, {"protocol": "saml", "metadata_xml": xml})

    assert response.status_code == 302
    saved = IdentityProvider.objects.get(organisation=acme)
    assert (saved.entity_id, saved.sso_url, saved.slo_url) == (
        "https://idp.acme.test/saml",
        "https://idp.acme.test/sso",
        "https://idp.acme.test/slo",
    )
    assert saved.x509_certificate.replace("\n", "") == der


def test_pasted_text_that_is_no_metadata_is_refused_in_words_and_kept(owner_client, acme):
    response = owner_client.post(URL, {"protocol": "saml", "metadata_xml": "<not metadata"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "This is not well-formed XML" in html
    assert "&lt;not metadata" in html
    assert not IdentityProvider.objects.filter(organisation=acme).exists()
