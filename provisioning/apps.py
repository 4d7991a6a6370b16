from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "provisioning"
    verbose_name = "Provisioning (SCIM)"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from provisioning import receivers  # noqa: F401  (its part when someone leaves)
        from provisioning.models import ScimGroup, ScimToken

        # The audit trail: who created and revoked each token, who mapped a group to a cohort.
        auditlog.register(ScimToken, exclude_fields=["token_hash", "last_used_at"])
        auditlog.register(ScimGroup, include_fields=["cohort", "role"])
