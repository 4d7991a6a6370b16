from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"
    verbose_name = "Matching: the engine, match runs and mentee requests"

    def ready(self) -> None:
        from matching import receivers  # noqa: F401  (its part when someone leaves)
