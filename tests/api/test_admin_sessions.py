"""GET /api/v1/admin/cohorts/{id}/sessions/: the cohort's sessions, by time and status."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app.models import Appointment
from tests.api.test_admin_access import (
    ADMIN,
    organisation_client,
    personal_client,
    queries_constant,
)
from tests.factories import AppointmentFactory, PairingFactory, default_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(pairing) -> dict[str, Appointment]:
    now = timezone.now()
    return {
        "held": AppointmentFactory(pairing=pairing, starts_at=now - timedelta(days=9)),
        "missed": AppointmentFactory(
            pairing=pairing, starts_at=now - timedelta(days=6), reported_not_held=True
        ),
        "cancelled": AppointmentFactory(
            pairing=pairing,
            starts_at=now + timedelta(days=1),
            status=Appointment.Status.CANCELLED,
        ),
        "booked": AppointmentFactory(pairing=pairing, starts_at=now + timedelta(days=3)),
    }


def test_each_session_comes_with_its_status_as_the_pages_show_it(programme_admin, cohort, sessions):
    response = personal_client(programme_admin).get(f"{ADMIN}/cohorts/{cohort.pk}/sessions/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["status"] for row in rows] == ["held", "missed", "cancelled", "booked"]
    assert rows[0]["mentor"]["email"] == "bob@example.org"
    assert rows[0]["pairing"] == sessions["held"].pairing_id


@pytest.mark.parametrize("state", ["held", "missed", "cancelled", "booked"])
def test_the_list_filters_by_status(programme_admin, cohort, sessions, state):
    rows = (
        personal_client(programme_admin)
        .get(f"{ADMIN}/cohorts/{cohort.pk}/sessions/", {"status": state})
        .json()["results"]
    )

    assert [row["id"] for row in rows] == [sessions[state].pk]


def test_the_list_filters_by_time_and_names_a_wrong_bound(programme_admin, cohort, sessions):
    client = personal_client(programme_admin)
    url = f"{ADMIN}/cohorts/{cohort.pk}/sessions/"
    now = timezone.now()

    since = client.get(url, {"from": now.isoformat()}).json()["results"]
    window = client.get(
        url, {"from": (now - timedelta(days=7)).isoformat(), "to": now.isoformat()}
    ).json()["results"]
    backwards = client.get(url, {"from": now.isoformat(), "to": now.isoformat()})
    garbled = client.get(url, {"from": "next tuesday"})

    assert [row["id"] for row in since] == [sessions["cancelled"].pk, sessions["booked"].pk]
    assert [row["id"] for row in window] == [sessions["missed"].pk]
    assert backwards.status_code == 400
    assert list(backwards.json()["errors"]) == ["to"]
    assert garbled.status_code == 400
    assert list(garbled.json()["errors"]) == ["from"]


def test_an_organisation_token_reads_the_sessions(cohort, sessions):
    response = organisation_client(default_organisation()).get(
        f"{ADMIN}/cohorts/{cohort.pk}/sessions/"
    )

    assert len(response.json()["results"]) == 4


def test_the_list_reads_as_many_queries_for_30_sessions_as_for_3(programme_admin, cohort):
    def sessions(n: int) -> None:
        for day in range(n):
            pairing = PairingFactory(cohort=cohort)
            AppointmentFactory(pairing=pairing, starts_at=timezone.now() + timedelta(days=day))

    sessions(3)
    queries_constant(
        personal_client(programme_admin),
        f"{ADMIN}/cohorts/{cohort.pk}/sessions/?page_size=100",
        lambda: sessions(27),
    )
