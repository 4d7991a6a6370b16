from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    """Availability, sessions (Appointment), agendas, notes and reminders."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sessions_app"
    verbose_name = "Sessions"

    def ready(self) -> None:
        from sessions_app import receivers  # noqa: F401  (a closing pairing cancels its sessions)
