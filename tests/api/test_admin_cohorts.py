"""GET /api/v1/admin/cohorts/ and /api/v1/admin/cohorts/{id}/."""

import pytest

from tests.api.test_admin_access import ADMIN, personal_client, queries_constant
from tests.factories import CohortFactory, EnrolmentFactory, PairingFactory

pytestmark = pytest.mark.django_db


def test_the_list_gives_each_cohort_with_its_head_counts(programme_admin, pairing, cohort):
    EnrolmentFactory(cohort=cohort, role="mentee")

    response = personal_client(programme_admin).get(f"{ADMIN}/cohorts/")

    [row] = response.json()["results"]
    assert row["name"] == "Spring cohort"
    assert row["organisation"]["slug"] == "example"
    assert (row["mentee_count"], row["mentor_count"], row["active_pairing_count"]) == (2, 1, 1)


def test_the_detail_gives_the_figures_of_the_cohort_page(programme_admin, pairing, cohort):
    response = personal_client(programme_admin).get(f"{ADMIN}/cohorts/{cohort.pk}/")

    assert response.status_code == 200
    figures = response.json()["figures"]
    assert figures["mentees"] == 1
    assert figures["matched_percent"] == 100
    assert figures["active_pairings"] == 1
    assert figures["mean_rating"] is None
    assert [r["rating"] for r in figures["ratings"]] == [1, 2, 3, 4, 5]


def test_the_list_reads_as_many_queries_for_30_cohorts_as_for_3(programme_admin):
    def cohorts(n: int) -> None:
        for _ in range(n):
            cohort = CohortFactory(admins=[programme_admin])
            PairingFactory(cohort=cohort)

    cohorts(3)
    queries_constant(
        personal_client(programme_admin), f"{ADMIN}/cohorts/?page_size=100", lambda: cohorts(27)
    )
