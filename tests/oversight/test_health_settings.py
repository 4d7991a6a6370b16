"""A cohort's health settings: only its admins change them, the form refuses what the rules
cannot use and says why beside the field, saving reassesses the pairings, and the page says
what the saved values mean."""

import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_make_programme_admin
from oversight.models import PairingHealth
from oversight.services.health import pairing_health_refresh
from oversight.services.health_settings import (
    HealthSettingsRefused,
    cohort_health_settings_update,
)
from pairings.models import Pairing
from programmes.models import Cohort
from tests.factories import CohortFactory, PairingFactory, UserFactory, second_factor_add

DEFAULTS = {
    "health_quiet_gaps": 1.5,
    "health_silent_gaps": 1.9,
    "health_low_satisfaction": 2,
    "health_low_rating": 3.0,
    "pause_max_days": 42,
}
CHANGED = {
    "health_quiet_gaps": "2",
    "health_silent_gaps": "3",
    "health_low_satisfaction": "3",
    "health_low_rating": "3.5",
    "pause_max_days": "28",
}


@pytest.fixture
def olga(db):
    """Olga: a programme admin (with her second factor) of another cohort, not Dana's."""
    user = UserFactory(email="olga@example.org", display_name="Olga Admin")
    user_make_programme_admin(user=user)
    second_factor_add(user)
    CohortFactory(name="Autumn", admins=[user])
    return user


def url(cohort: Cohort) -> str:
    return reverse("oversight:cohort_health_settings", args=[cohort.pk])


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def field_of(response, name: str) -> str:
    """The form's field group holding the input `name`: its label, help, errors and input."""
    groups = re.findall(r'<div class="field">.*?</div>', text_of(response))
    (group,) = [g for g in groups if f'name="{name}"' in g]
    return group


def settings_of(cohort: Cohort) -> dict:
    cohort.refresh_from_db()
    return {name: getattr(cohort, name) for name in DEFAULTS}


# --- who may change them --------------------------------------------------------------------


def test_the_cohort_page_links_to_its_health_settings(client, cohort, programme_admin):
    client.force_login(programme_admin)

    html = client.get(reverse("oversight:cohort_detail", args=[cohort.pk])).content.decode()

    assert f'href="{url(cohort)}"' in html
    assert "Health settings" in html


def test_an_admin_of_another_cohort_gets_404_and_changes_nothing(client, cohort, olga):
    client.force_login(olga)

    assert client.get(url(cohort)).status_code == 404
    assert client.post(url(cohort), CHANGED).status_code == 404
    assert settings_of(cohort) == DEFAULTS


def test_a_participant_gets_403_and_changes_nothing(client, cohort, pairing, mentee):
    client.force_login(mentee)

    assert client.get(url(cohort)).status_code == 403
    assert client.post(url(cohort), CHANGED).status_code == 403
    assert settings_of(cohort) == DEFAULTS


def test_the_service_refuses_someone_who_does_not_run_the_cohort(cohort, olga):
    with pytest.raises(HealthSettingsRefused):
        cohort_health_settings_update(cohort=cohort, by=olga, health_quiet_gaps=2.0)

    assert settings_of(cohort) == DEFAULTS


def test_the_service_refuses_at_risk_before_needs_attention(cohort, programme_admin):
    with pytest.raises(ValidationError):
        cohort_health_settings_update(
            cohort=cohort, by=programme_admin, health_quiet_gaps=2.5, health_silent_gaps=2.0
        )

    assert settings_of(cohort) == DEFAULTS


# --- saving ---------------------------------------------------------------------------------


def test_saving_changes_the_settings_records_who_did_it_and_reassesses_the_active_pairings(
    client, cohort, programme_admin, pairing, other_cohort
):
    closed = PairingFactory(cohort=cohort, status=Pairing.Status.CLOSED)
    elsewhere = PairingFactory(cohort=other_cohort)
    client.force_login(programme_admin)

    response = client.post(url(cohort), CHANGED, follow=True)

    assert response.redirect_chain == [(url(cohort), 302)]
    assert "Health settings saved" in text_of(response)
    assert settings_of(cohort) == {
        "health_quiet_gaps": 2.0,
        "health_silent_gaps": 3.0,
        "health_low_satisfaction": 3,
        "health_low_rating": 3.5,
        "pause_max_days": 28,
    }
    assessed = set(PairingHealth.objects.values_list("pairing_id", flat=True))
    assert pairing.pk in assessed
    assert closed.pk not in assessed
    assert elsewhere.pk not in assessed
    entry = LogEntry.objects.filter(
        action=LogEntry.Action.UPDATE, additional_data__cohort_id=cohort.pk
    ).get()
    assert entry.actor == programme_admin
    assert entry.changes_dict["health_quiet_gaps"] == ["1.5", "2.0"]
    assert entry.changes_dict["health_silent_gaps"] == ["1.9", "3.0"]
    assert entry.changes_dict["pause_max_days"] == ["42", "28"]
    trail = client.get(reverse("oversight:cohort_trail", args=[cohort.pk]))
    assert "health_silent_gaps: 1.9 → 3.0" in text_of(trail)


