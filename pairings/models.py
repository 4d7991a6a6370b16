"""Pairings and their lifecycle, and the contact agreement each pair keeps."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from programmes.models import Cohort

User = settings.AUTH_USER_MODEL


class Pairing(models.Model):
    """A mentor and a mentee in a cohort: proposed, then active, then closed."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        MATCHING = "matching", _("Matching")
        REQUEST = "request", _("Mentee's request")

    class CloseReason(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        REMATCH = "rematch", _("Rematch requested")
        UNAVAILABLE = "unavailable", _("No longer available")
        LEFT = "left", _("Left the platform")
        # The organisation's directory removed them (SCIM): set by provisioning, never chosen.
        LEFT_ORGANISATION = "left_org", _("Left the organisation")

    LIVE = (Status.PROPOSED, Status.ACTIVE)

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pairings")
    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentor_pairings")
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentee_pairings")
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)
    source = models.CharField(max_length=10, choices=Source, default=Source.MATCHING)
    score = models.FloatField(null=True, blank=True)
    criteria = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_note = models.TextField(blank=True, max_length=1000)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(max_length=12, choices=CloseReason, blank=True)
    close_note = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A mentee has one live pairing per cohort, whatever races the services lose.
            models.UniqueConstraint(
                fields=["cohort", "mentee"],
                condition=Q(status__in=["proposed", "active"]),
                name="pairing_one_live_per_mentee",
            ),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="pairing_two_people"),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} ↔ {self.mentee} ({self.status})"

    def get_additional_data(self) -> dict:
        """The cohort of this row's audit entries (django-auditlog calls this)."""
        return {"cohort_id": self.cohort_id}

    def get_status_display(self) -> str:
        """The status's label, as Django's own get_status_display gives it, without building
        the dict of the choices on every call: the cohort's tables show one per row."""
        label = PAIRING_STATUS_LABELS.get(self.status)
        return self.status if label is None else str(label)

    def partner_of(self, user: object) -> object:
        return self.mentee if user.pk == self.mentor_id else self.mentor

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE


PAIRING_STATUS_LABELS = dict(Pairing.Status.choices)  # value -> lazy label


class PairingPause(models.Model):
    """A break the partners planned ("we are pausing until ..."): holiday, exams, leave.

    Either partner declares it; the partner and the cohort's admins see it. While an agreed
    pause runs, the health rules (oversight.health) leave silence and cadence alone, and its
    days count neither as silence nor as sessions expected. A pause longer than the cohort's
    `pause_max_days` waits for an admin's agreement before it counts.
    """

    class Status(models.TextChoices):
        AGREED = "agreed", _("Agreed")
        AWAITING = "awaiting", _("Waiting for the programme team")
        DECLINED = "declined", _("Declined by the programme team")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="pauses")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))  # the last day of the pause, included
    note = models.TextField(_("note"), blank=True, max_length=500)
    status = models.CharField(max_length=10, choices=Status, default=Status.AGREED)
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="pairing_pause_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["pairing", "status", "ends_on"])]

    def __str__(self) -> str:
        return f"Pause of pairing {self.pairing_id}: {self.starts_on} to {self.ends_on}"

    def get_additional_data(self) -> dict:
        return {"cohort_id": self.pairing.cohort_id}

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class ContactAgreement(models.Model):
    """How and when two partners may reach each other; holds once both acknowledged it."""

    pairing = models.OneToOneField(Pairing, on_delete=models.CASCADE, related_name="agreement")
    version = models.PositiveIntegerField(default=0)  # goes up whenever either side's terms change
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Contact agreement of pairing {self.pairing_id} (v{self.version})"


class ContactTerms(models.Model):
    """One person's side of a contact agreement."""

    class PhoneChoice(models.TextChoices):
        WORK = "work", _("My work phone")
        PERSONAL = "personal", _("My personal phone")
        NONE = "none", _("No phone number")

    class ReplyTime(models.TextChoices):
        HOURS = "hours", _("Within a few hours")
        DAY = "day", _("Within a day")
        DAYS = "days", _("Within two or three days")
        WEEK = "week", _("Within a week")

    agreement = models.ForeignKey(ContactAgreement, on_delete=models.CASCADE, related_name="terms")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    channels = models.JSONField(default=list)
    phone = models.CharField(max_length=10, choices=PhoneChoice, default=PhoneChoice.NONE)
    contact_hours = models.JSONField(default=list)  # [[weekday, start min, end min]] in own zone
    timezone = models.CharField(max_length=64)  # the zone the hours are in, as stated
    urgent_breaks_through = models.BooleanField(default=False)
    reply_time = models.CharField(max_length=10, choices=ReplyTime, default=ReplyTime.DAY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "person"], name="terms_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"Terms of {self.person_id} in agreement {self.agreement_id}"


class Acknowledgement(models.Model):
    """A person accepted the agreement as it stood at `version`."""

    agreement = models.ForeignKey(
        ContactAgreement, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "person", "version"], name="acknowledged_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} acknowledged v{self.version}"
