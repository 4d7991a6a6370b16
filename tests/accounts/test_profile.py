"""Onboarding, the profile page, the dashboard, data export and account deletion."""

import pytest
from django.db.models import Model
from django.urls import reverse
from django.utils import translation

from accounts.models import Field, Profile, User
from tests.factories import PASSWORD, ProfileFactory

pytestmark = pytest.mark.django_db

MENTOR_FORM = {
    "role": "mentor",
    "display_name": "Erin Example",
    "headline": "Staff engineer who likes helping first-time leads",
    "field": "technology",
    "years_experience": "12",
    "timezone": "Asia/Tokyo",
    "city": "Osaka",
    "languages": ["en", "ja"],
    "expertise": "System design, Public speaking, system design ,  hiring",
    "goals": "",
    "work_phone": "+44 20 7946 0958",
    "personal_phone": "",
}


def test_a_newcomer_is_sent_from_the_dashboard_to_onboarding(client, newcomer):
    client.force_login(newcomer)

    response = client.get(reverse("home:dashboard"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:onboarding")


def test_onboarding_offers_the_browser_time_zone_and_every_field_has_a_label(client, newcomer):
    User.objects.filter(pk=newcomer.pk).update(timezone="UTC")  # no zone chosen yet
    client.force_login(newcomer)

    response = client.get(reverse("accounts:onboarding"))

    form = response.context["form"]
    assert form.fields["timezone"].widget.attrs["data-browser-timezone"] == "true"
    html = response.content.decode()
    for field in form.visible_fields():
        if field.use_fieldset:  # a group of radios or checkboxes is named by its legend
            assert f"<legend>{field.label}" in html, field.name
        else:
            assert f'<label for="{field.id_for_label}">{field.label}' in html, field.name


def test_onboarding_saves_a_mentor_profile_with_normalised_tags_and_phone(client, newcomer):
    client.force_login(newcomer)

    response = client.post(reverse("accounts:onboarding"), MENTOR_FORM)

    assert response.status_code == 302
    assert response.url == reverse("home:dashboard")
    user = User.objects.get(pk=newcomer.pk)
    assert (user.display_name, user.timezone) == ("Erin Example", "Asia/Tokyo")
    profile = user.profile
    assert profile.is_mentor
    assert not profile.is_mentee
    assert profile.expertise == ["system design", "public speaking", "hiring"]
    assert profile.languages == ["en", "ja"]
    assert profile.work_phone == "+442079460958"
    assert profile.capacity is None  # asked per cohort, on the enrolment
    assert profile.onboarded_at is not None


def test_after_onboarding_the_dashboard_greets_by_role(client, newcomer):
    client.force_login(newcomer)
    client.post(reverse("accounts:onboarding"), MENTOR_FORM)

    html = client.get(reverse("home:dashboard")).content.decode()

    assert "Hello, Erin Example" in html
    assert "You mentor" in html
    assert "Your profile is complete." in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "not a time zone we know"),
        ({"headline": "x" * 10_000}, "headline", "at most 120 characters"),
        ({"work_phone": "call me maybe"}, "work_phone", "valid phone number"),
        ({"personal_phone": "+44 12"}, "personal_phone", "valid phone number"),
        ({"expertise": ""}, "expertise", "at least one area"),
        ({"role": "mentee", "goals": "  "}, "goals", "what you want to achieve"),
        ({"languages": []}, "languages", "at least one language"),
        ({"years_experience": "-3"}, "years_experience", "greater than or equal to 0"),
        ({"role": "boss"}, "role", "Select a valid choice"),
        ({"expertise": ", ".join(f"topic {i}" for i in range(16))}, "expertise", "at most 15"),
    ],
)
def test_bad_onboarding_input_gets_a_clear_error_and_keeps_what_was_typed(
    client, newcomer, changes, field, message
):
    client.force_login(newcomer)

    response = client.post(reverse("accounts:onboarding"), {**MENTOR_FORM, **changes})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'value="Erin Example"' in html  # another field keeps its input
    assert not Profile.objects.filter(user=newcomer).exists()


def test_the_profile_page_shows_the_saved_answers_and_saves_changes(client, mentor):
    client.force_login(mentor)
    form = client.get(reverse("accounts:profile")).context["form"]
    assert "role" not in form.fields  # a mentor is a mentor: never asked again
    assert form.initial["timezone"] == "America/New_York"
    assert form.initial["expertise"] == "leadership, public speaking"

    data = {**MENTOR_FORM, "role": "mentee", "headline": "Still a mentor"}
    response = client.post(reverse("accounts:profile"), data)

    assert response.status_code == 302
    profile = Profile.objects.get(user=mentor)
    assert (profile.is_mentor, profile.is_mentee) == (True, False)
    assert profile.headline == "Still a mentor"


def test_the_dashboard_lists_what_the_profile_is_missing(client):
    user = ProfileFactory(mentor=True, headline="", capacity=None, languages=[]).user
    client.force_login(user)

    html = client.get(reverse("home:dashboard")).content.decode()

    assert "Your profile is not complete yet" in html
    assert "a headline" in html
    assert "the languages you speak" in html
    assert "your goals" not in html  # not asked of a mentor


def test_the_dashboard_says_who_runs_programmes(client, programme_admin):
    ProfileFactory(user=programme_admin, mentee=True)
    client.force_login(programme_admin)

    html = client.get(reverse("home:dashboard")).content.decode()

    assert "You also run programmes as a programme admin." in html


def test_deleting_the_account_needs_the_password(client, mentee):
    client.force_login(mentee)

    refused = client.post(reverse("accounts:delete"), {"password": "guess"})
    assert "That password is not right." in refused.content.decode()
    assert User.objects.filter(pk=mentee.pk).exists()

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.url == reverse("home")
    former = User.objects.get(pk=mentee.pk)  # kept, emptied: the partner's history needs it
    assert (former.email, former.name, former.is_active) == (
        f"former-{mentee.pk}@deleted.invalid",
        "Former participant",
        False,
    )
    assert not former.has_usable_password()
    assert not Profile.objects.filter(user_id=mentee.pk).exists()
    assert client.get(reverse("home:dashboard")).status_code == 302
    assert not client.login(email="alice@example.org", password=PASSWORD)


def test_a_display_name_with_a_line_break_is_refused_and_the_form_keeps_its_input(client, newcomer):
    client.force_login(newcomer)

    response = client.post(
        reverse("accounts:onboarding"), {**MENTOR_FORM, "display_name": "Erin\r\nBcc: x@y.z"}
    )

    assert response.status_code == 200
    assert "line breaks are not allowed" in " ".join(
        response.context["form"].errors["display_name"]
    )
    assert 'value="Staff engineer who likes helping first-time leads"' in response.content.decode()
    assert not Profile.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_the_field_reads_as_djangos_own_display_gave_it(language):
    """Profile.get_field_display (cheaper than Django's) gives the same label for each field,
    and the stored value for none or an unknown one."""
    field = Profile._meta.get_field("field")
    with translation.override(language):
        for value in [*Field.values, "", "retired-field"]:
            profile = Profile(field=value)

            assert profile.get_field_display() == Model._get_FIELD_display(profile, field)
    assert Profile(field="law").get_field_display() == "Law"
