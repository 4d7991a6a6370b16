"""Contact terms input: channels, phone, weekly hours in the person's own zone, reply time."""

from datetime import time

from django import forms
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.forms import timezone_choices
from accounts.models import Profile, User
from accounts.widgets import QuickSelect
from mentoring.quickforms import QuickForm, QuickRadioSelect
from mentoring.quickwidgets import quicken_all
from pairings.models import ContactTerms
from pairings.selectors.agreements import MINUTES_PER_DAY, minutes_label, phone_display
from programmes.forms.hours import HoursRow, hours_rows, hours_week_html, time_field, window_times
from programmes.models import Channel

WINDOWS_PER_DAY = 2


class RadioSelectWithUnavailable(QuickRadioSelect):
    """Radios of which some show, greyed out, but cannot be picked (written in Python as
    Django's templates write them: mentoring.quickforms)."""

    def __init__(self, *args: object, unavailable: set[str] = frozenset(), **kwargs: object):
        super().__init__(*args, **kwargs)
        self.unavailable = unavailable

    def create_option(self, name: str, value: object, *args: object, **kwargs: object) -> dict:
        option = super().create_option(name, value, *args, **kwargs)
        if value in self.unavailable:
            option["attrs"]["disabled"] = True
        return option


def _minute(value: time) -> int:
    return value.hour * 60 + value.minute


