from datetime import date

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.quickforms import QuickForm
from pairings.models import PairingPause


class PauseForm(QuickForm):
    """From when, until when (the last day, included), and an optional note. `today` is the
    person's own date; `max_days` the cohort's longest pause without an admin's agreement.
    The rules themselves are the service's (pairings.services.pauses)."""

    starts_on = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": gettext_lazy("Choose the first day of the pause.")},
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": gettext_lazy("Choose the last day of the pause.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Why (optional)"),
        required=False,
        max_length=PairingPause._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Holiday, exams, parental leave ...: your partner and the programme team see it."
        ),
    )

    def __init__(self, *args: object, today: date, max_days: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].widget.attrs["min"] = today.isoformat()
        self.fields["ends_on"].widget.attrs["min"] = today.isoformat()
        self.fields["ends_on"].help_text = _(
            "The last day of the pause. Longer than %(days)d days, it needs the programme "
            "team's agreement."
        ) % {"days": max_days}


class PauseDecisionForm(forms.Form):
    """An admin's answer to a pause that waits for one; the note goes to both partners."""

    note = forms.CharField(
        label=gettext_lazy("A note for the partners (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
