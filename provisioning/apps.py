from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "provisioning"
    verbose_name = "Provisioning (SCIM)"

    def ready(self) -> None:
        from provisioning import receivers  # noqa: F401  (its part when someone leaves)
