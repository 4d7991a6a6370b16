"""Feedback: both partners asked after each session, at check-ins and at closing (a row each, an
email within their contact hours), reminded once, and answering on the site.

The beat scan runs here as beat runs it, with the clock frozen by time-machine; Celery runs
eagerly and on-commit work runs, so due emails land in the outbox. Who may read what is in
test_feedback_visibility.py.
"""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import selectors
from feedback.models import Feedback
from feedback.services import FeedbackRefused, feedback_answer
from feedback.tasks import feedback_scan_task
from notifications.models import Notification
from notifications.tasks import notifications_dispatch_task
from pairings.models import Pairing
from pairings.services.pairings import pairing_close
from sessions_app.models import Appointment
from tests.agreements import terms_state
from tests.factories import AppointmentFactory, PairingFactory, ProfileFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
Status = Notification.Status
# Friday 27 March 2026: London is still on GMT (BST starts on Sunday the 29th), New York is
# already on EDT (UTC-4). The session runs 17:00-18:00 UTC.
FRIDAY_17 = datetime(2026, 3, 27, 17, 0, tzinfo=UTC)
AFTER_IT = FRIDAY_17 + timedelta(hours=1, minutes=5)  # 18:05 London, 14:05 New York
# Alice's hours next open on Monday at 09:00 London time, which is BST by then: 08:00 UTC.
MONDAY_9_LONDON = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


# --- helpers -----------------------------------------------------------------------------------


