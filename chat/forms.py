"""Input of a cohort's channel: the service, its incoming-webhook address, what is posted."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chat.models import ChatService


class ChatPostsForm(forms.Form):
    """What is posted to a channel."""

    posts_at_risk = forms.BooleanField(
        label=_("Pairings turning at risk, with the reasons"), required=False, initial=True
    )
    posts_weekly = forms.BooleanField(
        label=_("A weekly summary, on Monday mornings"), required=False, initial=True
    )
    posts_announcements = forms.BooleanField(
        label=_("Announcements, when one is sent"), required=False, initial=True
    )


class ChatConnectionForm(ChatPostsForm):
    """A new channel. The address is a secret: it is never shown again once saved."""

    field_order = ["service", "address"]

    service = forms.ChoiceField(
        label=_("Service"), choices=ChatService.choices, widget=forms.RadioSelect
    )
    address = forms.URLField(
        label=_("Incoming webhook address"),
        max_length=1000,
        assume_scheme="https",
        help_text=_(
            "Slack: an incoming webhook of a Slack app (https://hooks.slack.com/services/…). "
            "Microsoft Teams: the address of a Workflows flow “Post to a channel when a webhook "
            "request is received”, or of an Incoming Webhook connector. Whoever has it can "
            "post to the channel: it is kept encrypted and only its end is shown here."
        ),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
