"""The cohort page's queue, "Needs you now": flagged pairings in two lists (at risk, needs
attention) most urgent first, mentees waiting for a mentor, and pauses waiting for an admin's
agreement. Each read is one query whatever the cohort's size.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, NullIf, RowNumber

from matching.models import MentorRequest
from oversight.models.health import HealthStatus
from oversight.selectors.cohort_dashboard import (
    QUEUE_SIZE,
    pairing_contact_rows_for_cohort,
    running_pause_until,
)
from pairings.models import Pairing, PairingPause
from programmes.models import Cohort, Enrolment, ParticipantRole


@dataclass(frozen=True)
class QueueList:
    """One list of the queue: its first rows, most urgent first, and how many there are."""

    status: str
    rows: list[Pairing]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class HealthQueue:
    at_risk: QueueList
    attention: QueueList
    snoozed: int  # flagged pairings left out of both lists until their snooze ends

    @property
    def total(self) -> int:
        return self.at_risk.total + self.attention.total


# Most urgent first within a list: the longest silence past the pair's own rhythm, then the
# lowest satisfaction at the partners' latest check-ins (none given sorts after any), then the
# longest without contact, then the oldest pairing (so the order never changes between loads).
QUEUE_ORDER = (
    F("health__days_past_rhythm").desc(),
    F("health__lowest_satisfaction").asc(nulls_last=True),
    F("last_contact").asc(nulls_first=True),
    "pk",
)
_SNOOZED_GROUP = "snoozed"


def health_queue_for_admin(
    *, cohort: Cohort, now: datetime, today: date, limit: int = QUEUE_SIZE
) -> HealthQueue:
    """The cohort's flagged active pairings in two lists, at risk and needing attention, each
    most urgent first (QUEUE_ORDER) and cut at `limit`, with each list's length; snoozed
    flags (up to and including their date) are only counted. One query: rows are numbered and
    counted within their list by window functions."""
    flagged = Q(health__status__in=[HealthStatus.AT_RISK, HealthStatus.NEEDS_ATTENTION])
    group = Case(
        When(health__snoozed_until__gte=today, then=Value(_SNOOZED_GROUP)),
        default=F("health__status"),
        output_field=CharField(),
    )
    rows = (
        pairing_contact_rows_for_cohort(cohort=cohort, now=now)
        .filter(flagged, status=Pairing.Status.ACTIVE)
        .annotate(
            paused_until=running_pause_until(today=today),
            queue_group=group,
            queue_place=Window(RowNumber(), partition_by=[group], order_by=QUEUE_ORDER),
            queue_total=Window(Count("pk"), partition_by=[group]),
        )
        .filter(queue_place__lte=limit)
        .order_by("queue_group", "queue_place")
    )
    lists: dict[str, list[Pairing]] = {}
    totals: dict[str, int] = {}
    for row in rows:
        lists.setdefault(row.queue_group, []).append(row)
        totals[row.queue_group] = row.queue_total

    def one(status: str) -> QueueList:
        return QueueList(status=status, rows=lists.get(status, []), total=totals.get(status, 0))

    return HealthQueue(
        at_risk=one(HealthStatus.AT_RISK),
        attention=one(HealthStatus.NEEDS_ATTENTION),
        snoozed=totals.get(_SNOOZED_GROUP, 0),
    )


@dataclass(frozen=True)
class WaitingList:
    """Mentees left without a mentor after a decline or an unanswered request: the longest
    waiting first (cut at the queue's size), and how many there are."""

    rows: list[Enrolment]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def mentees_waiting_for_cohort(*, cohort: Cohort, limit: int = QUEUE_SIZE) -> WaitingList:
    """The cohort's mentees with no live pairing and no request waiting for an answer, whose
    latest proposal a mentor declined or whose latest request was declined or ran out, unless
    an admin closed their wait since. Each row (an Enrolment, with `user`) carries `since` (when
    the latest of those happened), `declined_by` (the mentor's name, when a proposal was
    declined last) and `request_status` (of the latest ended request). One query."""
    mentee = OuterRef("user_id")
    declined = Pairing.objects.filter(
        cohort=cohort, mentee=mentee, status=Pairing.Status.DECLINED
    ).order_by("-declined_at", "-pk")
    ended = (
        MentorRequest.objects.filter(
            cohort=cohort,
            mentee=mentee,
            status__in=[MentorRequest.Status.DECLINED, MentorRequest.Status.EXPIRED],
        )
        .annotate(ended_at=Coalesce("answered_at", "expires_at"))
        .order_by("-ended_at", "-pk")
    )
    candidates = (
        Enrolment.objects.filter(cohort=cohort, role=ParticipantRole.MENTEE)
        # A cheap test first: most mentees were never declined, and their latest decline and
        # request (four subqueries) are then never looked up.
        .filter(Exists(declined) | Exists(ended))
        .exclude(
            Exists(Pairing.objects.filter(cohort=cohort, mentee=mentee, status__in=Pairing.LIVE))
        )
        .exclude(
            Exists(
                MentorRequest.objects.filter(
                    cohort=cohort, mentee=mentee, status=MentorRequest.Status.PENDING
                )
            )
        )
        .select_related("user")
        .annotate(
            declined_at=Subquery(declined.values("declined_at")[:1]),
            declined_by=Subquery(
                declined.annotate(
                    name=Coalesce(
                        NullIf("mentor__display_name", Value("")),
                        "mentor__email",
                        output_field=CharField(),
                    )
                ).values("name")[:1]
            ),
            request_ended_at=Subquery(ended.values("ended_at")[:1]),
            request_status=Subquery(ended.values("status")[:1]),
        )
    )
    # `since` and the closed waits are decided here, on the few candidates: in SQL each use of
    # `since` would repeat its four subqueries (and the query's cost to build).
    everyone = []
    for enrolment in candidates:
        moments = [m for m in (enrolment.declined_at, enrolment.request_ended_at) if m]
        if not moments:
            continue
        enrolment.since = max(moments)
        closed = enrolment.waiting_closed_at
        if closed is None or closed < enrolment.since:
            everyone.append(enrolment)
    everyone.sort(key=lambda enrolment: (enrolment.since, enrolment.pk))
    return WaitingList(rows=everyone[:limit], total=len(everyone))


def pauses_awaiting_for_cohort(*, cohort: Cohort) -> list[PairingPause]:
    """Pauses of the cohort's active pairings that wait for an admin's agreement, the
    soonest first, with their pair; one query."""
    return list(
        PairingPause.objects.filter(
            pairing__cohort=cohort,
            pairing__status=Pairing.Status.ACTIVE,
            status=PairingPause.Status.AWAITING,
        )
        .select_related("pairing__mentor", "pairing__mentee")
        .order_by("starts_on", "pk")
    )
