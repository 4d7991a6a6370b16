from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    """Availability, sessions (Appointment), agendas, notes, feedback and reminders.

    Its models arrive with the scheduling work; the app is registered now so the layout of
    DESIGN.md holds from the first commit.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "sessions_app"
    verbose_name = "Sessions"
