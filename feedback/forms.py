"""The feedback forms, one per kind. Each says beside its fields who will read what: the
programme team always sees the ratings and the answers with choices; the words go to the
partner, or the programme team, only when the writer ticks the box for them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.models import Feedback
from mentoring.quickforms import QuickForm
from mentoring.quickwidgets import quicken_all

WORDS_MAX = Feedback._meta.get_field("went_well").max_length

RATING_CHOICES = [
    (1, _("1 · Poor")),
    (2, _("2 · Not great")),
    (3, _("3 · All right")),
    (4, _("4 · Good")),
    (5, _("5 · Excellent")),
]
SATISFACTION_CHOICES = [
    (1, _("1 · Very dissatisfied")),
    (2, _("2 · Dissatisfied")),
    (3, _("3 · Neither")),
    (4, _("4 · Satisfied")),
    (5, _("5 · Very satisfied")),
]
TOOK_PLACE_CHOICES = [("yes", _("Yes, it took place")), ("no", _("No, it did not take place"))]


def _words(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=WORDS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
    )


def _score(label: str, choices: list, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the five.")},
    )


class FeedbackForm(QuickForm):
    """What the kinds share: the two sharing choices, explained next to them. Its radio
    buttons, checkboxes and text areas are written in Python (mentoring.quickforms), the same
    markup: through Django's templates they were most of the form's page."""

    # Field names, in the groups the page shows them in.
    took_place_field: str | None = None
    detail_fields: tuple[str, ...] = ()

    share_with_partner = forms.BooleanField(
        label=_("Share my words with my partner"),
        required=False,
        help_text=_(
            "Your partner sees your words only if you tick this. They never see your ratings."
        ),
    )
    share_with_programme = forms.BooleanField(
        label=_("Share my words with the programme team"),
        required=False,
        help_text=_(
            "The programme team sees your words only if you tick this. They always see your "
            "ratings and the answers you chose from a list, whatever you tick here."
        ),
    )

    def __init__(self, *args: object, feedback: Feedback, **kwargs: object) -> None:
        kwargs.setdefault("initial", self.initial_from(feedback))
        super().__init__(*args, **kwargs)
        quicken_all(self)
        self.feedback = feedback

    @staticmethod
    def initial_from(feedback: Feedback) -> dict:
        """The writer's earlier answer, as the form shows it (nothing before they answered)."""
        if feedback.answered_at is None:
            return {}
        took_place = {True: "yes", False: "no"}.get(feedback.took_place)
        return {
            "took_place": took_place,
            "rating": feedback.rating,
            "went_well": feedback.went_well,
            "could_be_better": feedback.could_be_better,
            "satisfaction": feedback.satisfaction,
            "contact_working": feedback.contact_working,
            "wants_help": feedback.wants_help,
            "comments": feedback.comments,
            "share_with_partner": feedback.share_with_partner,
            "share_with_programme": feedback.share_with_programme,
        }

    @property
    def details(self) -> list[forms.BoundField]:
        return [self[name] for name in self.detail_fields]

    @property
    def sharing(self) -> list[forms.BoundField]:
        return [self["share_with_partner"], self["share_with_programme"]]

    def details_hidden(self) -> bool:
        """Whether "did it take place?" is answered no (in the input or the saved answer): the
        rating and the words are then not asked."""
        if self.took_place_field is None:
            return False
        if self.is_bound:
            return self.data.get(self.add_prefix(self.took_place_field)) == "no"
        return self.initial.get(self.took_place_field) == "no"

    def answers(self) -> dict:
        """The cleaned answers, as feedback_answer takes them."""
        return dict(self.cleaned_data)


class SessionFeedbackForm(FeedbackForm):
    took_place_field = "took_place"
    detail_fields = ("rating", "went_well", "could_be_better")

    took_place = forms.TypedChoiceField(
        label=_("Did the session take place?"),
        choices=TOOK_PLACE_CHOICES,
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the session took place.")},
    )
    rating = _score(_("How was it?"), RATING_CHOICES, required=False)
    went_well = _words(_("What went well?"))
    could_be_better = _words(_("What could be better?"))

    field_order = ["took_place", "rating", "went_well", "could_be_better"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("took_place") is False:
            # Nothing else is asked about a session that did not happen.
            data.update(rating=None, went_well="", could_be_better="")
            data.update(share_with_partner=False, share_with_programme=False)
        elif data.get("took_place") and data.get("rating") is None:
            self.add_error("rating", _("Choose one of the five."))
        return data


class CheckInFeedbackForm(FeedbackForm):
    detail_fields = ("satisfaction", "contact_working", "wants_help", "comments")

    satisfaction = _score(
        _("How satisfied are you with the mentoring so far?"), SATISFACTION_CHOICES
    )
    contact_working = forms.ChoiceField(
        label=_("Is the contact you agreed working?"),
        choices=Feedback.ContactWorking.choices,
        widget=forms.RadioSelect,
        help_text=_("The channels and contact hours in your contact agreement."),
        error_messages={"required": _("Choose yes, partly or no.")},
    )
    wants_help = forms.BooleanField(
        label=_("I would like help from the programme team"),
        required=False,
        help_text=_("The programme team sees this and gets in touch with you."),
    )
    comments = _words(_("Anything else about how it is going?"))

    field_order = ["satisfaction", "contact_working", "wants_help", "comments"]


class ClosingFeedbackForm(FeedbackForm):
    detail_fields = ("satisfaction", "went_well", "could_be_better", "comments")

    satisfaction = _score(
        _("Overall, how satisfied are you with the mentoring?"), SATISFACTION_CHOICES
    )
    went_well = _words(_("What went well?"), _("What you take away from it."))
    could_be_better = _words(_("What could have been better?"))
    comments = _words(_("Anything else you would like to say?"))

    field_order = ["satisfaction", "went_well", "could_be_better", "comments"]


FORMS = {
    Feedback.Kind.SESSION: SessionFeedbackForm,
    Feedback.Kind.CHECK_IN: CheckInFeedbackForm,
    Feedback.Kind.CLOSING: ClosingFeedbackForm,
}


def feedback_form_for(feedback: Feedback, *args: object, **kwargs: object) -> FeedbackForm:
    """The form of the row's kind."""
    return FORMS[feedback.kind](*args, feedback=feedback, **kwargs)
