"""Passing an opportunity on: what, when (typed in the mentor's zone, stored in UTC), where or
link, a note, and which of their active mentees receive it."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange.models import Opportunity
from mentoring.choices import choices_share
from mentoring.quickforms import QuickForm, QuickInputMixin
from mentoring.quickwidgets import quicken_all
from pairings.models import Pairing

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def local_to_utc(wall: datetime, zone: ZoneInfo) -> datetime | None:
    """The UTC instant at which clocks in `zone` read `wall`; None when they never do (the hour
    skipped when clocks go forward). In a repeated hour, the first pass."""
    aware = wall.replace(tzinfo=zone, fold=0)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        return None
    return aware.astimezone(UTC)


class LocalDateTimeInput(QuickInputMixin, forms.DateTimeInput):
    """A datetime-local input written in Python, as django/forms/widgets/input.html writes it
    (mentoring.quickforms)."""


class LocalDateTimeField(forms.DateTimeField):
    """A datetime-local input read in the given zone (not the active one) and returned in UTC."""

    widget = LocalDateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT_FORMAT)

    def __init__(self, *, zone: ZoneInfo = UTC, **kwargs: object) -> None:
        self.zone = zone
        super().__init__(**kwargs)

    def prepare_value(self, value: object) -> object:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(self.zone).replace(tzinfo=None)
        return value

    def to_python(self, value: object) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            wall = value
        else:
            try:
                wall = parse_datetime(str(value).strip())
            except ValueError:
                wall = None
            if wall is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        if wall.tzinfo is not None:
            return wall.astimezone(UTC)
        moment = local_to_utc(wall.replace(second=0, microsecond=0), self.zone)
        if moment is None:
            raise ValidationError(
                _("Clocks skip that time in %(zone)s (a daylight-saving change): pick another.")
                % {"zone": self.zone.key},
                code="skipped",
            )
        return moment


class RecipientsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Pairing) -> str:
        if getattr(self, "show_cohort", False):
            return f"{obj.mentee.name} ({obj.cohort.name})"
        return obj.mentee.name


class OpportunityForm(QuickForm):
    """Its fields are written in Python (QuickForm, quicken_all); the mentees to choose from
    are read once, for the form and its list."""

    kind = forms.ChoiceField(
        label=gettext_lazy("What is it?"), choices=Opportunity.Kind, initial=Opportunity.Kind.EVENT
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        help_text=gettext_lazy("For example: “Women in Tech meetup” or “Junior PM role at Acme”."),
    )
    starts_at = LocalDateTimeField(label=gettext_lazy("Starts"), required=False)
    ends_at = LocalDateTimeField(label=gettext_lazy("Ends"), required=False)
    location = forms.CharField(
        label=gettext_lazy("Where"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("A place, if it happens somewhere in person."),
    )
    url = forms.URLField(
        label=gettext_lazy("Link"),
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("The event page, the job ad or the course."),
    )
    note = forms.CharField(
        label=gettext_lazy("Your note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Why you thought of them, whom to ask for, anything useful."),
    )
    pairings = RecipientsField(
        label=gettext_lazy("Pass it on to"),
        queryset=Pairing.objects.none(),
        error_messages={
            "required": gettext_lazy("Choose at least one mentee."),
            "invalid_choice": gettext_lazy("You can only choose your own active mentees."),
        },
    )

    def __init__(
        self,
        data: object = None,
        *,
        zone: ZoneInfo,
        pairings: QuerySet[Pairing],
        rows: list[Pairing] | None = None,
    ) -> None:
        """`rows`: `pairings` read already, in its order."""
        super().__init__(data)
        for name in ("starts_at", "ends_at"):
            self.fields[name].zone = zone
        self.fields["starts_at"].help_text = _(
            "In your time zone (%(zone)s). Needed for an event; optional otherwise."
        ) % {"zone": zone.key}
        self.fields["ends_at"].help_text = _("Optional; in your time zone (%(zone)s).") % {
            "zone": zone.key
        }
        recipients = self.fields["pairings"]
        choices = list(pairings) if rows is None else rows
        choices_share(fields=[recipients], queryset=pairings, rows=choices)
        recipients.show_cohort = len({pairing.cohort_id for pairing in choices}) > 1
        if len(choices) == 1:
            recipients.initial = [choices[0].pk]
        quicken_all(self)

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        start_given = "starts_at" not in self.errors
        if kind == Opportunity.Kind.EVENT and starts_at is None and start_given:
            self.add_error("starts_at", _("An event needs a start time."))
        if ends_at is not None and start_given:
            if starts_at is None:
                self.add_error("starts_at", _("Give the start too, or leave the end empty."))
            elif ends_at <= starts_at:
                self.add_error("ends_at", _("The end must come after the start."))
        if (
            kind == Opportunity.Kind.EVENT
            and not data.get("location")
            and not data.get("url")
            and "url" not in self.errors
        ):
            self.add_error("location", _("Say where the event happens, or give its link."))
        return data
