"""Pages built by others (allauth, the Django admin) work under the strict Content-Security-
Policy too; the page fixture fails the test if the browser blocked anything."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, ProfileFactory, second_factor_add, totp_code

pytestmark = pytest.mark.e2e


def test_staff_sign_in_and_use_the_admin_without_anything_blocked(page: Page):
    staff = ProfileFactory(
        mentor=True, user__email="staff@example.org", user__display_name="Sam Staff"
    ).user
    staff.is_staff = staff.is_superuser = True
    staff.save(update_fields=["is_staff", "is_superuser"])
    secret = second_factor_add(staff)  # staff must have one

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("staff@example.org")
    page.get_by_role("button", name="Continue").click()  # email first, then the password
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/2fa/" not in url)

    for address, heading in [
        ("/admin/", "Site administration"),
        ("/admin/exchange/message/", "Select message to view"),
        ("/admin/accounts/user/", "Select user to change"),
        ("/accounts/email/", "Email Address"),
        ("/accounts/password/change/", "Change Password"),
        ("/dashboard/", "Sam Staff"),
    ]:
        page.goto(address)
        expect(page.get_by_text(heading).first).to_be_visible()
