"""Pairings from both sides and from the admins' table; nobody reaches another pairing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from goals.services import goal_create
from pairings.models import ContactAgreement, Pairing
from pairings.selectors.agreements import phone_display
from pairings.services.pauses import pause_declare
from tests.agreements import agreement_reach
from tests.factories import AppointmentFactory, EnrolmentFactory, PairingFactory, ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(cohort, mentor, mentee):
    """Bob is proposed as Alice's mentor; he has one place."""
    EnrolmentFactory(cohort=cohort, user=mentor, role="mentor", capacity=1)
    EnrolmentFactory(cohort=cohort, user=mentee, role="mentee")
    return PairingFactory(
        cohort=cohort,
        mentor=mentor,
        mentee=mentee,
        status=Pairing.Status.PROPOSED,
        accepted_at=None,
        criteria={"field": 1.0, "goals": 0.5},
        score=1.5,
    )


def test_the_mentor_accepts_and_the_mentee_is_told(
    client, proposed, mentor, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    page = client.get(reverse("home:pairing_detail", args=[proposed.pk]))
    assert "Why you were paired" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pairings:pairing_accept", args=[proposed.pk]))

    proposed.refresh_from_db()
    assert proposed.status == Pairing.Status.ACTIVE
    assert ContactAgreement.objects.filter(pairing=proposed).exists()
    assert [m.to for m in mailoutbox] == [[mentee.email]]
    assert "Your mentor is Bob Mentor" in mailoutbox[0].subject


def test_a_full_mentor_cannot_accept_another_mentee(client, proposed, cohort, mentor):
    PairingFactory(cohort=cohort, mentor=mentor)  # his one place is taken
    client.force_login(mentor)

    response = client.post(reverse("pairings:pairing_accept", args=[proposed.pk]), follow=True)

    assert "has no places left" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == Pairing.Status.PROPOSED


def test_only_the_mentor_can_accept(client, proposed, mentee):
    client.force_login(mentee)

    response = client.post(reverse("pairings:pairing_accept", args=[proposed.pk]), follow=True)

    assert "Only the mentor can accept" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == Pairing.Status.PROPOSED


def test_a_decline_goes_back_to_the_admins_with_the_note(
    client, proposed, mentor, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(mentor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("pairings:pairing_decline", args=[proposed.pk]),
            {"note": "I already mentor someone in her team."},
        )

    proposed.refresh_from_db()
    assert proposed.status == Pairing.Status.DECLINED
    assert proposed.decline_note == "I already mentor someone in her team."
    assert [m.to for m in mailoutbox] == [[cohort.admins.get().email]]


def test_either_partner_closes_with_a_reason_and_the_other_is_told(
    client, pairing, mentee, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(mentee)
    url = reverse("pairings:pairing_close", args=[pairing.pk])
    refused = client.post(url, {"note": "No reason given"})
    assert "This field is required" in str(refused.context["form"].errors["reason"])
    assert "No reason given" in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "completed", "note": "We reached the goals."})

    pairing.refresh_from_db()
    assert (pairing.status, pairing.close_reason, pairing.closed_by) == (
        "closed",
        "completed",
        mentee,
    )
    assert [m.to for m in mailoutbox] == [[mentor.email]]


def test_an_admin_of_the_cohort_can_close_a_pairing(client, pairing, programme_admin):
    client.force_login(programme_admin)

    client.post(reverse("pairings:pairing_admin_close", args=[pairing.pk]), {"reason": "rematch"})

    pairing.refresh_from_db()
    assert (pairing.status, pairing.close_reason) == ("closed", "rematch")


@pytest.mark.parametrize(
    "name",
    [
        "home:pairing_detail",
        "pairings:pairing_accept",
        "pairings:pairing_decline",
        "pairings:pairing_close",
    ],
)
def test_someone_from_another_pairing_gets_404_by_changing_the_id(
    client, pairing, other_pairing, other_mentee, name
):
    client.force_login(other_mentee)
    url = reverse(name, args=[pairing.pk])

    response = client.post(url) if name != "home:pairing_detail" else client.get(url)

    assert response.status_code == 404
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE


def test_an_admin_of_another_cohort_cannot_close_or_list_its_pairings(
    client, pairing, other_cohort
):
    from accounts.services import user_make_programme_admin
    from tests.factories import second_factor_add

    outsider = other_cohort.admins.get()
    user_make_programme_admin(user=outsider)
    second_factor_add(outsider)
    client.force_login(outsider)

    close = client.post(
        reverse("pairings:pairing_admin_close", args=[pairing.pk]), {"reason": "rematch"}
    )
    table = client.get(reverse("oversight:cohort_pairings", args=[pairing.cohort_id]))

    assert (close.status_code, table.status_code) == (404, 404)


def test_my_pairings_shows_my_mentor_and_my_mentees(client, pairing, mentee, mentor):
    client.force_login(mentee)
    as_mentee = client.get(reverse("pairings:pairing_list")).content.decode()
    client.force_login(mentor)
    as_mentor = client.get(reverse("pairings:pairing_list")).content.decode()

    assert "My mentor" in as_mentee
    assert "Bob Mentor" in as_mentee
    assert "My mentees" in as_mentor
    assert "Alice Mentee" in as_mentor


def test_no_pairings_yet_says_what_happens_next(client, other_mentee):
    client.force_login(other_mentee)

    html = client.get(reverse("pairings:pairing_list")).content.decode()

    assert "No pairings yet" in html


def test_the_admin_table_filters_sorts_and_keeps_its_query_count(
    client, cohort, programme_admin, django_assert_num_queries
):
    def add(n: int, status: str) -> None:
        for _ in range(n):
            PairingFactory(
                cohort=cohort,
                status=status,
                mentor=ProfileFactory(mentor=True).user,
                mentee=ProfileFactory(mentee=True).user,
            )

    add(1, "active")
    add(1, "declined")
    client.force_login(programme_admin)
    url = reverse("oversight:cohort_pairings", args=[cohort.pk])
    # session, user, permission, second factor, cohort, count, page, the menu's unread count
    with django_assert_num_queries(8):
        client.get(url, {"status": "active", "sort": "score"})
    add(19, "active")
    with django_assert_num_queries(8):
        response = client.get(url, {"status": "active", "sort": "score"})

    page = response.context["page"]
    assert page.paginator.count == 20
    assert all(p.status == "active" for p in page.object_list)
    assert "status=active" in response.context["query"]


def test_another_mentor_cannot_see_or_answer_bobs_proposal(client, proposed, other_pairing):
    client.force_login(other_pairing.mentor)

    assert client.get(reverse("home:pairing_detail", args=[proposed.pk])).status_code == 404
    assert client.post(reverse("pairings:pairing_accept", args=[proposed.pk])).status_code == 404
    proposed.refresh_from_db()
    assert proposed.status == Pairing.Status.PROPOSED


def test_a_mentee_sees_her_own_pairings_reasons_and_never_the_cohorts_scores(
    client, pairing, other_pairing, mentee
):
    other_pairing.score, other_pairing.criteria = 4.321, {"field": 1.0}
    other_pairing.save()
    client.force_login(mentee)

    mine = client.get(reverse("home:pairing_detail", args=[pairing.pk]))
    review = client.get(reverse("matching:match", args=[pairing.cohort_id]))
    table = client.get(reverse("oversight:cohort_pairings", args=[pairing.cohort_id]))

    assert mine.status_code == 200
    assert "4.32" not in mine.content.decode()
    assert (review.status_code, table.status_code) == (403, 403)


def test_closing_a_pairing_cancels_its_upcoming_sessions_and_their_reminders(
    client, pairing, mentee
):
    from datetime import timedelta

    from django.utils import timezone

    from sessions_app.models import Appointment, Reminder
    from sessions_app.services.reminders import reminder_rows_sync

    def session(days: int) -> Appointment:
        appointment = AppointmentFactory(
            pairing=pairing, starts_at=timezone.now() + timedelta(days=days)
        )
        reminder_rows_sync(appointment=appointment)
        return appointment

    past, upcoming = session(-3), session(3)
    client.force_login(mentee)

    client.post(reverse("pairings:pairing_close", args=[pairing.pk]), {"reason": "completed"})

    past.refresh_from_db()
    upcoming.refresh_from_db()
    assert past.status == Appointment.Status.BOOKED  # history stays
    assert upcoming.status == Appointment.Status.CANCELLED
    assert upcoming.cancel_reason == "The pairing has closed."
    assert not Reminder.objects.filter(appointment=upcoming, status="pending").exists()


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_the_status_reads_as_djangos_own_display_gave_it(language):
    """Pairing.get_status_display (cheaper than Django's) gives the same label for each
    status, and the stored value for an unknown one."""
    field = Pairing._meta.get_field("status")
    with translation.override(language):
        for value in [*Pairing.Status.values, "retired"]:
            pairing = Pairing(status=value)

            assert pairing.get_status_display() == Model._get_FIELD_display(pairing, field)
    assert Pairing(status="active").get_status_display() == "Active"


@pytest.mark.parametrize("viewer", ["mentee", "mentor"])
def test_the_pairing_page_reads_the_pairing_its_cohort_and_both_people_in_one_query(
    client, pairing, viewer
):
    """Only what the page shows is read of them (pairing_get_for_page), and nothing is read
    later: a deferred field would be read on its own (SELECT "table"."id", "table"."field" ...).
    The partner's profile and number show, the pause shows who planned it."""
    pairing.mentee.profile.personal_phone = "+447700900123"
    pairing.mentee.profile.headline = "Learning to lead"
    pairing.mentee.profile.save()
    pairing.mentor.profile.personal_phone = "+12125550123"
    pairing.mentor.profile.headline = "Engineering manager"
    pairing.mentor.profile.save()
    agreement_reach(pairing, phone="personal")
    today = timezone.localdate()
    pause_declare(
        pairing=pairing,
        by=pairing.mentee,
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=5),
        note="Exams",
    )
    goal_create(pairing=pairing, by=pairing.mentee, title="Lead a team")
    person = getattr(pairing, viewer)
    partner = pairing.partner_of(person)
    client.force_login(person)
    url = reverse("home:pairing_detail", args=[pairing.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as asked:
        response = client.get(url)

    def rows_read(table: str) -> int:
        return sum(query["sql"].startswith(f'SELECT "{table}"."id"') for query in asked)

    html = response.content.decode()
    assert partner.profile.headline in html
    assert phone_display(partner.profile.personal_phone) in html
    assert "Spring cohort" in html
    assert "Exams" in html
    assert "planned by you" in html if viewer == "mentee" else "planned by Alice Mentee" in html
    assert "Lead a team" in html
    assert rows_read("pairings_pairing") == 1
    assert rows_read("accounts_user") == 1  # the viewer, for the session
    assert rows_read("accounts_profile") == 0
    assert rows_read("programmes_cohort") == 0
    assert rows_read("pairings_pairingpause") == 1
