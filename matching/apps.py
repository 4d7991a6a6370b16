from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"
    verbose_name = "Matching: the engine, match runs and mentee requests"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from matching import receivers  # noqa: F401  (its part when someone leaves)
        from matching.models import MatchRun, PairConstraint

        # The audit trail of admin actions (see audit/events.py).
        auditlog.register(MatchRun, exclude_fields=["weights"])
        auditlog.register(PairConstraint)
