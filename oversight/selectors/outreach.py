"""Reads for the admins' outreach: nudges of a pairing, a cohort's announcements and their
progress, who an announcement reaches. Scoped to the admin's cohorts (404 otherwise)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from mentoring.prepared import PreparedQuery
from oversight.models import Announcement, AnnouncementDelivery, Nudge
from pairings.models import Pairing
from programmes.models import Cohort, Enrolment
from programmes.selectors import cohorts_for_admin, cohorts_run_by

_ROLES = {
    Announcement.Audience.MENTORS: ("mentor",),
    Announcement.Audience.MENTEES: ("mentee",),
    Announcement.Audience.EVERYONE: ("mentor", "mentee"),
}


# What the nudge page shows of a pairing: its status, its cohort's name and its two people's.
NUDGE_PAGE_FIELDS = (
    "status",
    "cohort__name",
    *(
        f"{person}__{field}"
        for person in ("mentor", "mentee")
        for field in ("display_name", "email")
    ),
)


def _nudge_page_pairing_query(*, user_id: int, pairing_id: int) -> QuerySet[Pairing]:
    # cohorts_run_by: the cohorts of cohorts_for_admin, put in this query as a subquery (so
    # without asking first whether the person is a programme admin at all). Its person stands
    # for the viewer by id alone: the caller checked they are active.
    cohorts = cohorts_run_by(user=User(pk=user_id, is_active=True))
    return (
        Pairing.objects.filter(cohort__in=cohorts, pk=pairing_id)
        .select_related("cohort", "mentor", "mentee")
        .only(*NUDGE_PAGE_FIELDS)
    )


_NUDGE_PAGE_PAIRING = PreparedQuery(_nudge_page_pairing_query, "user_id", "pairing_id")


def pairing_get_for_nudge_page(*, user: User, pairing_id: int) -> Pairing:
    """pairings.selectors.pairing_get_for_admin for the nudge page's GET: the same pairings
    (404 for any other), read with only what the page shows (NUDGE_PAGE_FIELDS), in one query
    compiled once (mentoring.prepared). Sending a nudge reads whole rows: the service sends
    emails."""
    if not user.is_active:  # as cohorts_run_by says: nobody's cohorts
        raise Http404
    found = _NUDGE_PAGE_PAIRING(user_id=user.pk, pairing_id=pairing_id)
    if not found:
        raise Http404
    return found[0]


def announcement_get_for_admin(*, user: User, announcement_id: int) -> Announcement:
    return get_object_or_404(
        Announcement.objects.filter(cohort__in=cohorts_for_admin(user=user)).select_related(
            "cohort", "created_by"
        ),
        pk=announcement_id,
    )


def announcement_recipients(*, cohort: Cohort, audience: str) -> QuerySet:
    """Ids of the active people the audience reaches, each once (someone enrolled as both
    mentor and mentee is one person), in id order."""
    return (
        Enrolment.objects.filter(cohort=cohort, role__in=_ROLES[audience], user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


def announcement_audience_counts(*, cohort: Cohort) -> dict[str, int]:
    """How many people each audience reaches, in one query."""
    people = Enrolment.objects.filter(cohort=cohort, user__is_active=True)
    return people.aggregate(
        everyone=Count("user", distinct=True),
        mentors=Count("user", filter=Q(role="mentor"), distinct=True),
        mentees=Count("user", filter=Q(role="mentee"), distinct=True),
    )


@dataclass(frozen=True)
class Progress:
    sent: int  # done: accepted by the mail server, or refused by it for good
    total: int
    refused: int  # the mail server refused the address; no retry can help

    @property
    def finished(self) -> bool:
        return self.sent >= self.total


def announcement_progress(*, announcement: Announcement) -> Progress:
    """How many copies went out, read from the rows (so a reload shows where it stands).

    A delivery the mail server refused for good is done without a sent_at (the send marks it
    so rather than retrying it forever)."""
    sent = Q(status=AnnouncementDelivery.Status.SENT)
    counts = AnnouncementDelivery.objects.filter(announcement=announcement).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=sent),
        refused=Count("pk", filter=sent & Q(sent_at__isnull=True)),
    )
    return Progress(**counts)


def announcements_for_cohort(*, cohort: Cohort) -> QuerySet[Announcement]:
    """The cohort's announcements, newest first, each with `sent_count` and `total_count`."""
    return (
        Announcement.objects.filter(cohort=cohort)
        .select_related("created_by")
        .annotate(
            total_count=Count("deliveries"),
            sent_count=Count(
                "deliveries", filter=Q(deliveries__status=AnnouncementDelivery.Status.SENT)
            ),
        )
        .order_by("-created_at", "-pk")
    )


def nudges_for_pairing(*, pairing: Pairing) -> QuerySet[Nudge]:
    return pairing.nudges.select_related("sent_by").order_by("-created_at", "-pk")
