"""Notification settings input: for each kind, at once, in a digest, or never; and, for
programme admins, the weekly email on their cohorts' health."""

from django import forms
from django.utils.translation import gettext_lazy

from mentoring.quickforms import QuickForm
from mentoring.quickwidgets import quicken_all
from notifications.models import Delivery

_INVALID = {
    "invalid_choice": gettext_lazy("Pick one of the three choices: “%(value)s” is not one."),
    "required": gettext_lazy("Pick one of the three choices."),
}


def _delivery_field(label: str, help_text: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages=_INVALID,
    )


class NotificationSettingsForm(QuickForm):
    """Its radio buttons, checkbox and field groups are written in Python (QuickForm,
    quicken_all): through the templates they were most of the page."""

    messages = _delivery_field(
        gettext_lazy("Messages from your partner"),
        gettext_lazy("Questions and replies in your pairing's thread."),
    )
    materials = _delivery_field(
        gettext_lazy("Shared materials"),
        gettext_lazy("Files and links your partner shares; small files come attached."),
    )
    opportunities = _delivery_field(
        gettext_lazy("Opportunities"),
        gettext_lazy("Events, jobs and courses your mentor passes on to you."),
    )
    health_weekly = forms.BooleanField(
        label=gettext_lazy("Weekly email on my cohorts' health"),
        help_text=gettext_lazy(
            "For programme admins, on Monday within your contact hours: pairings newly at "
            "risk, those that recovered, and pauses waiting for your agreement. Sent only when "
            "there is something to say."
        ),
        required=False,
    )

    def __init__(self, *args: object, for_programme_admin: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not for_programme_admin:  # only admins get the weekly email: nothing to choose
            del self.fields["health_weekly"]
        quicken_all(self)