def test_the_queue_follows_new_thresholds_as_soon_as_they_are_saved(client, programme_admin):
    cohort = CohortFactory(admins=[programme_admin], cadence_days=14, first_session_in_person=False)
    # Paired 20 days ago and silent since: within 1.5 and 1.9 gaps of 14 days (21 and 27).
    quiet_pair = PairingFactory(cohort=cohort, accepted_at=timezone.now() - timedelta(days=20))
    pairing_health_refresh(pairings=[quiet_pair])
    client.force_login(programme_admin)
    detail = reverse("oversight:cohort_detail", args=[cohort.pk])
    assert client.get(detail).context["queue"].at_risk.rows == []

    client.post(url(cohort), CHANGED | {"health_quiet_gaps": "1", "health_silent_gaps": "1.4"})

    (row,) = client.get(detail).context["queue"].at_risk.rows
    assert row.pk == quiet_pair.pk
    assert "silent" in [reason["code"] for reason in row.health.reasons]


def test_the_form_shows_the_saved_values_with_labels_and_help(client, cohort, programme_admin):
    Cohort.objects.filter(pk=cohort.pk).update(health_quiet_gaps=1.8, pause_max_days=30)
    client.force_login(programme_admin)

    response = client.get(url(cohort))

    quiet = field_of(response, "health_quiet_gaps")
    assert 'value="1.8"' in quiet
    assert "Needs attention after this many usual gaps without contact" in quiet
    assert "From 1 to 4." in quiet
    assert 'value="30"' in field_of(response, "pause_max_days")
    assert 'min="7" max="180"' in field_of(response, "pause_max_days")
    assert 'min="1" max="4"' in field_of(response, "health_low_satisfaction")


# --- refusing what the rules cannot use -----------------------------------------------------


def test_at_risk_before_needs_attention_is_refused_beside_the_field_and_the_input_kept(
    client, cohort, programme_admin
):
    client.force_login(programme_admin)

    response = client.post(url(cohort), CHANGED | {"health_silent_gaps": "1.6"})

    assert response.status_code == 200
    silent = field_of(response, "health_silent_gaps")
    assert "Make this at least 2.0, the number for “needs attention”" in silent
    assert 'value="1.6"' in silent
    assert 'aria-invalid="true"' in silent
    assert 'value="2"' in field_of(response, "health_quiet_gaps")
    assert "Please correct the highlighted fields." in text_of(response)
    assert settings_of(cohort) == DEFAULTS
    assert not LogEntry.objects.filter(action=LogEntry.Action.UPDATE).exists()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("health_quiet_gaps", "0.5", "greater than or equal to 1"),
        ("health_silent_gaps", "7", "less than or equal to 6"),
        ("health_low_satisfaction", "5", "less than or equal to 4"),
        ("health_low_rating", "0", "greater than or equal to 1"),
        ("pause_max_days", "200", "less than or equal to 180"),
        ("pause_max_days", "3", "greater than or equal to 7"),
        ("health_quiet_gaps", "often", "Enter a number."),
        ("pause_max_days", "", "This field is required."),
    ],
)
def test_out_of_range_values_are_refused_beside_their_field(
    client, cohort, programme_admin, name, value, message
):
    client.force_login(programme_admin)

    response = client.post(url(cohort), CHANGED | {name: value})

    assert response.status_code == 200
    field = field_of(response, name)
    assert message in field
    assert f'value="{value}"' in field or not value
    assert settings_of(cohort) == DEFAULTS


# --- what the saved values mean -------------------------------------------------------------


def test_the_page_says_what_the_default_settings_mean(client, programme_admin):
    cohort = CohortFactory(admins=[programme_admin], cadence_days=14)
    client.force_login(programme_admin)

    html = text_of(client.get(url(cohort)))

    # 1.5 and 1.9 usual gaps, rounded up to whole days
    assert (
        "With a session every 14 days: a pair that meets every 14 days needs attention after "
        "21 days without contact and is at risk after 27; a pair that meets every 7 days "
        "after 11 and 14."
    ) in html
    assert "A pause longer than 6 weeks waits for your agreement." in html


def test_the_words_follow_a_non_default_cadence_and_the_saved_values(client, programme_admin):
    cohort = CohortFactory(
        admins=[programme_admin],
        cadence_days=10,
        health_quiet_gaps=1.5,
        health_silent_gaps=2.5,
        health_low_satisfaction=3,
        health_low_rating=3.5,
        pause_max_days=45,
    )
    client.force_login(programme_admin)

    html = text_of(client.get(url(cohort)))

    assert (
        "With a session every 10 days: a pair that meets every 10 days needs attention after "
        "15 days without contact and is at risk after 25; a pair that meets every 5 days "
        "after 8 and 13."
    ) in html
    assert "rates their satisfaction 3 of 5 or lower at a check-in puts the pair at risk" in html
    assert "last 3 sessions were rated below 3.5 of 5 on average needs attention." in html
    assert "median of its last 4 gaps between sessions held" in html
    assert "the cadence (10 days)" in html
    assert "A pause longer than 45 days waits for your agreement." in html


def test_a_refused_form_leaves_the_words_on_the_saved_values(client, programme_admin):
    cohort = CohortFactory(admins=[programme_admin], cadence_days=14)
    client.force_login(programme_admin)

    html = text_of(client.post(url(cohort), CHANGED | {"health_silent_gaps": "1"}))

    assert "needs attention after 21 days without contact and is at risk after 27" in html
    assert "A pause longer than 6 weeks waits for your agreement." in html
