from django.apps import AppConfig


class PairingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pairings"
    verbose_name = "Pairings and their lifecycle, contact agreements"

    def ready(self) -> None:
        from pairings import receivers  # noqa: F401  (its part when someone leaves)
