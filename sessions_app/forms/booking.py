"""Booking input: a length, a free time (shown in the viewer's zone, sent as UTC), a way to meet,
and for a series its rhythm and end."""

import html
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.formats import date_format, get_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.quickforms import QuickForm
from sessions_app.models import Appointment, Series
from sessions_app.selectors.appointments import SlotDay
from sessions_app.services.series import SERIES_COUNT_MAX
from sessions_app.widgets import date_label, local_times

CHECKED = " checked"
# What a time's value or label holds when it needs no escaping: ISO 8601 and clock times.
_PLAIN = frozenset("0123456789-:+T. ")


def slot_value(moment: datetime) -> str:
    """How a time travels in a form: ISO 8601 in UTC."""
    return moment.astimezone(UTC).isoformat()


def time_labels(zone: ZoneInfo) -> Callable[[datetime], str]:
    """For one page: an aware moment → its time of day in `zone` as TIME_FORMAT writes it in the
    active language. Where that format is "H:i" (en, es and de), written directly: formatting
    each of a week's times of day through date_format was a tenth of the booking page."""
    if get_format("TIME_FORMAT") != "H:i":
        local_time = local_times(zone)
        return lambda moment: local_time(moment)[1]

    def label(moment: datetime) -> str:
        local = moment.astimezone(zone)
        return f"{local.hour:02d}:{local.minute:02d}"

    return label


def slot_choices(days: list[SlotDay], zone: ZoneInfo) -> list[tuple[str, list[tuple[str, str]]]]:
    """[("Tuesday 10 March", [(value, "10:00"), ...]), ...] in the viewer's zone (the days'
    starts are in it already). The value is slot_value's, inline: a week holds a few hundred."""
    if get_format("TIME_FORMAT") == "H:i":
        return [
            (
                date_label(day.day, "l j F"),
                [
                    (local.astimezone(UTC).isoformat(), f"{local.hour:02d}:{local.minute:02d}")
                    for local in day.slots
                ],
            )
            for day in days
        ]
    label = time_labels(zone)
    return [
        (
            date_label(day.day, "l j F"),
            [(slot_value(local), label(local)) for local in day.slots],
        )
        for day in days
    ]


class SlotPicker(forms.RadioSelect):
    """Free times of one week as radio buttons styled as compact buttons, one column per day.
    Rendered in Python, not one template per option: a week can hold a few hundred of them.
    Each time's accessible name carries its day ("Tuesday 8 December, 10:00"); the first free
    time of all (`first`, a slot value) is marked. The markup is Django's; values are escaped
    (each once per page: the same times of day recur)."""

    first: str | None = None

    @property
    def choices(self) -> list:
        return self._choices

    @choices.setter
    def choices(self, value: Iterable) -> None:
        # As SlotField's: written as Django would normalize them, not normalized again.
        self._choices = list(value)

    def render(self, name: str, value: object, attrs: dict | None = None, renderer=None) -> str:
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        input_attrs = dict(widget["attrs"])
        base_id = escape(input_attrs.pop("id", f"id_{name}"))
        extra = flatatt(input_attrs)  # escaped
        name = escape(name)
        chosen = {str(v) for v in widget["value"]}
        none = format_html('<p class="slot-none">{}</p>', _("No free times"))
        first_value = self.first
        number = 0
        days = []
        for day_label, options in self.choices:
            day = escape(day_label)
            if options:
                # Values and labels through html.escape (what Django's escape writes) only when
                # they hold something to escape: a week's hundred times and values never do.
                items = [
                    f'<label for="{base_id}_{n}" class="slot-time'
                    f'{" slot-first" if v == first_value else ""}"><input type="radio" '
                    f'name="{name}" value="{v if _PLAIN.issuperset(v) else html.escape(str(v))}" '
                    f'id="{base_id}_{n}"{extra}{CHECKED if v in chosen else ""}>'
                    f'<span class="visually-hidden">{day}, </span>'
                    f"{label if _PLAIN.issuperset(label) else html.escape(str(label))}</label>"
                    for n, (v, label) in enumerate(options, number)
                ]
                number += len(options)
                times = f'<div class="slot-times">{"".join(items)}</div>'
            days.append(
                f'<fieldset class="slot-day{"" if options else " slot-day-empty"}">'
                f"<legend>{day}</legend>{times if options else none}</fieldset>"
            )
        return SafeString(f'<div id="{base_id}" class="slot-week">{"".join(days)}</div>')


class SlotField(forms.ChoiceField):
    """A free time picked from the list, as an aware UTC datetime.

    Any well-formed time passes here: whether it is still free is the booking service's call,
    so a time taken since the page loaded gets that message, not "not one of the choices"."""

    widget = SlotPicker
    default_error_messages = {
        "required": gettext_lazy("Pick a time."),
        "invalid": gettext_lazy("Pick a time from the list."),
    }

    @property
    def choices(self) -> list:
        return self._choices

    @choices.setter
    def choices(self, value: Iterable) -> None:
        # slot_choices writes them as Django would normalize them; normalizing a week of times
        # again cost more than drawing them.
        self._choices = self.widget.choices = list(value)

    def to_python(self, value: object) -> datetime | None:
        if value in self.empty_values:
            return None
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if moment.tzinfo is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return moment.astimezone(UTC)

    def validate(self, value: object) -> None:
        forms.Field.validate(self, value)


class SlotListField(forms.Field):
    """Times carried along in hidden inputs, as aware UTC datetimes."""

    widget = forms.MultipleHiddenInput
    hidden_widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[datetime]:
        parse = SlotField().to_python
        return [parse(item) for item in value or []]


