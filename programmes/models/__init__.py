"""Cohorts, who is in them, who is paired with whom and why, and how they keep in touch."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import MENTOR_CAPACITY_MAX

User = settings.AUTH_USER_MODEL


class Channel(models.TextChoices):
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Instant message")
    EMAIL = "email", _("Email")
    IN_PERSON = "in_person", _("In person")


class ParticipantRole(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


def _weight(label: str) -> models.FloatField:
    return models.FloatField(
        label, default=1.0, validators=[MinValueValidator(0), MaxValueValidator(5)]
    )


class Cohort(models.Model):
    """One run of a programme: its dates, its rhythm and how its people are matched."""

    class MatchingMode(models.TextChoices):
        ADMIN = "admin", _("Admins run optimal matching")
        REQUESTS = "requests", _("Mentees request a mentor")

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    enrolment_deadline = models.DateField(_("enrolment deadline"))
    cadence_days = models.PositiveSmallIntegerField(
        _("a session every (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    first_session_in_person = models.BooleanField(_("first session in person"), default=True)
    matching_mode = models.CharField(
        _("matching"), max_length=10, choices=MatchingMode, default=MatchingMode.ADMIN
    )
    weight_field = _weight(_("weight: same field"))
    weight_goals = _weight(_("weight: goals and expertise"))
    weight_timezone = _weight(_("weight: overlapping contact hours"))
    weight_seniority = _weight(_("weight: seniority gap"))
    weight_channels = _weight(_("weight: shared channels"))
    weight_preference = _weight(_("weight: mentee's own choices"))
    default_mentor_capacity = models.PositiveSmallIntegerField(
        _("default mentor capacity"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MENTOR_CAPACITY_MAX)],
    )
    request_timeout_days = models.PositiveSmallIntegerField(
        _("days a mentor has to answer a request"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    admins = models.ManyToManyField(User, related_name="administered_cohorts", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="cohort_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(enrolment_deadline__lte=F("ends_on")),
                name="cohort_deadline_before_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weights(self) -> dict[str, float]:
        return {
            name: getattr(self, f"weight_{name}")
            for name in ("field", "goals", "timezone", "seniority", "channels", "preference")
        }


class Enrolment(models.Model):
    """A person's place in a cohort, as mentor or mentee, with their answers for it."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolments")
    role = models.CharField(max_length=10, choices=ParticipantRole)
    goals = models.TextField(_("goals for this programme"), blank=True, max_length=2000)
    channels = models.JSONField(_("preferred channels"), default=list, blank=True)
    # Usual contact hours, [[weekday 0=Mon, start minute, end minute], ...] in the person's zone.
    contact_hours = models.JSONField(default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("mentees in this cohort"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MENTOR_CAPACITY_MAX)],
    )
    department = models.CharField(_("department"), max_length=120, blank=True)
    manager_email = models.EmailField(_("manager's email"), blank=True)
    avoid = models.ManyToManyField(
        User, related_name="+", blank=True, verbose_name=_("people not to be paired with")
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # The invite they joined with (the first, if several): counts who joined by each link.
    invite = models.ForeignKey(
        "Invite",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="enrolments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user", "role"], name="enrolment_once_per_role"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True)
                | Q(capacity__gte=1, capacity__lte=MENTOR_CAPACITY_MAX),
                name="enrolment_capacity_in_range",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "role"])]

    def __str__(self) -> str:
        return f"{self.user} as {self.role} in {self.cohort}"


class MentorPreference(models.Model):
    """A mentee's ranked wish for a mentor (at most three)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="preferences")
    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(3)])

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "rank"], name="preference_rank_once"),
            models.UniqueConstraint(fields=["enrolment", "mentor"], name="preference_mentor_once"),
            models.CheckConstraint(
                condition=Q(rank__gte=1, rank__lte=3), name="preference_rank_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.user_id} wants {self.mentor_id} (#{self.rank})"


def _token() -> str:
    return secrets.token_urlsafe(24)


class Invite(models.Model):
    """An invitation into a cohort: a shareable link (no email) or one person's (from CSV)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invites")
    role = models.CharField(max_length=10, choices=ParticipantRole)
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    email = models.EmailField(blank=True)  # empty: a link anyone holding it may use
    name = models.CharField(max_length=120, blank=True)
    department = models.CharField(max_length=120, blank=True)
    manager_email = models.EmailField(blank=True)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One personal invite per person and role: uploading the same CSV twice adds nothing.
            models.UniqueConstraint(
                fields=["cohort", "role", "email"],
                condition=~Q(email=""),
                name="invite_once_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} invite to {self.cohort}"


class ImportJob(models.Model):
    """A CSV upload of participants, imported by a worker, with its progress and bad rows."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    filename = models.CharField(max_length=255)
    content = models.TextField()  # the decoded CSV; rows are imported from here
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [{"line": 7, "reason": "..."}]
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Import of {self.filename} ({self.status})"


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

    def partner_of(self, user: object) -> object:
        return self.mentee if user.pk == self.mentor_id else self.mentor

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE


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


# Goals, health and outreach live in their own modules; importing them here registers them.
from .goals import Goal, GoalUpdate, Milestone  # noqa: E402, F401
from .health import HealthSnapshot, HealthStatus, PairingHealth  # noqa: E402, F401
from .outreach import Announcement, AnnouncementDelivery, Nudge  # noqa: E402, F401
