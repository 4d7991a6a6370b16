"""The cohort page's figures and charts come from the shared cache (oversight/live.py): what an
admin does shows at once, the partners' activity within COHORT_FIGURES_CACHE_SECONDS, and the
page says how old its figures are (with its queue and table: test_cohort_page_cache.py).
Needs Redis (LIVE_VERSIONS_CACHED), so not run on SQLite."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from organisations.models import Role
from organisations.services import membership_ensure
from pairings.models import Pairing
from pairings.services.pairings import pairing_close
from tests.factories import (
    PairingFactory,
    UserFactory,
    default_organisation,
    second_factor_add,
)
from tests.oversight.test_cohort_page import NOW, cohort_ten_weeks_in, session, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _figures_cached(settings) -> None:
    settings.LIVE_VERSIONS_CACHED = True  # Redis, as in production
    settings.COHORT_FIGURES_CACHE_SECONDS = 300


@pytest.fixture
def traveller():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def figure(response, label: str) -> int:
    """The number on the figure card with this label."""
    found = re.search(rf"<h3>(\d+)</h3><p>{label}</p>", text_of(response).replace("> <", "><"))
    assert found, label
    return int(found.group(1))


def cohort_page(client, cohort):
    response = client.get(reverse("oversight:cohort_detail", args=[cohort.pk]))
    assert response.status_code == 200
    return response


def test_an_admin_ending_a_pairing_shows_in_the_figures_at_once(client, programme_admin, traveller):
    cohort = cohort_ten_weeks_in(programme_admin, "Spring cohort")
    first, _second = PairingFactory.create_batch(2, cohort=cohort, status=Pairing.Status.ACTIVE)
    client.force_login(programme_admin)
    assert figure(cohort_page(client, cohort), "active pairings") == 2

    pairing_close(pairing=first, by=programme_admin, reason=Pairing.CloseReason.COMPLETED)

    assert figure(cohort_page(client, cohort), "active pairings") == 1


def test_a_session_held_shows_once_the_figures_expire_and_the_page_says_how_old_they_are(
    client, programme_admin, traveller
):
    cohort = cohort_ten_weeks_in(programme_admin, "Spring cohort")
    pairing = PairingFactory(cohort=cohort, status=Pairing.Status.ACTIVE)
    client.force_login(programme_admin)
    with override_settings(COHORT_FIGURES_CACHE_SECONDS=60):
        response = cohort_page(client, cohort)
        assert figure(response, "sessions held this month") == 0
        assert "Figures, queue and table as of 12:00 · updated every minute" in text_of(response)

        session(pairing, ends_at=NOW - timedelta(hours=2))
        response = cohort_page(client, cohort)
        assert figure(response, "sessions held this month") == 0  # a minute late at most
        assert "No contact yet" in text_of(response)  # the table waits with them

        traveller.shift(timedelta(seconds=61))
        response = cohort_page(client, cohort)
        assert figure(response, "sessions held this month") == 1
        assert "No contact yet" not in text_of(response)
        assert "Figures, queue and table as of 12:01 · updated every minute" in text_of(response)

    with override_settings(COHORT_FIGURES_CACHE_SECONDS=300):
        assert "Figures, queue and table as of 12:01 · updated every 5 minutes" in text_of(
            cohort_page(client, cohort)
        )


def this_weeks_sessions(response) -> int:
    return response.context["charts"][0].rows[-1][-1]  # sessions held per week: the last row


def test_admins_in_different_time_zones_do_not_share_their_figures(client, programme_admin):
    """On Wednesday 17 March (the same day in both zones) a session that began at 23:30 UTC on
    Sunday is last week's in UTC and this week's in Berlin, where it was Monday 00:30."""
    berlin = UserFactory(
        email="nia@example.org", display_name="Nia Admin", timezone="Europe/Berlin"
    )
    second_factor_add(berlin)
    membership_ensure(organisation=default_organisation(), user=berlin, role=Role.ADMIN)
    programme_admin.timezone = "UTC"
    programme_admin.save(update_fields=["timezone"])
    with time_machine.travel(datetime(2027, 3, 17, 12, tzinfo=UTC), tick=False):
        cohort = cohort_ten_weeks_in(programme_admin, "Spring cohort")
        cohort.admins.add(berlin)
        pairing = PairingFactory(cohort=cohort, status=Pairing.Status.ACTIVE)
        session(pairing, ends_at=datetime(2027, 3, 15, 0, 30, tzinfo=UTC))

        client.force_login(programme_admin)
        assert this_weeks_sessions(cohort_page(client, cohort)) == 0
        client.force_login(berlin)
        response = cohort_page(client, cohort)
        assert this_weeks_sessions(response) == 1
        assert "Figures, queue and table as of 13:00" in text_of(response)
        client.force_login(programme_admin)
        response = cohort_page(client, cohort)
        assert this_weeks_sessions(response) == 0
        assert "Figures, queue and table as of 12:00" in text_of(response)