class ContactTermsForm(QuickForm):
    """One partner's terms. Hours: per weekday up to two windows, "from" before "to", on the
    quarter hour; a "to" of 00:00 is midnight; a day left empty means not reachable then."""

    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Ways your partner may reach you"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one way to be reached.")},
    )
    phone = forms.ChoiceField(
        label=gettext_lazy("Phone number your partner may use"),
        choices=ContactTerms.PhoneChoice.choices,
    )
    timezone = forms.ChoiceField(
        label=gettext_lazy("Time zone of your hours"),
        choices=timezone_choices,
        widget=QuickSelect,
        help_text=gettext_lazy("Your partner sees your hours converted to their own time zone."),
        error_messages={"invalid_choice": gettext_lazy("“%(value)s” is not a time zone we know.")},
    )
    urgent_breaks_through = forms.BooleanField(
        label=gettext_lazy("Urgent messages may reach me outside these hours"),
        required=False,
        help_text=gettext_lazy(
            "Otherwise a message sent outside your hours waits until they open, even if urgent."
        ),
    )
    reply_time = forms.ChoiceField(
        label=gettext_lazy("How quickly you usually reply"),
        choices=ContactTerms.ReplyTime.choices,
    )

    def __init__(
        self,
        data: object = None,
        *,
        person: User,
        profile: Profile,
        terms: ContactTerms | None,
        first_draft: dict | None = None,
    ) -> None:
        super().__init__(data)
        self.profile = profile
        numbers = {
            ContactTerms.PhoneChoice.WORK: profile.work_phone,
            ContactTerms.PhoneChoice.PERSONAL: profile.personal_phone,
        }
        choices = []
        for value, label in ContactTerms.PhoneChoice.choices:
            if value in numbers:
                label = _("%(choice)s (%(number)s)") % {
                    "choice": label,
                    "number": phone_display(numbers[value]) or _("none on your profile"),
                }
            choices.append((value, label))
        phone = self.fields["phone"]
        phone.choices = choices
        unavailable = {v for v, number in numbers.items() if not number}
        phone.widget = RadioSelectWithUnavailable(choices=choices, unavailable=unavailable)
        phone.help_text = format_html(
            '{} <a href="{}">{}</a>',
            _("Only a number on your profile can be shared, and only with your partner."),
            reverse("accounts:profile"),
            _("Edit your phone numbers"),
        )
        self.days = []
        for weekday, day_name in WEEKDAYS.items():
            windows = []
            for n in range(1, WINDOWS_PER_DAY + 1):
                opens, closes = f"hours_{weekday}_{n}_from", f"hours_{weekday}_{n}_to"
                self.fields[opens] = time_field(_("From") if n == 1 else _("and from"))
                self.fields[closes] = time_field(_("to"))
                windows.append((opens, closes))
            self.days.append((weekday, day_name, windows))
        quicken_all(self)  # the hours' inputs, the reply time's select and the urgent box
        if terms is not None:
            self.initial = {
                "channels": terms.channels,
                "phone": terms.phone,
                "timezone": terms.timezone,
                "urgent_breaks_through": terms.urgent_breaks_through,
                "reply_time": terms.reply_time,
            }
            if terms.phone in unavailable:  # the number has left the profile since
                self.initial["phone"] = ContactTerms.PhoneChoice.NONE
            hours = terms.contact_hours
        else:
            first_draft = first_draft or {}
            self.initial = {
                "channels": first_draft.get("channels", []),
                "timezone": person.timezone,
                "reply_time": ContactTerms.ReplyTime.DAY,
                "phone": ContactTerms.PhoneChoice.NONE,
            }
            hours = first_draft.get("contact_hours", [])
        self._initial_hours(hours)

    def _initial_hours(self, hours: list[list[int]]) -> None:
        used: dict[int, int] = {}
        for weekday, opens, closes in sorted(hours):
            n = used.get(weekday, 0) + 1
            if n > WINDOWS_PER_DAY:
                continue
            used[weekday] = n
            self.initial[f"hours_{weekday}_{n}_from"] = time(opens // 60, opens % 60)
            closes %= MINUTES_PER_DAY  # midnight is shown as 00:00
            self.initial[f"hours_{weekday}_{n}_to"] = time(closes // 60, closes % 60)

    def hours_rows(self) -> list[HoursRow]:
        """One row per weekday for the hours editor."""
        return hours_rows(self, self.days)

    def hours_editor(self) -> SafeString:
        """The weekly hours editor (programmes.forms.hours.hours_week_html)."""
        return hours_week_html(self.hours_rows())

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        missing = {
            ContactTerms.PhoneChoice.WORK: (
                not self.profile.work_phone,
                _("Add a work phone number to your profile first."),
            ),
            ContactTerms.PhoneChoice.PERSONAL: (
                not self.profile.personal_phone,
                _("Add a personal phone number to your profile first."),
            ),
        }
        if phone in missing and missing[phone][0]:
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    missing[phone][1],
                    reverse("accounts:profile"),
                    _("Open your profile"),
                )
            )
        return phone

    def clean(self) -> dict:
        cleaned = super().clean()
        hours = []
        for weekday, day_name, windows in self.days:
            day = []
            for opens_name, closes_name in windows:
                window = self._window(opens_name, closes_name)
                if window is None:
                    continue
                for other_opens, other_closes in day:
                    if window[0] < other_closes and other_opens < window[1]:
                        self.add_error(
                            opens_name,
                            _("Overlaps the other window on %(day)s, %(from)s to %(to)s.")
                            % {
                                "day": day_name,
                                "from": minutes_label(other_opens),
                                "to": minutes_label(other_closes),
                            },
                        )
                        break
                else:
                    day.append(window)
            hours.extend([weekday, opens, closes] for opens, closes in day)
        hour_errors = any(name.startswith("hours_") for name in self.errors)
        if not hours and not hour_errors:
            self.add_error(
                None, _("Give at least one time window when your partner may reach you.")
            )
        cleaned["contact_hours"] = sorted(hours)
        return cleaned

    def _window(self, opens_name: str, closes_name: str) -> tuple[int, int] | None:
        """The window in minutes, or None when it is empty or has an error (now on the form)."""
        times = window_times(self, opens_name, closes_name)
        if times is None:
            return None
        opens, closes = times
        start, end = _minute(opens), _minute(closes) or MINUTES_PER_DAY
        if end <= start:
            self.add_error(
                closes_name,
                _(
                    "End after the start. To go past midnight, end at 00:00 and carry on the "
                    "next day."
                ),
            )
            return None
        return start, end

    def terms(self) -> dict:
        """The validated terms, as agreement_terms_save takes them."""
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "channels",
                "phone",
                "contact_hours",
                "timezone",
                "urgent_breaks_through",
                "reply_time",
            )
        }


class AcknowledgeForm(forms.Form):
    """The version of the agreement the person read before they acknowledged it."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
