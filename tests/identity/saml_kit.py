"""Acme, an organisation whose people sign in through the test SAML identity provider, and
helpers to go through sign-in over plain HTTP."""

import re
from dataclasses import dataclass
from importlib import import_module

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.urls import reverse
from lxml import html

from accounts.models import User
from identity.models import IdentityProvider
from identity.saml import idp_metadata_parse, saml_provider_id
from organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory
from tests.saml_idp import PASSWORD, SamlIdP, saml_idp  # noqa: F401  (the fixture)


@pytest.fixture
def acme(saml_idp: SamlIdP, live_server, settings, transactional_db) -> Organisation:  # noqa: F811
    """Acme's SAML provider, set up from its pasted metadata (entity ID, sign-in and logout
    URLs, certificate); the site's own address is the live server's."""
    settings.SITE_URL = live_server.url
    organisation = OrganisationFactory(slug="acme", name="Acme")
    found = idp_metadata_parse(saml_idp.metadata())
    IdentityProvider.objects.create(
        organisation=organisation,
        protocol=IdentityProvider.Protocol.SAML,
        enabled=True,
        entity_id=found.entity_id,
        sso_url=found.sso_url,
        slo_url=found.slo_url,
        x509_certificate=found.x509_certificate,
    )
    return organisation


def linked_user(organisation: Organisation, email: str, name: str) -> User:
    """Someone whose account is already linked to the organisation's IdP (NameID = email)."""
    user = UserFactory(email=email, display_name=name)
    SocialAccount.objects.create(user=user, provider=saml_provider_id(organisation.slug), uid=email)
    return user


@dataclass
class Journey:
    browser: requests.Session  # our cookies and the IdP's
    page: requests.Response  # where it ended


def form_fields(response: requests.Response) -> tuple[str, dict]:
    tree = html.fromstring(response.text)
    form = tree.forms[0]
    return form.action, dict(form.form_values())


def saml_answer(
    live_server, idp: SamlIdP, username: str, slug: str = "acme"
) -> tuple[requests.Session, str, dict]:
    """SP-initiated sign-in over plain HTTP up to the IdP's answer: our saml_login, the IdP's
    login form; returns the browser, our ACS URL and the fields the IdP's page would POST."""
    browser = requests.Session()
    start = live_server.url + reverse("saml_login", args=[slug])
    confirm = browser.get(start, timeout=10)
    assert confirm.status_code == 200, confirm.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm.text).group(1)
    login_form = browser.post(
        start, data={"csrfmiddlewaretoken": token}, headers={"Referer": start}, timeout=10
    )
    assert login_form.url.startswith(idp.url), login_form.url
    assert "Test identity provider" in login_form.text, login_form.text[:500]
    _action, fields = form_fields(login_form)
    fields.update(username=username, password=PASSWORD)
    answer = browser.post(f"{idp.url}/login", data=fields, timeout=10)
    assert answer.status_code == 200, answer.text[:500]
    acs, fields = form_fields(answer)
    assert acs == live_server.url + reverse("saml_acs", args=[slug])
    return browser, acs, fields


def saml_sign_in(live_server, idp: SamlIdP, username: str, slug: str = "acme") -> Journey:
    """SP-initiated sign-in over plain HTTP, as a browser without JavaScript goes through it:
    the IdP's answer POSTed back to our ACS."""
    browser, acs, fields = saml_answer(live_server, idp, username, slug)
    page = browser.post(acs, data=fields, timeout=10)
    return Journey(browser=browser, page=page)


def signed_in_user(browser: requests.Session) -> User | None:
    """Who the browser's session on our site is signed in as, if anyone."""
    key = next((c.value for c in browser.cookies if c.name == settings.SESSION_COOKIE_NAME), None)
    if not key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore
    user_id = store(session_key=key).get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None
