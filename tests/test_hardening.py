"""Hostile or mangled input gets a clear refusal, never a server error."""

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/programmes/join/ab%00cd/",
        "/sessions/calendar-feed/ab%00cd.ics",
        "/programmes/cohorts/{cohort}/pairings/?q=a%00b",
        "/programmes/cohorts/{cohort}/?q=a%01b",
        "/programmes/cohorts/{cohort}/?%00=x",
    ],
)
def test_a_control_character_in_the_address_gets_a_clear_400_not_a_500(
    client, programme_admin, cohort, url
):
    client.force_login(programme_admin)

    response = client.get(url.format(cohort=cohort.pk))

    assert response.status_code == 400
    assert "contains a control character" in response.content.decode()


def test_an_ordinary_search_still_works(client, programme_admin, cohort):
    client.force_login(programme_admin)

    response = client.get(f"/programmes/cohorts/{cohort.pk}/pairings/", {"q": "Ada Lovelace"})

    assert response.status_code == 200


def test_every_page_carries_a_strict_content_security_policy_and_a_permissions_policy(client):
    response = client.get("/accounts/login/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_for_a_signed_in_person_are_never_stored(client, mentee):
    anonymous = client.get("/")
    client.force_login(mentee)

    dashboard = client.get("/dashboard/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    export = client.get("/profile/export/")

    assert "no-store" not in anonymous.get("Cache-Control", "")
    assert "no-store" in dashboard["Cache-Control"]
    assert "private" in dashboard["Cache-Control"]
    assert export.status_code == 200
    assert "no-store" in export["Cache-Control"]


def test_the_admin_has_no_login_of_its_own_it_sends_staff_to_the_sites_sign_in(client):
    from accounts.models import User
    from tests.factories import PASSWORD, UserFactory

    staff: User = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)

    shown = client.get("/admin/login/?next=/admin/")
    tried = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})

    assert shown.status_code == 302
    assert shown["Location"].startswith("/accounts/login/?next=")
    assert tried.status_code == 302  # the admin's own form is never processed
    assert client.get("/admin/").status_code == 302  # still not signed in
