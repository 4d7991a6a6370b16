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


class CalDavConnectForm(forms.Form):
    """A CalDAV account: its server, user name and an app password (never shown back)."""

    server_url = forms.URLField(
        label=gettext_lazy("Server address"),
        max_length=2000,
        assume_scheme="https",
        help_text=gettext_lazy(
            "Nextcloud: https://your-cloud/remote.php/dav. Fastmail: https://caldav.fastmail.com. "
            "iCloud: https://caldav.icloud.com. Radicale: its address, for example "
            "https://calendar.example.org. The server's own address is usually enough: its "
            "calendars are found for you."
        ),
        error_messages={
            "required": gettext_lazy("Give the address of your calendar server."),
            "invalid": gettext_lazy("That is not a web address: it should start with https://."),
        },
    )
    username = forms.CharField(
        label=gettext_lazy("User name"),
        max_length=200,
        help_text=gettext_lazy("The name you sign in to that server with, often your email."),
        error_messages={"required": gettext_lazy("Give your user name on that server.")},
    )
    password = forms.CharField(
        label=gettext_lazy("App password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=gettext_lazy(
            "Make an app password for this in your account's security settings (Nextcloud, "
            "Fastmail and iCloud all offer one) rather than giving your own password: you can "
            "revoke it alone. It is kept encrypted and never shown again."
        ),
        error_messages={"required": gettext_lazy("Give an app password for that account.")},
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


class CalDavChoicesForm(forms.Form):
    """Which of an account's calendars count as busy, and which one receives sessions."""

    busy = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Counts as busy"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The events of a ticked calendar keep those times from sessions."),
    )
    receiving = forms.TypedChoiceField(
        label=gettext_lazy("Write my sessions to"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Each session you book, move or cancel is put in that calendar too, with a link to "
            "its page. Only one of your calendars receives them; calendars you may only read "
            "are not offered."
        ),
    )

    def __init__(self, *args, calendars: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["busy"].choices = [(c.pk, c.name) for c in calendars]
        self.fields["receiving"].choices = [("", gettext_lazy("None of these calendars"))] + [
            (c.pk, c.name) for c in calendars if c.writable
        ]
        if not self.is_bound:
            self.initial = {
                "busy": [c.pk for c in calendars if c.counts_busy],
                "receiving": next((c.pk for c in calendars if c.receives_sessions), ""),
            }
