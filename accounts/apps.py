from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts and profiles"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401  (connects allauth's email_confirmed)
        from accounts.services import programme_admin_group_ensure

        # After every migrate (and every test-database flush) the group exists with its right.
        post_migrate.connect(
            lambda **kwargs: programme_admin_group_ensure(), sender=self, weak=False
        )
