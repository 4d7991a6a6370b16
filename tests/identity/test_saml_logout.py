"""Single logout with the test identity provider, both ways."""

import re

import pytest
import requests
from django.urls import reverse

from identity.models import IdentityProvider
from tests.factories import PASSWORD, UserFactory
from tests.identity import saml_kit
from tests.identity.saml_kit import linked_user, saml_sign_in, signed_in_user

# SAML's own organisation and identity provider, over the OpenID Connect ones of conftest.
saml_idp = saml_kit.saml_idp
acme = saml_kit.acme

pytestmark = pytest.mark.django_db(transaction=True)


def sign_out(live_server, browser: requests.Session) -> requests.Response:
    """Our "Sign out" button: the confirmation page, then its form."""
    url = live_server.url + reverse("account_logout")
    page = browser.get(url, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return browser.post(url, data={"csrfmiddlewaretoken": token}, headers={"Referer": url})


def test_signing_out_also_signs_out_at_the_idp_and_comes_back(acme, saml_idp, live_server):
    alice = linked_user(acme, "alice@acme.example", "Alice Moreau")
    journey = saml_sign_in(live_server, saml_idp, "alice")
    assert signed_in_user(journey.browser) == alice
    before = len(saml_idp.events())

    page = sign_out(live_server, journey.browser)

    # Our site → the IdP's logout URL (LogoutRequest) → our saml_sls (LogoutResponse) → home.
    hops = [answer.url.split("?")[0] for answer in page.history]
    assert hops[1] == f"{saml_idp.url}/slo/redirect"
    assert hops[2] == live_server.url + reverse("saml_sls", args=["acme"])
    assert page.status_code == 200
    assert page.url == live_server.url + reverse("home")
    assert signed_in_user(journey.browser) is None
    request = next(event for event in saml_idp.events()[before:] if "logout_request" in event)
    assert request["name_id"] == "alice@acme.example"
    assert request["ended_session_of"] == "alice"  # the IdP's own session ended too


def test_without_a_logout_url_signing_out_stays_here(acme, saml_idp, live_server):
    alice = linked_user(acme, "alice@acme.example", "Alice Moreau")
    journey = saml_sign_in(live_server, saml_idp, "alice")
    assert signed_in_user(journey.browser) == alice
    IdentityProvider.objects.filter(organisation=acme).update(slo_url="")

    page = sign_out(live_server, journey.browser)

    assert page.url == live_server.url + reverse("home")
    assert [answer.url for answer in page.history if answer.url.startswith(saml_idp.url)] == []
    assert signed_in_user(journey.browser) is None


def test_a_password_sign_in_signs_out_here_only(acme, saml_idp, live_server):
    UserFactory(email="pat@example.org")
    browser = requests.Session()
    login = live_server.url + reverse("account_login")
    page = browser.get(login, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    browser.post(
        login,
        data={"csrfmiddlewaretoken": token, "login": "pat@example.org", "password": PASSWORD},
        headers={"Referer": login},
        timeout=10,
    )
    assert signed_in_user(browser) is not None

    page = sign_out(live_server, browser)

    assert page.url == live_server.url + reverse("home")
    assert not any(answer.url.startswith(saml_idp.url) for answer in page.history)
    assert signed_in_user(browser) is None


def test_a_logout_the_idp_starts_ends_our_session(acme, saml_idp, live_server):
    alice = linked_user(acme, "alice@acme.example", "Alice Moreau")
    journey = saml_sign_in(live_server, saml_idp, "alice")
    assert signed_in_user(journey.browser) == alice
    before = len(saml_idp.events())

    # The IdP sends the browser to our saml_sls with a LogoutRequest; we answer it.
    page = journey.browser.get(f"{saml_idp.url}/slo/start?user=alice", timeout=10)

    assert signed_in_user(journey.browser) is None
    hops = [answer.url.split("?")[0] for answer in page.history]
    assert live_server.url + reverse("saml_sls", args=["acme"]) in hops
    answer = next(event for event in saml_idp.events()[before:] if "logout_response" in event)
    assert answer["status"] == "urn:oasis:names:tc:SAML:2.0:status:Success"
