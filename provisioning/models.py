"""SCIM 2.0 provisioning (RFC 7643/7644): an organisation's directory (HR system, identity
provider) creates, updates and removes its people and groups through /scim/v2/.

Each organisation's directory calls with a bearer token its owner created (ScimToken, stored as
a hash). A person the directory provisions is a ProvisionedUser of that organisation, with a
SCIM id of its own per organisation, so one account in two organisations has two ids and
neither directory learns of the other. A ScimGroup may be mapped to one of the organisation's
cohorts and a role: its members are enrolled there.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from programmes.models import ParticipantRole

User = settings.AUTH_USER_MODEL


class ScimToken(models.Model):
    """A bearer token of one organisation's directory. Only its sha256 is kept; the token is
    shown once, when it is created."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="scim_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so an owner can tell which token a directory holds.
    prefix = models.CharField(max_length=12, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ProvisionedUser(models.Model):
    """A person as the organisation's directory knows them.

    `attributes` keeps the SCIM attributes the service publishes for them (name, displayName,
    emails), as the directory last sent them; the account gets its address and display name
    from them when the organisation controls the account (`controls_account`).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="provisioned_users"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="provisioned_as")
    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user_name = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True)
    attributes = models.JSONField(default=dict, blank=True)
    # The account was made by this provisioning (not linked to one that existed), so the
    # directory may change its address and, when deprovisioning, switch it off.
    created_account = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="provisioned_user_once_per_organisation"
            ),
            models.UniqueConstraint(
                "organisation", Lower("user_name"), name="provisioned_user_name_unique"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "external_id"])]

    def __str__(self) -> str:
        return f"{self.user_name} in {self.organisation}"


class ScimGroup(models.Model):
    """A group of the organisation's directory. Mapped to a cohort and a role, it enrols its
    members there (HR's "Mentors 2027" group enrols its members as mentors)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="scim_groups"
    )
    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(_("name"), max_length=255)
    external_id = models.CharField(max_length=255, blank=True)
    members = models.ManyToManyField(ProvisionedUser, related_name="scim_groups", blank=True)
    cohort = models.ForeignKey(
        "programmes.Cohort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cohort"),
    )
    role = models.CharField(_("role"), max_length=10, choices=ParticipantRole, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name", "pk"]

    def __str__(self) -> str:
        return f"{self.display_name} in {self.organisation}"
