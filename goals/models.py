"""A mentee's goals for the programme, their milestones, and the progress posted on them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


class Goal(models.Model):
    """What the mentee wants from the programme. Private to the pairing unless the mentee
    shares it with the programme team."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    pairing = models.ForeignKey("pairings.Pairing", on_delete=models.CASCADE, related_name="goals")
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("what"), max_length=200)
    why = models.TextField(_("why it matters"), max_length=2000, blank=True)
    measure = models.TextField(_("how you will know"), max_length=2000, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    progress = models.PositiveSmallIntegerField(  # the latest progress update's, 0-100
        default=0, validators=[MaxValueValidator(100)]
    )
    shared_with_programme = models.BooleanField(_("share with the programme team"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="goal_progress_percent"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_status_display(self) -> str:
        """The status's label, as Django's own get_status_display gives it, without building
        the dict of the choices on every call: the goal's pages and cards show it."""
        label = GOAL_STATUS_LABELS.get(self.status)
        return self.status if label is None else str(label)


GOAL_STATUS_LABELS = dict(Goal.Status.choices)  # value -> lazy label


class Milestone(models.Model):
    """A step towards a goal."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class GoalUpdate(models.Model):
    """A progress update by the mentee (with the progress it reports) or a comment by either
    partner."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress update")
        COMMENT = "comment", _("Comment")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind)
    text = models.TextField(max_length=4000)
    progress = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["goal", "created_at"], name="goal_update_timeline")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="comment", progress__isnull=True)
                | Q(kind="progress", progress__isnull=False, progress__lte=100),
                name="goal_update_progress_with_progress_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on goal {self.goal_id}"

    def get_kind_display(self) -> str:
        """The kind's label, as Django's own get_kind_display gives it, without building the
        dict of the choices on every call: the goal page shows one per update."""
        label = GOAL_UPDATE_KIND_LABELS.get(self.kind)
        return self.kind if label is None else str(label)


GOAL_UPDATE_KIND_LABELS = dict(GoalUpdate.Kind.choices)  # value -> lazy label
