from django.apps import AppConfig


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = "Oversight: pairing health, the cohort page, nudges and announcements"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from oversight import receivers  # noqa: F401  (its part when someone leaves)
        from oversight.models import Announcement, Nudge

        # The audit trail of admin actions (see audit/events.py).
        auditlog.register(Announcement, exclude_fields=["body"])
        auditlog.register(Nudge, exclude_fields=["text"])
