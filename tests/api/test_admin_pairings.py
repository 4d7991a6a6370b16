"""GET /api/v1/admin/cohorts/{id}/pairings/: the cohort page's pairings table."""

from datetime import timedelta

import pytest
from django.utils import timezone

from oversight.models.health import HealthStatus, PairingHealth
from pairings.models import Pairing
from sessions_app.models import Appointment
from tests.api.test_admin_access import (
    ADMIN,
    organisation_client,
    personal_client,
    queries_constant,
)
from tests.factories import AppointmentFactory, PairingFactory, default_organisation

pytestmark = pytest.mark.django_db


def _health(pairing: Pairing, status: str, **fields: object) -> PairingHealth:
    return PairingHealth.objects.create(
        pairing=pairing, status=status, computed_at=timezone.now(), **fields
    )


def test_a_pairing_comes_with_its_health_reasons_contact_and_first_meeting(
    programme_admin, pairing, cohort
):
    now = timezone.now()
    met = AppointmentFactory(
        pairing=pairing, starts_at=now - timedelta(days=20), mode=Appointment.Mode.IN_PERSON
    )
    AppointmentFactory(pairing=pairing, starts_at=now - timedelta(days=6))
    _health(
        pairing,
        HealthStatus.AT_RISK,
        reasons=[{"code": "silent", "text": "No contact for 35 days"}],
        sessions_expected=3,
        met_in_person=True,
    )

    response = personal_client(programme_admin).get(f"{ADMIN}/cohorts/{cohort.pk}/pairings/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["mentor"]["email"] == "bob@example.org"
    assert row["mentee"]["name"] == "Alice Mentee"
    assert (row["status"], row["health"], row["health_rank"]) == ("active", "at_risk", 0)
    assert row["assessment"]["reasons"] == [{"code": "silent", "text": "No contact for 35 days"}]
    assert row["assessment"]["sessions_expected"] == 3
    assert row["sessions_held"] == 2
    assert row["last_contact"] is not None
    assert row["first_met_in_person_at"].startswith(met.starts_at.date().isoformat())


def test_the_table_filters_by_status_and_health_and_names_a_wrong_filter(
    programme_admin, pairing, cohort
):
    _health(pairing, HealthStatus.NEEDS_ATTENTION)
    quiet = PairingFactory(cohort=cohort)
    _health(quiet, HealthStatus.ON_TRACK)
    proposed = PairingFactory(cohort=cohort, status=Pairing.Status.PROPOSED)
    client = personal_client(programme_admin)
    url = f"{ADMIN}/cohorts/{cohort.pk}/pairings/"

    def ids(**params: str) -> list[int]:
        return [row["id"] for row in client.get(url, params).json()["results"]]

    assert ids() == [pairing.pk, quiet.pk, proposed.pk]  # most serious first
    assert ids(health="attention") == [pairing.pk]
    assert ids(status="proposed") == [proposed.pk]
    assert ids(q="alice") == [pairing.pk]
    assert ids(ordering="-health_rank") == [proposed.pk, quiet.pk, pairing.pk]
    wrong = client.get(url, {"health": "grim"})
    assert wrong.status_code == 400
    assert list(wrong.json()["errors"]) == ["health"]


def test_a_snoozed_flag_reads_snoozed_with_who_snoozed_it(programme_admin, pairing, cohort):
    _health(
        pairing,
        HealthStatus.AT_RISK,
        snoozed_until=timezone.localdate() + timedelta(days=5),
        snoozed_by=programme_admin,
        snooze_note="On holiday",
    )

    [row] = (
        personal_client(programme_admin)
        .get(f"{ADMIN}/cohorts/{cohort.pk}/pairings/", {"health": "snoozed"})
        .json()["results"]
    )

    assert row["health"] == "snoozed"
    assert row["assessment"]["status"] == "at_risk"
    assert row["assessment"]["snoozed_by"] == "Dana Admin"


def test_an_organisation_token_reads_the_pairings(pairing, cohort):
    response = organisation_client(default_organisation()).get(
        f"{ADMIN}/cohorts/{cohort.pk}/pairings/"
    )

    assert [row["id"] for row in response.json()["results"]] == [pairing.pk]


def test_the_list_reads_as_many_queries_for_30_pairings_as_for_3(programme_admin, cohort):
    def pairings(n: int) -> None:
        for _ in range(n):
            pairing = PairingFactory(cohort=cohort)
            _health(pairing, HealthStatus.AT_RISK, snoozed_by=programme_admin)
            AppointmentFactory(pairing=pairing, starts_at=timezone.now() - timedelta(days=3))

    pairings(3)
    queries_constant(
        personal_client(programme_admin),
        f"{ADMIN}/cohorts/{cohort.pk}/pairings/?page_size=100",
        lambda: pairings(27),
    )


def test_cursor_pages_give_every_pairing_once_through_ties(programme_admin, cohort):
    made = {PairingFactory(cohort=cohort).pk for _ in range(5)}  # all "not assessed yet"
    client = personal_client(programme_admin)
    url, seen = f"{ADMIN}/cohorts/{cohort.pk}/pairings/?page_size=2", []

    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]

    assert sorted(seen) == sorted(made)
