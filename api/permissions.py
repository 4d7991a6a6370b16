"""What a request may do by how it signed in: a read-only token (personal or organisation)
only reads; a session (cookie + CSRF) or a read-write personal token may also write."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.models import ApiToken


class TokenScopeAllows(permissions.BasePermission):
    message = _("This token is read-only: make a read-and-write token to change things.")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        if not isinstance(token, ApiToken):
            return True  # a browser session, whose writes CSRF protects
        return token.organisation_id is None and token.scope == ApiToken.Scope.READ_WRITE


class PersonalAccess(permissions.BasePermission):
    """Participant endpoints act as a person: an organisation's token has no person to act as."""

    message = _("An organisation's token reads its cohorts only (under /api/v1/admin/).")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        return not (isinstance(token, ApiToken) and token.organisation_id is not None)
