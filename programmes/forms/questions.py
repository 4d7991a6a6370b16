"""A cohort's own enrolment questions: the admins' form, and the fields they become."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.models import QUESTION_WEIGHT_MAX, EnrolmentQuestion

CHOICES_MAX = 30
CHOICE_MAX_LENGTH = 100
SHORT_ANSWER_MAX = 200
LONG_ANSWER_MAX = 2000


class EnrolmentQuestionForm(forms.ModelForm):
    """An admin adds or edits one question; choices are typed one per line."""

    choices_text = forms.CharField(
        label=_("Choices, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For “One choice” and “Several choices” only."),
    )

    class Meta:
        model = EnrolmentQuestion
        fields = ["label", "help_text", "kind", "required", "match_weight"]
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "match_weight": _(
                "Choice questions only. 0: matching ignores the answers; up to %(max)s: a mentee "
                "and a mentor who gave the same answer are more likely to be paired."
            )
            % {"max": QUESTION_WEIGHT_MAX},
        }

    field_order = ["label", "help_text", "kind", "choices_text", "required", "match_weight"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["match_weight"].required = False  # empty: 0, matching ignores it
        self.fields["match_weight"].widget.attrs.update(min=0, max=QUESTION_WEIGHT_MAX, step=0.5)
        if not self.is_bound:
            self.initial["choices_text"] = "\n".join(self.instance.choices)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("match_weight") is None and "match_weight" not in self.errors:
            cleaned["match_weight"] = 0.0
        kind = cleaned.get("kind")
        choices: list[str] = []
        for line in cleaned.get("choices_text", "").splitlines():
            choice = " ".join(line.split())
            if choice and choice not in choices:
                choices.append(choice)
        if kind in EnrolmentQuestion.CHOICE_KINDS:
            if len(choices) < 2:
                self.add_error("choices_text", _("Give at least two choices, one per line."))
            elif len(choices) > CHOICES_MAX:
                self.add_error(
                    "choices_text", _("Give at most %(max)s choices.") % {"max": CHOICES_MAX}
                )
            elif any(len(choice) > CHOICE_MAX_LENGTH for choice in choices):
                self.add_error(
                    "choices_text",
                    _("Keep each choice under %(max)s characters.") % {"max": CHOICE_MAX_LENGTH},
                )
        else:
            choices = []
            if cleaned.get("match_weight"):
                self.add_error(
                    "match_weight", _("Only choice questions count in matching: leave it at 0.")
                )
        cleaned["choices"] = choices
        cleaned.pop("choices_text", None)
        return cleaned


def question_field(question: EnrolmentQuestion) -> forms.Field:
    """The form field a participant answers the question with."""
    common = {"label": question.label, "help_text": question.help_text}
    common["required"] = question.required
    Kind = EnrolmentQuestion.Kind
    if question.kind == Kind.SHORT:
        return forms.CharField(max_length=SHORT_ANSWER_MAX, **common)
    if question.kind == Kind.LONG:
        return forms.CharField(
            max_length=LONG_ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    options = [(choice, choice) for choice in question.choices]
    if question.kind == Kind.SINGLE:
        if not question.required:
            options = [("", _("No answer")), *options]
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
    return forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)


def question_field_name(question: EnrolmentQuestion) -> str:
    return f"question_{question.pk}"
