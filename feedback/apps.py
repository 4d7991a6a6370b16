from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Feedback after sessions, check-ins and closing reflections, and who sees what of it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from feedback import (
            notification_kinds,  # noqa: F401  (feedback requests by email)
            receivers,  # noqa: F401  (its part when someone leaves)
        )
