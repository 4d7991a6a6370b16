"""Pairing health: the nightly refresh on real rows, and the admins' snooze (who may, what it
refuses, with and without htmx). The rules alone are in test_health_rules.py."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Model
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.services import user_make_programme_admin
from exchange.models import Message
from feedback.models import Feedback
from home.demo.programmes import DEMO_COHORT, demo_health_load
from oversight.models import HealthSnapshot, HealthStatus, PairingHealth
from oversight.services.health import (
    HealthSnoozeRefused,
    pairing_health_refresh,
    pairing_health_snooze,
    pairing_health_unsnooze,
)
from oversight.tasks.health import pairing_health_refresh_task
from programmes.models import Cohort
from sessions_app.models import Appointment
from tests.agreements import agreement_reach, terms_state
from tests.factories import AppointmentFactory, PairingFactory, ProfileFactory, second_factor_add

# Also run on SQLite by `make test` (the embedded mode must compute the same).
pytestmark = pytest.mark.sqlite_too

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday
TODAY = NOW.date()

ON_TRACK, ATTENTION, AT_RISK = HealthStatus.values


def _ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


# --- the refresh, on real rows ------------------------------------------------------------


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _paired_days_ago(pairing, days: int):
    pairing.accepted_at = NOW - timedelta(days=days)
    pairing.save(update_fields=["accepted_at"])
    return pairing


def _session(pairing, *, ended_days_ago: float, mode: str = "video", status: str = "booked"):
    ends = NOW - timedelta(days=ended_days_ago)
    return AppointmentFactory(
        pairing=pairing, starts_at=ends - timedelta(minutes=45), length=45, mode=mode, status=status
    )


def _message(pairing, *, days_ago: int):
    return Message.objects.create(
        pairing=pairing, sender=pairing.mentee, body="Hello!", created_at=_ago(days_ago)
    )


def _rate(appointment, person, rating: int, *, answered_days_ago: float):
    return Feedback.objects.create(
        kind=Feedback.Kind.SESSION,
        pairing=appointment.pairing,
        person=person,
        appointment=appointment,
        answered_at=_ago(answered_days_ago),
        took_place=True,
        rating=rating,
    )


def _check_in(pairing, person, *, round: int, answered_days_ago: int, **answers):
    return Feedback.objects.create(
        kind=Feedback.Kind.CHECK_IN,
        pairing=pairing,
        person=person,
        round=round,
        answered_at=_ago(answered_days_ago),
        **answers,
    )


def _health(pairing) -> PairingHealth:
    return PairingHealth.objects.get(pairing=pairing)


def _codes(pairing) -> list[str]:
    return [reason["code"] for reason in _health(pairing).reasons]


@pytest.fixture
def healthy(pairing):
    """Bob and Alice, paired 20 days ago: agreed, met in person 6 days ago, wrote yesterday."""
    _paired_days_ago(pairing, 20)
    agreement_reach(pairing)
    _session(pairing, ended_days_ago=6, mode="in_person")
    _message(pairing, days_ago=1)
    return pairing


def test_a_pairing_that_met_twice_then_went_silent_for_35_days_is_at_risk(pairing):
    _paired_days_ago(pairing, 63)
    agreement_reach(pairing)
    _session(pairing, ended_days_ago=49, mode="in_person")
    last = _session(pairing, ended_days_ago=35)
    _message(pairing, days_ago=40)

    assert pairing_health_refresh(pairings=[pairing]) == 1

    health = _health(pairing)
    assert health.status == HealthStatus.AT_RISK
    assert health.reasons[0] == {"code": "silent", "text": "No contact for 35 days"}
    assert (health.sessions_held, health.sessions_expected) == (2, 4)
    assert health.last_contact_at == last.ends_at
    assert health.met_in_person
    assert health.agreement_holds
    assert health.computed_at == NOW


def test_a_healthy_pairing_is_on_track(healthy):
    pairing_health_refresh(pairings=[healthy])

    health = _health(healthy)
    assert (health.status, health.reasons) == (HealthStatus.ON_TRACK, [])
    assert health.last_contact_at == _ago(1)


def test_a_message_is_contact_too(pairing):
    _paired_days_ago(pairing, 63)
    agreement_reach(pairing)
    _session(pairing, ended_days_ago=35, mode="in_person")
    _message(pairing, days_ago=3)

    pairing_health_refresh(pairings=[pairing])

    assert "silent" not in _codes(pairing)
    assert _health(pairing).last_contact_at == _ago(3)


def test_only_sessions_that_took_place_count_as_held(healthy):
    _session(healthy, ended_days_ago=8, status="cancelled")
    _session(healthy, ended_days_ago=-2)  # still to come
    not_held = _session(healthy, ended_days_ago=10, mode="in_person")
    Feedback.objects.create(
        kind=Feedback.Kind.SESSION,
        pairing=healthy,
        person=healthy.mentee,
        appointment=not_held,
        answered_at=_ago(9),
        took_place=False,
    )
    Appointment.objects.filter(pk=not_held.pk).update(reported_not_held=True)  # as answered

    pairing_health_refresh(pairings=[healthy])

    assert _health(healthy).sessions_held == 1  # the in-person one of the fixture


def test_messages_alone_for_two_gaps_are_behind(pairing):
    _paired_days_ago(pairing, 42)
    agreement_reach(pairing)
    _session(pairing, ended_days_ago=30, mode="in_person")
    _message(pairing, days_ago=1)

    pairing_health_refresh(pairings=[pairing])

    health = _health(pairing)
    assert health.status == HealthStatus.NEEDS_ATTENTION
    assert health.reasons == [
        {"code": "behind", "text": "No session held for 30 days, and none booked"}
    ]
    assert (health.sessions_held, health.sessions_expected) == (1, 3)


def test_the_agreement_must_hold_after_the_first_week(healthy):
    """It held; then Alice changed her terms and Bob has not acknowledged them yet."""
    pairing = healthy
    terms_state(pairing, pairing.mentee, channels=["video"], contact_hours=[[0, 9 * 60, 12 * 60]])

    pairing_health_refresh(pairings=[pairing])

    health = _health(pairing)
    assert not health.agreement_holds
    assert health.reasons == [
        {
            "code": "agreement",
            "text": "No contact agreement in place 20 days after they were paired",
        }
    ]


def test_meeting_in_person_when_the_cohort_asks_for_it(pairing, cohort):
    _paired_days_ago(pairing, 20)
    agreement_reach(pairing)
    _session(pairing, ended_days_ago=6, mode="video")
    _message(pairing, days_ago=1)

    pairing_health_refresh(pairings=[pairing])
    assert _codes(pairing) == ["in_person"]

    cohort.first_session_in_person = False
    cohort.save(update_fields=["first_session_in_person"])
    pairing_health_refresh(pairings=[pairing])
    assert _codes(pairing) == []


def test_the_last_three_ratings_count(healthy):
    # Rated in the order they met: the 5 is the oldest answer and falls out of the last three.
    for ended, rating in ((19, 5), (17, 1), (15, 2), (13, 3)):
        appointment = _session(healthy, ended_days_ago=ended)
        _rate(appointment, healthy.mentee, rating, answered_days_ago=ended - 1)

    pairing_health_refresh(pairings=[healthy])

    health = _health(healthy)
    assert health.mean_rating == 2.0
    assert health.reasons == [
        {"code": "low_rating", "text": "The last 3 sessions were rated 2.0 of 5 on average"}
    ]


def test_each_partners_latest_check_in_counts(healthy):
    _check_in(healthy, healthy.mentee, round=1, answered_days_ago=10, satisfaction=1)
    _check_in(healthy, healthy.mentee, round=2, answered_days_ago=2, satisfaction=4)
    _check_in(
        healthy,
        healthy.mentor,
        round=1,
        answered_days_ago=3,
        satisfaction=3,
        contact_working="no",
        wants_help=True,
    )

    pairing_health_refresh(pairings=[healthy])

    health = _health(healthy)
    assert health.status == HealthStatus.AT_RISK
    assert health.reasons == [
        {
            "code": "wants_help",
            "text": "The mentor asked the programme team for help at the last check-in",
        },
        {
            "code": "contact_not_working",
            "text": "The mentor says the agreed contact is not working",
        },
    ]


def test_a_low_satisfaction_check_in_puts_the_pairing_at_risk(healthy):
    _check_in(healthy, healthy.mentee, round=1, answered_days_ago=2, satisfaction=2)

    pairing_health_refresh(pairings=[healthy])

    assert _health(healthy).status == HealthStatus.AT_RISK
    assert _codes(healthy) == ["low_satisfaction"]


def test_the_combination_lists_every_reason_most_serious_first(pairing):
    _paired_days_ago(pairing, 63)
    agreement_reach(pairing, acknowledge=False)
    _session(pairing, ended_days_ago=49, mode="in_person")
    _session(pairing, ended_days_ago=35)
    _check_in(pairing, pairing.mentee, round=1, answered_days_ago=33, wants_help=True)

    pairing_health_refresh(pairings=[pairing])

    assert _health(pairing).status == HealthStatus.AT_RISK
    assert _codes(pairing) == ["silent", "wants_help", "agreement"]


def test_refreshing_twice_in_a_day_keeps_one_snapshot(pairing):
    _paired_days_ago(pairing, 40)
    agreement_reach(pairing)
    _session(pairing, ended_days_ago=35, mode="in_person")  # silent: at risk

    pairing_health_refresh(pairings=[pairing])
    _message(pairing, days_ago=0)
    pairing_health_refresh(pairings=[pairing])

    assert _health(pairing).status != HealthStatus.AT_RISK  # the assessment moves on
    assert list(HealthSnapshot.objects.values_list("day", "status")) == [
        (TODAY, HealthStatus.AT_RISK)  # the day's first assessment
    ]
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        pairing_health_refresh(pairings=[pairing])
    assert HealthSnapshot.objects.filter(pairing=pairing).count() == 2


def test_the_refresh_of_30_pairings_issues_as_many_queries_as_for_one(cohort):
    def busy_pairing():
        pairing = PairingFactory(
            cohort=cohort,
            mentor=ProfileFactory(mentor=True).user,
            mentee=ProfileFactory(mentee=True).user,
        )
        _paired_days_ago(pairing, 40)
        agreement_reach(pairing)
        appointment = _session(pairing, ended_days_ago=10, mode="in_person")
        _rate(appointment, pairing.mentee, 4, answered_days_ago=9)
        _rate(appointment, pairing.mentor, 2, answered_days_ago=9)
        _check_in(pairing, pairing.mentee, round=1, answered_days_ago=5, wants_help=True)
        _message(pairing, days_ago=3)
        return pairing

    one = [busy_pairing()]
    thirty = [busy_pairing() for _ in range(30)]

    with CaptureQueriesContext(connection) as for_one:
        pairing_health_refresh(pairings=one)
    with CaptureQueriesContext(connection) as for_thirty:
        pairing_health_refresh(pairings=thirty)

    # Pairings with facts, session days, message days, pauses, agreements, ratings,
    # check-ins, the organisation's webhook endpoints listening for health changes (one per
    # organisation), lifting snoozes, which were at risk before, the assessments, the
    # snapshots, the channels of chat's receiver for those turned at risk, and the
    # transaction's savepoint and its release.
    assert len(for_thirty) == len(for_one) == 15
    assert PairingHealth.objects.filter(status=HealthStatus.AT_RISK).count() == 31
    assert HealthSnapshot.objects.count() == 31


def test_only_active_pairings_are_assessed(healthy, other_pairing):
    other_pairing.status = "closed"
    other_pairing.save(update_fields=["status"])

    assert pairing_health_refresh() == 1
    assert list(PairingHealth.objects.values_list("pairing_id", flat=True)) == [healthy.pk]


def test_the_nightly_task_refreshes_every_active_pairing(healthy, other_pairing):
    assert pairing_health_refresh_task.delay().get() == 2
    assert PairingHealth.objects.count() == 2


def test_a_snooze_ends_when_the_status_gets_more_serious(pairing, programme_admin):
    _paired_days_ago(pairing, 20)
    agreement_reach(pairing)
    _session(pairing, ended_days_ago=21, mode="in_person")  # 21 days quiet: needs attention
    pairing_health_refresh(pairings=[pairing])
    pairing_health_snooze(
        pairing=pairing, by=programme_admin, until=TODAY + timedelta(days=30), note="On leave"
    )

    with time_machine.travel(NOW + timedelta(days=5), tick=False):
        pairing_health_refresh(pairings=[pairing])  # 26 days: still needs attention
    assert _health(pairing).snoozed_until == TODAY + timedelta(days=30)

    with time_machine.travel(NOW + timedelta(days=14), tick=False):
        pairing_health_refresh(pairings=[pairing])  # 35 days: at risk
    health = _health(pairing)
    assert health.status == HealthStatus.AT_RISK
    assert (health.snoozed_until, health.snooze_note, health.snoozed_by) == (None, "", None)


# --- snoozing -----------------------------------------------------------------------------


@pytest.fixture
def flagged(pairing):
    """Bob and Alice, 22 days without contact: needs attention."""
    _paired_days_ago(pairing, 22)
    agreement_reach(pairing)
    _session(pairing, ended_days_ago=22, mode="in_person")
    pairing_health_refresh(pairings=[pairing])
    assert _health(pairing).status == HealthStatus.NEEDS_ATTENTION
    return pairing


@pytest.fixture
def other_admin(other_cohort):
    """Olga: a programme admin, of the other cohort only."""
    olga = other_cohort.admins.get()
    user_make_programme_admin(user=olga)
    second_factor_add(olga)
    return olga


def _snooze_url(pairing) -> str:
    return reverse("oversight:pairing_health_snooze", args=[pairing.pk])


def _unsnooze_url(pairing) -> str:
    return reverse("oversight:pairing_health_unsnooze", args=[pairing.pk])


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_an_admin_snoozes_a_flag_with_htmx(client, programme_admin, flagged):
    client.force_login(programme_admin)
    until = TODAY + timedelta(days=10)
    form = client.get(_snooze_url(flagged), **HTMX).content.decode()
    assert 'name="until"' in form
    assert "<html" not in form  # the form alone, in place of the button

    response = client.post(
        _snooze_url(flagged), {"until": until.isoformat(), "note": "On leave, back soon"}, **HTMX
    )

    assert response.status_code == 200
    assert response["HX-Trigger"] == "pairing-health-changed"
    page = response.content.decode()
    assert "Snoozed until 12 Mar 2026" in page
    assert "Dana Admin: On leave, back soon" in page
    assert "End snooze" in page
    health = _health(flagged)
    assert (health.snoozed_until, health.snoozed_by) == (until, programme_admin)
    assert health.status == HealthStatus.NEEDS_ATTENTION  # keeps its computed status


def test_an_admin_snoozes_a_flag_without_javascript(client, programme_admin, flagged, cohort):
    client.force_login(programme_admin)
    form_page = client.get(_snooze_url(flagged) + "?next=/cohorts/")
    assert "No contact for 22 days" in form_page.content.decode()
    assert 'name="note"' in form_page.content.decode()

    response = client.post(
        _snooze_url(flagged),
        {"until": (TODAY + timedelta(days=60)).isoformat(), "note": "Exams", "next": "/cohorts/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/cohorts/"
    assert _health(flagged).snoozed_until == TODAY + timedelta(days=60)
    followed = client.get(reverse("oversight:cohort_list"))
    assert "Flag snoozed until 1 May 2026." in followed.content.decode()


def test_a_snooze_goes_back_to_the_cohort_page_rather_than_another_site(
    client, programme_admin, flagged
):
    client.force_login(programme_admin)

    response = client.post(
        _snooze_url(flagged),
        {
            "until": (TODAY + timedelta(days=3)).isoformat(),
            "note": "Moving house",
            "next": "https://evil.example/",
        },
    )

    assert response["Location"] == reverse("oversight:cohort_detail", args=[flagged.cohort_id])


@pytest.mark.parametrize(
    ("until", "note", "error"),
    [
        (TODAY, "On leave", "Choose a day after today."),
        (TODAY - timedelta(days=3), "On leave", "Choose a day after today."),
        (TODAY + timedelta(days=61), "On leave", "Snooze for at most 60 days"),
        (None, "On leave", "Choose the day the flag should show again."),
        (TODAY + timedelta(days=5), "   ", "Say why, for the other admins."),
    ],
    ids=["today", "past", "61 days", "no day", "no note"],
)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_a_refused_snooze_says_why_and_keeps_the_input(
    client, programme_admin, flagged, until, note, error, htmx
):
    client.force_login(programme_admin)
    data = {"until": until.isoformat() if until else "", "note": note}

    response = client.post(_snooze_url(flagged), data, **(HTMX if htmx else {}))

    assert response.status_code == 200
    assert "HX-Trigger" not in response
    page = response.content.decode()
    assert error in page
    assert ("<html" in page) is not htmx  # htmx gets the partial alone, a browser the page
    if note.strip():
        assert f"{note}</textarea>" in page
    if until:
        assert f'value="{until.isoformat()}"' in page
    assert _health(flagged).snoozed_until is None


def test_an_on_track_pairing_has_no_flag_to_snooze(client, programme_admin, healthy):
    pairing_health_refresh(pairings=[healthy])
    client.force_login(programme_admin)

    response = client.post(
        _snooze_url(healthy),
        {"until": (TODAY + timedelta(days=5)).isoformat(), "note": "Just in case"},
        **HTMX,
    )

    assert "This pairing is on track: there is no flag to snooze." in response.content.decode()
    assert _health(healthy).snoozed_until is None


def test_an_admin_ends_a_snooze(client, programme_admin, flagged):
    pairing_health_snooze(
        pairing=flagged, by=programme_admin, until=TODAY + timedelta(days=9), note="Leave"
    )
    client.force_login(programme_admin)

    response = client.post(_unsnooze_url(flagged), **HTMX)

    assert response.status_code == 200
    assert "Snoozed until" not in response.content.decode()
    assert ">Snooze<" in response.content.decode()
    assert _health(flagged).snoozed_until is None

    pairing_health_snooze(
        pairing=flagged, by=programme_admin, until=TODAY + timedelta(days=9), note="Leave"
    )
    response = client.post(_unsnooze_url(flagged), {"next": "/cohorts/"})
    assert response["Location"] == "/cohorts/"
    assert _health(flagged).snoozed_until is None


@pytest.mark.parametrize("who", ["other_admin", "other_mentee", "mentee", "mentor"])
def test_only_the_cohorts_admins_reach_the_snooze(request, client, flagged, programme_admin, who):
    """Changing ids: another cohort's admin, another participant and the partners get 404."""
    pairing_health_snooze(
        pairing=flagged, by=programme_admin, until=TODAY + timedelta(days=9), note="Leave"
    )
    client.force_login(request.getfixturevalue(who))
    data = {"until": (TODAY + timedelta(days=20)).isoformat(), "note": "Mine now"}

    assert client.get(_snooze_url(flagged)).status_code == 404
    assert client.post(_snooze_url(flagged), data).status_code == 404
    assert client.post(_snooze_url(flagged), data, **HTMX).status_code == 404
    assert client.post(_unsnooze_url(flagged)).status_code == 404
    health = _health(flagged)
    assert (health.snoozed_until, health.snooze_note) == (TODAY + timedelta(days=9), "Leave")


