"""Connecting one's own calendar: a name and its secret ICS address."""

from django import forms
from django.utils.translation import gettext_lazy

MAX_CONNECTIONS = 10


class CalendarConnectForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("So you know which calendar it is, for example “Work”."),
        error_messages={"required": gettext_lazy("Give the calendar a name.")},
    )
    url = forms.URLField(
        label=gettext_lazy("Secret address (ICS)"),
        max_length=2000,
        assume_scheme="https",
        help_text=gettext_lazy(
            "In Google Calendar: the calendar's settings, “Secret address in iCal format”. "
            "In Outlook: Settings, Calendar, Shared calendars, “Publish a calendar”, the ICS "
            "link. Only when you are busy is kept, never what your events are."
        ),
        error_messages={
            "required": gettext_lazy("Paste the calendar's secret address."),
            "invalid": gettext_lazy(
                "That is not a web address: it should start with https:// (or webcal://)."
            ),
        },
    )

    def __init__(self, *args, count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = count

    def clean(self):
        cleaned = super().clean()
        if self.count >= MAX_CONNECTIONS:
            raise forms.ValidationError(
                gettext_lazy("You can connect up to %(count)s calendars; remove one first.")
                % {"count": MAX_CONNECTIONS}
            )
        return cleaned

    def full_clean(self):
        # Calendar apps hand out webcal:// addresses: the same address over https.
        if self.data and str(self.data.get("url", "")).lower().startswith("webcal://"):
            self.data = self.data.copy()
            self.data["url"] = "https://" + self.data["url"][len("webcal://") :]
        super().full_clean()