def scan_at(moment: datetime) -> dict[str, int]:
    """Beat's feedback scan at `moment`, with the emails it sends at once."""
    with time_machine.travel(moment, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        return feedback_scan_task()


def dispatch_at(moment: datetime) -> int:
    """Beat's notification scan at `moment`: the held emails whose hours opened go out."""
    with time_machine.travel(moment, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        return notifications_dispatch_task()


def notification_mails(outbox: list) -> list:
    return [mail for mail in outbox if "X-Notification-Ids" in mail.extra_headers]


def form_link(feedback: Feedback) -> str:
    return "http://testserver" + reverse("feedback:feedback_answer", args=[feedback.pk])


def answer(feedback: Feedback, **answers: object) -> Feedback:
    return feedback_answer(feedback=feedback, by=feedback.person, **answers)


def asked_now(pairing: Pairing, hours_ago: int = 2) -> Appointment:
    """A session that ended an hour or so ago, both partners asked about it now."""
    session = AppointmentFactory(
        pairing=pairing, starts_at=timezone.now() - timedelta(hours=hours_ago)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        feedback_scan_task()
    return session


@pytest.fixture
def hours(pairing, mentor, mentee):
    """Both partners stated weekday hours 09:00-17:00: Alice in London, Bob in New York."""
    with time_machine.travel(FRIDAY_17 - timedelta(days=10), tick=False):
        terms_state(pairing, mentee, timezone="Europe/London")
        terms_state(pairing, mentor, timezone="America/New_York")
    return pairing


# --- asking after a session ------------------------------------------------------------------


def test_a_session_that_ended_asks_both_partners_each_within_their_own_hours(
    hours, mentor, mentee, mailoutbox
):
    session = AppointmentFactory(pairing=hours, starts_at=FRIDAY_17)

    assert scan_at(FRIDAY_17 + timedelta(minutes=50))["after_sessions"] == 0  # not over yet
    assert scan_at(AFTER_IT)["after_sessions"] == 2

    rows = {row.person: row for row in Feedback.objects.filter(appointment=session)}
    assert set(rows) == {mentor, mentee}
    assert {(row.kind, row.asked_at, row.answered_at) for row in rows.values()} == {
        (Feedback.Kind.SESSION, AFTER_IT, None)
    }
    bobs = Notification.objects.get(feedback=rows[mentor], kind=Kind.FEEDBACK)
    alices = Notification.objects.get(feedback=rows[mentee], kind=Kind.FEEDBACK)
    # 14:05 in New York is inside Bob's hours: emailed at once.
    assert (bobs.due_at, bobs.status) == (AFTER_IT, Status.SENT)
    [email] = notification_mails(mailoutbox)
    assert email.to == [mentor.email]
    assert (
        email.subject == "[Mentoring] How was your session with Alice Mentee on Fri 27 Mar, 13:00?"
    )
    assert f"Answer (two minutes): {form_link(rows[mentor])}" in email.body
    assert "your partner sees your words only if you share them" in email.body
    # 18:05 in London is past Alice's hours: held until they open on Monday, after the clocks
    # went forward on Sunday.
    assert (alices.due_at, alices.held, alices.status) == (MONDAY_9_LONDON, True, Status.PENDING)

    assert dispatch_at(MONDAY_9_LONDON - timedelta(minutes=1)) == 0
    assert dispatch_at(MONDAY_9_LONDON) == 1
    alices_email = notification_mails(mailoutbox)[-1]
    assert alices_email.to == [mentee.email]
    assert "How was your session with Bob Mentor on Fri 27 Mar, 17:00?" in alices_email.body
    assert form_link(rows[mentee]) in alices_email.alternatives[0][0]


def test_scanning_twice_asks_once(pairing, mentor, mentee, mailoutbox):
    AppointmentFactory(pairing=pairing, starts_at=FRIDAY_17)

    scan_at(AFTER_IT)
    again = scan_at(AFTER_IT + timedelta(minutes=15))

    assert again == {"after_sessions": 0, "check_ins": 0, "closing": 0, "reminded": 0}
    assert Feedback.objects.count() == 2
    assert Notification.objects.filter(kind=Kind.FEEDBACK).count() == 2
    assert sorted(m.to[0] for m in notification_mails(mailoutbox)) == [
        mentee.email,
        mentor.email,
    ]


def test_sessions_cancelled_long_past_or_of_a_closed_pairing_are_not_asked_about(
    pairing, other_pairing
):
    cancelled = AppointmentFactory(pairing=pairing, starts_at=FRIDAY_17)
    Appointment.objects.filter(pk=cancelled.pk).update(status=Appointment.Status.CANCELLED)
    # ended 15 days before the scan
    AppointmentFactory(pairing=pairing, starts_at=FRIDAY_17 - timedelta(days=15))
    AppointmentFactory(pairing=other_pairing, starts_at=FRIDAY_17)
    Pairing.objects.filter(pk=other_pairing.pk).update(status=Pairing.Status.CLOSED)

    assert scan_at(AFTER_IT)["after_sessions"] == 0
    assert not Feedback.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_scans_running_at_once_ask_each_person_once(cohort):
    for n in range(6):
        pairing = PairingFactory(
            cohort=cohort,
            mentor=ProfileFactory(mentor=True).user,
            mentee=ProfileFactory(mentee=True).user,
        )
        AppointmentFactory(pairing=pairing, starts_at=FRIDAY_17 - timedelta(hours=n))
    counts: list[int] = []
    barrier = threading.Barrier(4)

    def scan() -> None:
        try:
            barrier.wait()
            with time_machine.travel(AFTER_IT, tick=False):
                counts.append(feedback_scan_task()["after_sessions"])
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == Feedback.objects.count() == 12
    assert Notification.objects.filter(kind=Kind.FEEDBACK).count() == 12


@pytest.mark.django_db(transaction=True)
def test_a_scan_passes_by_a_session_another_scan_holds_and_the_next_scan_takes_it(pairing):
    session = AppointmentFactory(pairing=pairing, starts_at=FRIDAY_17)
    held, release = threading.Event(), threading.Event()

    def other_scan_holding_it() -> None:
        try:
            with transaction.atomic():
                Appointment.objects.select_for_update().get(pk=session.pk)
                held.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_scan_holding_it)
    thread.start()
    held.wait(10)
    with time_machine.travel(AFTER_IT, tick=False):
        assert feedback_scan_task()["after_sessions"] == 0  # no waiting, no writing
    release.set()
    thread.join()

    with time_machine.travel(AFTER_IT + timedelta(minutes=15), tick=False):
        assert feedback_scan_task()["after_sessions"] == 2
    assert Feedback.objects.filter(appointment=session).count() == 2


# --- reminders --------------------------------------------------------------------------------


def test_an_unanswered_request_is_reminded_once_three_days_later(
    pairing, mentor, mentee, mailoutbox
):
    AppointmentFactory(pairing=pairing, starts_at=FRIDAY_17)
    scan_at(AFTER_IT)
    bobs = Feedback.objects.get(person=mentor)
    with time_machine.travel(AFTER_IT + timedelta(days=1), tick=False):
        answer(bobs, took_place=True, rating=5)

    assert scan_at(AFTER_IT + timedelta(days=3) - timedelta(minutes=1))["reminded"] == 0
    assert scan_at(AFTER_IT + timedelta(days=3))["reminded"] == 1
    assert scan_at(AFTER_IT + timedelta(days=4))["reminded"] == 0
    assert scan_at(AFTER_IT + timedelta(days=9))["reminded"] == 0

    alices = Feedback.objects.get(person=mentee)
    assert alices.reminded_at == AFTER_IT + timedelta(days=3)
    assert Feedback.objects.get(person=mentor).reminded_at is None  # answered: not reminded
    reminders = Notification.objects.filter(kind=Kind.FEEDBACK_REMINDER)
    assert [(n.recipient, n.feedback) for n in reminders] == [(mentee, alices)]
    reminder = notification_mails(mailoutbox)[-1]
    assert reminder.to == [mentee.email]
    assert reminder.subject.startswith("[Mentoring] Reminder: How was your session with Bob")
    assert "This is a reminder" in reminder.body
    assert form_link(alices) in reminder.body
    assert len([m for m in notification_mails(mailoutbox) if m.to == [mentee.email]]) == 2


def test_a_request_answered_on_the_site_before_the_hours_open_is_not_emailed(
    hours, mentee, mailoutbox
):
    AppointmentFactory(pairing=hours, starts_at=FRIDAY_17)
    scan_at(AFTER_IT)
    alices = Feedback.objects.get(person=mentee)
    with time_machine.travel(AFTER_IT + timedelta(hours=3), tick=False):
        answer(alices, took_place=True, rating=4)

    dispatch_at(MONDAY_9_LONDON)

    assert [m.to for m in notification_mails(mailoutbox)] == [[hours.mentor.email]]
    assert Notification.objects.get(feedback=alices).status == Status.SKIPPED


def test_a_request_held_for_a_pairing_closed_since_is_not_emailed(hours, mentee, mailoutbox):
    AppointmentFactory(pairing=hours, starts_at=FRIDAY_17)
    scan_at(AFTER_IT)
    with time_machine.travel(AFTER_IT + timedelta(days=1), tick=False):
        pairing_close(pairing=hours, by=hours.mentor, reason=Pairing.CloseReason.COMPLETED)

    dispatch_at(MONDAY_9_LONDON)

    session_request = Notification.objects.get(
        feedback__person=mentee, feedback__kind=Feedback.Kind.SESSION
    )
    assert session_request.status == Status.SKIPPED
    assert [m.to for m in notification_mails(mailoutbox)] == [[hours.mentor.email]]  # at once


# --- check-ins and closing ------------------------------------------------------------------


def started(pairing: Pairing, at: datetime) -> Pairing:
    Pairing.objects.filter(pk=pairing.pk).update(accepted_at=at)
    return pairing


def check_in_rounds() -> list[tuple[int, int]]:
    return sorted(
        Feedback.objects.filter(kind=Feedback.Kind.CHECK_IN).values_list("person_id", "round")
    )


def test_check_ins_come_after_a_month_and_then_every_two_months(
    pairing, mentor, mentee, mailoutbox
):
    start = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    started(pairing, start)

    assert scan_at(start + timedelta(days=30) - timedelta(minutes=1))["check_ins"] == 0
    assert scan_at(start + timedelta(days=30))["check_ins"] == 2
    assert scan_at(start + timedelta(days=31))["check_ins"] == 0
    assert scan_at(start + timedelta(days=89))["check_ins"] == 0
    assert scan_at(start + timedelta(days=90))["check_ins"] == 2

    assert check_in_rounds() == sorted(
        [(mentor.pk, 1), (mentee.pk, 1), (mentor.pk, 2), (mentee.pk, 2)]
    )
    subjects = {m.subject for m in notification_mails(mailoutbox)}
    assert "[Mentoring] How is your mentoring with Bob Mentor going?" in subjects
    assert "[Mentoring] How is your mentoring with Alice Mentee going?" in subjects


def test_a_pairing_found_late_is_asked_only_its_latest_check_in(pairing):
    start = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    started(pairing, start)

    scan_at(start + timedelta(days=200))  # rounds 1, 2 and 3 (day 150) have all passed

    assert {round_ for _person, round_ in check_in_rounds()} == {3}
    assert len(check_in_rounds()) == 2


def test_a_closed_pairing_asks_both_for_a_closing_reflection_once(
    pairing, mentor, mentee, mailoutbox
):
    closed_at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    with time_machine.travel(closed_at, tick=False):
        pairing_close(pairing=pairing, by=mentee, reason=Pairing.CloseReason.COMPLETED)

    assert scan_at(closed_at + timedelta(minutes=10))["closing"] == 2
    assert scan_at(closed_at + timedelta(minutes=25))["closing"] == 0

    rows = Feedback.objects.filter(kind=Feedback.Kind.CLOSING)
    assert {row.person for row in rows} == {mentor, mentee}
    subjects = sorted(m.subject for m in notification_mails(mailoutbox))
    assert subjects == [
        "[Mentoring] Looking back on your mentoring with Alice Mentee",
        "[Mentoring] Looking back on your mentoring with Bob Mentor",
    ]
    # and no check-ins for it any more, however long it was open
    assert scan_at(closed_at + timedelta(days=29))["check_ins"] == 0


def test_pairings_closed_long_ago_or_never_started_get_no_closing_reflection(
    pairing, other_pairing
):
    Pairing.objects.filter(pk=pairing.pk).update(
        status=Pairing.Status.CLOSED, closed_at=AFTER_IT - timedelta(days=31)
    )
    Pairing.objects.filter(pk=other_pairing.pk).update(
        status=Pairing.Status.CLOSED, closed_at=AFTER_IT - timedelta(days=1), accepted_at=None
    )

    assert scan_at(AFTER_IT)["closing"] == 0


# --- answering --------------------------------------------------------------------------------


def answer_url(feedback: Feedback) -> str:
    return reverse("feedback:feedback_answer", args=[feedback.pk])


@pytest.fixture
def alices_session_feedback(pairing, mentee) -> Feedback:
    session = asked_now(pairing)
    return Feedback.objects.get(appointment=session, person=mentee)


def test_the_form_explains_who_sees_what_and_labels_the_ratings(client, alices_session_feedback):
    client.force_login(alices_session_feedback.person)

    page = client.get(answer_url(alices_session_feedback)).content.decode()

    assert "How was your session with Bob Mentor?" in page
    assert "Did the session take place?" in page
    for label in ("1 · Poor", "3 · All right", "5 · Excellent"):
        assert label in page
    assert 'type="radio" name="rating" value="5"' in page
    assert "Your partner sees your words only if you tick this." in page
    assert "They always see your" in page
    assert "ratings and the answers you chose from a list" in page


def test_answering_saves_and_answering_again_changes_the_answer(client, alices_session_feedback):
    client.force_login(alices_session_feedback.person)
    url = answer_url(alices_session_feedback)

    first = client.post(
        url,
        {
            "took_place": "yes",
            "rating": "4",
            "went_well": "Clear next steps.",
            "share_with_partner": "on",
        },
    )
    assert first.status_code == 302
    assert first["Location"] == reverse("feedback:feedback_list")
    client.post(url, {"took_place": "yes", "rating": "5", "went_well": "Even better."})

    row = Feedback.objects.get(pk=alices_session_feedback.pk)
    assert (row.took_place, row.rating, row.went_well) == (True, 5, "Even better.")
    assert (row.share_with_partner, row.share_with_programme) == (False, False)
    assert row.answered_at is not None
    assert Feedback.objects.filter(person=row.person).count() == 1
    again = client.get(url).content.decode()
    assert "You answered already" in again
    assert re.search(r'<input type="radio" name="rating" value="5"[^>]* checked', again)
    assert not re.search(r'<input type="radio" name="rating" value="4"[^>]* checked', again)


def test_a_refused_answer_keeps_what_was_typed_and_says_what_is_missing(
    client, alices_session_feedback
):
    client.force_login(alices_session_feedback.person)

    response = client.post(
        answer_url(alices_session_feedback),
        {"took_place": "yes", "went_well": "We set a plan.", "share_with_partner": "on"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Please correct the highlighted fields." in page
    assert "Choose one of the five." in page
    assert "We set a plan." in page
    assert re.search(r'<input type="checkbox" name="share_with_partner"[^>]* checked', page)
    assert Feedback.objects.get(pk=alices_session_feedback.pk).answered_at is None


def test_a_session_that_did_not_take_place_keeps_no_rating_and_no_words(
    client, alices_session_feedback
):
    client.force_login(alices_session_feedback.person)

    client.post(
        answer_url(alices_session_feedback),
        {"took_place": "no", "rating": "2", "went_well": "typed first", "share_with_partner": "on"},
    )

    row = Feedback.objects.get(pk=alices_session_feedback.pk)
    assert (row.took_place, row.rating, row.went_well, row.share_with_partner) == (
        False,
        None,
        "",
        False,
    )
    assert row.answered_at is not None


def test_a_session_someone_said_did_not_take_place_reads_missed_and_held_again_if_they_change(
    client, alices_session_feedback
):
    session = alices_session_feedback.appointment
    pages = (
        reverse("sessions_app:detail", args=[session.pk]),
        reverse("sessions_app:pairing_sessions", args=[session.pairing_id]) + "?show=past",
    )
    client.force_login(alices_session_feedback.person)

    client.post(answer_url(alices_session_feedback), {"took_place": "no"})
    detail, listing = (client.get(url).content.decode() for url in pages)
    assert "Missed ·" in detail
    assert "Join the video call" not in detail
    assert "<td>Missed</td>" in listing

    client.post(answer_url(alices_session_feedback), {"took_place": "yes", "rating": "4"})
    detail, listing = (client.get(url).content.decode() for url in pages)
    assert "Held ·" in detail
    assert "<td>Held</td>" in listing


def test_choosing_no_redraws_the_form_with_the_rating_and_words_hidden(
    client, alices_session_feedback
):
    client.force_login(alices_session_feedback.person)
    url = answer_url(alices_session_feedback)

    shown = client.get(url).content.decode()
    hidden = client.post(
        url, {"op": "preview", "took_place": "no", "went_well": "kept"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    back = client.post(
        url, {"op": "preview", "took_place": "yes", "went_well": "kept"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert 'hx-vals=\'{"op": "preview"}\'' in shown
    assert '<div id="feedback-details">' in shown
    assert '<div id="feedback-details" hidden>' in hidden
    assert '<div id="feedback-details">' in back
    assert "kept" in back
    assert "Please correct" not in hidden + back
    assert Feedback.objects.get(pk=alices_session_feedback.pk).answered_at is None


def test_a_check_in_is_answered_with_its_own_questions(client, pairing, mentor):
    started(pairing, timezone.now() - timedelta(days=31))
    with TestCase.captureOnCommitCallbacks(execute=True):
        feedback_scan_task()
    bobs = Feedback.objects.get(person=mentor, kind=Feedback.Kind.CHECK_IN)
    client.force_login(mentor)

    page = client.get(answer_url(bobs)).content.decode()
    refused = client.post(answer_url(bobs), {"satisfaction": "2"})
    client.post(
        answer_url(bobs),
        {
            "satisfaction": "2",
            "contact_working": "partly",
            "wants_help": "on",
            "comments": "Hard to find time.",
        },
    )

    assert "How is your mentoring with Alice Mentee going?" in page
    assert "5 · Very satisfied" in page
    assert "Is the contact you agreed working?" in page
    assert "Did the session take place?" not in page
    assert "Choose yes, partly or no." in refused.content.decode()
    row = Feedback.objects.get(pk=bobs.pk)
    assert (row.satisfaction, row.contact_working, row.wants_help, row.comments) == (
        2,
        "partly",
        True,
        "Hard to find time.",
    )


def test_a_closing_reflection_is_answered_after_the_pairing_closed_but_session_feedback_not(
    client, pairing, mentee
):
    alices_session = Feedback.objects.get(appointment=asked_now(pairing), person=mentee)
    pairing_close(pairing=pairing, by=mentee, reason=Pairing.CloseReason.COMPLETED)
    with TestCase.captureOnCommitCallbacks(execute=True):
        feedback_scan_task()
    closing = Feedback.objects.get(person=mentee, kind=Feedback.Kind.CLOSING)
    client.force_login(mentee)

    refused = client.post(answer_url(alices_session), {"took_place": "yes", "rating": "3"})
    client.post(
        answer_url(closing),
        {"satisfaction": "5", "went_well": "I lead a team now.", "share_with_programme": "on"},
    )

    assert "This pairing has ended: its feedback can be read, not changed." in (
        refused.content.decode()
    )
    assert Feedback.objects.get(pk=alices_session.pk).answered_at is None
    closing.refresh_from_db()
    assert (closing.satisfaction, closing.went_well, closing.share_with_programme) == (
        5,
        "I lead a team now.",
        True,
    )
    with pytest.raises(FeedbackRefused):
        answer(alices_session, took_place=True, rating=3)


def test_a_closing_reflection_closes_thirty_days_after_it_was_asked(pairing, mentee):
    pairing_close(pairing=pairing, by=mentee, reason=Pairing.CloseReason.COMPLETED)
    with TestCase.captureOnCommitCallbacks(execute=True):
        feedback_scan_task()
    closing = Feedback.objects.get(person=mentee, kind=Feedback.Kind.CLOSING)

    with time_machine.travel(timezone.now() + timedelta(days=31)), pytest.raises(FeedbackRefused):
        answer(closing, satisfaction=4)


def test_only_the_person_asked_can_answer(pairing, mentor, alices_session_feedback):
    with pytest.raises(FeedbackRefused):
        feedback_answer(feedback=alices_session_feedback, by=mentor, took_place=True, rating=1)


# --- pages ------------------------------------------------------------------------------------


def test_the_feedback_page_lists_what_waits_and_what_was_answered(client, pairing, mentee):
    waiting = Feedback.objects.get(appointment=asked_now(pairing, hours_ago=2), person=mentee)
    done = Feedback.objects.get(appointment=asked_now(pairing, hours_ago=5), person=mentee)
    answer(done, took_place=True, rating=3, could_be_better="Start on time.")
    client.force_login(mentee)

    page = client.get(reverse("feedback:feedback_list")).content.decode()

    waiting_part, answers_part = page.split('id="history-title"')
    assert answer_url(waiting) in waiting_part
    assert answer_url(done) not in waiting_part
    assert "3 out of 5" in answers_part
    assert "Start on time." in answers_part
    assert "Your words are yours alone: shared with nobody." in answers_part
    assert "Change your answer" in answers_part


def test_what_waits_is_read_as_the_orm_reads_it_by_a_query_compiled_once(
    pairing, mentee, django_assert_num_queries
):
    for hours_ago in (2, 4, 6):
        asked_now(pairing, hours_ago=hours_ago)
    now = timezone.now()
    expected = list(selectors.feedback_listed(selectors.feedback_waiting_for(user=mentee, now=now)))

    for _ in range(2):  # compiled, then from the SQL kept
        with django_assert_num_queries(1):
            found = selectors.feedback_waiting_listed(user=mentee, now=now, limit=2)
            shown = [(row.pk, row.pairing.mentor.name, row.appointment.starts_at) for row in found]
        assert shown == [
            (row.pk, row.pairing.mentor.name, row.appointment.starts_at) for row in expected[:2]
        ]
        assert [row.get_deferred_fields() for row in found] == [
            row.get_deferred_fields() for row in expected[:2]
        ]
    assert len(found) == 2
    assert None not in selectors._WAITING_LISTED._compiled.values()  # kept, not built each time


def test_the_feedback_page_says_so_when_there_is_nothing(client, mentee):
    client.force_login(mentee)

    page = client.get(reverse("feedback:feedback_list")).content.decode()
    shared = client.get(reverse("feedback:feedback_list"), {"show": "shared"})

    assert "Nothing is waiting for you." in page
    assert "You have not answered any feedback yet." in page
    assert "Nothing shared with you yet." in shared.content.decode()


@pytest.mark.parametrize("show", ["mine", "shared"])
def test_the_feedback_page_makes_the_same_queries_for_2_or_20_rows(
    client, pairing, mentor, mentee, show, django_assert_num_queries
):
    def add(n: int) -> None:
        for _ in range(n):
            session = asked_now(pairing, hours_ago=2 * Appointment.objects.count() + 2)
            for row in Feedback.objects.filter(appointment=session):
                if Appointment.objects.count() % 2:  # half answered, half waiting
                    answer(
                        row, took_place=True, rating=4, went_well="Good", share_with_partner=True
                    )

    client.force_login(mentee)
    url = reverse("feedback:feedback_list") + f"?show={show}"
    add(2)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(18)
    with django_assert_num_queries(len(few)):
        response = client.get(url)

    assert Feedback.objects.filter(person=mentee).count() == 20
    assert response.status_code == 200


def test_the_dashboard_prompts_for_waiting_feedback_in_the_same_queries_for_1_or_5(
    client, pairing, mentee, django_assert_num_queries
):
    client.force_login(mentee)
    first = Feedback.objects.get(appointment=asked_now(pairing, hours_ago=2), person=mentee)
    url = reverse("home:dashboard")
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    for n in range(4):
        asked_now(pairing, hours_ago=4 + 2 * n)
    with django_assert_num_queries(len(one)):
        more = client.get(url).content.decode()

    assert "Feedback waiting for you" in page
    assert answer_url(first) in page
    assert "Session with Bob Mentor on" in page
    assert len(re.findall(r'href="/sessions/feedback/\d+/"', more)) == 5
    answer(first, took_place=True, rating=5)
    assert answer_url(first) not in client.get(url).content.decode()


def test_the_session_page_fetches_the_feedback_panel_which_prompts_after_the_session(
    client, pairing, mentee
):
    session = asked_now(pairing)
    mine = Feedback.objects.get(appointment=session, person=mentee)
    client.force_login(mentee)
    panel_url = reverse("feedback:session_feedback", args=[session.pk])

    detail = client.get(reverse("sessions_app:detail", args=[session.pk])).content.decode()
    panel = client.get(panel_url, HTTP_HX_REQUEST="true").content.decode()
    as_page = client.get(panel_url).content.decode()

    assert f'hx-get="{panel_url}"' in detail
    assert "How was it? Tell us in two minutes" in panel
    assert answer_url(mine) in panel
    assert "<html" not in panel
    assert "<html" in as_page
    assert answer_url(mine) in as_page
    answer(mine, took_place=True, rating=4)
    assert "You answered on" in client.get(panel_url, HTTP_HX_REQUEST="true").content.decode()


def test_the_panel_of_a_session_still_to_come_is_empty(client, pairing, mentee):
    session = AppointmentFactory(pairing=pairing, starts_at=timezone.now() + timedelta(days=2))
    client.force_login(mentee)

    panel = client.get(
        reverse("feedback:session_feedback", args=[session.pk]), HTTP_HX_REQUEST="true"
    )

    assert panel.status_code == 200
    assert panel.content.decode().strip() == ""


def test_the_scan_is_in_the_beat_schedule_every_15_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["feedback-scan"]
    assert entry == {"task": "feedback.tasks.feedback_scan_task", "schedule": 900}
