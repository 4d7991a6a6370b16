"""Feedback: after each session, at relationship check-ins, and at closing.

One row per (occasion, person): written when the occasion comes (a session ended, a check-in
fell due, the pairing closed), emailed within the person's contact hours, reminded once, and
answered on the same row. Who sees what is on the form: ratings and check-in answers reach the
programme admins; free text reaches the partner only when shared with them, and the admins
only when shared with the programme team.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


def _score(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class Feedback(models.Model):
    class Kind(models.TextChoices):
        SESSION = "session", _("After a session")
        CHECK_IN = "check_in", _("Relationship check-in")
        CLOSING = "closing", _("Closing reflection")

    class ContactWorking(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    kind = models.CharField(max_length=10, choices=Kind)
    pairing = models.ForeignKey(
        "pairings.Pairing", on_delete=models.CASCADE, related_name="feedback"
    )
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    appointment = models.ForeignKey(
        "sessions_app.Appointment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback",
    )
    round = models.PositiveSmallIntegerField(default=0)  # check-ins: 1 after a month, 2, 3, ...
    asked_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    # After a session
    took_place = models.BooleanField(_("did the session take place?"), null=True, blank=True)
    rating = _score(_("how was it (1-5)?"))
    went_well = models.TextField(_("what went well"), max_length=4000, blank=True)
    could_be_better = models.TextField(_("what could be better"), max_length=4000, blank=True)
    # Check-ins
    satisfaction = _score(_("how satisfied are you with the mentoring (1-5)?"))
    contact_working = models.CharField(
        _("is the contact you agreed working?"), max_length=6, choices=ContactWorking, blank=True
    )
    wants_help = models.BooleanField(
        _("would you like help from the programme team?"), default=False
    )
    # Check-ins and closing: anything else, in words
    comments = models.TextField(_("comments"), max_length=4000, blank=True)
    # Who may read the free text
    share_with_partner = models.BooleanField(_("share my words with my partner"), default=False)
    share_with_programme = models.BooleanField(
        _("share my words with the programme team"), default=False
    )

    class Meta:
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "person"],
                condition=Q(kind="session"),
                name="feedback_once_per_session_and_person",
            ),
            models.UniqueConstraint(
                fields=["pairing", "person", "kind", "round"],
                condition=~Q(kind="session"),
                name="feedback_once_per_round_and_person",
            ),
            models.CheckConstraint(
                condition=Q(kind="session", appointment__isnull=False)
                | (~Q(kind="session") & Q(appointment__isnull=True)),
                name="feedback_session_kind_has_session",
            ),
        ]
        indexes = [
            models.Index(
                fields=["person"], condition=Q(answered_at__isnull=True), name="feedback_open"
            ),
            models.Index(fields=["pairing", "kind", "answered_at"], name="feedback_by_pairing"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} feedback {self.pk} by {self.person_id}"
