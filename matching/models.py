"""Match runs an admin reviews and publishes, the pairs they lock or forbid, and the requests
a mentee sends to mentors of their choosing."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programmes.models import Cohort

User = settings.AUTH_USER_MODEL


class MatchRun(models.Model):
    """One run of the matching engine: a proposal an admin reviews, adjusts and publishes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="match_runs")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    weights = models.JSONField(default=dict)
    total_score = models.FloatField(default=0)
    mentee_count = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    unmatched = models.JSONField(default=list)  # [{"person_id", "role", "reason"}]
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Matching of {self.cohort} at {self.created_at:%Y-%m-%d %H:%M}"

    def get_additional_data(self) -> dict:
        """The cohort of this row's audit entries (django-auditlog calls this)."""
        return {"cohort_id": self.cohort_id}

    @property
    def matched_pct(self) -> float:
        return 100 * self.matched_count / self.mentee_count if self.mentee_count else 0.0

    @property
    def mean_score(self) -> float:
        return self.total_score / self.matched_count if self.matched_count else 0.0


class ProposedPair(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    criteria = models.JSONField(default=dict)  # each criterion's value in [0, 1]
    locked = models.BooleanField(default=False)

    class Meta:
        ordering = ["score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="proposed_pair_mentee_once"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} ↔ {self.mentee_id} ({self.score:.2f})"


class PairConstraint(models.Model):
    """An admin's word on a pair that matching must keep: lock it in, or never propose it."""

    class Kind(models.TextChoices):
        LOCK = "lock", _("Locked")
        FORBID = "forbid", _("Forbidden")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="pair_constraints")
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "mentee", "mentor"], name="pair_constraint_once"
            ),
            # A mentee is locked to one mentor at most.
            models.UniqueConstraint(
                fields=["cohort", "mentee"],
                condition=Q(kind="lock"),
                name="pair_constraint_one_lock_per_mentee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.mentor_id} ↔ {self.mentee_id}"

    def get_additional_data(self) -> dict:
        """The cohort of this row's audit entries (django-auditlog calls this)."""
        return {"cohort_id": self.cohort_id}


class MentorRequest(models.Model):
    """In mentee-requests mode: a mentee asks one mentor at a time, in order of their choices."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("No answer in time")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="requests")
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    note = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rank", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "mentee"],
                condition=Q(status="pending"),
                name="request_one_pending_per_mentee",
            ),
            models.UniqueConstraint(
                fields=["cohort", "mentee", "mentor"], name="request_once_per_mentor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} asks {self.mentor_id} ({self.status})"
