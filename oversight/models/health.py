"""How each pairing is doing, as the nightly assessment found it, and a daily history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


class HealthStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    NEEDS_ATTENTION = "attention", _("Needs attention")
    AT_RISK = "at_risk", _("At risk")


HEALTH_STATUS_LABELS = dict(HealthStatus.choices)  # value -> lazy label


class PairingHealth(models.Model):
    """The latest assessment of one active pairing: its status, the reasons in words, and the
    facts they came from. An admin can snooze a flag with a note until a date."""

    pairing = models.OneToOneField(
        "pairings.Pairing", on_delete=models.CASCADE, primary_key=True, related_name="health"
    )
    status = models.CharField(max_length=10, choices=HealthStatus, default=HealthStatus.ON_TRACK)
    # [{"code": "silent", "text": "No contact for 35 days"}, ...], most serious first
    reasons = models.JSONField(default=list, blank=True)
    sessions_held = models.PositiveIntegerField(default=0)
    sessions_expected = models.PositiveIntegerField(default=0)
    last_contact_at = models.DateTimeField(null=True, blank=True)  # a session held or a message
    mean_rating = models.FloatField(null=True, blank=True)  # of recent session feedback
    met_in_person = models.BooleanField(default=False)
    agreement_holds = models.BooleanField(default=False)
    # How urgent a flag is, for sorting the queue: days of silence past the pair's usual gap
    # (0 when within it), and the lowest satisfaction at the partners' latest check-ins.
    days_past_rhythm = models.PositiveIntegerField(default=0)
    usual_gap = models.PositiveSmallIntegerField(null=True, blank=True)  # days, bounded
    lowest_satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField()
    snoozed_until = models.DateField(null=True, blank=True)
    snooze_note = models.TextField(max_length=1000, blank=True)
    snoozed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "pairing health"
        indexes = [models.Index(fields=["status"], name="pairing_health_status")]

    def __str__(self) -> str:
        return f"Pairing {self.pairing_id}: {self.status}"

    def get_status_display(self) -> str:
        """The status's label, as Django's own get_status_display gives it, without building
        the dict of the choices on every call: the cohort's tables show one per row."""
        label = HEALTH_STATUS_LABELS.get(self.status)
        return self.status if label is None else str(label)

    @property
    def urgency(self) -> list[str]:
        """How urgent the flag is, in words, as the queue sorts it: the silence past the
        pair's rhythm (when there is any), then the lowest satisfaction (when given)."""
        words = []
        if self.days_past_rhythm:
            if self.usual_gap:
                words.append(
                    ngettext(
                        "%(days)d day past their usual %(gap)d-day rhythm",
                        "%(days)d days past their usual %(gap)d-day rhythm",
                        self.days_past_rhythm,
                    )
                    % {"days": self.days_past_rhythm, "gap": self.usual_gap}
                )
            else:
                words.append(
                    ngettext(
                        "%(days)d day past their usual rhythm",
                        "%(days)d days past their usual rhythm",
                        self.days_past_rhythm,
                    )
                    % {"days": self.days_past_rhythm}
                )
        if self.lowest_satisfaction is not None:
            words.append(
                gettext("satisfaction %(score)d of 5") % {"score": self.lowest_satisfaction}
            )
        return words


class HealthSnapshot(models.Model):
    """One pairing's status on one day: the cohort page charts health over time from these."""

    pairing = models.ForeignKey(
        "pairings.Pairing", on_delete=models.CASCADE, related_name="health_snapshots"
    )
    day = models.DateField()
    status = models.CharField(max_length=10, choices=HealthStatus)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pairing", "day"], name="health_snapshot_once_a_day"),
        ]
        indexes = [models.Index(fields=["day", "status"], name="health_snapshot_by_day")]

    def __str__(self) -> str:
        return f"Pairing {self.pairing_id} on {self.day}: {self.status}"
