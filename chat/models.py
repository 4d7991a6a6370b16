"""A cohort's Slack or Teams channels, reached by an incoming-webhook address, and what was
posted to each (once per subject)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChatService(models.TextChoices):
    SLACK = "slack", _("Slack")
    TEAMS = "teams", _("Microsoft Teams")


class ChatConnection(models.Model):
    """One channel of a cohort: its service, its incoming-webhook address (a secret: kept
    encrypted, shown only as `address_hint`), what is posted there, and how the last post went.
    """

    cohort = models.ForeignKey(
        "programmes.Cohort", on_delete=models.CASCADE, related_name="chat_connections"
    )
    service = models.CharField(_("service"), max_length=10, choices=ChatService)
    # mentoring.crypto: whoever has the address can post to the channel.
    address_encrypted = models.TextField()
    address_hint = models.CharField(max_length=300)  # the host and the last 4 characters
    posts_at_risk = models.BooleanField(_("pairings turning at risk"), default=True)
    posts_weekly = models.BooleanField(_("a weekly summary"), default=True)
    posts_announcements = models.BooleanField(_("announcements"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_posted_at = models.DateTimeField(null=True, blank=True)
    last_problem = models.TextField(blank=True)  # in words; "" when the last try went well
    last_problem_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_service_display()} for cohort {self.cohort_id}: {self.address_hint}"

    def get_additional_data(self) -> dict:
        """The cohort of this row's audit entries (django-auditlog calls this)."""
        return {"cohort_id": self.cohort_id}


class ChatPostKind(models.TextChoices):
    AT_RISK = "at_risk", _("Pairing at risk")
    WEEKLY = "weekly", _("Weekly summary")
    ANNOUNCEMENT = "announcement", _("Announcement")
    TEST = "test", _("Test message")


class ChatPost(models.Model):
    """One message for one channel about one subject (a pairing on a day, a week, an
    announcement, a test click): posted at most once, whatever retries or repeats."""

    connection = models.ForeignKey(ChatConnection, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(max_length=20, choices=ChatPostKind)
    subject = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "kind", "subject"], name="chat_post_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} to connection {self.connection_id}"
