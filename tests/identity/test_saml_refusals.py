"""Answers from an identity provider that cannot be trusted are refused: nobody is signed in,
no account is made, and the person reads why in words (never a server error)."""

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import User
from tests.identity.saml_kit import form_fields, linked_user, saml_sign_in, signed_in_user

pytestmark = pytest.mark.django_db(transaction=True)

# The test IdP answers each of these people in one untrustworthy way (tests/saml_idp).
UNTRUSTWORTHY = {
    "ursula": "an assertion with no signature",
    "edgar": "an assertion whose NotOnOrAfter passed two hours ago",
    "roger": "an assertion signed by a key its metadata does not name",
    "stella": "an assertion meant for another service (audience)",
}
# Why python3-saml refused each (logged by allauth): the refusal is for the right reason.
REASON = {
    "ursula": "The Assertion of the Response is not signed",
    "edgar": "Could not validate timestamp: expired",
    "roger": "Signature validation failed",
    "stella": "is not a valid audience for this Response",
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
