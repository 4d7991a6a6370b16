"""SAML sign-in against the real test identity provider, over HTTP (tests/saml_idp)."""

import pytest
from allauth.socialaccount.models import SocialAccount

from accounts.models import User
from identity.models import IdentityProvider
from identity.saml import saml_provider_id
from tests.identity.conftest import linked_user, saml_sign_in, signed_in_user

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = "Your organisation&#x27;s sign-in could not be checked"


def test_a_signed_assertion_signs_the_linked_person_in(acme, saml_idp, live_server):
    alice = linked_user(acme, "alice@acme.example", "Alice Moreau")

    journey = saml_sign_in(live_server, saml_idp, "alice")

    assert journey.page.status_code == 200
    assert "/accounts/" not in journey.page.url  # on the site, not on a sign-in or error page
    assert signed_in_user(journey.browser) == alice
    assert saml_idp.events()[-1]["user"] == "alice"


def test_first_sign_in_makes_an_account_from_the_assertion(acme, saml_idp, live_server):
    """The positive control of the refusals below: a valid assertion for someone new does
    make an account, with the name the IdP sent."""
    saml_sign_in(live_server, saml_idp, "alice")

    user = User.objects.get(email="alice@acme.example")
    account = SocialAccount.objects.get(user=user)
    assert account.provider == saml_provider_id("acme")
    assert account.uid == "alice@acme.example"
    assert account.extra_data["urn:oid:2.5.4.42"] == ["Alice"]


def test_sign_in_with_the_metadata_url_instead_of_pasted_fields(acme, saml_idp, live_server):
    IdentityProvider.objects.filter(organisation=acme).update(
        metadata_url=saml_idp.metadata_url, sso_url="", slo_url="", x509_certificate=""
    )
    alice = linked_user(acme, "alice@acme.example", "Alice Moreau")

    journey = saml_sign_in(live_server, saml_idp, "alice")

    assert signed_in_user(journey.browser) == alice
