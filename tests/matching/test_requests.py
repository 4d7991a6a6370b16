"""Mentee-requests mode: suggested mentors and why, choices, answers, expiry, and races."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import MentorRequest
from matching.selectors.requests import request_page_for_mentee
from matching.services.requests import (
    RequestRefused,
    request_accept,
    request_create,
    requests_expire_due,
)
from matching.tasks.requests import requests_expire_due_task
from pairings.models import ContactAgreement, Pairing
from programmes.models import Cohort, MentorPreference
from tests.factories import CohortFactory, EnrolmentFactory, PairingFactory, ProfileFactory

GOALS = "Lead my first team and get better at presenting."
FULL = "You have no places left in this cohort."


def _mentor(cohort, name, *, capacity=2, years=15, expertise=("finance",), **enrolment):
    """A mentor in London (unless told otherwise), enrolled with weekday hours 09-17."""
    user = ProfileFactory(
        mentor=True,
        user__display_name=name,
        user__email=f"{name.lower()}@example.org",
        expertise=list(expertise),
        years_experience=years,
    ).user
    EnrolmentFactory(cohort=cohort, user=user, role="mentor", capacity=capacity, **enrolment)
    return user


def _mentee(cohort, name, **enrolment):
    user = ProfileFactory(
        mentee=True, user__display_name=name, user__email=f"{name.lower()}@example.org"
    ).user
    return EnrolmentFactory(cohort=cohort, user=user, role="mentee", goals=GOALS, **enrolment)


def _pending(cohort, mentee, mentor, *, days=5):
    return MentorRequest.objects.create(
        cohort=cohort,
        mentee=mentee,
        mentor=mentor,
        expires_at=timezone.now() + timedelta(days=days),
    )


def _subjects(mailoutbox, person):
    prefix = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
    return [m.subject.removeprefix(prefix) for m in mailoutbox if m.to == [person.email]]


def _email(mailoutbox, subject):
    return next(m for m in mailoutbox if m.subject.endswith(subject))


@pytest.fixture
def requests_cohort(programme_admin):
    """Dana's autumn cohort, where mentees request their mentor (5 days to answer)."""
    return CohortFactory(
        name="Autumn cohort",
        admins=[programme_admin],
        matching_mode=Cohort.MatchingMode.REQUESTS,
        request_timeout_days=5,
    )


@pytest.fixture
def alice(requests_cohort, mentee):
    """Alice's mentee enrolment: weekdays 09-17 in London, video and email, in Sales."""
    return EnrolmentFactory(
        cohort=requests_cohort, user=mentee, role="mentee", goals=GOALS, department="Sales"
    )


@pytest.fixture
def bob(requests_cohort, mentor):
    """Bob (New York) knows about teams and presenting; free Mon and Tue 09-11 his time."""
    mentor.profile.expertise = ["team", "presenting"]
    mentor.profile.years_experience = 20
    mentor.profile.save()
    EnrolmentFactory(
        cohort=requests_cohort,
        user=mentor,
        role="mentor",
        capacity=1,
        contact_hours=[[0, 9 * 60, 11 * 60], [1, 9 * 60, 11 * 60]],
    )
    return mentor


@pytest.fixture
def frank(requests_cohort):
    """Frank: a second mentor Alice may choose."""
    return _mentor(requests_cohort, "Frank", years=15)


def _ask(client, cohort, *mentors):
    """Alice (logged in) requests the mentors in this order, running what commits queue."""
    for mentor in mentors:
        response = client.post(
            reverse("matching:request_create", args=[cohort.pk]), {"mentor": mentor.pk}
        )
        assert response.status_code == 302, response.content.decode()


# --- The top five and the why -------------------------------------------------------------------


