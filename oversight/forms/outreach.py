"""The admins' outreach forms. They render in Python (QuickForm): radios, text and areas."""

import uuid

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mentoring.quickforms import QuickForm
from oversight.models import Announcement, Nudge
from pairings.models import Pairing


class NudgeForm(QuickForm):
    template = forms.ChoiceField(
        label=_("Template"),
        choices=Nudge.Template.choices,
        widget=forms.RadioSelect,
        help_text=_("Choosing another template starts the text again from it."),
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("Change it as you like. Each email starts with “Hello” and the name."),
    )
    recipients = forms.ChoiceField(label=_("Send to"), widget=forms.RadioSelect)

    def __init__(self, *args: object, pairing: Pairing, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = [
            ("both", _("Both")),
            ("mentor", _("Only %(name)s (mentor)") % {"name": pairing.mentor.name}),
            ("mentee", _("Only %(name)s (mentee)") % {"name": pairing.mentee.name}),
        ]
        # Choosing a template fetches this page with it and swaps in its text (htmx).
        self.fields["template"].widget.attrs.update(
            {
                "hx-get": reverse("oversight:pairing_nudge", args=[pairing.pk]),
                "hx-trigger": "change",
                "hx-target": "#id_text",
                "hx-select": "#id_text",
                "hx-swap": "outerHTML",
            }
        )

    def nudge_arguments(self) -> dict:
        """What nudge_send takes, from the cleaned form."""
        chosen = self.cleaned_data["recipients"]
        return {
            "template": self.cleaned_data["template"],
            "text": self.cleaned_data["text"],
            "to_mentor": chosen in ("both", "mentor"),
            "to_mentee": chosen in ("both", "mentee"),
        }


class RematchForm(QuickForm):
    note = forms.CharField(
        label=_("Why a new match? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the closed pairing for the programme team; not emailed."),
    )


class AnnouncementForm(QuickForm):
    audience = forms.ChoiceField(
        label=_("To"),
        choices=Announcement.Audience.choices,
        initial=Announcement.Audience.EVERYONE,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text. Each email starts with “Hello” and the person's name."),
    )
    # Made when the form is shown: sending the same form twice finds the same announcement.
    key = forms.UUIDField(widget=forms.HiddenInput)
    # An email to a whole cohort cannot be called back: say so, and ask.
    confirm = forms.BooleanField(
        label=_("Send it now to everyone chosen above: an email cannot be called back"),
        error_messages={"required": _("Tick this box to send: nothing has been sent yet.")},
    )

    def __init__(
        self, *args: object, audience_counts: dict[str, int] | None = None, **kwargs: object
    ) -> None:
        kwargs.setdefault("initial", {"key": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        if audience_counts is not None:
            self.fields["audience"].choices = [
                (value, f"{label} ({audience_counts[value]})")
                for value, label in Announcement.Audience.choices
            ]

    def clean(self) -> dict:
        cleaned = super().clean()
        if "key" in self.errors:  # a hidden field's error would show nowhere
            del self.errors["key"]
            self.add_error(None, _("This form is out of date. Open it again and send it."))
        return cleaned
