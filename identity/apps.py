from django.apps import AppConfig


class IdentityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "identity"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        from identity import (
            receivers,  # noqa: F401  (connects allauth's user_logged_in)
            saml,  # noqa: F401  (connects the single-logout receivers)
        )
