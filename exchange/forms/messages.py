"""Writing a message, and editing one's own; the "Urgent" help text says what will happen."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange.models import MESSAGE_MAX_LENGTH
from exchange.selectors.messages import PartnerReach
from mentoring.quickforms import QuickForm
from mentoring.quickwidgets import quicken_all
from notifications.models import Delivery


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return date_format(moment.astimezone(zone), "D H:i")


def urgent_help_text(*, reach: PartnerReach, viewer_zone: ZoneInfo) -> str:
    """The truth about when the partner is emailed, with and without "Urgent", in the viewer's
    zone. HTML-escaped (the field partial prints help text as it is)."""
    name = reach.partner.name
    when = _when(reach.next_opening, viewer_zone) if reach.next_opening else ""
    if reach.delivery == Delivery.NEVER:
        text = _("%(name)s reads messages here and has asked not to be emailed about them.")
    elif not reach.has_hours:
        if reach.delivery == Delivery.DIGEST:
            text = _("%(name)s has set no contact hours and gets messages in a digest email.")
        else:
            text = _("%(name)s has set no contact hours and is emailed at once, urgent or not.")
    elif reach.inside_hours:
        if reach.delivery == Delivery.DIGEST:
            text = _(
                "%(name)s is inside their contact hours now but gets messages in a digest when "
                "the hours next open, %(when)s your time."
            )
        else:
            text = _("%(name)s is inside their contact hours now and is emailed at once.")
    else:
        text = _(
            "%(name)s is outside their contact hours; they will be emailed when the hours open, "
            "%(when)s your time."
        )
        if reach.delivery == Delivery.DIGEST:
            text += " " + _("Urgent or not, it goes in their digest.")
        elif reach.urgent_breaks_through:
            text += " " + _(
                "Marked urgent, it is emailed at once: %(name)s lets urgent messages through."
            )
        else:
            text += " " + _(
                "Urgent messages wait too: %(name)s does not let them through outside their hours."
            )
    # Escaped whole: a name is the person's own text, and the field partial prints help as is.
    return escape(text % {"name": name, "when": when})


class MessageForm(QuickForm):
    """Its text area, checkbox and field groups are written in Python (QuickForm,
    quicken_all), as on every thread page."""

    body = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Write a message first.")},
    )
    urgent = forms.BooleanField(label=gettext_lazy("Urgent"), required=False)

    def __init__(
        self,
        *args: object,
        reach: PartnerReach | None = None,
        viewer_zone: ZoneInfo | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        quicken_all(self)
        if reach is not None and viewer_zone is not None:
            self.fields["urgent"].help_text = urgent_help_text(reach=reach, viewer_zone=viewer_zone)


class MessageEditForm(QuickForm):
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Write a message first.")},
    )