def test_a_mentee_sees_the_five_best_mentors_with_places_in_order_with_the_why(
    client, requests_cohort, alice, bob
):
    cohort = requests_cohort
    # Same field, hours and channels as Alice; only the seniority gap (Alice has 5 years) differs.
    for name, years in (("Frank", 15), ("Grace", 9), ("Heidi", 8), ("Ivan", 7), ("Judy", 6)):
        _mentor(cohort, name, years=years)
    _mentor(cohort, "Ken", expertise=("team", "presenting"), department="Sales")  # excluded
    leo = _mentor(cohort, "Leo", expertise=("team", "presenting"), capacity=1)
    PairingFactory(cohort=cohort, mentor=leo, mentee=_mentee(cohort, "Mo").user)  # Leo is full

    page = request_page_for_mentee(enrolment=alice)

    assert [o.mentor.name for o in page.options] == [
        "Bob Mentor",
        "Frank",
        "Grace",
        "Heidi",
        "Ivan",
    ]
    assert page.options[0].fit.reasons == [
        "same field (Technology and software)",
        "shares 2 of the goals (presenting, team)",
        "4 h a week of overlapping contact hours",
        "15 more years of experience",
        "both use video call, email",
    ]
    assert page.options[1].fit.reasons == [
        "same field (Technology and software)",
        "6 h a week or more of overlapping contact hours",
        "10 more years of experience",
        "both use video call, email",
    ]
    client.force_login(alice.user)
    html = client.get(reverse("matching:request_choose", args=[cohort.pk])).content.decode()
    names = ["Bob Mentor", "Frank", "Grace", "Heidi", "Ivan"]
    assert [html.index(name) for name in names] == sorted(html.index(name) for name in names)
    assert "4 h a week of overlapping contact hours" in html
    for hidden in ("Judy", "Ken", "Leo"):
        assert hidden not in html
    assert "bob@example.org" not in html


# --- Request, accept, decline -------------------------------------------------------------------


def test_a_request_accepted_starts_the_pairing_with_its_agreement_and_emails(
    client, requests_cohort, alice, bob, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice.user)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, requests_cohort, bob)

    request = MentorRequest.objects.get(mentee=alice.user)
    assert (request.mentor, request.status, request.rank) == (bob, "pending", 1)
    assert abs(request.expires_at - request.created_at - timedelta(days=5)) < timedelta(seconds=5)
    assert _subjects(mailoutbox, bob) == ["Alice Mentee asks you to be their mentor"]
    assert reverse("matching:request_answer", args=[request.pk]) in mailoutbox[0].body

    client.force_login(bob)
    inbox = client.get(reverse("matching:request_inbox")).content.decode()
    assert "Alice Mentee" in inbox
    assert GOALS in inbox
    assert "shares 2 of the goals (presenting, team)" in inbox
    assert "alice@example.org" not in inbox
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matching:request_answer", args=[request.pk]),
            {"decision": "accept", "note": "Happy to help!"},
        )

    assert response.status_code == 302
    pairing = Pairing.objects.get(cohort=requests_cohort, mentee=alice.user)
    assert (pairing.mentor, pairing.status, pairing.source) == (bob, "active", "request")
    assert pairing.criteria["field"] == 1.0
    assert ContactAgreement.objects.filter(pairing=pairing).exists()
    request.refresh_from_db()
    assert (request.status, request.note) == ("accepted", "Happy to help!")
    assert request.answered_at is not None
    assert sorted(_subjects(mailoutbox, alice.user)) == [
        "Bob Mentor accepted your request",
        "Your pairing with Bob Mentor has started",
    ]
    accepted = _email(mailoutbox, "Bob Mentor accepted your request")
    assert "Happy to help!" in accepted.body
    assert "Your pairing with Alice Mentee has started" in _subjects(mailoutbox, bob)
    client.force_login(alice.user)
    page = client.get(reverse("matching:request_choose", args=[requests_cohort.pk]))
    assert "Your mentor is Bob Mentor" in page.content.decode()


