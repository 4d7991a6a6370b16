from datetime import date, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oversight.health import SNOOZE_MAX_DAYS, snooze_until_problem
from oversight.services.health_settings import HEALTH_SETTINGS
from programmes.models import Cohort


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


class HealthSettingsForm(forms.ModelForm):
    """How the health rules judge one cohort's pairings. The model's validators bound each
    number; silence "at risk" may not come before "needs attention"."""

    class Meta:
        model = Cohort
        fields = HEALTH_SETTINGS
        labels = {
            "health_quiet_gaps": gettext_lazy(
                "Needs attention after this many usual gaps without contact"
            ),
            "health_silent_gaps": gettext_lazy(
                "At risk after this many usual gaps without contact"
            ),
            "health_low_satisfaction": gettext_lazy(
                "At risk when a partner rates their satisfaction at a check-in at or below"
            ),
            "health_low_rating": gettext_lazy(
                "Needs attention when recent sessions are rated on average below"
            ),
            "pause_max_days": gettext_lazy(
                "Longest pause the partners agree between themselves (days)"
            ),
        }
        help_texts = {
            "health_quiet_gaps": gettext_lazy(
                "In the pair's own usual gaps between sessions (see below). From 1 to 4."
            ),
            "health_silent_gaps": gettext_lazy(
                "At least the number above (a pair cannot be at risk before it needs "
                "attention). From 1 to 6."
            ),
            "health_low_satisfaction": gettext_lazy(
                "Of 5, at the partner's latest check-in. From 1 to 4."
            ),
            "health_low_rating": gettext_lazy(
                "Of 5, the mean of the pair's recent session ratings. From 1 to 5."
            ),
            "pause_max_days": gettext_lazy(
                "A longer pause counts only once you agree to it. From 7 to 180 days."
            ),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The browser's number inputs show the model's own bounds.
        for name, field in self.fields.items():
            for validator in Cohort._meta.get_field(name).validators:
                if isinstance(validator, MinValueValidator):
                    field.widget.attrs["min"] = validator.limit_value
                elif isinstance(validator, MaxValueValidator):
                    field.widget.attrs["max"] = validator.limit_value
            if isinstance(field, forms.FloatField):
                field.widget.attrs["step"] = "0.1"

    def clean(self) -> dict:
        cleaned = super().clean()
        quiet, silent = cleaned.get("health_quiet_gaps"), cleaned.get("health_silent_gaps")
        if quiet is not None and silent is not None and silent < quiet:
            # Beside the field, and before the database's own check says it less clearly.
            self.add_error(
                "health_silent_gaps",
                _(
                    "Make this at least %(quiet)s, the number for “needs attention”: a pair "
                    "cannot be at risk before it needs attention."
                )
                % {"quiet": number_format(quiet)},
            )
        return cleaned
