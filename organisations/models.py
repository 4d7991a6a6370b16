"""Organisations (tenants): each owns its cohorts, its programme admins and its email domains.

A person may belong to several organisations (a mentor volunteering in two programmes). Their
role in each is a Membership: an owner manages the organisation's admins and identity settings,
an admin runs its cohorts, a member takes part.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL

DOMAIN_VALIDATOR = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Give a domain name such as example.org, without @ or https://."),
)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Programme admin")
    MEMBER = "member", _("Member")


# The roles that run an organisation's cohorts.
ADMIN_ROLES = (Role.OWNER, Role.ADMIN)


class Membership(models.Model):
    """A person's place in an organisation."""

    class Source(models.TextChoices):
        ADDED = "added", _("Added by a person")
        SSO = "sso", _("Signed in through the organisation's identity provider")
        SCIM = "scim", _("Provisioned by the organisation's directory (SCIM)")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
    source = models.CharField(max_length=10, choices=Source, default=Source.ADDED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role})"

    def get_additional_data(self) -> dict:
        """The organisation of this row's audit entries (django-auditlog calls this)."""
        return {"organisation_id": self.organisation_id}


class OrganisationDomain(models.Model):
    """An email domain of the organisation. Once staff have verified that the organisation
    controls it, addresses at it sign in through the organisation's identity provider."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=253, validators=[DOMAIN_VALIDATOR])
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="organisation_domain_unique"),
        ]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs) -> None:
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)

    def get_additional_data(self) -> dict:
        """The organisation of this row's audit entries (django-auditlog calls this)."""
        return {"organisation_id": self.organisation_id}
