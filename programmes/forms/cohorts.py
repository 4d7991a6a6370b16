from collections.abc import Iterable
from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import browser_zone_wanted, timezone_field
from accounts.models import MENTOR_CAPACITY_MAX, User
from mentoring.choices import choices_share
from mentoring.quickforms import QuickForm
from mentoring.quickwidgets import quicken_all
from programmes.forms.questions import question_field, question_field_name
from programmes.models import Channel, Cohort, Enrolment, EnrolmentQuestion, ParticipantRole


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "name",
            "description",
            "starts_on",
            "ends_on",
            "enrolment_deadline",
            "cadence_days",
            "first_session_in_person",
            "matching_mode",
            "default_mentor_capacity",
            "request_timeout_days",
            "weight_field",
            "weight_goals",
            "weight_timezone",
            "weight_seniority",
            "weight_channels",
            "weight_preference",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "enrolment_deadline": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "matching_mode": forms.RadioSelect,
        }
        help_texts = {
            "first_session_in_person": _("Meeting in person at least once, best at the start."),
            "request_timeout_days": _(
                "Mentee-requests mode: after this many days without an answer, the request "
                "moves to the mentee's next choice."
            ),
            "weight_field": _("0 ignores a criterion; 5 makes it count five times as much."),
        }

    def __init__(self, *args: object, organisations=None, **kwargs: object) -> None:
        """`organisations`: on a new cohort, those its creator administers (it belongs to one,
        asked only when there are several)."""
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(
                queryset=organisations,
                label=_("Organisation"),
                empty_label=None,
                error_messages={
                    "invalid_choice": _("Choose one of the organisations you run cohorts for.")
                },
            )
            only = list(organisations[:2])
            if len(only) == 1:  # nothing to choose: not shown, and not taken from the post
                self.fields["organisation"].initial = only[0].pk
                self.fields["organisation"].disabled = True
                self.fields["organisation"].widget = forms.HiddenInput()

    def clean(self) -> dict:
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        deadline = cleaned.get("enrolment_deadline")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The cohort must end after it starts."))
        if deadline and ends and deadline > ends:
            self.add_error("enrolment_deadline", _("Enrolment must close before the cohort ends."))
        weights = [cleaned.get(f) for f in self.Meta.fields if f.startswith("weight_")]
        if all(w == 0 for w in weights if w is not None) and None not in weights:
            self.add_error(None, _("Give at least one matching criterion a weight above 0."))
        return cleaned


CHOICES = ("first_choice", "second_choice", "third_choice")


