from django.apps import AppConfig


class GoalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "goals"
    verbose_name = "Goals, milestones and progress"

    def ready(self) -> None:
        from goals import receivers  # noqa: F401  (its part when someone leaves)
