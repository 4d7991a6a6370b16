"""Forms of mentee-requests mode: a mentee picks a suggested mentor; a mentor answers."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from matching.selectors.requests import MentorOption

ACCEPT, DECLINE = "accept", "decline"


class RequestCreateForm(forms.Form):
    """Which of the mentors suggested to the mentee they want to ask."""

    mentor = forms.TypedChoiceField(
        label=_("Mentor"),
        coerce=int,
        error_messages={
            "required": _("Choose one of the mentors suggested to you."),
            "invalid_choice": _("Choose one of the mentors suggested to you."),
        },
    )

    def __init__(self, *args: object, options: list[MentorOption], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.mentors = {option.mentor.pk: option.mentor for option in options}
        self.fields["mentor"].choices = [(pk, user.name) for pk, user in self.mentors.items()]

    def clean_mentor(self) -> User:
        return self.mentors[self.cleaned_data["mentor"]]


class RequestAnswerForm(forms.Form):
    """A mentor's answer to a request: the button pressed (accept or decline) and a note."""

    note = forms.CharField(
        label=_("A note for the mentee (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent with your answer. If you decline, a word on why helps them."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        decision = self.data.get("decision")
        if decision not in (ACCEPT, DECLINE):
            raise ValidationError(_("Choose Accept or Decline."))
        cleaned["decision"] = decision
        cleaned["note"] = cleaned.get("note", "").strip()
        return cleaned
