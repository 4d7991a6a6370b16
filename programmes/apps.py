from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programmes"
    verbose_name = "Programmes: cohorts, matching, pairings and agreements"

    def ready(self) -> None:
        from programmes import (
            receivers,  # noqa: F401  (its part when someone leaves)
            signals,  # noqa: F401  (connects allauth's user_logged_in, email_confirmed)
        )