def test_a_declined_request_goes_to_the_mentees_next_choice(
    client, requests_cohort, alice, bob, frank, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice.user)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, requests_cohort, bob, frank)
    assert list(MentorRequest.objects.values_list("mentor__display_name", "status")) == [
        ("Bob Mentor", "pending")
    ]  # Frank waits his turn
    first = MentorRequest.objects.get()

    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("matching:request_answer", args=[first.pk]),
            {"decision": "decline", "note": "I am away all of May."},
        )

    first.refresh_from_db()
    assert (first.status, first.note) == ("declined", "I am away all of May.")
    second = MentorRequest.objects.get(status="pending")
    assert (second.mentor, second.rank) == (frank, 2)
    declined = _email(mailoutbox, "Bob Mentor declined your request")
    assert "I am away all of May." in declined.body
    assert "We have sent your request to your next choice, Frank." in declined.body
    assert _subjects(mailoutbox, frank) == ["Alice Mentee asks you to be their mentor"]
    assert list(alice.preferences.values_list("mentor__display_name", "rank")) == [("Frank", 1)]
    assert not Pairing.objects.filter(mentee=alice.user).exists()


def test_withdrawing_the_pending_request_asks_the_next_choice(
    client, requests_cohort, alice, bob, frank, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice.user)
    with django_capture_on_commit_callbacks() as queued:
        _ask(client, requests_cohort, bob, frank)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matching:request_withdraw", args=[requests_cohort.pk, bob.pk])
        )
    for callback in queued:  # Bob's email, had the worker been slow: it no longer goes out
        callback()

    assert response.status_code == 302
    statuses = dict(MentorRequest.objects.values_list("mentor__display_name", "status"))
    assert statuses == {"Bob Mentor": "withdrawn", "Frank": "pending"}
    assert _subjects(mailoutbox, bob) == []
    assert _subjects(mailoutbox, frank) == ["Alice Mentee asks you to be their mentor"]


def test_a_mentee_queues_three_choices_at_most_and_asks_each_mentor_once(
    client, requests_cohort, alice, bob, frank
):
    others = [_mentor(requests_cohort, name) for name in ("Grace", "Heidi")]
    client.force_login(alice.user)
    _ask(client, requests_cohort, bob, frank, others[0])
    url = reverse("matching:request_create", args=[requests_cohort.pk])

    fourth = client.post(url, {"mentor": others[1].pk})
    assert "You have 3 choices already. Withdraw one to choose another mentor." in (
        fourth.content.decode()
    )
    again = client.post(url, {"mentor": frank.pk})
    assert "Frank is already one of your choices." in again.content.decode()
    client.post(reverse("matching:request_withdraw", args=[requests_cohort.pk, bob.pk]))
    with pytest.raises(RequestRefused, match="You asked Bob Mentor before"):
        request_create(enrolment=alice, mentor=bob)
    unknown = client.post(url, {"mentor": 999999})
    assert "Choose one of the mentors suggested to you." in unknown.content.decode()
    assert alice.preferences.count() == 2


