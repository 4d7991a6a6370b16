"""Onboarding asks each thing once: the role from the enrolment, the zone first, the hours and
the capacity on the enrolment answers, reused by the profile and the contact agreement."""

import pytest
from django.urls import reverse

from accounts.models import Profile, User
from pairings.selectors.agreements import terms_initial_for
from programmes.services.enrolments import enrolment_answer, enrolment_join
from tests.factories import CohortFactory, PairingFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "display_name": "Erin Example",
    "headline": "Staff engineer",
    "field": "technology",
    "years_experience": "12",
    "timezone": "Asia/Tokyo",
    "languages": ["en"],
    "expertise": "hiring",
    "goals": "Lead a team.",
}


def test_a_person_enrolled_as_mentor_is_not_asked_the_role_nor_mentee_goals(
    client, cohort, newcomer
):
    enrolment_join(cohort=cohort, user=newcomer, role="mentor")
    client.force_login(newcomer)

    response = client.get(reverse("accounts:onboarding"))

    fields = response.context["form"].fields
    assert "role" not in fields
    assert "goals" not in fields
    assert "capacity" not in fields
    html = response.content.decode()
    assert "You take part as a mentor" in html
    assert "As a mentee" not in html
    client.post(reverse("accounts:onboarding"), {**PROFILE, "role": "mentee"})
    profile = Profile.objects.get(user=newcomer)
    assert (profile.is_mentor, profile.is_mentee) == (True, False)
    assert profile.onboarded_at is not None


def test_a_mentee_only_person_sees_no_mentor_section(client, cohort, newcomer):
    enrolment_join(cohort=cohort, user=newcomer, role="mentee")
    client.force_login(newcomer)

    response = client.get(reverse("accounts:onboarding"))

    fields = response.context["form"].fields
    assert "expertise" not in fields
    assert "goals" in fields
    assert "As a mentor" not in response.content.decode()


def test_someone_in_both_roles_sees_both_sections(client, cohort, newcomer):
    enrolment_join(cohort=cohort, user=newcomer, role="mentee")
    enrolment_join(cohort=cohort, user=newcomer, role="mentor")
    client.force_login(newcomer)

    fields = client.get(reverse("accounts:onboarding")).context["form"].fields

    assert {"expertise", "goals"} <= set(fields)
    assert "role" not in fields


def test_someone_without_an_enrolment_still_chooses_a_role(client, newcomer):
    client.force_login(newcomer)

    assert "role" in client.get(reverse("accounts:onboarding")).context["form"].fields


def test_languages_are_preselected_from_the_browser(client, newcomer):
    client.force_login(newcomer)

    response = client.get(
        reverse("accounts:onboarding"), headers={"accept-language": "fr-CH, fr;q=0.9, en;q=0.8"}
    )

    assert response.context["form"].initial["languages"] == ["fr", "en"]


def test_the_enrolment_asks_the_zone_first_and_never_says_utc_before_one_is_chosen(
    client, cohort, newcomer
):
    User.objects.filter(pk=newcomer.pk).update(timezone="UTC")
    enrolment_join(cohort=cohort, user=newcomer, role="mentee")
    client.force_login(newcomer)

    response = client.get(reverse("programmes:enrolment", args=[cohort.pk, "mentee"]))

    form = response.context["form"]
    assert next(iter(form.fields)) == "timezone"
    assert form.fields["timezone"].widget.attrs["data-browser-timezone"] == "true"
    assert "(UTC)" not in response.content.decode()


def test_the_hours_are_entered_once_in_the_chosen_zone_and_start_the_agreement(
    client, cohort, newcomer, mentor
):
    enrolment_join(cohort=cohort, user=newcomer, role="mentee")
    client.force_login(newcomer)

    client.post(
        reverse("programmes:enrolment", args=[cohort.pk, "mentee"]),
        {
            "timezone": "Asia/Tokyo",
            "goals": "Lead a team.",
            "channels": ["video"],
            "weekday_from": "08:00",
            "weekday_to": "10:00",
        },
    )

    newcomer.refresh_from_db()
    assert newcomer.timezone == "Asia/Tokyo"
    assert Profile.objects.get(user=newcomer).goals == "Lead a team."  # the profile's default
    pairing = PairingFactory(cohort=cohort, mentor=mentor, mentee=newcomer)
    initial = terms_initial_for(pairing=pairing, person=newcomer)
    assert initial["contact_hours"] == [[day, 480, 600] for day in range(5)]
    onboarding = client.get(reverse("accounts:onboarding")).context["form"]
    assert "data-browser-timezone" not in onboarding.fields["timezone"].widget.attrs
    assert onboarding.initial["timezone"] == "Asia/Tokyo"


def test_capacity_is_asked_once_per_cohort_and_defaults_the_next_cohort(cohort, newcomer):
    enrolment = enrolment_join(cohort=cohort, user=newcomer, role="mentor")
    assert enrolment.capacity == cohort.default_mentor_capacity

    enrolment_answer(enrolment=enrolment, channels=["video"], contact_hours=[], capacity=4)

    assert Profile.objects.get(user=newcomer).capacity == 4
    later = enrolment_join(cohort=CohortFactory(), user=newcomer, role="mentor")
    assert later.capacity == 4


def test_a_refused_enrolment_keeps_the_zone_that_was_typed(client, cohort, newcomer):
    User.objects.filter(pk=newcomer.pk).update(timezone="UTC")
    enrolment_join(cohort=cohort, user=newcomer, role="mentee")
    client.force_login(newcomer)

    response = client.post(
        reverse("programmes:enrolment", args=[cohort.pk, "mentee"]),
        {"timezone": "America/Sao_Paulo", "channels": [], "weekday_from": "09:00"},
    )

    field = response.context["form"].fields["timezone"]
    assert "data-browser-timezone" not in field.widget.attrs  # the script must not reset it
    assert 'value="America/Sao_Paulo" selected' in response.content.decode()
