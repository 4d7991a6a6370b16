"""Who may open what: anonymous visitors, programme admins and staff."""

import itertools
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import PROGRAMME_ADMINS_GROUP, Profile, User
from programmes.models import Invite
from sessions_app.models import Appointment
from tests.factories import (
    AppointmentFactory,
    CohortFactory,
    EnrolmentFactory,
    PairingFactory,
    ProfileFactory,
    UserFactory,
    second_factor_add,
)

pytestmark = pytest.mark.django_db

# Pages anyone may open. Everything else must send an anonymous visitor to the login page.
PUBLIC = {
    "home",
    "healthz",
    "readyz",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_inactive",
    "account_logout",  # shows "you are not logged in" and a way back
    "programmes:join",  # an invite link: the token is the permission (unknown token: 404)
    "sessions_app:feed",  # a calendar feed: the token is the permission (unknown token: 404)
    "branding:css",  # the organisation's colour and logo: the sign-in page shows them too
    "branding:logo",
    "set_language",  # a visitor's language choice (POST with CSRF; a GET goes back home)
}
# Single sign-on's steps (allauth socialaccount): a visitor is signing in. Each names an
# organisation's identity provider: an unknown one is 404.
SIGN_IN_STEPS = {
    "openid_connect_login",
    "openid_connect_callback",
    "saml_login",
    "saml_acs",
    "saml_finish_acs",
    "saml_sls",
    "saml_metadata",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    "identity:link",  # proving an existing account after the provider's sign-in (else: login)
}
PUBLIC |= SIGN_IN_STEPS
# The SCIM API of organisations' directories (/scim/v2/): not pages, and no sign-in. The bearer
# token is the permission: without a valid one each answers 401 with a SCIM error (tested
# below), with another organisation's token 404 (tests/provisioning).
SCIM_API = {
    "scim:config",
    "scim:resource_types",
    "scim:resource_type",
    "scim:schemas",
    "scim:schema",
    "scim:search",
    "scim:users",
    "scim:users_search",
    "scim:user",
    "scim:groups",
    "scim:groups_search",
    "scim:group",
    "scim:not_found",
}
PUBLIC |= SCIM_API
# The REST API's description: its OpenAPI schema and the Swagger UI that reads it. Public: they
# describe the endpoints, not anyone's data (tests/api/test_schema.py).
API_DOCS = {"api:schema", "api:docs"}
PUBLIC |= API_DOCS
# Prometheus's scrape: not a page, no sign-in; the bearer METRICS_TOKEN is the permission and
# without it the URL answers 404 (tests/ops/test_metrics.py).
METRICS = {"metrics"}
PUBLIC |= METRICS


def _our_named_routes() -> list[tuple[str, URLPattern]]:
    """(name, pattern) for every named route except Django admin's (tested below). Each
    pattern carries `all_converters`: its own and those of the includes above it."""
    found = []

    def walk(patterns: list, namespace: str | None, converters: dict) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                inner = {**converters, **entry.pattern.converters}
                walk(entry.url_patterns, entry.namespace or namespace, inner)
            elif entry.name:
                entry.all_converters = {**converters, **entry.pattern.converters}
                found.append((f"{namespace}:{entry.name}" if namespace else entry.name, entry))

    walk(get_resolver().url_patterns, None, {})
    return found


def _sample_url(name: str, pattern: URLPattern) -> str:
    kwargs = {
        key: "1" if key.endswith("id") or key == "pk" else "sample"
        for key in pattern.all_converters
    }
    try:
        return reverse(name, kwargs=kwargs)
    except Exception:  # a pattern with unnamed groups
        return reverse(name, args=["sample"] * pattern.pattern.regex.groups)


# The REST API's endpoints (/api/v1/): not pages. Without a token or a session each answers 401
# in JSON with a Bearer challenge (tested below), whatever the method.
REST_API = {
    name
    for name, pattern in _our_named_routes()
    if name.startswith("api:") and _sample_url(name, pattern).startswith("/api/v1/")
}
ROUTES = [route for route in _our_named_routes() if route[0] not in PUBLIC | REST_API]


@pytest.mark.parametrize(("name", "pattern"), ROUTES, ids=[name for name, _ in ROUTES])
def test_anonymous_visitors_are_sent_to_login_from_every_private_page(client, name, pattern):
    url = _sample_url(name, pattern)

    response = client.get(url)

    assert response.status_code == 302, url
    assert response.url.startswith(reverse("account_login")), (url, response.url)


def test_the_private_routes_include_the_pages_people_use():
    names = {name for name, _ in ROUTES}

    assert {"home:dashboard", "accounts:profile", "account_email"} <= names