def test_a_full_mentor_is_told_so_and_the_request_stays_pending(
    client, requests_cohort, alice, bob, django_capture_on_commit_callbacks
):
    request = _pending(requests_cohort, alice.user, bob)
    PairingFactory(cohort=requests_cohort, mentor=bob, mentee=_mentee(requests_cohort, "Mo").user)
    client.force_login(bob)

    response = client.post(
        reverse("matching:request_answer", args=[request.pk]),
        {"decision": "accept", "note": "Let us try."},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert FULL in html
    assert "Let us try." in html  # what the mentor typed is kept
    request.refresh_from_db()
    assert request.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:request_answer", args=[request.pk]), {"decision": "decline"})
    request.refresh_from_db()
    assert request.status == "declined"


def test_an_answer_without_accept_or_decline_is_refused(client, requests_cohort, alice, bob):
    request = _pending(requests_cohort, alice.user, bob)
    client.force_login(bob)

    response = client.post(reverse("matching:request_answer", args=[request.pk]), {"note": "Hmm."})

    assert "Choose Accept or Decline." in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"


# --- Expiry -------------------------------------------------------------------------------------


def test_an_unanswered_request_expires_and_goes_to_the_next_choice(
    client, requests_cohort, alice, bob, frank, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice.user)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, requests_cohort, bob, frank)
    first = MentorRequest.objects.get()

    with time_machine.travel(first.expires_at - timedelta(minutes=1)):
        assert requests_expire_due(now=timezone.now()) == 0
    with (
        time_machine.travel(first.expires_at + timedelta(minutes=10)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        requests_expire_due_task.delay()
        later = timezone.now()

    first.refresh_from_db()
    assert first.status == "expired"
    second = MentorRequest.objects.get(status="pending")
    assert second.mentor == frank
    assert abs(second.expires_at - later - timedelta(days=5)) < timedelta(seconds=5)
    expired = _email(mailoutbox, "Bob Mentor did not answer your request in time")
    assert "within 5 days" in expired.body
    assert "We have sent your request to your next choice, Frank." in expired.body
    assert _subjects(mailoutbox, frank) == ["Alice Mentee asks you to be their mentor"]
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_expire_due(now=later) == 0  # a second run finds nothing more to do


def _expire_in_thread(results: list, barrier: threading.Barrier, now) -> None:
    try:
        barrier.wait()
        results.append(requests_expire_due(now=now, batch=3))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_scanners_at_once_expire_each_request_exactly_once(mailoutbox):
    cohort = CohortFactory(matching_mode=Cohort.MatchingMode.REQUESTS)
    first, second = _mentor(cohort, "First", capacity=20), _mentor(cohort, "Second", capacity=20)
    for n in range(10):
        enrolment = _mentee(cohort, f"Mentee{n}")
        MentorPreference.objects.create(enrolment=enrolment, mentor=second, rank=1)
        _pending(cohort, enrolment.user, first, days=-1)
    results: list[int] = []
    barrier = threading.Barrier(2)
    scanners = [
        threading.Thread(target=_expire_in_thread, args=(results, barrier, timezone.now()))
        for _ in range(2)
    ]

    for scanner in scanners:
        scanner.start()
    for scanner in scanners:
        scanner.join()

    assert sum(results) == 10
    assert MentorRequest.objects.filter(mentor=first, status="expired").count() == 10
    assert MentorRequest.objects.filter(mentor=second, status="pending").count() == 10
    expired = [m for m in mailoutbox if "did not answer" in m.subject]
    assert len(expired) == len({m.to[0] for m in expired}) == 10
    assert len(_subjects(mailoutbox, second)) == 10


@pytest.mark.django_db(transaction=True)
def test_a_scanner_skips_a_request_another_scanner_holds():
    cohort = CohortFactory(matching_mode=Cohort.MatchingMode.REQUESTS)
    mentor = _mentor(cohort, "Mentor", capacity=5)
    held, *_others = [
        _pending(cohort, _mentee(cohort, f"Mentee{n}").user, mentor, days=-1) for n in range(3)
    ]
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                MentorRequest.objects.select_for_update().get(pk=held.pk)
                holding.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(timeout=10)
    try:
        assert requests_expire_due(now=timezone.now()) == 2
        held.refresh_from_db()
        assert held.status == "pending"
    finally:
        release.set()
        holder.join()
    assert requests_expire_due(now=timezone.now()) == 1
    assert MentorRequest.objects.filter(status="expired").count() == 3


# --- Capacity under simultaneous accepts (PostgreSQL row locks) ---------------------------------


def _accept_in_thread(request_id, mentor, barrier, outcomes) -> None:
    try:
        request = MentorRequest.objects.select_related("cohort").get(pk=request_id)
        barrier.wait()
        try:
            request_accept(mentor_request=request, by=mentor)
        except RequestRefused as exc:
            outcomes.append(str(exc.message))
        else:
            outcomes.append("accepted")
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_a_mentor_with_one_place_accepting_six_requests_at_once_gets_one_pairing(round_):
    cohort = CohortFactory(matching_mode=Cohort.MatchingMode.REQUESTS)
    mentor = _mentor(cohort, f"Solo{round_}", capacity=1)
    requests = [
        _pending(cohort, _mentee(cohort, f"Mentee{round_}x{n}").user, mentor) for n in range(6)
    ]
    barrier = threading.Barrier(len(requests))
    outcomes: list[str] = []
    threads = [
        threading.Thread(target=_accept_in_thread, args=(r.pk, mentor, barrier, outcomes))
        for r in requests
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted(["accepted"] + [FULL] * 5)
    assert Pairing.objects.filter(mentor=mentor, status="active").count() == 1
    assert MentorRequest.objects.filter(mentor=mentor, status="accepted").count() == 1
    assert MentorRequest.objects.filter(mentor=mentor, status="pending").count() == 5


# --- Who may see and do what --------------------------------------------------------------------


def test_another_mentor_gets_404_for_bobs_request(client, requests_cohort, alice, bob, frank):
    request = _pending(requests_cohort, alice.user, bob)
    client.force_login(frank)
    url = reverse("matching:request_answer", args=[request.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "accept"}).status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"
    assert "Alice" not in client.get(reverse("matching:request_inbox")).content.decode()


def test_charlie_gets_404_for_the_choices_of_a_cohort_he_is_not_in(
    client, requests_cohort, alice, bob, other_mentee
):
    client.force_login(other_mentee)

    choose = reverse("matching:request_choose", args=[requests_cohort.pk])
    assert client.get(choose).status_code == 404
    create = reverse("matching:request_create", args=[requests_cohort.pk])
    assert client.post(create, {"mentor": bob.pk}).status_code == 404
    assert not MentorRequest.objects.exists()


def test_a_mentee_gets_404_for_a_choice_that_is_not_hers(client, requests_cohort, alice, bob):
    charlie = _mentee(requests_cohort, "Charlie")
    _pending(requests_cohort, alice.user, bob)
    MentorPreference.objects.create(enrolment=alice, mentor=bob, rank=1)
    client.force_login(charlie.user)

    url = reverse("matching:request_withdraw", args=[requests_cohort.pk, bob.pk])
    assert client.post(url).status_code == 404
    assert MentorRequest.objects.get().status == "pending"


def test_the_choices_page_is_404_in_an_admin_matched_cohort_and_for_a_mentor(
    client, cohort, mentee, requests_cohort, bob
):
    EnrolmentFactory(cohort=cohort, user=mentee, role="mentee")
    client.force_login(mentee)
    assert client.get(reverse("matching:request_choose", args=[cohort.pk])).status_code == 404
    client.force_login(bob)
    url = reverse("matching:request_choose", args=[requests_cohort.pk])
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, requests_cohort, alice, bob):
    request = _pending(requests_cohort, alice.user, bob)
    urls = [
        reverse("matching:request_choose", args=[requests_cohort.pk]),
        reverse("matching:request_inbox"),
        reverse("matching:request_answer", args=[request.pk]),
    ]
    posts = [
        reverse("matching:request_create", args=[requests_cohort.pk]),
        reverse("matching:request_withdraw", args=[requests_cohort.pk, bob.pk]),
        reverse("matching:request_answer", args=[request.pk]),
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    for url in posts:
        response = client.post(url, {"mentor": bob.pk, "decision": "accept"})
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert MentorRequest.objects.get().status == "pending"


# --- Query counts -------------------------------------------------------------------------------


def test_the_inbox_makes_as_many_queries_for_20_requests_as_for_2(
    client, requests_cohort, bob, django_assert_num_queries
):
    bob_enrolment = bob.enrolments.get()
    bob_enrolment.capacity = 20
    bob_enrolment.save()
    for n in range(2):
        _pending(requests_cohort, _mentee(requests_cohort, f"Early{n}").user, bob)
    client.force_login(bob)
    url = reverse("matching:request_inbox")
    client.get(url)  # warm the session and the user
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).content.decode().count('class="mentor-request"') == 2

    for n in range(18):
        _pending(requests_cohort, _mentee(requests_cohort, f"Late{n}").user, bob)

    with django_assert_num_queries(len(two.captured_queries)):
        assert client.get(url).content.decode().count('class="mentor-request"') == 20


def test_the_choices_page_makes_as_many_queries_for_20_mentors_as_for_2(
    client, requests_cohort, alice, django_assert_num_queries
):
    for n in range(2):
        _mentor(requests_cohort, f"Early{n}")
    client.force_login(alice.user)
    url = reverse("matching:request_choose", args=[requests_cohort.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)

    for n in range(18):
        _mentor(requests_cohort, f"Late{n}")

    with django_assert_num_queries(len(two.captured_queries)):
        assert client.get(url).content.decode().count('class="mentor-option"') == 5
