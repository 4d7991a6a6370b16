from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Notifications held to contact hours"

    def ready(self) -> None:
        from notifications import receivers  # noqa: F401  (its part when someone leaves)
