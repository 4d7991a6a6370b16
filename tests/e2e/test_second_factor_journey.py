"""Dana, a new programme admin, signs in with her password and is made to set up an
authenticator app before her first admin page; the next time she signs in, the code from the
app is asked too (the test computes it from the secret the page shows, as the app would)."""

import time

import pytest
from playwright.sync_api import Page, expect

from accounts.services import user_make_programme_admin
from tests.factories import PASSWORD, CohortFactory, ProfileFactory, totp_code

pytestmark = pytest.mark.e2e


def sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("dana@example.org")
    page.get_by_role("button", name="Continue").click()  # email first, then the password
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_programme_admin_sets_up_an_authenticator_then_signs_in_with_its_code(page: Page):
    dana = ProfileFactory(user__email="dana@example.org", user__display_name="Dana Admin").user
    user_make_programme_admin(user=dana)
    CohortFactory(name="Autumn leaders", admins=[dana])

    sign_in(page)
    page.goto("/programmes/cohorts/")
    expect(page.get_by_text("protect their account with a second factor")).to_be_visible()
    # Changing one's second factors asks for the password again (allauth's reauthentication).
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    activated_in = int(time.time()) // 30
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Recovery Codes").first).to_be_visible()

    page.goto("/programmes/cohorts/")
    expect(page.get_by_role("link", name="Autumn leaders")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page)
    page.wait_for_url(lambda url: "/2fa/authenticate/" in url)
    expect(page.get_by_role("link", name="Cohorts")).to_have_count(0)  # not signed in yet
    # A code is good once: wait, as a person would, for the app to show the next one.
    while int(time.time()) // 30 == activated_in:
        time.sleep(0.5)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.goto("/programmes/cohorts/")
    expect(page.get_by_role("link", name="Autumn leaders")).to_be_visible()
