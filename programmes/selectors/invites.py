"""Reads about invites and imports, scoped to the admin's cohorts (404 otherwise)."""

from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from programmes.models import Cohort, Enrolment, ImportJob, Invite
from programmes.selectors import cohort_admins, cohorts_for_admin

RECENT_IMPORTS = 10


def invite_get_for_admin(*, user: User, cohort_id: int, invite_id: int) -> Invite:
    return get_object_or_404(
        Invite.objects.filter(cohort__in=cohorts_for_admin(user=user)),
        cohort_id=cohort_id,
        pk=invite_id,
    )


def invite_by_token(*, token: str) -> Invite | None:
    """The invite behind a join link, whoever opens it (the token is the permission)."""
    return Invite.objects.select_related("cohort").filter(token=token).first()


def invite_links_open(*, cohort: Cohort) -> QuerySet[Invite]:
    """The cohort's shareable links that still work, soonest to expire first, with how many
    people joined with each (`joined_count`)."""
    return (
        Invite.objects.filter(cohort=cohort, email="", expires_at__gt=timezone.now())
        .annotate(joined_count=Count("enrolments"))
        .order_by("expires_at", "pk")
    )


def personal_invite_counts(*, cohort: Cohort) -> dict[str, int]:
    """{"invited", "joined"}: the cohort's personal (CSV) invites and how many were accepted."""
    return (
        Invite.objects.filter(cohort=cohort)
        .exclude(email="")
        .aggregate(invited=Count("pk"), joined=Count("pk", filter=Q(accepted_at__isnull=False)))
    )


def _imports() -> QuerySet[ImportJob]:
    """Imports without their (large) file and error list; the count of refused rows derived."""
    return ImportJob.objects.defer("content", "errors").annotate(
        refused_count=F("processed_rows") - F("created_count") - F("unchanged_count")
    )


def imports_recent(*, cohort: Cohort) -> QuerySet[ImportJob]:
    return _imports().filter(cohort=cohort).order_by("-created_at", "-pk")[:RECENT_IMPORTS]


def import_job_get_for_admin(*, user: User, cohort_id: int, job_id: int) -> ImportJob:
    """The import, its errors deferred: reading `errors` costs one more query."""
    return get_object_or_404(
        _imports().filter(cohort__in=cohorts_for_admin(user=user)).select_related("cohort"),
        cohort_id=cohort_id,
        pk=job_id,
    )


def invite_joined(*, invite: Invite, user: User) -> bool:
    """Whether the user is in the invite's cohort, in its role, already."""
    return Enrolment.objects.filter(
        cohort_id=invite.cohort_id, user=user, role=invite.role
    ).exists()


def invites_waiting_for(*, user: User) -> QuerySet[Invite]:
    """Personal invitations to one of the user's verified addresses that they have neither
    accepted nor outgrown (expired, or already in that cohort in that role): the dashboard
    offers each, and nobody joins a cohort without accepting."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values("email")
    enrolled = Enrolment.objects.filter(
        user=user, cohort_id=OuterRef("cohort_id"), role=OuterRef("role")
    )
    return (
        Invite.objects.filter(
            email__in=verified, accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .exclude(Exists(enrolled))
        .select_related("cohort")
        .order_by("expires_at", "pk")
    )


def cohort_admin_names(*, cohort: Cohort) -> list[str]:
    """Who runs the cohort, as the invitation names them: only names they chose (the page is
    public, so no part of an address)."""
    admins = cohort_admins(cohort=cohort).exclude(display_name="")
    return list(admins.order_by("display_name").values_list("display_name", flat=True))
