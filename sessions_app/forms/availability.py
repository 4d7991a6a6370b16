"""Availability input: booking rules, weekly windows and date overrides, all in the mentor's
own time zone."""

from datetime import date, time
from functools import lru_cache

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from mentoring.quickforms import QuickForm, quicken
from programmes.forms.hours import (
    QUARTER_HOURS,
    HoursRow,
    hours_rows,
    hours_week_html,
    off_quarter_hour,
    time_field,
    window_times,
)
from sessions_app.forms import texts_translated
from sessions_app.models import Availability
from sessions_app.selectors.availability import SESSION_LENGTHS

WINDOWS_PER_DAY = 2
NEW_MENTOR_HOURS = (time(9), time(17))  # a first suggestion on weekdays; nothing is saved yet


def _length_choices() -> list[tuple[int, str]]:
    return list(_length_choices_in(get_language()))


@lru_cache(maxsize=16)
def _length_choices_in(language: str | None) -> tuple[tuple[int, str], ...]:
    """The lengths with their labels in `language` (the active one, part of the key): the page
    shows them twice, each label read through the translations."""
    return tuple(
        (minutes, ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
        for minutes in SESSION_LENGTHS
    )


@lru_cache(maxsize=16)
def _day_names_in(language: str | None) -> tuple[str, ...]:
    """Monday to Sunday in `language` (the active one, part of the key), read through the
    translations once: the hours editor writes each name twice."""
    return tuple(str(WEEKDAYS[weekday]) for weekday in range(7))


SAME_DAY = gettext_lazy("End after the start, on the same day (23:45 at the latest).")


class AvailabilityForm(QuickForm):
    """Rules and weekly windows: per weekday up to two windows, on the quarter hour, "from"
    before "to", not overlapping; a day left empty offers nothing."""

    session_lengths = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Session lengths you offer"),
        choices=_length_choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Offer at least one session length.")},
    )
    buffer_before = forms.IntegerField(
        label=gettext_lazy("Free minutes before a session"),
        min_value=0,
        max_value=120,
        help_text=gettext_lazy("Kept free before each session, to prepare."),
    )
    buffer_after = forms.IntegerField(
        label=gettext_lazy("Free minutes after a session"),
        min_value=0,
        max_value=120,
        help_text=gettext_lazy("Kept free after each session, to write notes or rest."),
    )
    notice_hours = forms.IntegerField(
        label=gettext_lazy("Minimum notice (hours)"),
        min_value=0,
        max_value=24 * 14,
        help_text=gettext_lazy("Nobody can book a session that starts sooner than this."),
    )
    weekly_limit = forms.IntegerField(
        label=gettext_lazy("Sessions a week at most"),
        min_value=1,
        max_value=40,
        help_text=gettext_lazy(
            "Across all your mentees, Monday to Sunday in your time zone. A full week offers "
            "no more times."
        ),
    )
    horizon_weeks = forms.IntegerField(
        label=gettext_lazy("Bookable weeks ahead"),
        min_value=1,
        max_value=26,
        help_text=gettext_lazy("How far ahead mentees may book."),
    )

    def __init__(self, data: object = None, *, availability: Availability | None) -> None:
        super().__init__(data)
        texts_translated(self)
        self.days = []
        first_from, then_from, to = _("From"), _("and from"), _("to")  # once, not per window
        for weekday, day_name in enumerate(_day_names_in(get_language())):
            windows = []
            for n in range(1, WINDOWS_PER_DAY + 1):
                opens, closes = f"window_{weekday}_{n}_from", f"window_{weekday}_{n}_to"
                self.fields[opens] = time_field(first_from if n == 1 else then_from)
                self.fields[closes] = time_field(to)
                windows.append((opens, closes))
            self.days.append((weekday, day_name, windows))
        quicken(self)
        source = availability or Availability()
        self.initial = {
            "session_lengths": source.session_lengths,
            "buffer_before": source.buffer_before,
            "buffer_after": source.buffer_after,
            "notice_hours": source.notice_hours,
            "weekly_limit": source.weekly_limit,
            "horizon_weeks": source.horizon_weeks,
        }
        if availability is None:
            hours = [(weekday, *NEW_MENTOR_HOURS) for weekday in range(5)]
        else:
            hours = [(w.weekday, w.starts, w.ends) for w in availability.windows.all()]
        used: dict[int, int] = {}
        for weekday, starts, ends in sorted(hours):
            n = used[weekday] = used.get(weekday, 0) + 1
            if n <= WINDOWS_PER_DAY:
                self.initial[f"window_{weekday}_{n}_from"] = starts
                self.initial[f"window_{weekday}_{n}_to"] = ends

    def hours_rows(self) -> list[HoursRow]:
        """One row per weekday for the hours editor."""
        return hours_rows(self, self.days)

    def hours_editor(self) -> SafeString:
        """The weekly hours editor (programmes.forms.hours.hours_week_html)."""
        return hours_week_html(self.hours_rows())

    def clean(self) -> dict:
        cleaned = super().clean()
        found = []
        for weekday, day_name, windows in self.days:
            day: list[tuple[time, time]] = []
            for opens_name, closes_name in windows:
                window = self._window(opens_name, closes_name)
                if window is None:
                    continue
                clash = next((o for o in day if window[0] < o[1] and o[0] < window[1]), None)
                if clash is not None:
                    self.add_error(
                        opens_name,
                        _("Overlaps the other window on %(day)s, %(from)s to %(to)s.")
                        % {"day": day_name, "from": f"{clash[0]:%H:%M}", "to": f"{clash[1]:%H:%M}"},
                    )
                    continue
                day.append(window)
            found.extend((weekday, opens, closes) for opens, closes in day)
        cleaned["windows"] = found
        return cleaned

    def _window(self, opens_name: str, closes_name: str) -> tuple[time, time] | None:
        """The window, or None when it is empty or has an error (now on the form)."""
        times = window_times(self, opens_name, closes_name)
        if times is None:
            return None
        opens, closes = times
        if closes <= opens:
            self.add_error(closes_name, SAME_DAY)
            return None
        return opens, closes

    def rules(self) -> dict:
        """The validated rules and windows, as availability_save takes them."""
        names = (
            "session_lengths",
            "buffer_before",
            "buffer_after",
            "notice_hours",
            "weekly_limit",
            "horizon_weeks",
            "windows",
        )
        return {name: self.cleaned_data[name] for name in names}


