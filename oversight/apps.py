from django.apps import AppConfig


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = "Oversight: pairing health, the cohort page, nudges and announcements"

    def ready(self) -> None:
        from oversight import receivers  # noqa: F401  (its part when someone leaves)
