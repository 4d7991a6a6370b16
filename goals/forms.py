"""Goal forms: dates are checked against today in the person's own zone."""

from datetime import date
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from goals.models import Goal, GoalUpdate, Milestone
from mentoring.quickforms import QuickDateInput, QuickForm, QuickModelForm


class DateInput(QuickDateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _not_past(value: date | None, *, tz: ZoneInfo, unchanged: date | None = None) -> None:
    if value is not None and value != unchanged and value < timezone.localdate(timezone=tz):
        raise forms.ValidationError(_("This date is in the past. Choose today or a later day."))


class GoalForm(QuickModelForm):
    class Meta:
        model = Goal
        fields = ["title", "why", "measure", "target_date", "shared_with_programme"]
        widgets = {
            "why": forms.Textarea(attrs={"rows": 3}),
            "measure": forms.Textarea(attrs={"rows": 3}),
            "target_date": DateInput(),
        }
        help_texts = {
            "title": _("One thing you want from the programme, e.g. “Lead my first team meeting”."),
            "measure": _("What will tell you and your mentor it is done?"),
            "target_date": _("Optional. Today or later."),
            "shared_with_programme": _(
                "Unticked, only you and your mentor can read this goal. Ticked, the programme "
                "team of your cohort can read it too (never change it)."
            ),
        }

    def __init__(self, *args: object, viewer_tz: ZoneInfo, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.viewer_tz = viewer_tz

    def clean_target_date(self) -> date | None:
        value = self.cleaned_data["target_date"]
        # A target that has passed may stay when the goal is edited; a new one may not.
        unchanged = self.instance.target_date if self.instance.pk else None
        _not_past(value, tz=self.viewer_tz, unchanged=unchanged)
        return value


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Goal.Status.choices)


class MilestoneForm(QuickForm):
    title = forms.CharField(
        label=_("Milestone"), max_length=Milestone._meta.get_field("title").max_length
    )
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=DateInput(), help_text=_("Optional.")
    )

    def __init__(self, *args: object, viewer_tz: ZoneInfo, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "milestone")
        super().__init__(*args, **kwargs)
        self.viewer_tz = viewer_tz

    def clean_due_on(self) -> date | None:
        value = self.cleaned_data["due_on"]
        _not_past(value, tz=self.viewer_tz)
        return value


class MilestonePickForm(forms.Form):
    """One milestone of the list on the page, and what to do with it."""

    OPS = ("tick", "untick", "up", "down", "remove")

    op = forms.ChoiceField(choices=[(op, op) for op in OPS], widget=forms.HiddenInput)
    milestone = forms.ModelChoiceField(
        queryset=Milestone.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("That milestone is no longer there. Here is the list.")
        },
    )

    def __init__(self, *args: object, milestones: QuerySet[Milestone], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = milestones


class ProgressForm(QuickForm):
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        help_text=_("From 0 to 100: how far along the goal you are now."),
    )
    text = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=GoalUpdate._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what moved it forward, or what is in the way."),
    )

    def __init__(self, *args: object, from_milestones: bool = False, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "progress")
        super().__init__(*args, **kwargs)
        if from_milestones:
            # The milestones set the percentage; the mentee says what happened.
            del self.fields["progress"]
            self.fields["text"].required = True
            self.fields["text"].help_text = _("What moved the goal forward, or what is in the way.")


class CommentForm(QuickForm):
    text = forms.CharField(
        label=_("Comment"),
        max_length=GoalUpdate._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "comment")
        super().__init__(*args, **kwargs)
