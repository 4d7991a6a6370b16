"""Answers from an identity provider that cannot be trusted are refused: nobody is signed in,
no account is made, and the person reads why in words (never a server error)."""

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import User
from identity.saml import sp_urls
from tests.identity import saml_kit
from tests.identity.saml_kit import (
    form_fields,
    linked_user,
    saml_answer,
    saml_sign_in,
    signed_in_user,
)

# SAML's own organisation and identity provider, over the OpenID Connect ones of conftest.
saml_idp = saml_kit.saml_idp
acme = saml_kit.acme

pytestmark = pytest.mark.django_db(transaction=True)

# The test IdP answers each of these people in one untrustworthy way (tests/saml_idp).
UNTRUSTWORTHY = {
    "ursula": "an assertion with no signature",
    "edgar": "an assertion whose NotOnOrAfter passed two hours ago",
    "roger": "an assertion signed by a key its metadata does not name",
    "stella": "an assertion meant for another service (audience)",
    "shirley": "an assertion signed with the deprecated RSA-SHA1",
}
# Why python3-saml refused each (logged by allauth): the refusal is for the right reason.
REASON = {
    "ursula": "The Assertion of the Response is not signed",
    "edgar": "Could not validate timestamp: expired",
    "roger": "Signature validation failed",
    "stella": "is not a valid audience for this Response",
    "shirley": "Deprecated signature algorithm found",
}


def assert_refused_in_words(page) -> None:
    assert page.status_code < 500
    text = page.text.replace("&#x27;", "'")
    assert "Your organisation's sign-in could not be checked" in text
    assert "you are not signed in and nothing was saved" in text
    assert "tell your organisation's IT team" in text


@pytest.mark.parametrize("username", UNTRUSTWORTHY, ids=UNTRUSTWORTHY.values())
def test_an_untrustworthy_assertion_makes_no_account_and_no_session(
    username, acme, saml_idp, live_server, caplog
):
    email = saml_idp.users[username]["email"]

    journey = saml_sign_in(live_server, saml_idp, username)

    assert_refused_in_words(journey.page)
    assert signed_in_user(journey.browser) is None
    assert not User.objects.filter(email=email).exists()
    assert not SocialAccount.objects.exists()
    assert saml_idp.events()[-1]["user"] == username  # the IdP did answer, and was refused
    assert REASON[username] in caplog.text


@pytest.mark.parametrize("username", UNTRUSTWORTHY, ids=UNTRUSTWORTHY.values())
def test_an_untrustworthy_assertion_does_not_sign_in_a_linked_person(
    username, acme, saml_idp, live_server
):
    person = saml_idp.users[username]
    linked_user(acme, person["email"], f"{person['given_name']} {person['surname']}")

    journey = saml_sign_in(live_server, saml_idp, username)

    assert_refused_in_words(journey.page)
    assert signed_in_user(journey.browser) is None


def test_a_wrong_password_at_the_idp_stays_there(acme, saml_idp, live_server):
    """The IdP's own login form refuses; nothing reaches our site."""
    browser = requests.Session()
    start = live_server.url + reverse("saml_login", args=["acme"])
    page = browser.get(start, timeout=10)
    token = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    login_form = browser.post(start, data={"csrfmiddlewaretoken": token}, timeout=10)
    _action, fields = form_fields(login_form)
    fields.update(username="alice", password="guess")
    answer = browser.post(f"{saml_idp.url}/login", data=fields, timeout=10)
    assert "Wrong username or password." in answer.text
    assert not User.objects.exists()


def test_an_assertion_replayed_from_another_browser_signs_nobody_in(acme, saml_idp, live_server):
    """A valid, signed, unexpired answer copied out of Alice's browser (say, from a proxy's
    log) and posted from another one: it answers no sign-in that browser started."""
    linked_user(acme, "alice@acme.example", "Alice Moreau")
    _alice_browser, acs, fields = saml_answer(live_server, saml_idp, "alice")

    thief = requests.Session()
    page = thief.post(acs, data=fields, timeout=10)

    assert_refused_in_words(page)
    assert signed_in_user(thief) is None


def test_an_assertion_used_once_is_refused_the_second_time(acme, saml_idp, live_server):
    alice = linked_user(acme, "alice@acme.example", "Alice Moreau")
    browser, acs, fields = saml_answer(live_server, saml_idp, "alice")
    browser.post(acs, data=fields, timeout=10)
    assert signed_in_user(browser) == alice

    page = browser.post(acs, data=fields, timeout=10)

    assert_refused_in_words(page)


def test_a_sign_in_the_idp_starts_on_its_own_is_refused(acme, saml_idp, live_server, caplog):
    """A signed, valid Response that answers no AuthnRequest of ours (IdP-initiated): refused,
    as anyone could make a browser post one it captured earlier."""
    linked_user(acme, "alice@acme.example", "Alice Moreau")
    browser = requests.Session()
    entity_id = sp_urls("acme").entity_id
    unsolicited = browser.get(
        f"{saml_idp.url}/sso/initiate", params={"user": "alice", "sp": entity_id}, timeout=10
    )
    acs, fields = form_fields(unsolicited)

    page = browser.post(acs, data=fields, timeout=10)

    assert_refused_in_words(page)
    assert signed_in_user(browser) is None
    assert "IdP initiated SSO rejected" in caplog.text
