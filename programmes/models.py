"""Cohorts, who is enrolled in them and how, invitations and CSV imports."""

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

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("organisation"),
    )
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
    # How the health rules (oversight.health) judge this cohort's pairings; the defaults come
    # from the simulation in bench/outcomes.py. Silence is measured in the pair's usual gaps
    # between sessions (bounded by the cadence).
    health_quiet_gaps = models.FloatField(
        _("needs attention after this many usual gaps without contact"),
        default=1.5,
        validators=[MinValueValidator(1.0), MaxValueValidator(4.0)],
    )
    health_silent_gaps = models.FloatField(
        _("at risk after this many usual gaps without contact"),
        default=1.9,
        validators=[MinValueValidator(1.0), MaxValueValidator(6.0)],
    )
    health_low_satisfaction = models.PositiveSmallIntegerField(
        _("at risk when a check-in rates satisfaction at or below"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    health_low_rating = models.FloatField(
        _("needs attention when recent sessions are rated on average below"),
        default=3.0,
        validators=[MinValueValidator(1.0), MaxValueValidator(5.0)],
    )
    pause_max_days = models.PositiveSmallIntegerField(
        _("longest pause without an admin's agreement (days)"),
        default=42,
        validators=[MinValueValidator(7), MaxValueValidator(180)],
    )
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
            models.CheckConstraint(
                condition=Q(health_silent_gaps__gte=F("health_quiet_gaps")),
                name="cohort_health_silent_after_quiet",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        """The cohort of this row's audit entries (django-auditlog calls this)."""
        return {"cohort_id": self.pk}

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
    # Answers to the cohort's own questions (EnrolmentQuestion): {"<question id>": "text"} for
    # text questions, a choice or a list of choices for the others.
    answers = models.JSONField(_("answers to the cohort's questions"), default=dict, blank=True)
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
    # A mentee left without a mentor (declined, requests expired): when an admin closed their
    # wait. A later decline or expiry puts them back in the cohort page's waiting list.
    waiting_closed_at = models.DateTimeField(null=True, blank=True, editable=False)
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


QUESTION_WEIGHT_MAX = 5


class EnrolmentQuestion(models.Model):
    """A question the cohort's admins add to its enrolment form, asked of mentees and mentors.

    A choice question may count in matching: with a weight above 0, a mentee and a mentor who
    gave the same answer score higher (the share of choices they have in common, for several).
    """

    class Kind(models.TextChoices):
        SHORT = "short", _("Short text")
        LONG = "long", _("Long text")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind, default=Kind.SHORT)
    choices = models.JSONField(_("choices"), default=list, blank=True)  # ["Python", "Go"]
    required = models.BooleanField(_("an answer is required"), default=False)
    order = models.PositiveSmallIntegerField(default=0)
    match_weight = models.FloatField(
        _("weight in matching: same answer"),
        default=0.0,
        validators=[MinValueValidator(0), MaxValueValidator(QUESTION_WEIGHT_MAX)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(match_weight__gte=0, match_weight__lte=QUESTION_WEIGHT_MAX)
                & (Q(match_weight=0) | Q(kind__in=["single", "multiple"])),
                name="question_weight_for_choices_only",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_additional_data(self) -> dict:
        """The cohort of this row's audit entries (django-auditlog calls this)."""
        return {"cohort_id": self.cohort_id}

    @property
    def key(self) -> str:
        """Its key in Enrolment.answers and in matching's criteria ("q12")."""
        return f"q{self.pk}"

    @property
    def is_choice(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    def answer_text(self, answers: dict) -> str:
        """The person's answer as one line of text ("" when none)."""
        value = answers.get(str(self.pk), "")
        return "; ".join(value) if isinstance(value, list) else str(value)


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

    def get_additional_data(self) -> dict:
        """The cohort of this row's audit entries (django-auditlog calls this)."""
        return {"cohort_id": self.cohort_id}


class PendingJoin(models.Model):
    """An invitation someone signed up through, kept on the server until they are in.

    The session that opened the link may be gone when the address is confirmed (another
    browser, a phone): this row still enrols them then, and sends them to the cohort's
    questions when they next sign in anywhere.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pending_joins")
    invite = models.ForeignKey(Invite, on_delete=models.CASCADE, related_name="pending_joins")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "invite"], name="pending_join_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} waiting to join with invite {self.invite_id}"


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

    def get_additional_data(self) -> dict:
        """The cohort of this row's audit entries (django-auditlog calls this)."""
        return {"cohort_id": self.cohort_id}
