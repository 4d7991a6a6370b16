"""SAML sign-in against the real test identity provider, over HTTP (tests/saml_idp)."""

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import User
from identity.models import IdentityProvider
from identity.saml import saml_provider_id
from tests.identity import saml_kit
from tests.identity.saml_kit import linked_user, saml_sign_in, signed_in_user

# SAML's own organisation and identity provider, over the OpenID Connect ones of conftest.
saml_idp = saml_kit.saml_idp
acme = saml_kit.acme

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


def form_action(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if "form-action" in part)


def test_forms_that_go_on_to_the_idp_may_and_others_may_not(acme, saml_idp, live_server):
    """Our policy lets forms post only here, and browsers apply it to where a post redirects:
    the "Continue" page of the SAML sign-in and, once signed in through an IdP with single
    logout, every page (its "Sign out") allow that IdP's origin; other pages do not."""
    front = requests.get(live_server.url + reverse("account_login"), timeout=10)
    assert form_action(front) == "form-action 'self'"
    start = requests.get(live_server.url + reverse("saml_login", args=["acme"]), timeout=10)
    assert form_action(start) == f"form-action 'self' {saml_idp.url}"

    linked_user(acme, "alice@acme.example", "Alice Moreau")
    journey = saml_sign_in(live_server, saml_idp, "alice")
    signed_in = journey.browser.get(live_server.url + reverse("home:dashboard"), timeout=10)
    assert form_action(signed_in) == f"form-action 'self' {saml_idp.url}"
