"""Reads of API tokens, scoped to the person or organisation asking."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from api.models import ApiToken
from organisations.models import Organisation


def api_tokens_of_person(*, user: User) -> QuerySet[ApiToken]:
    """The person's own tokens still in force or expired (revoked ones are gone), newest
    first."""
    return ApiToken.objects.filter(user=user, organisation=None, revoked_at=None).order_by(
        "-created_at", "-pk"
    )


def api_token_get_for_person(*, user: User, token_id: int) -> ApiToken:
    """One of the person's own unrevoked tokens, or 404 (someone else's id too)."""
    return get_object_or_404(api_tokens_of_person(user=user), pk=token_id)


def api_tokens_of_organisation(*, organisation: Organisation) -> QuerySet[ApiToken]:
    """The organisation's unrevoked reporting tokens, with who made each, newest first."""
    return (
        ApiToken.objects.filter(organisation=organisation, revoked_at=None)
        .select_related("user")
        .order_by("-created_at", "-pk")
    )


def api_token_get_for_organisation(*, organisation: Organisation, token_id: int) -> ApiToken:
    """One of the organisation's unrevoked tokens (the caller checked the owner), or 404."""
    return get_object_or_404(api_tokens_of_organisation(organisation=organisation), pk=token_id)
