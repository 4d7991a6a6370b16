from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programmes"
    verbose_name = "Programmes: cohorts, matching, pairings and agreements"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from programmes import (
            receivers,  # noqa: F401  (its part when someone leaves)
            signals,  # noqa: F401  (connects allauth's user_logged_in, email_confirmed)
        )
        from programmes.models import Cohort, EnrolmentQuestion, ImportJob, Invite

        # The audit trail of admin actions (see audit/events.py).
        auditlog.register(Cohort)
        auditlog.register(Invite, mask_fields=["token"])
        auditlog.register(ImportJob, include_fields=["filename", "status"])
        auditlog.register(EnrolmentQuestion)
