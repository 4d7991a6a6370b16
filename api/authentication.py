"""`Authorization: Bearer mtk_…`: a personal or organisation token (api.models.ApiToken)."""

import hashlib
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import authentication, exceptions

from api.models import TOKEN_PREFIX, ApiToken
from organisations.models import Membership, Role

LAST_USE_EVERY = timedelta(minutes=1)  # last use is written at most this often per token


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give one token after “Bearer”."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        if not token.startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("This token is not valid."))
        found = (
            ApiToken.objects.select_related("user", "organisation")
            .filter(digest=token_digest(token), revoked_at=None)
            .first()
        )
        now = timezone.now()
        if found is None or not found.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token is not valid or was revoked."))
        if found.expires_at is not None and found.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if found.organisation_id is not None and not _still_owner(found):
            raise exceptions.AuthenticationFailed(
                _("Whoever made this token is no longer an owner of its organisation.")
            )
        if found.last_used_at is None or found.last_used_at < now - LAST_USE_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found.user, found

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


def _still_owner(token: ApiToken) -> bool:
    return Membership.objects.filter(
        organisation_id=token.organisation_id, user_id=token.user_id, role=Role.OWNER
    ).exists()


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """The schema's name for it, so the docs' “Authorize” button takes a token."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=BearerTokenAuthentication.keyword
        )
