"""Making and revoking API tokens; each is a security event of the person who did it."""

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from api.authentication import token_digest
from api.models import TOKEN_PREFIX, ApiToken
from audit.events import security_event_log
from mentoring.errors import DomainError
from organisations.models import Membership, Organisation, Role


def _what(token: ApiToken) -> str:
    """The token as the security events page names it."""
    if token.organisation_id is None:
        return f"{token.name} ({token.hint}…)"
    return f"{token.name} ({token.hint}…), {token.organisation.name}"


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scope: str,
    expires_at: datetime | None,
    organisation: Organisation | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its text, which is shown once and never stored. An organisation's
    token is always read-only, and only its owners make one."""
    if (
        organisation is not None
        and not Membership.objects.filter(
            organisation=organisation, user=user, role=Role.OWNER
        ).exists()
    ):
        raise DomainError(_("Only the organisation's owners make its API tokens."))
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
    security_event_log(user=user, event="api_token_created", detail=_what(token))
    return token, text


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User | None = None) -> None:
    """The token stops working at once. Safe to repeat: only the first revocation is
    recorded. `by` is who revoked it (another owner, for an organisation's token)."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if revoked:
        security_event_log(user=by or token.user, event="api_token_revoked", detail=_what(token))
