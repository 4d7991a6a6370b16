"""What changed in an admin's cohorts over a week, for the weekly health email.

A week ends on the admin's own `today`. Where each active pairing stood then is its latest
assessment (PairingHealth); where it stood a week earlier is its nightly snapshot of that day
(HealthSnapshot; the latest of the week before it, if a night was missed). None before: the
pairing was not assessed yet, and so did not become at risk earlier than this week.

Four queries whatever the number of cohorts and pairings: the admin's permission, their
cohorts, the flagged or recovered pairings of all of them (each with its earlier status as a
subquery), and the pauses waiting for an admin, counted per cohort.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Q, Subquery

from accounts.models import User
from oversight.models import HealthSnapshot, HealthStatus, PairingHealth
from pairings.models import Pairing, PairingPause
from programmes.models import Cohort, Enrolment
from programmes.selectors import cohorts_for_admin

WEEK = timedelta(days=7)
# Admins have no contact agreement of their own: without hours from an enrolment of theirs,
# the weekly email goes on weekdays 09:00-17:00 on their own clock.
OFFICE_HOURS = [[weekday, 9 * 60, 17 * 60] for weekday in range(5)]
FLAGGED = (HealthStatus.NEEDS_ATTENTION, HealthStatus.AT_RISK)


def admin_contact_hours(*, enrolments: list[Enrolment]) -> list[list[int]]:
    """The admin's weekly windows, [[weekday 0=Mon, start minute, end minute]] in their own
    zone: those of their latest enrolment that states any, else OFFICE_HOURS. `enrolments`
    are the person's own (any order)."""
    stated = [enrolment for enrolment in enrolments if enrolment.contact_hours]
    if not stated:
        return OFFICE_HOURS
    return max(stated, key=lambda enrolment: (enrolment.created_at, enrolment.pk)).contact_hours


@dataclass(frozen=True)
class WeekPairing:
    pairing_id: int
    mentor: str
    mentee: str
    status: str  # HealthStatus, now
    reason: str  # the most serious reason's text, "" when on track
    snoozed_until: date | None
    new_at_risk: bool  # at risk now, not a week ago


@dataclass
class CohortWeek:
    cohort: Cohort
    new_at_risk: list[WeekPairing] = field(default_factory=list)  # not snoozed
    recovered: list[WeekPairing] = field(default_factory=list)
    snoozed: list[WeekPairing] = field(default_factory=list)  # flagged, and an admin is on it
    still_at_risk: int = 0  # at risk a week ago too; not snoozed
    attention: int = 0  # needing attention now; not snoozed
    pauses_awaiting: int = 0

    @property
    def has_news(self) -> bool:
        """Something changed, is at risk or waits for an admin (snoozed flags are quiet)."""
        return bool(
            self.new_at_risk or self.recovered or self.still_at_risk or self.pauses_awaiting
        )


@dataclass
class HealthWeek:
    admin: User
    today: date
    cohorts: list[CohortWeek]  # those with news, by name
    quiet_cohorts: int  # the admin's other cohorts in the week: nothing to report

    @property
    def starts_on(self) -> date:
        return self.today - WEEK

    @property
    def worth_sending(self) -> bool:
        return bool(self.cohorts)

    @property
    def new_at_risk(self) -> int:
        return sum(len(week.new_at_risk) for week in self.cohorts)

    @property
    def recovered(self) -> int:
        return sum(len(week.recovered) for week in self.cohorts)

    @property
    def still_at_risk(self) -> int:
        return sum(week.still_at_risk for week in self.cohorts)

    @property
    def pauses_awaiting(self) -> int:
        return sum(week.pauses_awaiting for week in self.cohorts)


def _earlier_status(today: date) -> Subquery:
    """The pairing's snapshot status a week before `today` (the latest of the week before, if
    that night's is missing), or None."""
    return Subquery(
        HealthSnapshot.objects.filter(
            pairing_id=OuterRef("pairing_id"),
            day__lte=today - WEEK,
            day__gt=today - 2 * WEEK,
        )
        .order_by("-day")
        .values("status")[:1]
    )


def _week_pairing(health: PairingHealth) -> WeekPairing:
    pairing = health.pairing
    return WeekPairing(
        pairing_id=pairing.pk,
        mentor=pairing.mentor.name,
        mentee=pairing.mentee.name,
        status=health.status,
        reason=health.reasons[0]["text"] if health.reasons else "",
        snoozed_until=health.snoozed_until,
        new_at_risk=health.status == HealthStatus.AT_RISK
        and health.earlier_status != HealthStatus.AT_RISK,
    )


def health_week_for_admin(*, user: User, today: date) -> HealthWeek:
    """The week ending `today` (the admin's own date) in each cohort they administer that has
    not ended more than a week ago: pairings newly at risk and recovered (listed), those still
    at risk and needing attention (counted), flagged pairings an admin snoozed (listed apart),
    and pauses waiting for an admin's agreement. Four queries (see the module)."""
    cohorts = list(
        cohorts_for_admin(user=user).filter(ends_on__gte=today - WEEK).order_by("name", "pk")
    )
    weeks = health_week_of_cohorts(cohorts=cohorts, today=today)
    with_news = [week for week in weeks if week.has_news]
    return HealthWeek(
        admin=user,
        today=today,
        cohorts=with_news,
        quiet_cohorts=len(weeks) - len(with_news),
    )


def health_week_of_cohorts(*, cohorts: list[Cohort], today: date) -> list[CohortWeek]:
    """The week ending `today` in each of `cohorts` (in their order), as health_week_for_admin
    tells it, quiet ones included; two queries (none without cohorts). The cohort's Slack or
    Teams summary reads it too."""
    if not cohorts:
        return []
    weeks = {cohort.pk: CohortWeek(cohort=cohort) for cohort in cohorts}

    rows = (
        PairingHealth.objects.filter(
            pairing__cohort_id__in=weeks, pairing__status=Pairing.Status.ACTIVE
        )
        .annotate(earlier_status=_earlier_status(today))
        .filter(Q(status__in=FLAGGED) | Q(earlier_status__in=FLAGGED))
        .select_related("pairing__mentor", "pairing__mentee")
        .order_by("pairing__mentee__display_name", "pairing_id")
    )
    for health in rows:
        week = weeks[health.pairing.cohort_id]
        entry = _week_pairing(health)
        if health.status == HealthStatus.ON_TRACK:
            week.recovered.append(entry)  # flagged a week ago: the filter above
        elif health.snoozed_until is not None and health.snoozed_until >= today:
            week.snoozed.append(entry)
        elif entry.new_at_risk:
            week.new_at_risk.append(entry)
        elif health.status == HealthStatus.AT_RISK:
            week.still_at_risk += 1
        else:
            week.attention += 1

    # Pauses that ended unanswered no longer wait for anything.
    awaiting = Counter(
        dict(
            PairingPause.objects.filter(
                status=PairingPause.Status.AWAITING,
                ends_on__gte=today,
                pairing__cohort_id__in=weeks,
                pairing__status=Pairing.Status.ACTIVE,
            )
            .values_list("pairing__cohort_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    for cohort_id, count in awaiting.items():
        weeks[cohort_id].pauses_awaiting = count

    return list(weeks.values())
