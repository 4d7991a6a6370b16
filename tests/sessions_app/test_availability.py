"""The mentor's availability: saving rules, windows and date overrides, and the editing page
with its week view."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.errors import DomainError
from sessions_app import live
from sessions_app.models import Appointment, Availability, DateOverride
from sessions_app.services.availability import (
    availability_save,
    date_override_add,
    date_override_remove,
)
from tests.factories import AppointmentFactory, PairingFactory, ProfileFactory, UserFactory

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)  # Monday; 07:00 in New York, where Bob lives
PAGE = reverse("sessions_app:availability")
WEEK = reverse("sessions_app:availability_week")
ADD = reverse("sessions_app:availability_override_add")


def rules(**changes) -> dict:
    base = {
        "session_lengths": [30, 60],
        "buffer_before": 0,
        "buffer_after": 10,
        "notice_hours": 24,
        "weekly_limit": 5,
        "horizon_weeks": 8,
        "windows": [(day, time(9), time(17)) for day in range(5)],
    }
    return {**base, **changes}


def form_data(**changes) -> dict:
    """What the page posts for weekdays 09:00-17:00 and the rules above."""
    data = {
        "session_lengths": ["30", "60"],
        "buffer_before": "0",
        "buffer_after": "10",
        "notice_hours": "24",
        "weekly_limit": "5",
        "horizon_weeks": "8",
    }
    for day in range(5):
        data[f"window_{day}_1_from"], data[f"window_{day}_1_to"] = "09:00", "17:00"
    return {**data, **changes}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def published(mentor):
    """Bob's availability: weekdays 09:00-17:00 New York time, 24 hours' notice."""
    return availability_save(mentor=mentor, **rules())


# --- services -------------------------------------------------------------------------------


def test_saving_again_replaces_the_rules_and_the_weekly_windows(mentor, published):
    availability_save(
        mentor=mentor,
        **rules(session_lengths=[45, 30], windows=[(2, time(13), time(15))], weekly_limit=2),
    )

    availability = Availability.objects.get(mentor=mentor)
    assert availability.session_lengths == [30, 45]
    assert availability.weekly_limit == 2
    assert [(w.weekday, w.starts, w.ends) for w in availability.windows.all()] == [
        (2, time(13), time(15))
    ]


def test_saving_14_windows_over_14_makes_as_many_queries_and_bumps_as_1_over_1(mentor, monkeypatch):
    """The old windows go in one delete, and the mentor's kept booking rules are bumped once,
    not once a window."""
    bumps = []
    bump = live.bump_now_and_on_commit
    monkeypatch.setattr(
        live, "bump_now_and_on_commit", lambda keys: bumps.append(keys) or bump(keys)
    )
    two_a_day = [
        (day, hours, hours.replace(hour=hours.hour + 2))
        for day in range(7)
        for hours in (time(9), time(14))
    ]
    counted = {}
    for windows in ([two_a_day[0]], two_a_day):
        availability_save(mentor=mentor, **rules(windows=windows))  # the ones to replace
        bumps.clear()
        with CaptureQueriesContext(connection) as saving:
            availability_save(mentor=mentor, **rules(windows=windows))
        counted[len(windows)] = (len(saving), len(bumps))

    assert counted[14] == counted[1]
    assert counted[1][1] == 1
    assert Availability.objects.get(mentor=mentor).windows.count() == 14


def test_overlapping_windows_on_one_day_are_refused(mentor):
    windows = [(0, time(9), time(12)), (0, time(11), time(14))]

    with pytest.raises(DomainError, match="overlap"):
        availability_save(mentor=mentor, **rules(windows=windows))

    assert not Availability.objects.filter(mentor=mentor).exists()


def test_lengths_outside_the_offered_list_are_refused(mentor):
    with pytest.raises(DomainError):
        availability_save(mentor=mentor, **rules(session_lengths=[25]))


def test_a_date_already_past_where_the_mentor_lives_is_refused(db):
    mentor = UserFactory(timezone="Pacific/Auckland")
    availability_save(mentor=mentor, **rules())
    now = datetime(2026, 6, 1, 13, tzinfo=UTC)  # already 2 June in Auckland

    with pytest.raises(DomainError, match="passed"):
        date_override_add(
            mentor=mentor, day=date(2026, 6, 1), day_off=True, starts=None, ends=None, now=now
        )
    date_override_add(
        mentor=mentor, day=date(2026, 6, 2), day_off=True, starts=None, ends=None, now=now
    )

    assert list(DateOverride.objects.values_list("date", flat=True)) == [date(2026, 6, 2)]


def test_a_day_off_and_extra_hours_do_not_mix_on_one_date(mentor, published):
    day = date(2026, 3, 10)
    date_override_add(mentor=mentor, day=day, day_off=True, starts=None, ends=None, now=NOW)

    with pytest.raises(DomainError, match="day off"):
        date_override_add(
            mentor=mentor, day=day, day_off=False, starts=time(18), ends=time(19), now=NOW
        )


def test_extra_hours_that_overlap_the_dates_other_extra_hours_are_refused(mentor, published):
    day = date(2026, 3, 14)
    extra = {"mentor": mentor, "day": day, "day_off": False, "now": NOW}
    date_override_add(starts=time(10), ends=time(12), **extra)
    date_override_add(starts=time(12), ends=time(13), **extra)

    with pytest.raises(DomainError, match="overlap"):
        date_override_add(starts=time(11), ends=time(12, 30), **extra)
    with pytest.raises(DomainError, match="extra hours"):
        date_override_add(mentor=mentor, day=day, day_off=True, starts=None, ends=None, now=NOW)


def test_dates_wait_until_the_weekly_hours_are_published(mentor):
    with pytest.raises(DomainError, match="weekly hours"):
        date_override_add(
            mentor=mentor, day=date(2026, 3, 9), day_off=True, starts=None, ends=None, now=NOW
        )


def test_removing_an_override_twice_is_harmless(mentor, published):
    override = date_override_add(
        mentor=mentor, day=date(2026, 3, 9), day_off=True, starts=None, ends=None, now=NOW
    )

    date_override_remove(override=override)
    date_override_remove(override=override)

    assert not DateOverride.objects.exists()


# --- who may open the page ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "method"),
    [
        (PAGE, "get"),
        (PAGE, "post"),
        (WEEK, "get"),
        (ADD, "post"),
        (reverse("sessions_app:availability_override_remove", args=[1]), "post"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url, method):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_mentee_is_told_kindly_that_availability_is_for_mentors(client, mentee):
    client.force_login(mentee)

    shown = client.get(PAGE)
    posted = client.post(PAGE, form_data())

    assert shown.status_code == 200
    assert "Availability is for mentors" in shown.content.decode()
    assert "Availability is for mentors" in posted.content.decode()
    assert not Availability.objects.exists()


def test_a_mentee_who_mentors_in_a_pairing_may_set_availability(client, mentee, frozen):
    PairingFactory(mentor=mentee, mentee=UserFactory())
    client.force_login(mentee)

    response = client.get(PAGE)

    assert "Weekly hours" in response.content.decode()


def test_a_mentor_who_stopped_mentoring_is_told_so_though_their_hours_are_kept(
    client, mentor, published, frozen
):
    mentor.profile.is_mentor = False
    mentor.profile.save(update_fields=["is_mentor"])
    client.force_login(mentor)

    for response in (client.get(PAGE), client.get(WEEK), client.post(PAGE, form_data())):
        assert response.status_code == 200
        assert "Availability is for mentors" in response.content.decode()
    assert Availability.objects.get(mentor=mentor).windows.count() == 5


def test_another_mentors_override_cannot_be_removed_by_changing_the_id(
    client, mentor, published, frozen
):
    other = ProfileFactory(mentor=True).user
    availability_save(mentor=other, **rules())
    theirs = date_override_add(
        mentor=other, day=date(2026, 3, 9), day_off=True, starts=None, ends=None, now=NOW
    )
    client.force_login(mentor)

    response = client.post(reverse("sessions_app:availability_override_remove", args=[theirs.pk]))

    assert response.status_code == 404
    assert DateOverride.objects.filter(pk=theirs.pk).exists()


# --- the editing page -----------------------------------------------------------------------


def test_a_new_mentor_is_offered_weekdays_nine_to_five_to_publish(client, mentor, frozen):
    client.force_login(mentor)

    page = client.get(PAGE).content.decode()

    assert "You have not published availability yet" in page
    assert 'name="window_0_1_from" value="09:00"' in page
    assert 'name="window_4_1_to" value="17:00"' in page
    assert 'name="window_5_1_from"' in page
    assert 'name="window_5_1_from" value=' not in page


def test_publishing_saves_the_rules_and_shows_the_week_in_the_mentors_zone(client, mentor, frozen):
    client.force_login(mentor)

    response = client.post(PAGE, form_data(window_2_2_from="18:00", window_2_2_to="20:00"))

    assert response.status_code == 302
    availability = Availability.objects.get(mentor=mentor)
    assert availability.session_lengths == [30, 60]
    assert availability.windows.count() == 6
    page = client.get(PAGE).content.decode()
    assert "Your availability is saved" in page
    assert "<caption>" in page
    assert "in your time zone (America/New_York)" in page
    assert '<th scope="row"><time datetime="2026-03-03">' in page
    # Tuesday 09:00 in New York is 14:00Z; the first start is shown at the mentor's 09:00.
    assert '<time datetime="2026-03-03T09:00:00-05:00">09:00</time>' in page
    assert "Inside your minimum notice" in page  # Monday: within 24 hours


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"window_1_1_from": "17:00", "window_1_1_to": "09:00"}, "End after the start"),
        ({"window_1_1_to": "00:00"}, "on the same day"),
        ({"window_1_2_from": "16:00", "window_1_2_to": "18:00"}, "Overlaps the other window"),
        ({"window_1_1_from": "09:10"}, "Use quarter hours"),
        ({"window_1_1_to": ""}, "Give an end time too."),
        ({"session_lengths": []}, "Offer at least one session length."),
        ({"buffer_before": "500"}, "less than or equal to 120"),
    ],
)
def test_bad_input_is_explained_and_keeps_what_was_typed(
    client, mentor, frozen, changes, field_error
):
    client.force_login(mentor)

    response = client.post(PAGE, form_data(buffer_after="25", weekly_limit="7", **changes))

    page = response.content.decode()
    assert response.status_code == 200
    assert field_error in page
    assert 'name="buffer_after" value="25"' in page
    assert 'name="weekly_limit" value="7"' in page
    for name, value in changes.items():
        if isinstance(value, str) and value:
            assert f'name="{name}" value="{value}"' in page
    assert not Availability.objects.exists()


def test_adding_a_day_off_empties_that_day_in_the_week_view(client, mentor, published, frozen):
    client.force_login(mentor)

    response = client.post(ADD, {"override-date": "2026-03-04", "override-kind": "day_off"})

    assert response.status_code == 302
    assert DateOverride.objects.get().day_off
    page = client.get(PAGE).content.decode()
    assert "is now a day off" in page
    wednesday = page.split('<time datetime="2026-03-04">')[1].split("</tr>")[0]
    assert "Day off" in wednesday
    assert "09:00" not in wednesday


def test_extra_hours_on_a_weekend_day_show_as_free_times(client, mentor, published, frozen):
    client.force_login(mentor)

    client.post(
        ADD,
        {
            "override-date": "2026-03-07",
            "override-kind": "extra",
            "override-starts": "10:00",
            "override-ends": "12:00",
        },
    )

    page = client.get(PAGE).content.decode()
    saturday = page.split('<time datetime="2026-03-07">')[1].split("</tr>")[0]
    assert "extra hours" in saturday
    assert ">10:00</time>" in saturday
    assert ">10:45</time>" in saturday


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"override-date": "2026-03-01", "override-kind": "day_off"}, "That date has passed"),
        (
            {"override-date": "2026-03-05", "override-kind": "extra", "override-starts": "10:00"},
            "Give an end time for the extra hours.",
        ),
        (
            {
                "override-date": "2026-03-05",
                "override-kind": "extra",
                "override-starts": "14:00",
                "override-ends": "13:00",
            },
            "End after the start",
        ),
    ],
)
def test_a_refused_override_is_explained_and_keeps_what_was_typed(
    client, mentor, published, frozen, data, error
):
    client.force_login(mentor)

    response = client.post(ADD, data)

    page = response.content.decode()
    assert error in page
    assert f'value="{data["override-date"]}"' in page
    if "override-starts" in data:
        assert f'name="override-starts" value="{data["override-starts"]}"' in page
    assert not DateOverride.objects.exists()


def test_a_clash_the_service_refuses_is_shown_on_the_override_form(
    client, mentor, published, frozen
):
    date_override_add(
        mentor=mentor, day=date(2026, 3, 5), day_off=True, starts=None, ends=None, now=NOW
    )
    client.force_login(mentor)

    response = client.post(
        ADD,
        {
            "override-date": "2026-03-05",
            "override-kind": "extra",
            "override-starts": "18:00",
            "override-ends": "19:00",
        },
    )

    assert "already a day off" in response.content.decode()
    assert DateOverride.objects.count() == 1


def test_removing_an_override_brings_back_the_weekly_hours(client, mentor, published, frozen):
    override = date_override_add(
        mentor=mentor, day=date(2026, 3, 4), day_off=True, starts=None, ends=None, now=NOW
    )
    client.force_login(mentor)

    response = client.post(reverse("sessions_app:availability_override_remove", args=[override.pk]))

    assert response.status_code == 302
    assert not DateOverride.objects.exists()


def test_a_full_week_says_the_weekly_limit_is_reached(client, mentor, mentee, frozen):
    availability_save(mentor=mentor, **rules(weekly_limit=1))
    pairing = PairingFactory(mentor=mentor, mentee=mentee)
    starts_at = datetime(2026, 3, 5, 15, tzinfo=UTC)
    AppointmentFactory(pairing=pairing, starts_at=starts_at)
    client.force_login(mentor)

    page = client.get(PAGE).content.decode()

    assert "Weekly limit reached" in page


def test_the_week_view_alone_answers_htmx_for_another_week_and_length(
    client, mentor, published, frozen
):
    client.force_login(mentor)

    response = client.get(WEEK, {"start": "2026-03-09", "length": "30"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert "<html" not in page
    assert 'id="week"' in page
    assert "Free start times for a 30-minute session, 9 March to 15 March 2026" in page
    assert '<option value="30" selected>' in page
    assert ">16:15</time>" in page  # 30 minutes and 10 free after end by 17:00
    assert ">16:30</time>" not in page


def test_the_week_view_never_starts_before_today(client, mentor, published, frozen):
    client.force_login(mentor)

    page = client.get(WEEK, {"start": "2020-01-01", "length": "bogus"}).content.decode()

    assert "60-minute session, 2 March to 8 March 2026" in page
    assert "Previous 7 days" not in page
    assert "Next 7 days" in page


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(PAGE).status_code == 200
    return len(context.captured_queries)


def test_the_page_makes_as_many_queries_with_50_dates_and_sessions_as_with_2(
    client, mentor, mentee, published, frozen
):
    client.force_login(mentor)
    pairing = PairingFactory(mentor=mentor, mentee=mentee)

    def add(first: int, count: int) -> None:
        for n in range(first, first + count):
            date_override_add(
                mentor=mentor,
                day=date(2026, 3, 3) + timedelta(days=n),
                day_off=True,
                starts=None,
                ends=None,
                now=NOW,
            )
        Appointment.objects.bulk_create(
            AppointmentFactory.build(
                pairing=pairing,
                starts_at=datetime(2026, 3, 3, 3, tzinfo=UTC) + timedelta(hours=n),
                length=30,
            )
            for n in range(first, first + count)
        )

    add(0, 2)
    few = _page_queries(client)
    add(2, 48)
    many = _page_queries(client)

    assert few == many


# --- the hours editor's presets and "copy Monday" (the no-script path) -------------------------


def test_a_preset_fills_the_weekly_hours_keeps_the_rules_typed_and_saves_nothing(
    client, mentor, frozen
):
    client.force_login(mentor)

    response = client.post(
        PAGE, form_data(weekly_limit="7", window_5_1_from="10:00", hours_action="evenings")
    )

    assert response.status_code == 200
    assert not Availability.objects.exists()
    form = response.context["form"]
    assert not form.is_bound  # nothing checked: no errors shown for a half-typed page
    html = response.content.decode()
    for day in range(5):
        assert f'name="window_{day}_1_from" value="18:00"' in html
        assert f'name="window_{day}_1_to" value="21:00"' in html
    assert 'name="window_5_1_from" value=' not in html  # the preset clears the weekend
    assert 'name="weekly_limit" value="7"' in html


def test_copy_monday_fills_tuesday_to_friday_with_both_of_mondays_windows(client, mentor, frozen):
    client.force_login(mentor)
    data = form_data(
        window_0_1_from="08:00",
        window_0_1_to="12:00",
        window_0_2_from="13:00",
        window_0_2_to="16:00",
        window_6_1_from="10:00",
        window_6_1_to="11:00",
        hours_action="copy_monday",
    )

    html = client.post(PAGE, data).content.decode()

    for day in range(1, 5):
        assert f'name="window_{day}_2_from" value="13:00"' in html
        assert f'name="window_{day}_1_to" value="12:00"' in html
    assert 'name="window_6_1_from" value="10:00"' in html  # Sunday stays as typed
    assert html.count("<details open>") == 5  # the second windows, Monday to Friday, shown


def test_clear_empties_every_day_and_a_refusal_keeps_the_input_next_to_the_field(
    client, mentor, frozen
):
    client.force_login(mentor)

    cleared = client.post(PAGE, form_data(hours_action="clear")).content.decode()
    assert 'name="window_0_1_from" value=' not in cleared

    refused = client.post(PAGE, form_data(window_2_2_from="12:00", window_2_2_to="11:00"))

    assert refused.status_code == 200
    html = refused.content.decode()
    assert 'name="window_2_2_from" value="12:00"' in html
    assert 'name="window_2_2_to" value="11:00"' in html
    wednesday = html.split('data-hours-day="2"')[1].split("</fieldset>")[0]
    assert "<details open>" in wednesday
    assert "End after the start" in wednesday
    assert not Availability.objects.exists()
