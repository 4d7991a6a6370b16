from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oversight.health import SNOOZE_MAX_DAYS, snooze_until_problem


class SnoozeForm(forms.Form):
    """Until when, and why. `today` is the admin's own date, so "after today" means theirs."""

    until = forms.DateField(
        label=gettext_lazy("Snooze until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": gettext_lazy("Choose the day the flag should show again.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Why (for the other admins)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Say why, for the other admins.")},
    )

    def __init__(self, *args: object, today: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        until = self.fields["until"]
        until.help_text = _(
            "The flag stays quiet through this day (at most %(days)d days ahead)."
        ) % {"days": SNOOZE_MAX_DAYS}
        until.widget.attrs["min"] = (today + timedelta(days=1)).isoformat()
        until.widget.attrs["max"] = (today + timedelta(days=SNOOZE_MAX_DAYS)).isoformat()

    def clean_until(self) -> date:
        until = self.cleaned_data["until"]
        problem = snooze_until_problem(until=until, today=self.today)
        if problem:
            raise forms.ValidationError(problem)
        return until
