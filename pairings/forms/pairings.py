from django import forms
from django.utils.translation import gettext_lazy as _

from pairings.models import Pairing


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the programme team (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# Recorded when an account is deleted or the organisation's directory removes the person,
# never chosen.
_NOT_CHOSEN = (Pairing.CloseReason.LEFT, Pairing.CloseReason.LEFT_ORGANISATION)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why does the pairing close?"),
        choices=[c for c in Pairing.CloseReason.choices if c[0] not in _NOT_CHOSEN],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything to add (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