class EnrolmentForm(QuickForm):
    """A participant's answers for one cohort; mentees and mentors see different questions.

    The time zone comes first: the hours below are in it, and it becomes the person's zone.
    Its fields render in Python (QuickForm, quicken_all), and the mentor lists share one read
    of the mentors.
    """

    timezone = timezone_field(required=False)
    channels = forms.MultipleChoiceField(
        label=_("Channels that suit you"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pick at least one way to keep in touch.")},
    )
    weekday_from = forms.TimeField(
        label=_("Usually reachable on weekdays from"),
        initial=time(9),
        widget=forms.TimeInput(attrs={"type": "time", "step": 900}),
    )
    weekday_to = forms.TimeField(
        label=_("until"),
        initial=time(17),
        widget=forms.TimeInput(attrs={"type": "time", "step": 900}),
    )
    weekends = forms.BooleanField(label=_("Also at weekends, same hours"), required=False)
    goals = forms.CharField(
        label=_("Your goals for this programme"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you want to achieve, and how you will know."),
    )
    first_choice = forms.ModelChoiceField(
        label=_("Your first choice of mentor"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No preference"),
        help_text=_("Optional. See the mentor directory for their profiles."),
    )
    second_choice = forms.ModelChoiceField(
        label=_("Second choice"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No preference"),
    )
    third_choice = forms.ModelChoiceField(
        label=_("Third choice"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No preference"),
    )
    avoid = forms.ModelMultipleChoiceField(
        label=_("People you must not be paired with"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional and private: only the programme admins see it."),
    )
    capacity = forms.IntegerField(
        label=_("How many mentees can you take in this cohort?"),
        min_value=1,
        max_value=MENTOR_CAPACITY_MAX,
        required=False,
    )

    def __init__(
        self,
        *args: object,
        enrolment: Enrolment,
        questions: Iterable[EnrolmentQuestion] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.questions = list(questions)
        for question in self.questions:  # the cohort's own questions, after ours
            name = question_field_name(question)
            self.fields[name] = question_field(question)
            value = enrolment.answers.get(str(question.pk))
            if value not in (None, "", []):
                self.initial.setdefault(name, value)
        quicken_all(self)  # its selects, text areas and checkbox too, the questions' with them
        others = enrolment.cohort.enrolments.exclude(user=enrolment.user)
        if enrolment.role == ParticipantRole.MENTEE:
            del self.fields["capacity"]
            if enrolment.cohort.matching_mode == Cohort.MatchingMode.REQUESTS:
                for name in CHOICES:  # the request queue, kept on matching:request_choose
                    del self.fields[name]
            mentors = User.objects.filter(
                enrolments__in=others.filter(role=ParticipantRole.MENTOR)
            ).order_by("display_name", "email")
            # Only the people one could be paired with: other mentees' names are not for them.
            listed = [name for name in (*CHOICES, "avoid") if name in self.fields]
            # The lists show names only (str(user)): the rows are read with nothing else.
            choices_share(
                fields=[self.fields[name] for name in listed],
                queryset=mentors,
                rows=mentors.only("email", "display_name"),
            )
        else:
            for name in ("goals", "avoid", *CHOICES):
                del self.fields[name]
            self.fields["capacity"].required = True
        if not self.is_bound and browser_zone_wanted(enrolment.user):
            self.fields["timezone"].widget.attrs["data-browser-timezone"] = "true"
        if not self.is_bound:
            self.initial.update(_initial(enrolment))

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("weekday_from"), cleaned.get("weekday_to")
        if start and end and end <= start:
            self.add_error("weekday_to", _("The end must come after the start."))
        if self.enrolment.role == ParticipantRole.MENTEE and not cleaned.get("goals", "").strip():
            self.add_error("goals", _("Tell your future mentor what you want to achieve."))
        chosen = [cleaned[name] for name in CHOICES if cleaned.get(name)]
        if "first_choice" not in self.fields:
            chosen = None  # requests mode: leave the mentee's queue of choices alone
        if chosen and len(set(chosen)) < len(chosen):
            self.add_error(None, _("Choose each mentor once."))
        cleaned["preferred_mentors"] = chosen
        both = set(chosen or []) & set(cleaned.get("avoid") or [])
        if both:
            self.add_error(
                "avoid", _("You cannot both want and avoid %(name)s.") % {"name": both.pop()}
            )
        return cleaned

    def answers(self) -> dict:
        """The cleaned answers in the shape enrolment_answer takes."""
        data = self.cleaned_data
        start = data["weekday_from"].hour * 60 + data["weekday_from"].minute
        end = data["weekday_to"].hour * 60 + data["weekday_to"].minute
        days = range(7) if data["weekends"] else range(5)
        answers = {
            "tz": data["timezone"] or None,  # not sent (an old page): keep the person's zone
            "channels": data["channels"],
            "contact_hours": [[day, start, end] for day in days],
        }
        if self.enrolment.role == ParticipantRole.MENTEE:
            answers.update(
                goals=data["goals"].strip(),
                preferred_mentors=data["preferred_mentors"],
                avoid=list(data["avoid"]),
            )
        else:
            answers["capacity"] = data["capacity"]
        answers["answers"] = {
            str(q.pk): data[question_field_name(q)]
            for q in self.questions
            if data.get(question_field_name(q)) not in (None, "", [])
        }
        return answers

    def question_fields(self) -> list[forms.BoundField]:
        return [self[question_field_name(q)] for q in self.questions]


def _initial(enrolment: Enrolment) -> dict:
    initial: dict = {
        "channels": enrolment.channels or ["video", "email"],
        "timezone": enrolment.user.timezone,
    }
    if enrolment.contact_hours:
        _day, start, end = enrolment.contact_hours[0]
        initial.update(
            weekday_from=time(start // 60, start % 60),
            weekday_to=time(end // 60, end % 60),
            weekends=any(w[0] >= 5 for w in enrolment.contact_hours),
        )
    if enrolment.role == ParticipantRole.MENTEE:
        initial["goals"] = enrolment.goals
        if enrolment.pk:
            ranked = enrolment.preferences.values_list("mentor_id", flat=True)  # by rank
            for name, mentor_id in zip(CHOICES, ranked, strict=False):
                initial[name] = mentor_id
            initial["avoid"] = list(enrolment.avoid.values_list("pk", flat=True))
    else:
        initial["capacity"] = enrolment.capacity
    return initial
