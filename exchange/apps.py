from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exchange"
    verbose_name = "Exchange between sessions"

    def ready(self) -> None:
        """Register the notification kinds of messages, materials and opportunities, and
        exchange's part when someone leaves."""
        from exchange import notification_kinds, receivers  # noqa: F401
