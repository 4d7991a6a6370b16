from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.models import Cohort, ParticipantRole


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=100,
        help_text=_("Which directory holds it, e.g. “Entra ID production”."),
    )


class GroupMapForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=_("None (the group enrols nobody)"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices, required=False)

    def __init__(self, *args: object, cohorts: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("cohort") and not cleaned.get("role"):
            self.add_error(
                "role", _("Choose whether the group's members join as mentors or mentees.")
            )
        return cleaned
