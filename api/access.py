"""Who reads which cohorts under /api/v1/admin/.

A programme admin acting as themselves (browser session or personal token) reads the cohorts
they run, exactly as the admin pages scope them (programmes.selectors.cohorts_for_admin: only
where they are still an owner or admin of the cohort's organisation). An organisation's token
reads that organisation's cohorts, and only reads (api.permissions.TokenScopeAllows). Any other
cohort's id answers 404, so ids tell nothing about what exists.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.request import Request

from accounts.mfa import second_factor_missing
from api.models import ApiToken
from api.permissions import TokenScopeAllows
from oversight.models import Announcement
from oversight.selectors.outreach import announcement_get_for_admin
from programmes.models import Cohort
from programmes.selectors import cohort_get_for_admin, cohorts_for_admin


def token_organisation_id(request: Request) -> int | None:
    """The organisation whose token signed the request, or None for a person."""
    token = request.auth
    if isinstance(token, ApiToken):
        return token.organisation_id
    return None


class AdminAccess(permissions.BasePermission):
    """Programme admins, or an organisation's token. In the browser, a programme admin needs
    the second factor the admin pages ask for."""

    message = _(
        "Only programme admins read cohorts here (and, in the browser, only once they have set "
        "up a second factor), or an organisation's reporting token."
    )

    def has_permission(self, request: Request, view: object) -> bool:
        if token_organisation_id(request) is not None:
            return True
        user = request.user
        if not user.is_programme_admin:
            return False
        if isinstance(request.auth, ApiToken):
            return True
        return not second_factor_missing(request)


# The admin endpoints' permission classes: these replace the default PersonalAccess, which
# refuses organisation tokens.
ADMIN_PERMISSIONS = [permissions.IsAuthenticated, TokenScopeAllows, AdminAccess]


def admin_cohorts(*, request: Request) -> QuerySet[Cohort]:
    """The cohorts the request may read: the organisation's for its token, else the caller's."""
    organisation_id = token_organisation_id(request)
    if organisation_id is None:
        return cohorts_for_admin(user=request.user)
    return Cohort.objects.filter(organisation_id=organisation_id)


def admin_cohort_get(*, request: Request, cohort_id: int) -> Cohort:
    """One of admin_cohorts, or 404 (the admin pages' own selector for a person)."""
    organisation_id = token_organisation_id(request)
    if organisation_id is None:
        return cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    return get_object_or_404(
        Cohort.objects.filter(organisation_id=organisation_id).select_related("organisation"),
        pk=cohort_id,
    )


def admin_announcement_get(*, request: Request, announcement_id: int) -> Announcement:
    """An announcement of one of admin_cohorts, or 404 (the page's selector for a person)."""
    organisation_id = token_organisation_id(request)
    if organisation_id is None:
        return announcement_get_for_admin(user=request.user, announcement_id=announcement_id)
    return get_object_or_404(
        Announcement.objects.filter(cohort__organisation_id=organisation_id).select_related(
            "cohort", "created_by"
        ),
        pk=announcement_id,
    )
