from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks.models import EventKind


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Address (URL)"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("Where your system receives the events; it must start with https://."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("What receives them, e.g. “HR reporting”."),
    )
    event_kinds = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event to send there.")},
    )


class EndpointEditForm(EndpointForm):
    """The address stays: a new address is a new endpoint, with a secret of its own."""

    url = None
