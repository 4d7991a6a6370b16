"""Reminder settings input: which of the offered times before a session to be emailed."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sessions_app.selectors.reminders import OFFSET_CHOICES, offset_label


def _offset_choices() -> list[tuple[int, str]]:
    return [
        (minutes, _("%(ahead)s before") % {"ahead": offset_label(minutes)})
        for minutes in OFFSET_CHOICES
    ]


class ReminderSettingsForm(forms.Form):
    offsets = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Email me a reminder"),
        choices=_offset_choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "For every session, as many as you like; tick none for no reminders. Your "
            "partner chooses their own."
        ),
        error_messages={
            "invalid_choice": gettext_lazy("Pick from the times listed: %(value)s is not one.")
        },
    )
