"""What a person types to make an API token: its name, what it may do and when it stops."""

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken

NEVER = "never"
EXPIRY_CHOICES = [
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
    (NEVER, _("Never (revoke it yourself when it is no longer needed)")),
]


class OrganisationTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=80,
        help_text=_("What it is for, e.g. “Quarterly report for the board”."),
    )
    expires_in = forms.ChoiceField(
        label=_("Expires"), choices=EXPIRY_CHOICES, initial="90", widget=forms.RadioSelect
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name, so you know it again."))
        return name

    def expires_at(self) -> datetime | None:
        """When the token stops working, from the choice made (None: never)."""
        days = self.cleaned_data["expires_in"]
        return None if days == NEVER else timezone.now() + timedelta(days=int(days))


class PersonalTokenForm(OrganisationTokenForm):
    field_order = ["name", "scope", "expires_in"]

    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=_(
            "Read only is enough for reports and calendars; read and write also books sessions "
            "and sends messages as you."
        ),
    )