@pytest.mark.parametrize(
    "name",
    sorted(
        PUBLIC
        - {"account_reset_password_from_key", "programmes:join", "sessions_app:feed"}
        - {"branding:logo"}  # 404 until staff upload one
        - SIGN_IN_STEPS
        - SCIM_API
        - METRICS
    ),
)
def test_public_pages_open_without_login(client, name):
    pattern = dict(_our_named_routes())[name]

    response = client.get(_sample_url(name, pattern))

    assert response.status_code in (200, 302), name
    if response.status_code == 302:
        assert not response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(SCIM_API))
def test_the_scim_api_answers_401_without_a_bearer_token(client, name):
    pattern = dict(_our_named_routes())[name]

    response = client.get(_sample_url(name, pattern))

    assert response.status_code == 401, name
    assert response["Content-Type"] == "application/scim+json"
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


@pytest.mark.parametrize("name", sorted(REST_API))
def test_the_rest_api_answers_401_without_a_token_or_session(client, name):
    pattern = dict(_our_named_routes())[name]

    response = client.get(_sample_url(name, pattern))

    assert response.status_code == 401, name
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "detail" in response.json()


def test_the_programme_admins_group_carries_its_permission(programme_admin, mentee):
    group = Group.objects.get(name=PROGRAMME_ADMINS_GROUP)

    assert group.permissions.filter(codename="programme_admin").exists()
    assert User.objects.get(pk=programme_admin.pk).is_programme_admin
    assert not User.objects.get(pk=mentee.pk).is_programme_admin


def test_programme_admins_who_are_not_staff_cannot_open_the_django_admin(client, programme_admin):
    client.force_login(programme_admin)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert "/admin/login/" in response.url


@pytest.mark.parametrize(
    "url_name",
    ["admin:accounts_user_changelist", "admin:accounts_profile_changelist"],
)
def test_staff_can_search_and_filter_people_in_the_admin(client, mentee, mentor, url_name):
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    second_factor_add(staff)
    client.force_login(staff)

    found = client.get(reverse(url_name), {"q": "alice"})
    filtered = client.get(reverse(url_name), {"q": "example.org"})

    assert found.status_code == 200
    assert found.context["cl"].result_count == 1
    assert filtered.context["cl"].result_count >= 2
    assert found.context["cl"].has_filters


def test_the_admin_opens_a_user_with_the_profile_inline(client, mentee):
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    second_factor_add(staff)
    client.force_login(staff)

    response = client.get(reverse("admin:accounts_user_change", args=[mentee.pk]))

    assert response.status_code == 200
    assert Profile.objects.get(user=mentee).headline in response.content.decode()


def test_a_direct_permission_or_superuser_status_also_makes_a_programme_admin(mentee):
    direct = UserFactory(email="direct@example.org")
    direct.user_permissions.add(Permission.objects.get(codename="programme_admin"))
    superuser = UserFactory(email="root@example.org", is_superuser=True)
    retired = UserFactory(email="gone@example.org", is_superuser=True, is_active=False)

    assert User.objects.get(pk=direct.pk).is_programme_admin
    assert User.objects.get(pk=superuser.pk).is_programme_admin
    assert not User.objects.get(pk=retired.pk).is_programme_admin


def test_the_dashboard_query_count_does_not_grow_with_pairings_cohorts_or_sessions(
    client, programme_admin, django_assert_num_queries
):
    ProfileFactory(user=programme_admin, mentor=True, mentee=True)
    client.force_login(programme_admin)
    hours = itertools.count(24)

    def add(n: int) -> None:
        for _ in range(n):
            for pairing in (
                PairingFactory(mentor=programme_admin),
                PairingFactory(mentee=programme_admin),
            ):
                AppointmentFactory(
                    pairing=pairing,
                    starts_at=timezone.now() + timedelta(hours=next(hours)),
                    length=30,
                    mode=Appointment.Mode.CHAT,
                )
            EnrolmentFactory(user=programme_admin)
            Invite.objects.create(
                cohort=CohortFactory(),
                role="mentee",
                email=programme_admin.email,
                expires_at=timezone.now() + timedelta(days=7),
            )

    add(1)
    # session, user, profile, programme-admin check, unread messages (navigation), cohorts,
    # invitations waiting, pairings as mentor (with opportunity answer counts) and as mentee,
    # upcoming sessions, the mentee's latest opportunities, the feedback waiting for an answer
    with django_assert_num_queries(12):
        client.get(reverse("home:dashboard"))
    add(5)
    with django_assert_num_queries(12):
        response = client.get(reverse("home:dashboard"))

    html = response.content.decode()
    assert "You also run programmes" in html
    assert len(re.findall(r'href="/programmes/pairings/\d+/"', html)) == 12
    assert len(re.findall(r'href="/sessions/\d+/"', html)) == 5  # the first five of twelve
