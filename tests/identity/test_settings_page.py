"""The owner's sign-in settings: OpenID Connect or SAML, the values to give the provider, the
write-only secret, and requiring the provider."""

import pytest
from auditlog.models import LogEntry
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


def test_the_owner_sees_the_values_to_give_the_provider(owner_client):
    html = owner_client.get(URL).content.decode()

    assert "http://testserver/accounts/oidc/org-acme/login/callback/" in html
    assert "http://testserver/accounts/saml/acme/acs/" in html
    assert "http://testserver/accounts/saml/acme/metadata/" in html
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
