from django.apps import AppConfig


class PairingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pairings"
    verbose_name = "Pairings and their lifecycle, contact agreements"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from pairings import receivers  # noqa: F401  (its part when someone leaves)
        from pairings.models import Pairing, PairingPause

        auditlog.register(Pairing)  # the audit trail (see audit/events.py)
        # The partners' note stays out of the trail, which outlives an account's deletion.
        auditlog.register(PairingPause, exclude_fields=["note"])
