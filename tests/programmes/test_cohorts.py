"""Cohorts for admins; enrolment answers and the mentor directory for participants."""

import re
from datetime import date

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import user_make_programme_admin
from organisations.models import Organisation
from organisations.services import membership_ensure
from programmes.models import Cohort, Enrolment, MentorPreference
from programmes.selectors import cohort_get_for_admin, cohort_get_named_for_admin
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    OrganisationFactory,
    ProfileFactory,
    UserFactory,
    second_factor_add,
)

pytestmark = pytest.mark.django_db

COHORT_FORM = {
    "name": "Autumn leaders",
    "description": "First-time team leads.",
    "starts_on": "2027-01-11",
    "ends_on": "2027-06-30",
    "enrolment_deadline": "2027-01-04",
    "cadence_days": "14",
    "first_session_in_person": "on",
    "matching_mode": "admin",
    "default_mentor_capacity": "2",
    "request_timeout_days": "5",
    **{f"weight_{k}": "1" for k in ("field", "goals", "timezone", "seniority", "channels")},
    "weight_preference": "2",
}


def test_a_programme_admin_creates_a_cohort_and_runs_it(client, programme_admin):
    client.force_login(programme_admin)

    response = client.post(reverse("programmes:cohort_create"), COHORT_FORM)

    cohort = Cohort.objects.get(name="Autumn leaders")
    assert response.url == reverse("oversight:cohort_detail", args=[cohort.pk])
    assert list(cohort.admins.all()) == [programme_admin]
    assert cohort.weight_preference == 2
    assert cohort.starts_on == date(2027, 1, 11)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": "2027-01-01"}, "ends_on", "end after it starts"),
        ({"enrolment_deadline": "2027-07-01"}, "enrolment_deadline", "before the cohort ends"),
        ({"weight_goals": "9"}, "weight_goals", "less than or equal to 5"),
        ({"default_mentor_capacity": "0"}, "default_mentor_capacity", "greater than or equal"),
        ({"name": ""}, "name", "required"),
    ],
)
def test_a_bad_cohort_form_says_why_and_keeps_the_input(
    client, programme_admin, changes, field, message
):
    client.force_login(programme_admin)

    response = client.post(reverse("programmes:cohort_create"), {**COHORT_FORM, **changes})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'value="First-time team leads.' in response.content.decode() or (
        "First-time team leads." in response.content.decode()
    )
    assert not Cohort.objects.exists()


def test_all_weights_at_zero_is_refused(client, programme_admin):
    client.force_login(programme_admin)
    zeros = {k: "0" for k in COHORT_FORM if k.startswith("weight_")}

    response = client.post(reverse("programmes:cohort_create"), {**COHORT_FORM, **zeros})

    assert "at least one matching criterion" in str(response.context["form"].non_field_errors())