def _length_choices(lengths: list[int]) -> list[tuple[int, str]]:
    label = _("%(minutes)s minutes")  # translated once, not once a length
    return [(n, label % {"minutes": n}) for n in sorted(lengths)]


class LengthForm(QuickForm):
    """The first choice, by GET: how long a session; the free times depend on it."""

    length = forms.TypedChoiceField(
        label=gettext_lazy("Length"), coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, data: object = None, *, lengths: list[int], initial: int) -> None:
        # Its own ids: the booking form below carries the chosen length as `id_length`.
        super().__init__(data, initial={"length": initial}, auto_id="pick_%s")
        self.fields["length"].choices = _length_choices(lengths)

    def length_or(self, default: int) -> int:
        return self.cleaned_data["length"] if self.is_valid() else default


class AppointmentRescheduleForm(QuickForm):
    """A new time for a session, for the length chosen above it."""

    length = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)
    starts_at = SlotField(label=gettext_lazy("Time"))

    def __init__(
        self, data: object = None, *, lengths: list[int], initial: dict | None = None
    ) -> None:
        super().__init__(data, initial=initial)
        self.fields["length"].choices = _length_choices(lengths)

    def show_days(
        self, days: list[SlotDay], zone: ZoneInfo, *, first: datetime | None, propose: bool
    ) -> None:
        """The free times to offer, read after any refused attempt so they are fresh; `first`,
        the first free time of all, is marked, and picked in advance when `propose` and
        nothing is picked yet."""
        field = self.fields["starts_at"]
        field.choices = slot_choices(days, zone)
        field.widget.first = slot_value(first) if first else None
        if first and propose and not self.is_bound:
            self.initial["starts_at"] = slot_value(first)
        field.help_text = _("Times are in your time zone, %(zone)s.") % {"zone": zone}


class AppointmentBookForm(AppointmentRescheduleForm):
    """A session: length, time, a way to meet both partners allowed, and a one-time token
    against double submits (see services.booking)."""

    mode = forms.ChoiceField(
        label=gettext_lazy("How you will meet"),
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Only the ways you both allowed in your contact agreement. A video call gets its own "
            "private link; for a phone call, the number your partner shared shows on the "
            "session page."
        ),
    )
    place = forms.CharField(
        label=gettext_lazy("Place"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("For a meeting in person: an address, or a place you both know."),
    )
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, data: object = None, *, modes: list[str], **kwargs: object) -> None:
        super().__init__(data, **kwargs)
        labels = dict(Appointment.Mode.choices)
        self.fields["mode"].choices = [(mode, labels[mode]) for mode in modes]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("mode") == Appointment.Mode.IN_PERSON and not cleaned.get("place"):
            self.add_error("place", _("Say where you will meet."))
        return cleaned

    def booking(self) -> dict:
        """The service's keyword arguments."""
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "length": data["length"],
            "mode": data["mode"],
            "place": data["place"],
            "token": str(data["token"]),
        }


class SeriesForm(AppointmentBookForm):
    """Regular sessions from the chosen time: the rhythm, and N times or until the cohort ends.
    `confirmed` carries the dates the person saw free in the preview."""

    class Ends:
        COUNT = "count"
        COHORT_END = "cohort_end"

    every_weeks = forms.TypedChoiceField(
        label=gettext_lazy("Repeat"),
        coerce=int,
        choices=Series._meta.get_field("every_weeks").choices,
        initial=1,
        widget=forms.RadioSelect,
    )
    ends = forms.ChoiceField(
        label=gettext_lazy("Until"),
        choices=[
            (Ends.COUNT, gettext_lazy("A number of sessions")),
            (Ends.COHORT_END, gettext_lazy("The cohort ends")),
        ],
        initial=Ends.COUNT,
        widget=forms.RadioSelect,
    )
    count = forms.IntegerField(
        label=gettext_lazy("Number of sessions"),
        min_value=2,
        max_value=SERIES_COUNT_MAX,
        initial=6,
        required=False,
    )
    confirmed = SlotListField(required=False)

    field_order = ["length", "starts_at", "every_weeks", "ends", "count", "mode", "place"]

    def __init__(self, data: object = None, *, cohort_ends: date, **kwargs: object) -> None:
        super().__init__(data, **kwargs)
        self.fields["ends"].help_text = _("The cohort ends on %(date)s.") % {
            "date": date_format(cohort_ends, "j F Y")
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("ends") == self.Ends.COUNT and cleaned.get("count") is None:
            self.add_error("count", _("Say how many sessions."))
        return cleaned

    def series(self) -> dict:
        """The service's keyword arguments, without `confirmed`."""
        data = self.cleaned_data
        return {
            **self.booking(),
            "every_weeks": data["every_weeks"],
            "count": data["count"] if data["ends"] == self.Ends.COUNT else None,
        }


class AppointmentCancelForm(QuickForm):
    """Why the session is off (the partner reads it) and, in a series, how many to cancel."""

    class Scope:
        ONE = "one"
        FOLLOWING = "following"

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Your partner reads this in the cancellation email."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Which sessions"),
        choices=[
            (Scope.ONE, gettext_lazy("Only this session")),
            (Scope.FOLLOWING, gettext_lazy("This session and all later ones in the series")),
        ],
        initial=Scope.ONE,
        widget=forms.RadioSelect,
    )

    def __init__(self, data: object = None, *, in_series: bool) -> None:
        super().__init__(data)
        if not in_series:
            del self.fields["scope"]

    def following(self) -> bool:
        return self.cleaned_data.get("scope") == self.Scope.FOLLOWING
