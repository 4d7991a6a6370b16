from django.apps import AppConfig


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = "Home: the dashboard and the demo data"

    def ready(self) -> None:
        from home import receivers  # noqa: F401  (its part when someone leaves)
