"""The pauses on the pairing page, from both partners' side, and the admins' decision page."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import user_make_programme_admin
from pairings.models import PairingPause
from tests.factories import UserFactory, cohort_admin_add

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, noon in London (Alice), 07:00 in New York (Bob).
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _monday_noon():
    with time_machine.travel(NOW, tick=False):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pairing_page(client: Client, pairing) -> str:
    response = client.get(reverse("home:pairing_detail", args=[pairing.pk]))
    assert response.status_code == 200
    return response.content.decode()


def plan(client: Client, pairing, **data):
    return client.post(reverse("pairings:pause_declare", args=[pairing.pk]), data, follow=True)


def test_the_mentee_plans_a_pause_and_her_mentor_sees_it_on_the_pairing_page(
    pairing, mentee, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    alice = signed_in(mentee)
    html = pairing_page(alice, pairing)
    assert "We are pausing" in html
    assert "No pause planned." in html

    with django_capture_on_commit_callbacks(execute=True):
        response = plan(alice, pairing, starts_on="2026-03-09", ends_on="2026-03-22", note="Exams")

    assert response.redirect_chain == [(reverse("home:pairing_detail", args=[pairing.pk]), 302)]
    page = response.content.decode()
    assert "Pause from 9 March 2026 until 22 March 2026 planned; Bob Mentor is told." in page
    assert "Pausing from 9 March until 22 March</strong>: Exams" in page
    assert "planned by you" in page
    assert "Withdraw the pause" in page
    bobs = pairing_page(signed_in(mentor), pairing)
    assert "Pausing from 9 March until 22 March</strong>: Exams" in bobs
    assert "planned by Alice Mentee" in bobs
    assert [m.to for m in mailoutbox] == [[mentor.email]]


def test_a_running_pause_reads_paused_until_its_last_day(pairing, mentee, mentor):
    PairingPause.objects.create(
        pairing=pairing,
        starts_on=date(2026, 2, 23),
        ends_on=date(2026, 3, 3),
        note="Holiday",
        requested_by=mentee,
    )

    html = pairing_page(signed_in(mentor), pairing)

    assert re.search(r"Paused until 3 March</strong>: Holiday\s*<small[^>]*>— planned by", html)
    assert "Alice Mentee" in html
    assert "End the pause now" in html


def test_a_pause_next_year_names_its_year(pairing, mentee):
    PairingPause.objects.create(
        pairing=pairing, starts_on=date(2027, 1, 4), ends_on=date(2027, 1, 8), requested_by=mentee
    )

    assert "Pausing from 4 January 2027 until 8 January 2027" in pairing_page(
        signed_in(mentee), pairing
    )


def test_the_form_has_labels_and_a_refused_one_keeps_what_was_typed_beside_its_error(
    pairing, mentee
):
    alice = signed_in(mentee)
    html = pairing_page(alice, pairing)
    for field, label in (("starts_on", "From"), ("ends_on", "Until"), ("note", "Why (optional)")):
        assert re.search(rf'<label for="id_{field}"[^>]*>{re.escape(label)}:</label>', html)

    response = plan(alice, pairing, starts_on="2026-02-27", ends_on="2026-03-05", note="Exams")

    assert response.status_code == 200
    assert response.redirect_chain == []
    page = response.content.decode()
    assert response.context["form"].errors["starts_on"] == ["A pause cannot start in the past."]
    # The error sits in the field's own group, with the date and the note as typed.
    group = re.search(
        r'<div class="field">(?:(?!<div class="field">).)*id_starts_on.*?</div>', page, re.S
    )
    assert "A pause cannot start in the past." in group.group(0)
    assert 'value="2026-02-27"' in page
    assert 'value="2026-03-05"' in page
    assert ">\nExams</textarea>" in page
    assert '<details class="pause-plan" open>' in page
    assert not PairingPause.objects.exists()


def test_missing_dates_are_asked_for_beside_each_field(pairing, mentee):
    response = plan(signed_in(mentee), pairing, note="Soon")

    errors = response.context["form"].errors
    assert errors["starts_on"] == ["Choose the first day of the pause."]
    assert errors["ends_on"] == ["Choose the last day of the pause."]
    assert ">\nSoon</textarea>" in response.content.decode()


def test_an_overlap_is_refused_on_the_form(pairing, mentee, mentor):
    PairingPause.objects.create(
        pairing=pairing, starts_on=date(2026, 3, 9), ends_on=date(2026, 3, 22), requested_by=mentee
    )

    response = plan(signed_in(mentor), pairing, starts_on="2026-03-20", ends_on="2026-03-30")

    assert "overlaps the pause already planned" in response.content.decode()
    assert PairingPause.objects.count() == 1


def test_a_long_pause_shows_as_waiting_for_the_programme_team(pairing, mentee, mentor):
    response = plan(
        signed_in(mentee), pairing, starts_on="2026-03-09", ends_on="2026-06-06", note="Leave"
    )

    assert "waits for the programme team" in response.content.decode()
    html = pairing_page(signed_in(mentor), pairing)
    assert "Waiting for the programme team" in html
    assert "a pause from 9 March until 6 June (90 days; a pause longer than 42 days" in html


def test_a_partner_withdraws_a_coming_pause_and_ends_a_running_one(pairing, mentee, mentor):
    coming = PairingPause.objects.create(
        pairing=pairing, starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 5), requested_by=mentee
    )
    running = PairingPause.objects.create(
        pairing=pairing, starts_on=date(2026, 2, 20), ends_on=date(2026, 3, 10)
    )
    bob = signed_in(mentor)

    withdrawn = bob.post(reverse("pairings:pause_end", args=[coming.pk]), follow=True)
    ended = bob.post(reverse("pairings:pause_end", args=[running.pk]), follow=True)

    assert "The pause is withdrawn." in withdrawn.content.decode()
    assert "The pause is over: its last day was 1 March 2026." in ended.content.decode()
    coming.refresh_from_db()
    running.refresh_from_db()
    assert coming.status == PairingPause.Status.WITHDRAWN
    assert running.ends_on == date(2026, 3, 1)
    again = bob.post(reverse("pairings:pause_end", args=[coming.pk]), follow=True)
    assert "no longer planned" in again.content.decode()


def test_another_pairings_people_get_404_for_this_pause(pairing, mentee, other_pairing):
    pause = PairingPause.objects.create(
        pairing=pairing, starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 5), requested_by=mentee
    )
    charlie = signed_in(other_pairing.mentee)

    assert charlie.post(reverse("pairings:pause_end", args=[pause.pk])).status_code == 404
    assert (
        charlie.post(
            reverse("pairings:pause_declare", args=[pairing.pk]),
            {"starts_on": "2026-04-10", "ends_on": "2026-04-12"},
        ).status_code
        == 404
    )
    assert PairingPause.objects.count() == 1


def test_the_pairing_page_makes_as_many_queries_with_twenty_pauses_as_with_one(pairing, mentee):
    alice = signed_in(mentee)
    url = reverse("home:pairing_detail", args=[pairing.pk])
    PairingPause.objects.create(
        pairing=pairing, starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 2), requested_by=mentee
    )
    alice.get(url)  # warm: the session, content types
    with CaptureQueriesContext(connection) as one:
        alice.get(url)
    for n in range(1, 20):
        start = date(2026, 4, 10) + timedelta(days=3 * n)
        PairingPause.objects.create(
            pairing=pairing, starts_on=start, ends_on=start, requested_by=mentee
        )

    with CaptureQueriesContext(connection) as twenty:
        html = alice.get(url).content.decode()

    assert html.count("Withdraw the pause") == 20
    assert len(twenty) == len(one)


# --- the admins' decision -------------------------------------------------------------------


@pytest.fixture
def long_pause(pairing, mentee) -> PairingPause:
    return PairingPause.objects.create(
        pairing=pairing,
        starts_on=date(2026, 3, 9),
        ends_on=date(2026, 6, 6),
        note="Parental leave",
        status=PairingPause.Status.AWAITING,
        requested_by=mentee,
    )


def test_the_admin_reads_the_pause_against_the_cohorts_limit_and_agrees(
    long_pause, programme_admin, mentee, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    dana = signed_in(programme_admin)
    url = reverse("pairings:pause_decide", args=[long_pause.pk])

    html = dana.get(url).content.decode()
    assert "Bob Mentor ↔ Alice Mentee" in html
    assert "From 9 March 2026 until 6 June 2026" in html
    assert "90 days; the cohort's limit without an agreement is 42 days" in html
    assert "(48 more)" in html
    assert "Parental leave" in html
    assert '<label for="id_note">' in html
    listing = dana.get(reverse("pairings:pause_awaiting")).content.decode()
    assert url in listing

    with django_capture_on_commit_callbacks(execute=True):
        response = dana.post(url, {"decision": "agree", "note": "Congratulations!"}, follow=True)

    assert "You agreed to the pause; both partners are told." in response.content.decode()
    assert "decided by Dana Admin" in response.content.decode()
    long_pause.refresh_from_db()
    assert long_pause.status == PairingPause.Status.AGREED
    assert sorted(m.to[0] for m in mailoutbox) == [mentee.email, mentor.email]
    assert "Pausing from 9 March until 6 June" in pairing_page(
        signed_in(mentor), long_pause.pairing
    )
    assert url not in dana.get(reverse("pairings:pause_awaiting")).content.decode()


def test_the_admin_declines_and_the_partners_see_the_answer(long_pause, programme_admin, mentor):
    dana = signed_in(programme_admin)

    dana.post(reverse("pairings:pause_decide", args=[long_pause.pk]), {"decision": "decline"})

    long_pause.refresh_from_db()
    assert long_pause.status == PairingPause.Status.DECLINED
    html = pairing_page(signed_in(mentor), long_pause.pairing)
    assert "The programme team did not agree to the pause from 9 March until 6 June" in html


def test_a_decision_without_a_choice_is_refused_on_the_page(long_pause, programme_admin):
    response = signed_in(programme_admin).post(
        reverse("pairings:pause_decide", args=[long_pause.pk]), {"note": "Hmm"}
    )

    assert "Choose to agree or to decline." in response.content.decode()
    assert ">\nHmm</textarea>" in response.content.decode()
    long_pause.refresh_from_db()
    assert long_pause.status == PairingPause.Status.AWAITING


def test_the_partners_cannot_open_the_decision_page(long_pause, mentee, mentor):
    for person in (mentee, mentor):
        client = signed_in(person)
        url = reverse("pairings:pause_decide", args=[long_pause.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"decision": "agree"}).status_code == 403
    long_pause.refresh_from_db()
    assert long_pause.status == PairingPause.Status.AWAITING


def test_an_admin_without_a_second_factor_is_sent_to_set_one_up(long_pause):
    newcomer = UserFactory(email="nina@example.org")
    user_make_programme_admin(user=newcomer)
    cohort_admin_add(long_pause.pairing.cohort, newcomer)

    response = signed_in(newcomer).get(reverse("pairings:pause_decide", args=[long_pause.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")