def test_people_who_are_not_programme_admins_get_403_on_cohort_pages(client, mentee, cohort):
    client.force_login(mentee)

    for url in (
        reverse("oversight:cohort_list"),
        reverse("programmes:cohort_create"),
        reverse("oversight:cohort_detail", args=[cohort.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_an_admin_gets_404_for_a_cohort_someone_else_runs(client, programme_admin, other_cohort):
    client.force_login(programme_admin)

    for name in (
        "oversight:cohort_detail",
        "programmes:cohort_edit",
        "matching:match",
        "oversight:cohort_pairings",
    ):
        url = reverse(name, args=[other_cohort.pk])
        assert client.get(url).status_code == 404, url


def test_the_cohort_list_shows_head_counts_in_a_fixed_number_of_queries(
    client, programme_admin, django_assert_num_queries
):
    client.force_login(programme_admin)

    def make(n: int) -> None:
        for _ in range(n):
            cohort = CohortFactory(admins=[programme_admin])
            EnrolmentFactory(cohort=cohort, role="mentee")

    make(2)
    # session, user, permission check, second factor, count, page, the menu's unread count
    with django_assert_num_queries(7):
        client.get(reverse("oversight:cohort_list"))
    make(18)
    with django_assert_num_queries(7):
        response = client.get(reverse("oversight:cohort_list"))
    assert response.context["page"].paginator.count == 20


def test_a_mentee_answers_for_the_cohort_with_ranked_mentor_choices(client, cohort, mentee):
    enrolment = EnrolmentFactory(cohort=cohort, user=mentee, role="mentee", answered_at=None)
    first = EnrolmentFactory(cohort=cohort, role="mentor").user
    second = EnrolmentFactory(cohort=cohort, role="mentor").user
    avoided = EnrolmentFactory(cohort=cohort, role="mentor").user
    client.force_login(mentee)

    response = client.post(
        reverse("programmes:enrolment", args=[cohort.pk, "mentee"]),
        {
            "goals": "Run better one-to-ones.",
            "channels": ["video", "in_person"],
            "weekday_from": "08:30",
            "weekday_to": "12:00",
            "weekends": "on",
            "first_choice": second.pk,
            "second_choice": first.pk,
            "avoid": [avoided.pk],
        },
    )

    assert response.url == reverse("home:dashboard")
    enrolment.refresh_from_db()
    assert enrolment.goals == "Run better one-to-ones."
    assert enrolment.contact_hours == [[day, 510, 720] for day in range(7)]
    assert [p.mentor_id for p in enrolment.preferences.all()] == [second.pk, first.pk]
    assert list(enrolment.avoid.all()) == [avoided]
    assert enrolment.answered_at is not None


def test_the_must_not_list_offers_only_mentors_never_the_other_mentees(client, cohort, mentee):
    EnrolmentFactory(cohort=cohort, user=mentee, role="mentee")
    a_mentor = EnrolmentFactory(cohort=cohort, role="mentor").user
    another_mentee = EnrolmentFactory(cohort=cohort, role="mentee").user
    client.force_login(mentee)

    response = client.get(reverse("programmes:enrolment", args=[cohort.pk, "mentee"]))

    offered = set(response.context["form"].fields["avoid"].queryset)
    assert offered == {a_mentor}
    assert another_mentee.name not in response.content.decode()


def test_a_mentee_cannot_want_and_avoid_the_same_mentor(client, cohort, mentee):
    EnrolmentFactory(cohort=cohort, user=mentee, role="mentee")
    mentor = EnrolmentFactory(cohort=cohort, role="mentor").user
    client.force_login(mentee)

    response = client.post(
        reverse("programmes:enrolment", args=[cohort.pk, "mentee"]),
        {
            "goals": "Grow.",
            "channels": ["video"],
            "weekday_from": "09:00",
            "weekday_to": "17:00",
            "first_choice": mentor.pk,
            "avoid": [mentor.pk],
        },
    )

    assert response.status_code == 200
    assert "cannot both want and avoid" in str(response.context["form"].errors["avoid"])
    assert "Grow." in response.content.decode()


def test_the_answers_page_lists_any_number_of_mentors_in_a_fixed_number_of_queries(
    client, cohort, mentee, django_assert_num_queries
):
    enrolment = EnrolmentFactory(cohort=cohort, user=mentee, role="mentee")
    EnrolmentFactory(cohort=cohort, role="mentor")
    client.force_login(mentee)
    url = reverse("programmes:enrolment", args=[cohort.pk, "mentee"])
    # session, user, enrolment, questions, ranked choices, people avoided, the mentors (once
    # for the three choice lists and the avoid list), the menu's unread count and admin link
    with django_assert_num_queries(9):
        client.get(url)
    mentors = [EnrolmentFactory(cohort=cohort, role="mentor").user for _ in range(5)]
    enrolment.avoid.set(mentors[:2])
    with django_assert_num_queries(9):
        response = client.get(url)

    page = response.content.decode()
    assert all(page.count(f'<option value="{m.pk}"') == 3 for m in mentors)
    assert page.count('type="checkbox" name="avoid"') == 6
    checked = re.findall(r'name="avoid" value="(\d+)" id="id_avoid_\d+" checked', page)
    assert sorted(map(int, checked)) == sorted(m.pk for m in mentors[:2])


def test_a_mentee_of_a_requests_cohort_answers_without_ranking_mentors(client, cohort, mentee):
    cohort.matching_mode = Cohort.MatchingMode.REQUESTS
    cohort.save()
    enrolment = EnrolmentFactory(cohort=cohort, user=mentee, role="mentee")
    mentor = EnrolmentFactory(cohort=cohort, role="mentor").user
    client.force_login(mentee)
    url = reverse("programmes:enrolment", args=[cohort.pk, "mentee"])

    page = client.get(url)
    saved = client.post(
        url,
        {
            "goals": "Grow.",
            "channels": ["video"],
            "weekday_from": "09:00",
            "weekday_to": "17:00",
            "avoid": [mentor.pk],
        },
    )

    assert page.status_code == 200
    assert 'name="first_choice"' not in page.content.decode()
    assert f'name="avoid" value="{mentor.pk}"' in page.content.decode()
    assert saved.url == reverse("home:dashboard")
    assert list(enrolment.avoid.all()) == [mentor]


def test_a_mentor_confirms_capacity_for_the_cohort(client, cohort, mentor):
    enrolment = EnrolmentFactory(cohort=cohort, user=mentor, role="mentor", capacity=2)
    client.force_login(mentor)
    url = reverse("programmes:enrolment", args=[cohort.pk, "mentor"])

    refused = client.post(
        url,
        {"channels": ["video"], "weekday_from": "17:00", "weekday_to": "09:00", "capacity": "30"},
    )
    client.post(
        url,
        {"channels": ["phone"], "weekday_from": "18:00", "weekday_to": "20:00", "capacity": "4"},
    )

    errors = refused.context["form"].errors
    assert "less than or equal to 20" in str(errors["capacity"])
    assert "after the start" in str(errors["weekday_to"])
    enrolment.refresh_from_db()
    assert (enrolment.capacity, enrolment.channels) == (4, ["phone"])


def test_nobody_answers_for_a_cohort_they_are_not_in(client, cohort, other_mentee):
    client.force_login(other_mentee)

    response = client.get(reverse("programmes:enrolment", args=[cohort.pk, "mentee"]))

    assert response.status_code == 404


def test_the_directory_shows_mentor_profiles_but_never_contact_details(client, cohort, mentee):
    EnrolmentFactory(cohort=cohort, user=mentee, role="mentee")
    profile = ProfileFactory(
        mentor=True,
        user__display_name="Grace Mentor",
        work_phone="+442079460958",
        personal_phone="+447700900123",
    )
    EnrolmentFactory(cohort=cohort, user=profile.user, role="mentor")
    client.force_login(mentee)

    html = client.get(reverse("programmes:directory", args=[cohort.pk])).content.decode()

    assert "Grace Mentor" in html
    assert "leadership" in html
    assert "7946" not in html
    assert "7700" not in html
    assert profile.user.email not in html


def test_outsiders_get_404_for_a_cohort_directory(client, cohort):
    client.force_login(UserFactory())

    assert client.get(reverse("programmes:directory", args=[cohort.pk])).status_code == 404


def test_enrolment_is_unique_per_role(cohort, mentee):
    from programmes.services.enrolments import enrolment_join

    first = enrolment_join(cohort=cohort, user=mentee, role="mentee")
    again = enrolment_join(cohort=cohort, user=mentee, role="mentee")

    assert first.pk == again.pk
    assert Enrolment.objects.filter(cohort=cohort, user=mentee).count() == 1


def test_an_admin_of_no_organisation_is_told_whom_to_ask(client):
    lone = UserFactory(email="lone@example.org")
    user_make_programme_admin(user=lone)
    second_factor_add(lone)
    client.force_login(lone)

    response = client.get(reverse("programmes:cohort_create"), follow=True)

    assert "Ask your organisation&#x27;s owner" in response.content.decode()
    assert not Cohort.objects.exists()


def test_staff_of_no_organisation_are_sent_to_create_one(client):
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    second_factor_add(staff)
    client.force_login(staff)

    response = client.get(reverse("programmes:cohort_create"))

    assert response["Location"] == reverse("admin:organisations_organisation_add")


def test_a_cohort_cannot_be_made_in_an_organisation_its_creator_does_not_run(
    client, programme_admin
):
    elsewhere = OrganisationFactory(slug="elsewhere")
    client.force_login(programme_admin)
    OrganisationFactory(slug="mine-too")
    membership_ensure(
        organisation=Organisation.objects.get(slug="mine-too"), user=programme_admin, role="admin"
    )

    response = client.post(
        reverse("programmes:cohort_create"), {**COHORT_FORM, "organisation": elsewhere.pk}
    )

    assert response.status_code == 200
    assert "Choose one of the organisations you run cohorts for" in response.content.decode()
    assert not Cohort.objects.filter(organisation=elsewhere).exists()


def test_the_answers_page_shows_the_saved_choices_reading_only_names_of_the_mentors(
    client, cohort, mentee
):
    """The mentors are listed by name (their other fields are not read), the cohort comes with
    the enrolment, and the ranked choices and the avoided mentor show as they were saved."""
    enrolment = EnrolmentFactory(cohort=cohort, user=mentee, role="mentee")
    first = EnrolmentFactory(cohort=cohort, role="mentor", user__display_name="Fay First").user
    second = EnrolmentFactory(cohort=cohort, role="mentor", user__display_name="Sam Second").user
    avoided = EnrolmentFactory(cohort=cohort, role="mentor", user__display_name="Ava Void").user
    MentorPreference.objects.create(enrolment=enrolment, mentor=second, rank=1)
    MentorPreference.objects.create(enrolment=enrolment, mentor=first, rank=2)
    enrolment.avoid.add(avoided)
    client.force_login(mentee)
    url = reverse("programmes:enrolment", args=[cohort.pk, "mentee"])
    client.get(url)
    with CaptureQueriesContext(connection) as asked:
        response = client.get(url)

    def rows_read(table: str) -> int:
        return sum(query["sql"].startswith(f'SELECT "{table}"."id"') for query in asked)

    form = response.context["form"]
    assert form["first_choice"].value() == second.pk
    assert form["second_choice"].value() == first.pk
    assert form["avoid"].value() == [avoided.pk]
    html = response.content.decode()
    assert f'<option value="{second.pk}" selected>Sam Second</option>' in html
    assert "Spring cohort" in html
    assert rows_read("programmes_cohort") == 0
    assert sum('"accounts_user"."password"' in query["sql"] for query in asked) == 1  # viewer


def test_the_named_read_of_a_cohort_answers_as_the_whole_one_and_reads_only_its_name(
    programme_admin, cohort, other_cohort, mentee
):
    named = cohort_get_named_for_admin(user=programme_admin, cohort_id=cohort.pk)
    assert (named.pk, named.name) == (cohort.pk, cohort.name)
    assert named == cohort_get_for_admin(user=programme_admin, cohort_id=cohort.pk)
    assert named.get_deferred_fields() >= {"description", "starts_on"}
    for user, cohort_id in ((programme_admin, other_cohort.pk), (mentee, cohort.pk)):
        for read in (cohort_get_for_admin, cohort_get_named_for_admin):
            with pytest.raises(Http404):
                read(user=user, cohort_id=cohort_id)
