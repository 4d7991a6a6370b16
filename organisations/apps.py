from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from organisations import receivers  # noqa: F401  (the branding cache follows members)
        from organisations.models import Membership, OrganisationDomain

        # The owner's trail of who was given which role, and of the domains (see audit/events.py).
        auditlog.register(Membership, include_fields=["role"])
        auditlog.register(OrganisationDomain, include_fields=["domain", "verified_at"])