class DateOverrideForm(QuickForm):
    """One date, in the mentor's zone: a day off, or extra hours on it."""

    DAY_OFF, EXTRA = "day_off", "extra"

    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("On that date"),
        choices=[
            (DAY_OFF, gettext_lazy("A day off: no sessions at all")),
            (EXTRA, gettext_lazy("Extra hours, besides my weekly windows")),
        ],
        widget=forms.RadioSelect,
        initial=DAY_OFF,
    )
    starts = time_field(gettext_lazy("Extra hours from"))
    ends = time_field(gettext_lazy("to"))

    def __init__(self, data: object = None, *, today: date) -> None:
        super().__init__(data, prefix="override")
        texts_translated(self)
        self.today = today
        self.fields["date"].widget.attrs["min"] = today.isoformat()

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if day < self.today:
            raise forms.ValidationError(_("That date has passed. Pick today or a later date."))
        return day

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("kind") != self.EXTRA:
            cleaned["starts"] = cleaned["ends"] = None
            return cleaned
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if "starts" in self.errors or "ends" in self.errors:
            return cleaned
        if starts is None:
            self.add_error("starts", _("Give a start time for the extra hours."))
        if ends is None:
            self.add_error("ends", _("Give an end time for the extra hours."))
        if starts is None or ends is None:
            return cleaned
        for name, value in (("starts", starts), ("ends", ends)):
            if off_quarter_hour(value):
                self.add_error(name, QUARTER_HOURS)
        if not self.errors and ends <= starts:
            self.add_error("ends", SAME_DAY)
        return cleaned

    def override(self) -> dict:
        """The validated override, as date_override_add takes it."""
        data = self.cleaned_data
        return {
            "day": data["date"],
            "day_off": data["kind"] == self.DAY_OFF,
            "starts": data["starts"],
            "ends": data["ends"],
        }


class WeekForm(forms.Form):
    """Which week and length the week view shows; anything unreadable falls back to defaults."""

    start = forms.DateField(required=False, widget=forms.HiddenInput)
    length = forms.TypedChoiceField(
        label=gettext_lazy("Session length"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, data: object, *, lengths: list[int]) -> None:
        super().__init__(data)
        self.fields["length"].choices = [c for c in _length_choices() if c[0] in lengths]
        self.default_length = 60 if 60 in lengths else min(lengths)

    def choice(self, *, today: date) -> tuple[date, int]:
        """(first day, length): today and 60 minutes (or the shortest offered) by default."""
        self.is_valid()
        data = self.cleaned_data
        return max(data.get("start") or today, today), data.get("length") or self.default_length
