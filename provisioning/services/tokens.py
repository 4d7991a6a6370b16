"""The bearer tokens an organisation's directory calls with."""

import hashlib
import secrets

from django.utils import timezone

from accounts.models import User
from organisations.models import Organisation
from provisioning.models import ScimToken

_PREFIX = "scim_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, organisation: Organisation, name: str, by: User) -> tuple[ScimToken, str]:
    """Make a token for the organisation's directory. Returns the row and the token itself,
    which is shown once and never kept (only its sha256 is)."""
    token = _PREFIX + secrets.token_urlsafe(32)
    row = ScimToken.objects.create(
        organisation=organisation,
        name=name,
        token_hash=token_hash(token),
        prefix=token[: len(_PREFIX) + 4],
        created_by=by,
    )
    return row, token


def token_revoke(*, token: ScimToken) -> None:
    """Stop the token working at once. Safe to repeat."""
    ScimToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def token_authenticate(*, token: str) -> ScimToken | None:
    """The live token with this value, or None; notes when it was last used (at most once a
    minute, so a busy directory does not write on every call)."""
    row = (
        ScimToken.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .select_related("organisation")
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ScimToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row
