"""Who reads which cohorts under /api/v1/admin/: a programme admin their own cohorts, an
organisation's token its organisation's (read-only), a former admin nothing.

The helpers here are shared by the other tests/api/test_admin_*.py modules."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from api.services import api_token_create
from organisations.models import Membership, Organisation, Role
from organisations.services import membership_ensure
from programmes.models import Cohort
from tests.factories import (
    CohortFactory,
    OrganisationFactory,
    UserFactory,
    cohort_admin_add,
    default_organisation,
    second_factor_add,
)

pytestmark = pytest.mark.django_db
ADMIN = "/api/v1/admin"


def bearer(text: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


def personal_client(user: User, scope: str = "read") -> APIClient:
    return bearer(api_token_create(user=user, name="API", scope=scope, expires_at=None)[1])


def organisation_client(organisation: Organisation) -> APIClient:
    """The organisation's reporting token, made by a new owner of it."""
    owner = UserFactory()
    membership_ensure(organisation=organisation, user=owner, role=Role.OWNER)
    _token, text = api_token_create(
        user=owner, name="HR", scope="read", expires_at=None, organisation=organisation
    )
    return bearer(text)


def riverside_cohort() -> Cohort:
    """A cohort of another organisation, run by Oscar (its owner)."""
    riverside = OrganisationFactory(slug="riverside", name="Riverside Council")
    oscar = UserFactory(email="oscar@riverside.example")
    second_factor_add(oscar)
    return CohortFactory(name="Riverside mentors", organisation=riverside, admins=[oscar])


def queries_constant(client: APIClient, url: str, add_rows: Callable[[], None]) -> None:
    """The list answers in as many queries with its rows multiplied tenfold."""
    assert client.get(url).status_code == 200  # the token's last use is written once a minute
    with CaptureQueriesContext(connection) as few:
        first = client.get(url)
    assert first.status_code == 200
    add_rows()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.json()["results"]) > len(first.json()["results"])
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def admin_urls(cohort: Cohort) -> list[str]:
    return [
        f"{ADMIN}/cohorts/{cohort.pk}/",
        f"{ADMIN}/cohorts/{cohort.pk}/enrolments/",
        f"{ADMIN}/cohorts/{cohort.pk}/pairings/",
        f"{ADMIN}/cohorts/{cohort.pk}/sessions/",
        f"{ADMIN}/cohorts/{cohort.pk}/feedback/",
        f"{ADMIN}/cohorts/{cohort.pk}/announcements/",
    ]


def _names(response) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


def test_an_admin_lists_only_the_cohorts_they_run(programme_admin, cohort, other_cohort):
    riverside_cohort()

    response = personal_client(programme_admin).get(f"{ADMIN}/cohorts/")

    assert response.status_code == 200
    assert _names(response) == {"Spring cohort"}


def test_an_organisation_token_reads_every_cohort_of_its_organisation_and_no_other(
    cohort, other_cohort
):
    theirs = riverside_cohort()
    client = organisation_client(default_organisation())

    assert _names(client.get(f"{ADMIN}/cohorts/")) == {"Spring cohort", "Other cohort"}
    assert client.get(f"{ADMIN}/cohorts/{cohort.pk}/").status_code == 200
    for url in admin_urls(theirs):
        assert client.get(url).status_code == 404, url


def test_an_organisation_token_stops_when_its_maker_is_no_longer_an_owner(cohort):
    client = organisation_client(default_organisation())
    Membership.objects.filter(role=Role.OWNER).update(role=Role.MEMBER)

    assert client.get(f"{ADMIN}/cohorts/").status_code == 401


def test_an_admin_gets_404_for_every_address_of_a_cohort_they_do_not_run(
    programme_admin, other_cohort
):
    client = personal_client(programme_admin)

    for url in [*admin_urls(other_cohort), *admin_urls(riverside_cohort())]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code in (403, 404, 405), url


def test_a_former_admin_who_lost_the_role_gets_nothing(programme_admin, cohort):
    client = personal_client(programme_admin)
    assert client.get(f"{ADMIN}/cohorts/{cohort.pk}/").status_code == 200

    Membership.objects.filter(user=programme_admin).update(role=Role.MEMBER)

    assert client.get(f"{ADMIN}/cohorts/").status_code == 403
    for url in admin_urls(cohort):
        assert client.get(url).status_code in (403, 404), url


def test_a_former_admin_still_running_cohorts_elsewhere_sees_only_those(programme_admin, cohort):
    theirs = riverside_cohort()
    cohort_admin_add(theirs, programme_admin)
    Membership.objects.filter(user=programme_admin, organisation=cohort.organisation).update(
        role=Role.MEMBER
    )
    client = personal_client(programme_admin)

    assert _names(client.get(f"{ADMIN}/cohorts/")) == {"Riverside mentors"}
    for url in admin_urls(cohort):
        assert client.get(url).status_code == 404, url


def test_a_participant_gets_403(mentee, cohort):
    response = personal_client(mentee).get(f"{ADMIN}/cohorts/")

    assert response.status_code == 403
    assert "programme admins" in response.json()["detail"]


def test_in_the_browser_an_admin_without_a_second_factor_gets_403(cohort):
    dana = UserFactory()
    cohort_admin_add(cohort, dana)
    client = APIClient()
    client.force_login(dana)

    assert client.get(f"{ADMIN}/cohorts/").status_code == 403
    second_factor_add(dana)
    assert client.get(f"{ADMIN}/cohorts/").status_code == 200


def test_without_credentials_the_admin_api_answers_401(cohort):
    for url in [f"{ADMIN}/cohorts/", *admin_urls(cohort)]:
        assert APIClient().get(url).status_code == 401, url
