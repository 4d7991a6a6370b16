"""Contact agreements: terms, versions, acknowledgements, phone numbers and contact hours."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import user_make_programme_admin
from pairings.models import Acknowledgement, ContactAgreement, ContactTerms, Pairing
from pairings.selectors.agreements import (
    agreement_holds,
    agreement_summary_for,
    channels_both_allow,
    is_within_contact_hours,
    next_contact_window_start,
    partner_phone_for,
)
from pairings.services.agreements import (
    AgreementChanged,
    AgreementRefused,
    agreement_acknowledge,
    agreement_terms_notify,
)
from pairings.services.pairings import pairing_close
from tests.agreements import WEEKDAYS_9_TO_5
from tests.agreements import terms_state as state  # video and email, weekdays 9 to 5
from tests.factories import PairingFactory, second_factor_add

pytestmark = pytest.mark.django_db

ALICE_PHONE = "+447700900123"
DASH = "\N{EN DASH}"  # between the start and end of a window on the page


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def acknowledge(pairing: Pairing, person) -> Acknowledgement:
    version = ContactAgreement.objects.get(pairing=pairing).version
    return agreement_acknowledge(pairing=pairing, person=person, seen_version=version)


def terms_in(zone: str, hours: list[list[int]]) -> ContactTerms:
    return ContactTerms(timezone=zone, contact_hours=hours)


def form_data(**changes: object) -> dict:
    """The terms page as someone fills it in: Monday 09:00-12:00 and 13:00-17:00."""
    data = {
        "channels": ["video", "email"],
        "phone": "none",
        "timezone": "Europe/London",
        "reply_time": "day",
        **{
            f"hours_{day}_{n}_{end}": ""
            for day in range(7)
            for n in (1, 2)
            for end in ("from", "to")
        },
        "hours_0_1_from": "09:00",
        "hours_0_1_to": "12:00",
        "hours_0_2_from": "13:00",
        "hours_0_2_to": "17:00",
    }
    data.update(changes)
    return data


def give_alice_a_personal_phone(mentee) -> None:
    mentee.profile.personal_phone = ALICE_PHONE
    mentee.profile.save()


# --- versions and when the agreement holds ---------------------------------------------------


def test_stating_terms_first_makes_version_1_acknowledged_by_the_writer(pairing, mentee, mentor):
    terms, changed = state(pairing, mentee)

    agreement = ContactAgreement.objects.get(pairing=pairing)
    assert changed
    assert agreement.version == 1
    assert terms.contact_hours == WEEKDAYS_9_TO_5
    assert list(agreement.acknowledgements.values_list("person", "version")) == [(mentee.pk, 1)]
    assert not agreement_holds(pairing=pairing)
    assert agreement_summary_for(pairing=pairing, viewer=mentee)["state"] == "waiting_for_partner"
    bob_sees = agreement_summary_for(pairing=pairing, viewer=mentor)
    assert (bob_sees["state"], bob_sees["next_action"]) == ("waiting_for_you", "state_terms")


def test_the_agreement_holds_once_both_stated_and_acknowledged_the_latest_version(
    pairing, mentee, mentor
):
    state(pairing, mentee)
    state(pairing, mentor)  # v2: writing his own terms does not accept Alice's unread

    assert not agreement_holds(pairing=pairing)
    bob_sees = agreement_summary_for(pairing=pairing, viewer=mentor)
    assert (bob_sees["state"], bob_sees["next_action"]) == ("waiting_for_you", "acknowledge")

    acknowledge(pairing, mentor)
    assert not agreement_holds(pairing=pairing)
    acknowledge(pairing, mentee)

    assert agreement_holds(pairing=pairing)
    assert agreement_summary_for(pairing=pairing, viewer=mentee)["state"] == "holds"
    assert agreement_summary_for(pairing=pairing, viewer=mentor)["next_action"] is None


def test_a_change_needs_a_new_acknowledgement_from_the_partner_only(pairing, mentee, mentor):
    state(pairing, mentee)
    state(pairing, mentor)
    acknowledge(pairing, mentor)
    acknowledge(pairing, mentee)

    state(pairing, mentee, channels=["video"])

    assert ContactAgreement.objects.get(pairing=pairing).version == 3
    assert not agreement_holds(pairing=pairing)
    assert agreement_summary_for(pairing=pairing, viewer=mentee)["state"] == "waiting_for_partner"
    assert agreement_summary_for(pairing=pairing, viewer=mentor)["next_action"] == "acknowledge"
    acknowledge(pairing, mentor)
    assert agreement_holds(pairing=pairing)


def test_saving_unchanged_terms_changes_nothing(pairing, mentee, mentor):
    state(pairing, mentee)
    state(pairing, mentor)
    acknowledge(pairing, mentee)
    acknowledge(pairing, mentor)

    _terms, changed = state(pairing, mentee, channels=["email", "video"])  # same, other order

    assert not changed
    assert ContactAgreement.objects.get(pairing=pairing).version == 2
    assert agreement_holds(pairing=pairing)


def test_acknowledging_twice_is_harmless(pairing, mentee, mentor):
    state(pairing, mentee)

    acknowledge(pairing, mentor)
    acknowledge(pairing, mentor)

    assert Acknowledgement.objects.filter(person=mentor).count() == 1


def test_there_is_nothing_to_acknowledge_before_the_partner_stated_terms(pairing, mentee):
    with pytest.raises(AgreementRefused, match="has not stated their terms yet"):
        agreement_acknowledge(pairing=pairing, person=mentee, seen_version=0)


def test_a_stale_acknowledgement_is_refused(pairing, mentee, mentor):
    state(pairing, mentee)
    seen = ContactAgreement.objects.get(pairing=pairing).version
    state(pairing, mentee, reply_time="week")

    with pytest.raises(AgreementChanged, match="changed their terms a moment ago"):
        agreement_acknowledge(pairing=pairing, person=mentor, seen_version=seen)
    assert not Acknowledgement.objects.filter(person=mentor).exists()


def test_a_stale_acknowledgement_on_the_page_shows_the_new_terms(client, pairing, mentee, mentor):
    state(pairing, mentee)
    client.force_login(mentor)
    seen = client.get(reverse("pairings:agreement_detail", args=[pairing.pk])).context["summary"][
        "version"
    ]
    state(pairing, mentee, channels=["video", "phone"])

    response = client.post(
        reverse("pairings:agreement_acknowledge", args=[pairing.pk]), {"version": seen}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Your partner changed their terms a moment ago; read them again." in html
    assert "Video call, Phone" in html
    assert f'name="version" value="{seen + 1}"' in html
    assert not agreement_holds(pairing=pairing)


def test_acknowledging_on_the_page_returns_to_the_pairing(client, pairing, mentee, mentor):
    state(pairing, mentee)
    state(pairing, mentor)
    acknowledge(pairing, mentee)
    client.force_login(mentor)

    response = client.post(
        reverse("pairings:agreement_acknowledge", args=[pairing.pk]), {"version": 2}
    )

    assert response.status_code == 302
    assert response.url == reverse("home:pairing_detail", args=[pairing.pk])
    assert agreement_holds(pairing=pairing)


# --- what the agreement allows -----------------------------------------------------------------


def test_channels_both_allow_is_empty_until_both_stated_then_the_overlap(pairing, mentee, mentor):
    assert channels_both_allow(pairing=pairing) == set()
    state(pairing, mentee, channels=["video", "email", "in_person"])
    assert channels_both_allow(pairing=pairing) == set()

    state(pairing, mentor, channels=["in_person", "phone", "video"])

    assert channels_both_allow(pairing=pairing) == {"video", "in_person"}


def test_only_the_partner_sees_a_shared_number(pairing, mentee, mentor, other_mentee):
    give_alice_a_personal_phone(mentee)
    state(pairing, mentee, phone="personal")

    assert partner_phone_for(pairing=pairing, viewer=mentor) == ALICE_PHONE
    assert partner_phone_for(pairing=pairing, viewer=mentee) is None  # Bob shares none
    assert partner_phone_for(pairing=pairing, viewer=other_mentee) is None


def test_a_number_on_the_profile_but_not_shared_is_never_shown(client, pairing, mentee, mentor):
    give_alice_a_personal_phone(mentee)
    state(pairing, mentee, phone="none")
    client.force_login(mentor)

    html = client.get(reverse("pairings:agreement_detail", args=[pairing.pk])).content.decode()

    assert partner_phone_for(pairing=pairing, viewer=mentor) is None
    assert "7700 900123" not in html
    assert ALICE_PHONE not in html


def test_a_shared_number_shows_on_the_partners_page_while_active_and_not_after_closing(
    client, pairing, mentee, mentor
):
    give_alice_a_personal_phone(mentee)
    state(pairing, mentee, phone="personal")
    client.force_login(mentor)
    url = reverse("pairings:agreement_detail", args=[pairing.pk])

    assert f'href="tel:{ALICE_PHONE}"' in client.get(url).content.decode()

    pairing_close(pairing=pairing, by=mentor, reason="completed")
    pairing.refresh_from_db()
    html = client.get(url).content.decode()
    assert partner_phone_for(pairing=pairing, viewer=mentor) is None
    assert ALICE_PHONE not in html
    assert "7700 900123" not in html


def test_a_proposed_pairing_shows_no_number(cohort, mentee, mentor):
    give_alice_a_personal_phone(mentee)
    proposed = PairingFactory(cohort=cohort, mentor=mentor, mentee=mentee, status="proposed")
    agreement = ContactAgreement.objects.create(pairing=proposed, version=1)
    ContactTerms.objects.create(
        agreement=agreement, person=mentee, phone="personal", timezone="Europe/London"
    )

    assert partner_phone_for(pairing=proposed, viewer=mentor) is None
    assert agreement_summary_for(pairing=proposed, viewer=mentor)["partner_phone"] is None


def test_a_work_number_shared_is_the_work_number(pairing, mentee, mentor):
    mentee.profile.work_phone = "+442079460958"
    mentee.profile.personal_phone = ALICE_PHONE
    mentee.profile.save()

    state(pairing, mentee, phone="work")

    assert partner_phone_for(pairing=pairing, viewer=mentor) == "+442079460958"


# --- who may see and change it ---------------------------------------------------------------


def agreement_urls(pairing: Pairing) -> list[tuple[str, str]]:
    return [
        ("get", reverse("pairings:agreement_detail", args=[pairing.pk])),
        ("get", reverse("pairings:agreement_terms", args=[pairing.pk])),
        ("post", reverse("pairings:agreement_terms", args=[pairing.pk])),
        ("post", reverse("pairings:agreement_acknowledge", args=[pairing.pk])),
    ]


def test_charlie_gets_404_on_every_agreement_url_of_alices_pairing(
    client, pairing, mentee, other_mentee, other_pairing
):
    state(pairing, mentee)
    client.force_login(other_mentee)

    for method, url in agreement_urls(pairing):
        assert getattr(client, method)(url, form_data()).status_code == 404, url
    assert ContactAgreement.objects.get(pairing=pairing).version == 1


def test_an_admin_of_another_cohort_gets_404_on_a_pairings_agreement(client, pairing, other_cohort):
    olga = other_cohort.admins.get()
    user_make_programme_admin(user=olga)
    second_factor_add(olga)
    client.force_login(olga)

    for method, url in agreement_urls(pairing):
        assert getattr(client, method)(url, form_data()).status_code == 404, url


def test_for_now_even_the_cohorts_own_admin_gets_404_on_a_pairings_agreement(
    client, pairing, programme_admin
):
    client.force_login(programme_admin)

    for method, url in agreement_urls(pairing):
        assert getattr(client, method)(url, form_data()).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in(client, pairing):
    for method, url in agreement_urls(pairing):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_acknowledging_needs_a_post(client, pairing, mentor):
    client.force_login(mentor)

    response = client.get(reverse("pairings:agreement_acknowledge", args=[pairing.pk]))

    assert response.status_code == 405


def test_a_closed_pairings_agreement_is_read_only(client, pairing, mentee, mentor):
    state(pairing, mentee)
    pairing_close(pairing=pairing, by=mentor, reason="completed")
    client.force_login(mentee)
    detail = reverse("pairings:agreement_detail", args=[pairing.pk])

    response = client.post(
        reverse("pairings:agreement_terms", args=[pairing.pk]), form_data(), follow=True
    )
    assert response.redirect_chain == [(detail, 302)]
    assert "can no longer change" in response.content.decode()
    response = client.post(
        reverse("pairings:agreement_acknowledge", args=[pairing.pk]), {"version": 1}, follow=True
    )
    assert response.redirect_chain == [(detail, 302)]
    assert "can no longer change" in response.content.decode()
    assert ContactAgreement.objects.get(pairing=pairing).version == 1
    assert ContactTerms.objects.get(person=mentee).contact_hours == WEEKDAYS_9_TO_5
    with pytest.raises(AgreementRefused):
        state(pairing, mentee, reply_time="week")


def test_a_proposed_pairing_has_no_agreement_to_fill_in_yet(client, cohort, mentee, mentor):
    proposed = PairingFactory(cohort=cohort, mentor=mentor, mentee=mentee, status="proposed")
    client.force_login(mentee)

    response = client.get(reverse("pairings:agreement_terms", args=[proposed.pk]), follow=True)

    assert "opens once the pairing has started" in response.content.decode()
    assert not ContactAgreement.objects.filter(pairing=proposed).exists()


# --- the terms page ------------------------------------------------------------------------


def test_the_terms_page_starts_from_the_enrolment_and_labels_every_field(client, pairing, mentee):
    client.force_login(mentee)

    response = client.get(reverse("pairings:agreement_terms", args=[pairing.pk]))

    form = response.context["form"]
    assert form["channels"].value() == ["video", "email"]
    assert str(form["hours_0_1_from"].value()) == "09:00:00"
    assert str(form["hours_4_1_to"].value()) == "17:00:00"
    assert form["hours_5_1_from"].value() is None
    html = response.content.decode()
    for field in form.visible_fields():
        assert f'for="{field.id_for_label}"' in html or f"<legend>{field.label}" in html
    assert 'value="work" required id="id_phone_0" disabled' in html  # none on her profile


def test_saving_terms_on_the_page_stores_them_in_the_chosen_zone(client, pairing, mentee, mentor):
    client.force_login(mentee)

    response = client.post(
        reverse("pairings:agreement_terms", args=[pairing.pk]),
        form_data(
            timezone="Asia/Kathmandu",
            urgent_breaks_through="on",
            hours_4_1_from="18:00",
            hours_4_1_to="00:00",  # until midnight
        ),
    )

    assert response.status_code == 302
    assert response.url == reverse("home:pairing_detail", args=[pairing.pk])
    terms = ContactTerms.objects.get(person=mentee)
    assert terms.timezone == "Asia/Kathmandu"
    assert terms.contact_hours == [[0, 540, 720], [0, 780, 1020], [4, 1080, 1440]]
    assert terms.urgent_breaks_through
    assert ContactAgreement.objects.get(pairing=pairing).version == 1


def test_overlapping_windows_are_refused_and_what_was_typed_stays(client, pairing, mentee):
    client.force_login(mentee)

    response = client.post(
        reverse("pairings:agreement_terms", args=[pairing.pk]),
        form_data(hours_0_2_from="11:00", hours_0_2_to="14:00", reply_time="week"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Overlaps the other window on Monday, 09:00 to 12:00." in html
    assert 'value="11:00"' in html
    assert 'value="14:00"' in html
    assert '<option value="week" selected>' in html
    assert not ContactTerms.objects.exists()


def test_a_window_that_ends_before_it_starts_is_refused(client, pairing, mentee):
    client.force_login(mentee)

    response = client.post(
        reverse("pairings:agreement_terms", args=[pairing.pk]),
        form_data(hours_1_1_from="17:00", hours_1_1_to="09:00"),
    )

    form = response.context["form"]
    assert form.errors["hours_1_1_to"] == [
        "End after the start. To go past midnight, end at 00:00 and carry on the next day."
    ]
    assert 'value="17:00"' in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hours_2_1_from": "09:10", "hours_2_1_to": "10:00"}, "hours_2_1_from", "quarter hours"),
        ({"hours_2_1_from": "09:00"}, "hours_2_1_to", "Give an end time too."),
        ({"hours_2_1_to": "10:00"}, "hours_2_1_from", "Give a start time too."),
        ({"hours_2_1_from": "25:00", "hours_2_1_to": "10:00"}, "hours_2_1_from", "valid time"),
        ({"channels": []}, "channels", "Choose at least one way to be reached."),
        (
            {f"hours_0_{n}_{end}": "" for n in (1, 2) for end in ("from", "to")},
            "__all__",
            "Give at least one time window when your partner may reach you.",
        ),
        ({"timezone": "Mars/Olympus"}, "timezone", "is not a time zone we know"),
    ],
)
def test_bad_hours_and_choices_get_a_clear_message(
    client, pairing, mentee, changes, field, message
):
    client.force_login(mentee)

    response = client.post(
        reverse("pairings:agreement_terms", args=[pairing.pk]), form_data(**changes)
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not ContactTerms.objects.exists()


def test_a_phone_choice_without_that_number_points_to_the_profile(client, pairing, mentee):
    client.force_login(mentee)

    response = client.post(
        reverse("pairings:agreement_terms", args=[pairing.pk]),
        form_data(phone="personal", channels=["phone", "chat"]),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Add a personal phone number to your profile first." in html
    assert f'<a href="{reverse("accounts:profile")}">Open your profile</a>' in html
    assert response.context["form"]["channels"].value() == ["phone", "chat"]
    assert not ContactTerms.objects.exists()


def test_a_number_removed_from_the_profile_meanwhile_is_refused_by_the_service(pairing, mentee):
    with pytest.raises(AgreementRefused, match="Add a work phone number"):
        state(pairing, mentee, phone="work")


def test_changing_terms_on_the_page_keeps_the_saved_ones_as_the_starting_point(
    client, pairing, mentee
):
    state(pairing, mentee, contact_hours=[[2, 8 * 60 + 15, 11 * 60 + 45]], reply_time="hours")
    client.force_login(mentee)

    form = client.get(reverse("pairings:agreement_terms", args=[pairing.pk])).context["form"]

    assert str(form["hours_2_1_from"].value()) == "08:15:00"
    assert str(form["hours_2_1_to"].value()) == "11:45:00"
    assert form["hours_0_1_from"].value() is None
    assert form["reply_time"].value() == "hours"


# --- contact hours across zones and DST changes ------------------------------------------------


def test_london_hours_follow_the_wall_clock_across_both_2026_changes():
    london = terms_in("Europe/London", WEEKDAYS_9_TO_5)

    # Before 29 March: GMT, 09:00 is 09:00 UTC. After: BST, 09:00 is 08:00 UTC.
    assert next_contact_window_start(terms=london, after=utc(2026, 3, 26, 18)) == utc(
        2026, 3, 27, 9
    )
    assert next_contact_window_start(terms=london, after=utc(2026, 3, 27, 18)) == utc(
        2026, 3, 30, 8
    )
    # Before 25 October: BST. After: GMT again.
    assert next_contact_window_start(terms=london, after=utc(2026, 10, 22, 18)) == utc(
        2026, 10, 23, 8
    )
    assert next_contact_window_start(terms=london, after=utc(2026, 10, 23, 18)) == utc(
        2026, 10, 26, 9
    )
    assert is_within_contact_hours(terms=london, at=utc(2026, 3, 27, 16, 30))
    assert not is_within_contact_hours(terms=london, at=utc(2026, 3, 30, 16, 30))  # 17:30 BST
    assert is_within_contact_hours(terms=london, at=utc(2026, 3, 30, 8))
    assert not is_within_contact_hours(terms=london, at=utc(2026, 10, 26, 8, 59))  # 08:59 GMT


def test_new_york_hours_move_an_hour_in_utc_on_8_march_2026():
    new_york = terms_in("America/New_York", [[day, 9 * 60, 17 * 60] for day in range(7)])

    assert next_contact_window_start(terms=new_york, after=utc(2026, 3, 7, 0)) == utc(
        2026, 3, 7, 14
    )
    assert next_contact_window_start(terms=new_york, after=utc(2026, 3, 7, 23)) == utc(
        2026, 3, 8, 13
    )


def test_tokyo_has_no_change_and_opens_the_evening_before_in_utc():
    tokyo = terms_in("Asia/Tokyo", [[0, 8 * 60, 10 * 60]])  # Mondays 08:00-10:00

    assert next_contact_window_start(terms=tokyo, after=utc(2026, 3, 27)) == utc(2026, 3, 29, 23)
    assert next_contact_window_start(terms=tokyo, after=utc(2026, 10, 23)) == utc(2026, 10, 25, 23)
    assert is_within_contact_hours(terms=tokyo, at=utc(2026, 3, 29, 23))
    assert not is_within_contact_hours(terms=tokyo, at=utc(2026, 3, 30, 1))


def test_kathmandu_is_five_hours_forty_five_ahead():
    kathmandu = terms_in("Asia/Kathmandu", [[2, 9 * 60, 10 * 60]])  # Wednesdays 09:00-10:00

    assert next_contact_window_start(terms=kathmandu, after=utc(2026, 6, 1)) == utc(
        2026, 6, 3, 3, 15
    )
    assert not is_within_contact_hours(terms=kathmandu, at=utc(2026, 6, 3, 3, 14))
    assert is_within_contact_hours(terms=kathmandu, at=utc(2026, 6, 3, 3, 15))
    assert not is_within_contact_hours(terms=kathmandu, at=utc(2026, 6, 3, 4, 15))


def test_a_window_opening_in_the_skipped_hour_opens_when_the_clocks_jump():
    london = terms_in("Europe/London", [[6, 60 + 30, 3 * 60]])  # Sundays 01:30-03:00
    new_york = terms_in("America/New_York", [[6, 2 * 60, 4 * 60]])  # Sundays 02:00-04:00

    assert next_contact_window_start(terms=london, after=utc(2026, 3, 28, 12)) == utc(
        2026, 3, 29, 1
    )
    assert not is_within_contact_hours(terms=london, at=utc(2026, 3, 29, 0, 59))
    assert is_within_contact_hours(terms=london, at=utc(2026, 3, 29, 1))
    assert next_contact_window_start(terms=new_york, after=utc(2026, 3, 7, 12)) == utc(
        2026, 3, 8, 7
    )


def test_a_window_opening_in_the_repeated_hour_opens_on_its_first_pass():
    london = terms_in("Europe/London", [[6, 60 + 15, 3 * 60]])  # Sundays 01:15-03:00

    assert next_contact_window_start(terms=london, after=utc(2026, 10, 24, 12)) == utc(
        2026, 10, 25, 0, 15
    )


def test_a_window_already_open_is_not_an_opening_and_no_hours_never_open():
    london = terms_in("Europe/London", WEEKDAYS_9_TO_5)

    assert next_contact_window_start(terms=london, after=utc(2026, 6, 1, 10)) == utc(2026, 6, 2, 8)
    assert next_contact_window_start(terms=london, after=utc(2026, 6, 1, 8)) == utc(2026, 6, 1, 8)
    assert next_contact_window_start(terms=terms_in("UTC", []), after=utc(2026, 6, 1)) is None


def test_the_partners_hours_show_in_the_viewers_zone_for_the_coming_week_across_dst(
    client, pairing, mentee, mentor
):
    state(pairing, mentee)  # London, weekdays 09:00-17:00
    client.force_login(mentor)  # New York, already on summer time since 8 March

    with time_machine.travel(utc(2026, 3, 26, 12), tick=False):
        html = client.get(reverse("pairings:agreement_detail", args=[pairing.pk])).content.decode()

    assert f"Thu 26 Mar, 05:00{DASH}13:00" in html  # GMT: five hours ahead of New York
    assert f"Fri 27 Mar, 05:00{DASH}13:00" in html
    assert f"Mon 30 Mar, 04:00{DASH}12:00" in html  # BST: four hours ahead
    assert f"Wed 1 Apr, 04:00{DASH}12:00" in html
    assert "Thu 2 Apr" not in html  # a week: Thursday to Wednesday
    assert "Right now is inside their hours." in html


def test_hours_that_cross_midnight_in_the_viewers_zone_say_so(pairing, mentee, mentor):
    state(pairing, mentor, contact_hours=[[0, 20 * 60, 23 * 60]])  # Mondays 20:00-23:00 New York

    with time_machine.travel(utc(2026, 6, 3, 12), tick=False):
        week = agreement_summary_for(pairing=pairing, viewer=mentee)["partner_hours_this_week"]

    assert [(w["starts_at"].isoformat(), w["ends_next_day"]) for w in week] == [
        ("2026-06-09T01:00:00+01:00", False)
    ]
    state(pairing, mentor, contact_hours=[[0, 18 * 60, 21 * 60]])
    with time_machine.travel(utc(2026, 6, 3, 12), tick=False):
        week = agreement_summary_for(pairing=pairing, viewer=mentee)["partner_hours_this_week"]
    assert [(w["starts_at"].isoformat(), w["ends_next_day"]) for w in week] == [
        ("2026-06-08T23:00:00+01:00", True)
    ]


# --- the page and its nudges -----------------------------------------------------------------


def test_the_page_tells_whoever_has_not_acted_what_to_do(client, pairing, mentee, mentor):
    url = reverse("pairings:agreement_detail", args=[pairing.pk])
    client.force_login(mentee)
    assert "State your contact terms" in client.get(url).content.decode()

    state(pairing, mentee)

    assert "Waiting for Bob Mentor to say how and when" in client.get(url).content.decode()
    client.force_login(mentor)
    html = client.get(url).content.decode()
    assert "Alice Mentee has said how and when you may reach them" in html
    assert "State your contact terms" in html
    state(pairing, mentor)
    html = client.get(url).content.decode()
    assert "read them below, then acknowledge them" in html
    assert "I acknowledge Alice Mentee\N{RIGHT SINGLE QUOTATION MARK}s terms" in html


def test_the_agreement_page_makes_the_same_few_queries_however_many_versions(
    client, pairing, mentee, mentor, django_assert_num_queries
):
    give_alice_a_personal_phone(mentee)
    state(pairing, mentee, phone="personal")
    state(pairing, mentor)
    client.force_login(mentor)
    url = reverse("pairings:agreement_detail", args=[pairing.pk])
    client.get(url)  # the session's first load is not the page's

    # session, user, the menu's admin check, pairing with both profiles, both terms with their
    # agreement, this version's acknowledgements, the menu's unread-message count
    with django_assert_num_queries(7):
        client.get(url)

    for n in range(20):
        state(pairing, mentee, phone="personal", reply_time=["hours", "week"][n % 2])
        acknowledge(pairing, mentor)
    with django_assert_num_queries(7):
        assert "7700 900123" in client.get(url).content.decode()


# --- the email to the partner ----------------------------------------------------------------


def test_the_partner_is_emailed_once_per_version(
    pairing, mentee, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        state(pairing, mentee)
    with django_capture_on_commit_callbacks(execute=True):
        state(pairing, mentee)  # unchanged: no new version, no email
    agreement = ContactAgreement.objects.get(pairing=pairing)
    assert not agreement_terms_notify(
        agreement_id=agreement.pk, version=1, kind="stated", recipient_id=mentor.pk
    )  # a redelivered task
    with django_capture_on_commit_callbacks(execute=True):
        state(pairing, mentee, reply_time="hours")

    assert [m.to for m in mailoutbox] == [["bob@example.org"], ["bob@example.org"]]
    first, second = mailoutbox
    assert first.subject.endswith(
        "Alice Mentee stated their contact terms — please review and acknowledge"
    )
    assert "Ways to reach them: Video call, Email" in first.body
    assert "Then say how and when they may reach you." in first.body
    assert reverse("pairings:agreement_detail", args=[pairing.pk]) in first.body
    assert second.subject.endswith(
        "Alice Mentee updated their contact terms — please review and acknowledge"
    )
    assert "within a few hours" in second.body
    assert second.alternatives[0].mimetype == "text/html"


def test_no_email_goes_out_for_a_pairing_closed_before_the_worker_ran(
    pairing, mentee, mentor, mailoutbox
):
    state(pairing, mentee)  # its email is only queued on commit, which a test never reaches
    pairing_close(pairing=pairing, by=mentee, reason="completed")
    agreement = ContactAgreement.objects.get(pairing=pairing)

    assert not agreement_terms_notify(
        agreement_id=agreement.pk, version=1, kind="stated", recipient_id=mentor.pk
    )
    assert mailoutbox == []


def test_a_contact_hours_preset_fills_weekdays_and_keeps_the_rest_as_typed(client, pairing, mentee):
    client.force_login(mentee)
    url = reverse("pairings:agreement_terms", args=[pairing.pk])

    response = client.post(url, form_data(reply_time="week", hours_action="office"))

    assert response.status_code == 200
    assert not ContactTerms.objects.exists()
    html = response.content.decode()
    for day in range(5):
        assert f'name="hours_{day}_1_from" value="09:00"' in html
        assert f'name="hours_{day}_1_to" value="17:00"' in html
    assert 'name="hours_0_2_from" value=' not in html  # Monday's afternoon window went too
    assert '<option value="week" selected>' in html
    assert response.context["form"]["channels"].value() == ["video", "email"]
    assert "Please correct" not in html


def test_copy_monday_to_weekdays_on_the_contact_terms(client, pairing, mentee):
    client.force_login(mentee)
    url = reverse("pairings:agreement_terms", args=[pairing.pk])

    response = client.post(url, form_data(hours_action="copy_monday"))

    form = response.context["form"]
    assert [form[f"hours_4_{n}_from"].value() for n in (1, 2)] == ["09:00", "13:00"]
    assert form["hours_5_1_from"].value() is None
    hours = {k: v for k, v in form.initial.items() if k.startswith("hours_") and v}
    saved = client.post(url, form_data(**hours))
    assert saved.status_code == 302
    assert len(ContactTerms.objects.get(person=mentee).contact_hours) == 10


@pytest.mark.parametrize("viewer", ["mentee", "mentor"])
def test_the_terms_page_reads_the_pairing_and_both_people_in_one_query(
    client, pairing, mentee, mentor, viewer
):
    """Only what the page shows is read of them (pairing_get_for_terms: the viewer's numbers,
    the partner's name, no cohort), and nothing is read later: a deferred field would be read
    on its own (SELECT "table"."id", "table"."field" ...)."""
    person = {"mentee": mentee, "mentor": mentor}[viewer]
    person.profile.personal_phone = "+447700900123"
    person.profile.save()
    state(pairing, person, phone="personal")
    client.force_login(person)
    url = reverse("pairings:agreement_terms", args=[pairing.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as asked:
        response = client.get(url)

    def rows_read(table: str) -> int:
        return sum(query["sql"].startswith(f'SELECT "{table}"."id"') for query in asked)

    html = response.content.decode()
    assert pairing.partner_of(person).name in html
    assert "+44 7700 900123" in html
    assert response.context["form"]["phone"].value() == "personal"
    assert rows_read("pairings_pairing") == 1
    assert rows_read("accounts_user") == 1  # the viewer, for the session
    assert rows_read("accounts_profile") == 0
    assert rows_read("programmes_cohort") == 0
