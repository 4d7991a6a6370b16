from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from webhooks.models import WebhookEndpoint

        # The audit trail: who added an endpoint, changed its events, rotated its secret or
        # switched it off. The secrets themselves never reach the trail.
        auditlog.register(
            WebhookEndpoint,
            include_fields=["url", "event_kinds", "enabled", "secret_rotated_at"],
        )
