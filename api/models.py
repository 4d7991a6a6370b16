"""Access tokens for the REST API: a person's own (personal access tokens) and an
organisation's (for its reports), each shown once, stored as a SHA-256 digest."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from organisations.models import Organisation

TOKEN_PREFIX = "mtk_"  # noqa: S105  (a marker every token starts with, not a secret)


class ApiToken(models.Model):
    """A bearer token. With `organisation` set it is the organisation's reporting token, made
    by an owner (`user`), read-only and limited to that organisation's cohorts; it stops
    working when its maker is no longer an owner there. Without, it acts as `user`."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read-write", _("Read and write")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    scope = models.CharField(_("access"), max_length=10, choices=Scope, default=Scope.READ)
    digest = models.CharField(max_length=64, unique=True)  # sha256 of the whole token, hex
    hint = models.CharField(max_length=12)  # the first characters, to recognise it by
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"API token {self.name} ({self.hint}…)"
