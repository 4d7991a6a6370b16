"""The booking page's free times, written in Python: the same characters Django's formatting
and templates write, in every zone and language."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from sessions_app.forms.booking import slot_value, time_labels
from sessions_app.templatetags.slot_picker import slot_picker_html
from tests.factories import CohortFactory, PairingFactory
from tests.sessions_app.test_booking import (
    NEXT_TUE_10_NY,
    NOW,
    agree,
    book,
    book_url,
    form_data,
    open_hours,
)


@pytest.mark.parametrize("language", ["en", "es", "de", "ja"])  # ja writes "G:i"
@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Asia/Kathmandu"])
def test_times_of_day_read_as_django_formats_them(language, zone):
    zone = ZoneInfo(zone)
    start = datetime(2026, 3, 7, 0, 0, tzinfo=UTC)  # over the US change, a day before London's
    moments = [start + timedelta(minutes=15 * n) for n in range(4 * 24 * 30)]
    moments[1:1] = [datetime(2026, 3, 28, 23, 59, 59, tzinfo=UTC)]  # seconds are not shown

    with translation.override(language):
        label = time_labels(zone)
        assert [label(moment) for moment in moments] == [
            date_format(moment.astimezone(zone), "TIME_FORMAT") for moment in moments
        ]


# --- the slot picker --------------------------------------------------------------------------


@pytest.fixture
def agreed(pairing, mentor):
    """As in test_booking: Bob (New York) opened weekdays 09:00-17:00; every way to meet."""
    open_hours(mentor)
    agree(pairing, ["video", "phone", "in_person", "chat", "email"])
    return pairing


def _picker_as_the_partial_writes_it(response, user) -> str:
    context = {
        name: response.context[name]
        for name in ("form", "week", "length", "has_slots", "horizon_weeks", "pairing")
    }
    with translation.override(user.language or "en"), timezone.override(user.zoneinfo):
        return render_to_string("sessions_app/booking/_slot_picker.html", context)


def _assert_written_as_the_partial(response, user) -> None:
    expected = _picker_as_the_partial_writes_it(response, user)
    assert expected in response.content.decode()
    context = response.context
    with translation.override(user.language or "en"), timezone.override(user.zoneinfo):
        assert (
            slot_picker_html(form=context["form"], week=context["week"], length=context["length"])
            == expected
        )


@pytest.mark.parametrize(
    ("zone", "language"),
    [("Europe/London", "en"), ("Asia/Kathmandu", "es"), ("America/New_York", "de")],
)
@pytest.mark.parametrize(
    "query", [{}, {"length": 45, "week": "2026-03-11"}, {"week": "2026-04-20"}]
)
def test_the_slot_picker_writes_what_its_partial_writes(client, agreed, zone, language, query):
    viewer = agreed.mentee
    viewer.timezone, viewer.language = zone, language
    viewer.save()
    client.force_login(viewer)
    with time_machine.travel(NOW, tick=False):
        response = client.get(book_url(agreed), query)

    assert response.context["has_slots"]
    _assert_written_as_the_partial(response, viewer)


def test_a_refused_booking_and_a_move_write_their_picker_as_the_partial_does(
    client, agreed, other_mentee
):
    viewer = agreed.mentee
    client.force_login(viewer)
    with time_machine.travel(NOW, tick=False):
        page = client.get(book_url(agreed), {"length": 45})
        other = PairingFactory(cohort=CohortFactory(), mentor=agreed.mentor, mentee=other_mentee)
        agree(other, ["video"])
        book(other, starts_at=NEXT_TUE_10_NY)
        refused = client.post(
            book_url(agreed),
            form_data(page, starts_at=slot_value(NEXT_TUE_10_NY), mode="chat"),
        )
        nothing_picked = client.post(book_url(agreed), form_data(page, starts_at=""))
        moved = client.get(reverse("sessions_app:reschedule", args=[book(agreed).pk]))

    assert "That time is no longer free" in refused.content.decode()
    assert refused.context["form"]["starts_at"].errors or refused.context["form"].errors
    assert nothing_picked.context["form"]["starts_at"].errors
    assert "First free:" in moved.content.decode()
    for response in (refused, nothing_picked, moved):
        _assert_written_as_the_partial(response, viewer)
