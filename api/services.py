"""Making and revoking API tokens."""

import secrets
from datetime import datetime

from django.utils import timezone

from accounts.models import User
from api.authentication import token_digest
from api.models import TOKEN_PREFIX, ApiToken
from organisations.models import Organisation


def api_token_create(
    *,
    user: User,
    name: str,
    scope: str,
    expires_at: datetime | None,
    organisation: Organisation | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its text, which is shown once and never stored."""
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        organisation=organisation,
        name=name,
        scope=ApiToken.Scope.READ if organisation is not None else scope,
        digest=token_digest(text),
        hint=text[: len(TOKEN_PREFIX) + 6],
        expires_at=expires_at,
    )
    return token, text


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())
