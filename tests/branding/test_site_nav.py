"""The header's links and the footer's language choice are rendered once per process for each
set of what they show (branding/templatetags/ui.py): every page must still get exactly what
the templates write for its viewer, page, unread count and language, with its own CSRF token."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

from exchange.services.messages import message_send
from tests.factories import ProfileFactory

NAV = re.compile(r'<nav aria-label="[^"]*" class="site-nav">.*?</nav>', re.S)
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)"')


def _contexts(user, path: str, unread: int = 0):
    """Two RequestContexts for one request: one for the kept tags, one for the templates."""
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path) if path != "/no-such-page/" else None
    request.META["CSRF_COOKIE"] = "k" * 32
    contexts = [RequestContext(request) for _ in (1, 2)]
    for context in contexts:
        context.update({"unread_messages": unread})  # over the context processors' count
    return contexts


def _kept_and_rendered(user, path, unread=0):
    kept_context, full_context = _contexts(user, path, unread)
    kept = Template("{% load ui %}{% site_nav %}|{% language_choice %}").render(kept_context)
    full = Template(
        '{% include "_partials/site_nav.html" %}|{% include "_partials/language_choice.html" %}'
    ).render(full_context)
    # Each render masks the token anew (as each page does): compared apart from it.
    return TOKEN.sub(r'\1T"', kept), TOKEN.sub(r'\1T"', full)


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize(
    "path",
    ["/dashboard/", "/exchange/messages/", "/profile/", "/organisations/", "/no-such-page/"],
)
@pytest.mark.parametrize("unread", [0, 1, 12])
def test_the_kept_header_is_what_the_templates_write_for_a_member(language, path, unread, mentee):
    with translation.override(language):
        kept, full = _kept_and_rendered(mentee, path, unread)
    assert kept == full


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_the_kept_header_is_what_the_templates_write_for_admins_staff_and_visitors(
    language, programme_admin, admin_user
):
    with translation.override(language):
        for user in (programme_admin, admin_user, AnonymousUser()):
            for path in ("/dashboard/", "/organisations/"):
                kept, full = _kept_and_rendered(user, path)
                assert kept == full, (user, path)


def test_each_person_sees_their_own_initials_and_their_own_unread_count(
    client, pairing, mentee, mentor
):
    client.force_login(mentee)
    alice = NAV.search(client.get(reverse("home:dashboard")).content.decode())[0]
    assert '<span class="avatar avatar-h' in alice
    assert ">AM</span>" in alice
    assert "nav-badge" not in alice

    message_send(pairing=pairing, sender=mentor, body="How did the talk go?")
    message_send(pairing=pairing, sender=mentor, body="And the slides?")
    zed = ProfileFactory(mentee=True, user__email="zed@example.org", user__display_name="Zed Quinn")
    client.force_login(zed.user)
    zed = NAV.search(client.get(reverse("home:dashboard")).content.decode())[0]
    assert ">ZQ</span>" in zed
    assert ">AM</span>" not in zed

    client.force_login(mentee)
    alice = NAV.search(client.get(reverse("home:dashboard")).content.decode())[0]
    assert '<span aria-hidden="true">2</span>' in alice  # the badge follows the count


def test_people_of_the_same_roles_share_one_kept_header_each_with_their_own_avatar(mentee):
    from branding.templatetags.ui import _kept_render

    others = [
        ProfileFactory(mentee=True, user__display_name=name).user
        for name in ("Zed Quinn", "<b>Ødegård & O'Neil</b>", "x")
    ]
    _kept_render.cache_clear()
    for person in [mentee, *others]:
        kept, full = _kept_and_rendered(person, "/dashboard/")
        assert kept == full, person.display_name
    assert _kept_render.cache_info().currsize == 2  # the header and the language choice
    assert ">X</span>" in kept  # the last person's initials, in the shared header


def test_signing_out_from_the_kept_header_works_with_the_pages_own_token(mentee):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(mentee)
    page = client.get(reverse("home:dashboard")).content.decode()
    tokens = {match[2] for match in TOKEN.finditer(NAV.search(page)[0])}
    assert len(tokens) == 1
    second = client.get(reverse("accounts:profile")).content.decode()
    assert {m[2] for m in TOKEN.finditer(NAV.search(second)[0])} != tokens  # masked per page
    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302
    assert client.get(reverse("home:dashboard")).status_code == 302  # signed out
