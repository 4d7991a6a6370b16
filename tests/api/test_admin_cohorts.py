"""GET /api/v1/admin/cohorts/ and /api/v1/admin/cohorts/{id}/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from oversight.models.health import HealthStatus, PairingHealth
from tests.api.test_admin_access import ADMIN, personal_client, queries_constant
from tests.factories import AppointmentFactory, CohortFactory, EnrolmentFactory, PairingFactory

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
    assert response.json()["needs_you_now"] == {
        "at_risk": 0,
        "attention": 0,
        "snoozed": 0,
        "mentees_waiting": 0,
        "pauses_awaiting": 0,
    }
    assert response.json()["weeks"] == []  # it starts in two weeks


def test_the_detail_counts_the_queue_and_the_weeks_of_a_running_cohort(
    programme_admin, mentor, mentee
):
    today = timezone.localdate()
    cohort = CohortFactory(
        admins=[programme_admin],
        starts_on=today - timedelta(days=15),
        enrolment_deadline=today - timedelta(days=20),
    )
    pairing = PairingFactory(cohort=cohort, mentor=mentor, mentee=mentee)
    PairingHealth.objects.create(
        pairing=pairing, status=HealthStatus.AT_RISK, computed_at=timezone.now()
    )
    AppointmentFactory(pairing=pairing, starts_at=timezone.now() - timedelta(days=2))

    body = personal_client(programme_admin).get(f"{ADMIN}/cohorts/{cohort.pk}/").json()

    assert body["needs_you_now"]["at_risk"] == 1
    assert len(body["weeks"]) in (3, 4)
    assert sum(week["sessions_held"] for week in body["weeks"]) == 1


def test_the_list_reads_as_many_queries_for_30_cohorts_as_for_3(programme_admin):
    def cohorts(n: int) -> None:
        for _ in range(n):
            cohort = CohortFactory(admins=[programme_admin])
            PairingFactory(cohort=cohort)

    cohorts(3)
    queries_constant(
        personal_client(programme_admin), f"{ADMIN}/cohorts/?page_size=100", lambda: cohorts(27)
    )
