"""The sign-in page asks for the email first: an organisation's domains go to its provider,
other addresses see the password field; an organisation can require its provider."""

import socket

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from identity.models import IdentityProvider
from organisations.models import Organisation, OrganisationDomain
from tests.factories import PASSWORD, UserFactory
from tests.identity.conftest import provider_url_of

pytestmark = pytest.mark.django_db


def organisation(*, require_sso: bool = False, enabled: bool = True, protocol: str = "oidc"):
    """Acme (acme.test verified) with a provider; no provider process is needed to be sent to
    its login URL."""
    acme = Organisation.objects.create(name="Acme", slug="acme")
    OrganisationDomain.objects.create(
        organisation=acme, domain="acme.test", verified_at=timezone.now()
    )
    OrganisationDomain.objects.create(organisation=acme, domain="acme-pending.test")
    IdentityProvider.objects.create(
        organisation=acme,
        protocol=protocol,
        enabled=enabled,
        require_sso=require_sso,
        issuer="https://idp.acme.test/o",
        client_id="x",
        entity_id="https://idp.acme.test/saml",
        sso_url="https://idp.acme.test/saml/sso",
        x509_certificate="MIIB",
    )
    return acme


def test_the_page_asks_for_the_email_first(client, db):
    html = client.get(reverse("account_login")).content.decode()

    assert 'name="login"' in html
    assert 'name="password"' not in html
    assert ">Continue</button>" in html


def test_another_address_sees_the_password_field_with_what_she_typed(client, db):
    organisation()

    response = client.post(
        reverse("account_login"), {"login": "sam@example.org", "next": "/profile/"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="sam@example.org"' in html
    assert 'name="password"' in html
    assert 'name="next" value="/profile/"' in html
    assert "form-errors" not in html


def test_with_the_password_she_is_signed_in_as_before(client, mentee):
    client.post(reverse("account_login"), {"login": mentee.email})

    response = client.post(reverse("account_login"), {"login": mentee.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(mentee.pk)


def test_an_address_at_an_unverified_domain_or_a_disabled_provider_gets_the_password(client, db):
    organisation(enabled=False)

    for email in ("ada@acme.test", "ada@acme-pending.test"):
        response = client.post(reverse("account_login"), {"login": email})
        assert 'name="password"' in response.content.decode(), email


def test_an_saml_organisations_address_is_sent_to_its_saml_sign_in(client, db, settings):
    organisation(protocol="saml")
    settings.ALLOWED_HOSTS = ["mentoring.example.org"]  # a name the SAML toolkit accepts

    response = client.post(
        reverse("account_login"), {"login": "ada@acme.test"}, HTTP_HOST="mentoring.example.org"
    )

    # allauth's SAML login sends an AuthnRequest to the provider's sign-in URL.
    assert provider_url_of(response).startswith("https://idp.acme.test/saml/sso?SAMLRequest=")


def test_a_required_provider_refuses_the_password_and_says_why(client, db):
    organisation(require_sso=True)
    UserFactory(email="bob@acme.test")

    response = client.post(
        reverse("account_login"), {"login": "bob@acme.test", "password": PASSWORD}
    )

    html = response.content.decode()
    assert SESSION_KEY not in client.session
    assert "Acme signs its people in through its own identity provider" in html
    assert "Password sign-in is turned off for addresses at acme.test" in html
    assert "Sign in with Acme</button>" in html
    assert 'name="password"' not in html


def test_when_not_required_a_password_still_works_for_the_organisations_domain(client, db):
    organisation(require_sso=False)
    bob = UserFactory(email="bob@acme.test")

    client.post(reverse("account_login"), {"login": "bob@acme.test", "password": PASSWORD})

    assert client.session[SESSION_KEY] == str(bob.pk)


def test_a_required_provider_refuses_sign_up_and_password_reset_for_its_domains(
    client, db, mailoutbox
):
    organisation(require_sso=True)
    UserFactory(email="bob@acme.test")

    signup = client.post(
        reverse("account_signup"),
        {"email": "new@acme.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    reset = client.post(reverse("account_reset_password"), {"email": "bob@acme.test"})

    for response in (signup, reset):
        assert response.status_code == 200
        assert "signs its people in through its own identity provider" in response.content.decode()
    assert mailoutbox == []
    other = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert other.status_code == 302


def test_a_provider_that_cannot_be_reached_is_named_and_the_address_kept(client, db):
    acme = organisation()
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    IdentityProvider.objects.filter(organisation=acme).update(issuer=f"http://127.0.0.1:{port}/o")

    response = client.post(reverse("account_login"), {"login": "ada@acme.test"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Acme's sign-in cannot be reached right now" in html
    assert 'value="ada@acme.test"' in html


@pytest.mark.parametrize("name", ["account_login", "account_signup", "socialaccount_connections"])
def test_no_page_lists_the_organisations_providers(client, mentee, name):
    organisation()
    if name == "socialaccount_connections":  # a signed-in person's page
        client.force_login(mentee)

    html = client.get(reverse(name)).content.decode()

    assert "Acme" not in html
    assert "/accounts/oidc/org-acme/" not in html
