"""Work for the Celery workers, kept as a row until a worker ran it.

A task enqueued with `outbox.services.task_enqueue_on_commit` is written in the caller's
transaction, so it exists exactly when the change that asked for it does. Publishing it to the
broker is then only a way to start it soon: when the broker is down the row waits, and beat's
scan publishes it again once the broker is back.
"""

from django.db import models


class QueuedTask(models.Model):
    name = models.CharField(max_length=200)  # the Celery task's registered name
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    # Last handed to the broker (None: never yet). Set again when the scan publishes it anew.
    published_at = models.DateTimeField(null=True, blank=True)
    publish_count = models.PositiveIntegerField(default=0)
    # A worker ran it to an end (success or final failure; a retry is not an end).
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The scan's question: unfinished rows, oldest first.
            models.Index(
                fields=["published_at", "id"],
                name="outbox_unfinished",
                condition=models.Q(finished_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}{tuple(self.args)}"

    @property
    def task_id(self) -> str:
        """The Celery task id: names the row, so the worker can mark it finished."""
        return f"{TASK_ID_PREFIX}{self.pk}"


TASK_ID_PREFIX = "outbox-"
