"""Single sign-on in a real Chromium: the organisation's provider (tests/oidc_provider, a real
OpenID Connect provider on 127.0.0.1) shows its own login form."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from organisations.models import Membership
from programmes.models import Invite
from tests.e2e.test_design_crawl import AXE, _check
from tests.factories import PASSWORD, CohortFactory, UserFactory, second_factor_add
from tests.identity import conftest as identity_fixtures
from tests.identity.conftest import PEOPLE, organisation_with_provider

pytestmark = pytest.mark.e2e
oidc_provider = identity_fixtures.oidc_provider  # the test provider, as in tests/identity


def _sign_in_at_the_provider(page: Page, provider, username: str) -> None:
    expect(page).to_have_url(re.compile(rf"^{re.escape(provider.url)}/login/"))
    expect(page.get_by_role("heading", name="Test Identity Provider")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PEOPLE[username][0])
    page.get_by_role("button", name="Sign in to the provider").click()


def test_an_employee_types_her_work_address_signs_in_at_her_provider_and_lands_in_the_cohort(
    new_page: Callable[..., Page], oidc_provider
):
    acme = organisation_with_provider(oidc_provider)
    cohort = CohortFactory(organisation=acme, name="Acme mentoring 2027")
    Invite.objects.create(
        cohort=cohort, role="mentee", expires_at=timezone.now() + timedelta(days=14)
    )
    page = new_page("Europe/London")

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("ada@acme.test")
    page.get_by_role("main").get_by_role("button", name="Continue").click()
    _sign_in_at_the_provider(page, oidc_provider, "ada")

    expect(page.get_by_role("heading", name="Join Acme mentoring 2027", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Join as a mentee").click()
    expect(page.get_by_role("heading", name="Acme mentoring 2027", level=1)).to_be_visible()
    membership = Membership.objects.get(organisation=acme)
    assert (membership.user.display_name, membership.source) == ("Ada Lovelace", "sso")

    page.get_by_role("button", name="Sign out").click()
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_the_same_address_with_a_password_is_refused_when_sso_is_required(
    new_page: Callable[..., Page], oidc_provider
):
    organisation_with_provider(oidc_provider, require_sso=True)
    UserFactory(email="ada@acme.test")  # a password account from before SSO
    page = new_page("Europe/London")

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("ada@example.org")  # her personal address first
    page.get_by_role("main").get_by_role("button", name="Continue").click()
    page.get_by_label("Email").fill("ada@acme.test")  # then her work one, with its password
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Acme signs its people in through its own identity provider")
    expect(alert).to_contain_text("Password sign-in is turned off for addresses at acme.test")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.get_by_role("button", name="Sign in with Acme").click()
    _sign_in_at_the_provider(page, oidc_provider, "ada")
    # Her old account is hers only once she proves it.
    expect(page.get_by_role("heading", name="Connect your account")).to_be_visible()


def test_the_sign_in_pages_and_the_owners_settings_fit_a_phone_and_pass_axe(
    new_page: Callable[..., Page], log_in, oidc_provider
):
    assert AXE.exists(), "axe-core is missing: `make test` installs it (npm, into .test-deps/)"
    acme = organisation_with_provider(oidc_provider, require_sso=True)
    owner = UserFactory(email="owner@example.org")
    Membership.objects.create(organisation=acme, user=owner, role="owner")
    second_factor_add(owner)
    UserFactory(email="ada@acme.test")
    problems: list[str] = []
    for device, width in (("phone", 390), ("desktop", 1280)):
        page = new_page("Europe/London", who=device)
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/accounts/login/")
        _check(page, "sign-in: email", problems)
        page.get_by_label("Email").fill("ada@example.org")
        page.get_by_role("main").get_by_role("button", name="Continue").click()
        # Checked once the next page is there, not while the browser is between the two.
        expect(page.get_by_label(re.compile(r"^Password:?$"))).to_be_visible()
        _check(page, "sign-in: password", problems)
        page.get_by_label("Email").fill("ada@acme.test")
        page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign in with Acme")).to_be_visible()
        _check(page, "sign-in: provider required", problems)
        page.get_by_role("button", name="Sign in with Acme").click()
        _sign_in_at_the_provider(page, oidc_provider, "ada")
        expect(page.get_by_role("heading", name="Connect your account")).to_be_visible()
        _check(page, "connect your account", problems)
        settings_page = new_page("Europe/London", who=f"owner-{device}")
        settings_page.set_viewport_size({"width": width, "height": 900})
        log_in(settings_page, owner)
        settings_page.goto(f"/organisations/{acme.slug}/sign-in/")
        expect(settings_page.get_by_role("heading", name="Sign-in settings")).to_be_visible()
        _check(settings_page, "sign-in settings", problems)

    assert not problems, "\n".join(problems)
