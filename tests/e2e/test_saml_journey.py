"""Alice works at Acme, whose people sign in through Acme's SAML identity provider (the test
IdP of tests/saml_idp, with its own login form). She signs in there, comes back signed in to
her cohort, and signing out signs her out at Acme's IdP too. Roger's sign-in comes back signed
by a key Acme's IdP does not publish: he reads that it could not be checked, and is not in."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import CohortFactory, EnrolmentFactory, ProfileFactory
from tests.identity import saml_kit
from tests.identity.saml_kit import linked_user
from tests.saml_idp import PASSWORD

pytestmark = pytest.mark.e2e
saml_idp = saml_kit.saml_idp  # the fixtures of tests/identity, here too
acme = saml_kit.acme


def sign_in_at_the_idp(page: Page, username: str) -> None:
    page.goto("/accounts/saml/acme/login/")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in at the identity provider").click()


def test_alice_signs_in_through_her_organisations_idp_and_out_again(
    page: Page, acme, saml_idp, live_server
):
    alice = linked_user(acme, "alice@acme.example", "Alice Moreau")
    ProfileFactory(user=alice, mentee=True)
    cohort = CohortFactory(name="Acme mentoring 2027", organisation=acme)
    EnrolmentFactory(cohort=cohort, user=alice, role="mentee")

    sign_in_at_the_idp(page, "alice")

    page.wait_for_url(lambda url: url.startswith(live_server.url) and "/accounts/" not in url)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text("Acme mentoring 2027").first).to_be_visible()

    page.get_by_role("button", name="Sign out").click()

    # Through Acme's IdP (LogoutRequest) and back to our front page, signed out.
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    logout = [event for event in saml_idp.events() if "logout_request" in event][-1]
    assert logout["name_id"] == "alice@acme.example"
    page.goto("/dashboard/")
    page.wait_for_url(lambda url: "/accounts/login/" in url)


def test_roger_reads_that_his_sign_in_could_not_be_checked(page: Page, acme, saml_idp, live_server):
    linked_user(acme, "roger@acme.example", "Roger Rogue")

    sign_in_at_the_idp(page, "roger")

    expect(
        page.get_by_role("heading", name="Your organisation's sign-in could not be checked")
    ).to_be_visible()
    expect(page.get_by_text("tell your organisation's IT team")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto("/dashboard/")
    page.wait_for_url(lambda url: "/accounts/login/" in url)