def test_a_visitor_is_sent_to_sign_in(client, flagged):
    response = client.post(_unsnooze_url(flagged))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_service_refuses_anyone_but_the_cohorts_admins(flagged, mentor, other_admin):
    for person in (mentor, other_admin):
        with pytest.raises(HealthSnoozeRefused, match="Only the cohort's programme team"):
            pairing_health_snooze(
                pairing=flagged, by=person, until=TODAY + timedelta(days=5), note="x"
            )
        with pytest.raises(HealthSnoozeRefused):
            pairing_health_unsnooze(pairing=flagged, by=person)


def test_the_cohort_page_partial_shows_the_flag_the_snooze_or_nothing(
    rf, programme_admin, flagged, other_pairing
):
    def partial(pairing) -> str:
        request = rf.get("/cohorts/")
        request.user = programme_admin
        pairing.refresh_from_db()
        return render_to_string(
            "oversight/health/_snooze_form.html", {"pairing": pairing}, request=request
        )

    assert ">Snooze<" in partial(flagged)
    assert "?next=/cohorts/" in partial(flagged)
    assert "Snooze" not in partial(other_pairing)  # never assessed
    agreement_reach(other_pairing)
    _session(other_pairing, ended_days_ago=2, mode="in_person")
    pairing_health_refresh(pairings=[other_pairing])
    assert _health(other_pairing).status == HealthStatus.ON_TRACK
    assert "Snooze" not in partial(other_pairing)  # nothing to snooze

    pairing_health_snooze(
        pairing=flagged, by=programme_admin, until=TODAY + timedelta(days=2), note="Travelling"
    )
    assert "Snoozed until 4 Mar 2026" in partial(flagged)
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        assert "Snoozed until" in partial(flagged)  # through its own day
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        shown = partial(flagged)  # the day after: the flag is back
    assert "Snoozed until" not in shown
    assert ">Snooze<" in shown


def test_the_demo_cohort_shows_every_health_status(db):
    call_command("seed_demo", force=True, stdout=StringIO())  # tests run with DEBUG off
    cohort = Cohort.objects.get(name=DEMO_COHORT)

    demo_health_load(cohort=cohort)
    demo_health_load(cohort=cohort)  # a second run changes nothing

    healths = PairingHealth.objects.filter(pairing__cohort=cohort)
    assert set(healths.values_list("status", flat=True)) == set(HealthStatus.values)
    silent = healths.get(status=HealthStatus.AT_RISK)
    assert silent.reasons == [{"code": "silent", "text": "No contact for 35 days"}]
    assert (silent.sessions_held, silent.sessions_expected) == (2, 4)
    assert healths.filter(snoozed_until__isnull=False).count() == 1
    assert HealthSnapshot.objects.filter(pairing__cohort=cohort).count() == healths.count()


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_the_health_status_reads_as_djangos_own_display_gave_it(language):
    """PairingHealth.get_status_display (cheaper than Django's) gives the same label for each
    status, and the stored value for an unknown one."""
    field = PairingHealth._meta.get_field("status")
    with translation.override(language):
        for value in [*HealthStatus.values, "retired"]:
            health = PairingHealth(status=value)

            assert health.get_status_display() == Model._get_FIELD_display(health, field)
    assert PairingHealth(status="at_risk").get_status_display() == "At risk"
