"""Reads for the admins' cohort page: headline figures, the pairings table and the series
behind its charts (the queue, "Needs you now", is in oversight.selectors.queue).

Every read here is one query whatever the cohort's size: per-pairing figures are correlated
subqueries in the table's own query, and the chart series are grouped in the database. The
figures and chart series are compiled once per process and run with each request's values
(mentoring.prepared): their compilation cost more than the rest of the printable report, whose
rows are in oversight.selectors.report.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Lower, NullIf, TruncWeek

from exchange.models import Message
from feedback.models import Feedback
from mentoring.prepared import PreparedQuery
from oversight.models.health import HealthSnapshot, HealthStatus
from pairings.models import Pairing, PairingPause
from programmes.models import Cohort, Enrolment, ParticipantRole
from sessions_app.models import Appointment

# Health as the table filters and ranks it: the three statuses, plus a snoozed flag and
# active pairings the nightly assessment has not reached yet.
HEALTH_SNOOZED = "snoozed"
HEALTH_UNASSESSED = "unassessed"
HEALTH_FILTERS = (
    HealthStatus.ON_TRACK,
    HealthStatus.NEEDS_ATTENTION,
    HealthStatus.AT_RISK,
    HEALTH_SNOOZED,
    HEALTH_UNASSESSED,
)
# Most serious first; a snoozed flag ranks below fresh ones because someone is on it.
HEALTH_RANK = {
    HealthStatus.AT_RISK: 0,
    HealthStatus.NEEDS_ATTENTION: 1,
    HEALTH_UNASSESSED: 2,
    HEALTH_SNOOZED: 3,
    HealthStatus.ON_TRACK: 4,
}
NOT_ACTIVE_RANK = 5  # proposed, declined, closed: health does not apply

QUEUE_SIZE = 10
DEFAULT_SORT = "health"


def _name(person: str) -> Lower:
    # display_name may be empty; User.name then falls back to the address, and so does the sort.
    return Lower(Coalesce(NullIf(f"{person}__display_name", Value("")), f"{person}__email"))


# sort key -> ORDER BY; each key's reverse is "-key". Every order ends on pk so pages are stable.
SORTS: dict[str, tuple] = {
    "health": (F("health_rank").asc(), F("last_contact").asc(nulls_first=True), "pk"),
    "-health": (F("health_rank").desc(), F("last_contact").desc(nulls_last=True), "-pk"),
    "last_contact": (F("last_contact").asc(nulls_first=True), "pk"),
    "-last_contact": (F("last_contact").desc(nulls_last=True), "-pk"),
    "sessions": ("sessions_held", "pk"),
    "-sessions": ("-sessions_held", "-pk"),
    "mentor": (_name("mentor"), "pk"),
    "-mentor": (_name("mentor").desc(), "-pk"),
    "mentee": (_name("mentee"), "pk"),
    "-mentee": (_name("mentee").desc(), "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "score": (F("score").asc(nulls_last=True), "pk"),
    "-score": (F("score").desc(nulls_last=True), "-pk"),
}
# Names the older pairings table used; links and bookmarks with them still work.
SORT_ALIASES = {"newest": "-created", "oldest": "created"}


def sort_key(value: str) -> str:
    value = SORT_ALIASES.get(value, value)
    return value if value in SORTS else DEFAULT_SORT


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated queryset, as a scalar subquery (0 when there are none)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class _Latest(Greatest):
    """PostgreSQL's GREATEST skips NULLs, so it says this alone; SQLite's MAX() returns NULL
    as soon as one is NULL, so there each side falls back to the other: the embedded mode then
    sees the same contact. (Each subquery is compiled, and run, once on PostgreSQL.)"""

    def as_sqlite(self, compiler, connection, **extra_context):
        first, second = self.get_source_expressions()
        both = Greatest(Coalesce(first, second), Coalesce(second, first))
        return compiler.compile(both)


def latest_of(first: Subquery | F, second: Subquery | F) -> Greatest:
    """The later of two moments, either of which may be missing (NULL when both are)."""
    return _Latest(first, second)


def held_sessions(sessions: QuerySet[Appointment], *, now: datetime) -> QuerySet[Appointment]:
    """Held, as the health rules count it (oversight.health) and the pages show it
    (Appointment.held_q): booked, ended, and neither partner said in their feedback that it
    did not take place."""
    return sessions.filter(Appointment.held_q(now=now))


def _with_contact(rows: QuerySet[Pairing], *, now: datetime) -> QuerySet[Pairing]:
    """The pairings with sessions_held and last_contact (a held session's end or a message,
    whichever is later)."""
    held = held_sessions(Appointment.objects.filter(pairing=OuterRef("pk")), now=now)
    last_session = held.order_by().values("pairing").annotate(at=Max("ends_at")).values("at")
    # The latest message is the first of the thread's own index (pairing, created_at desc):
    # one probe per pairing rather than a scan of its messages.
    last_message = (
        Message.objects.filter(pairing=OuterRef("pk"), created_at__lte=now)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return rows.annotate(
        sessions_held=_count(held),
        last_contact=latest_of(Subquery(last_session), Subquery(last_message)),
    )


def pairing_contact_rows_for_cohort(*, cohort: Cohort, now: datetime) -> QuerySet[Pairing]:
    """The cohort's pairings with their people and health, sessions_held and last_contact (a
    held session's end or a message, whichever is later): what the queue shows of each."""
    rows = Pairing.objects.filter(cohort=cohort).select_related(
        "mentor", "mentee", "health__snoozed_by"
    )
    return _with_contact(rows, now=now)


def _rated(rows: QuerySet[Pairing]) -> QuerySet[Pairing]:
    """The rows with mean_rating: of their answered session feedback."""
    ratings = (
        Feedback.objects.filter(
            pairing=OuterRef("pk"),
            kind=Feedback.Kind.SESSION,
            answered_at__isnull=False,
            rating__isnull=False,
        )
        .order_by()
        .values("pairing")
        .annotate(mean=Avg("rating"))
        .values("mean")
    )
    return rows.annotate(mean_rating=Subquery(ratings))


def pairing_rows_for_cohort(*, cohort: Cohort, now: datetime, today: date) -> QuerySet[Pairing]:
    """The cohort's pairings with their people, health and live figures: sessions_held,
    last_contact (see pairing_contact_rows_for_cohort), mean_rating (of answered session
    feedback) and health_rank (see HEALTH_RANK)."""
    snoozed = Q(health__snoozed_until__gte=today)
    return _rated(pairing_contact_rows_for_cohort(cohort=cohort, now=now)).annotate(
        health_rank=Case(
            When(~Q(status=Pairing.Status.ACTIVE), then=Value(NOT_ACTIVE_RANK)),
            When(health__isnull=True, then=Value(HEALTH_RANK[HEALTH_UNASSESSED])),
            When(snoozed, then=Value(HEALTH_RANK[HEALTH_SNOOZED])),
            *(
                When(health__status=status, then=Value(HEALTH_RANK[status]))
                for status in (HealthStatus.AT_RISK, HealthStatus.NEEDS_ATTENTION)
            ),
            default=Value(HEALTH_RANK[HealthStatus.ON_TRACK]),
            output_field=IntegerField(),
        ),
    )


def _health_filter(health: str, today: date) -> Q:
    active = Q(status=Pairing.Status.ACTIVE)
    snoozed = Q(health__snoozed_until__gte=today)
    if health == HEALTH_UNASSESSED:
        return active & Q(health__isnull=True)
    if health == HEALTH_SNOOZED:
        return active & snoozed
    return active & Q(health__status=health) & ~snoozed


def _table_filtered(
    rows: QuerySet[Pairing], *, today: date, status: str, health: str, search: str
) -> QuerySet[Pairing]:
    if status in Pairing.Status.values:
        rows = rows.filter(status=status)
    if health in HEALTH_FILTERS:
        rows = rows.filter(_health_filter(health, today))
    if search:
        rows = rows.filter(
            Q(mentor__display_name__icontains=search)
            | Q(mentee__display_name__icontains=search)
            | Q(mentor__email__icontains=search)
            | Q(mentee__email__icontains=search)
        )
    return rows


def pairing_table_for_admin(
    *,
    cohort: Cohort,
    now: datetime,
    today: date,
    status: str = "",
    health: str = "",
    search: str = "",
    sort: str = DEFAULT_SORT,
) -> QuerySet[Pairing]:
    """The admins' pairings table: filtered by pairing status, health and a name or email,
    sorted by one of SORTS (an unknown key falls back to the most serious first)."""
    rows = pairing_rows_for_cohort(cohort=cohort, now=now, today=today)
    rows = _table_filtered(rows, today=today, status=status, health=health, search=search)
    rows = rows.annotate(paused_until=running_pause_until(today=today))
    return rows.order_by(*SORTS[sort_key(sort)])


def pairing_table_count(
    *, cohort: Cohort, today: date, status: str = "", health: str = "", search: str = ""
) -> int:
    """How many rows pairing_table_for_admin has with these filters, without building its
    figures (the count's query would drop them, but building them costs as much)."""
    rows = Pairing.objects.filter(cohort=cohort)
    return _table_filtered(rows, today=today, status=status, health=health, search=search).count()


def running_pause_until(*, today: date) -> Subquery:
    """For the outer pairing: the last day of its agreed pause running on `today` (None when
    none runs), as one subquery of the page's own query."""
    running = PairingPause.objects.filter(
        pairing=OuterRef("pk"),
        status=PairingPause.Status.AGREED,
        starts_on__lte=today,
        ends_on__gte=today,
    ).order_by("-ends_on")
    return Subquery(running.values("ends_on")[:1])


@dataclass(frozen=True)
class Figures:
    mentees: int
    mentors: int
    matched: int  # mentees with a live (proposed or active) pairing
    active_pairings: int
    sessions_this_month: int
    ratings: dict[int, int]  # 1..5 -> how many answered session ratings gave it

    @property
    def matched_percent(self) -> int:
        return round(100 * self.matched / self.mentees) if self.mentees else 0

    @property
    def rating_count(self) -> int:
        return sum(self.ratings.values())

    @property
    def mean_rating(self) -> float | None:
        count = self.rating_count
        return sum(r * n for r, n in self.ratings.items()) / count if count else None


def _month_start(now: datetime, tz: ZoneInfo) -> datetime:
    local = now.astimezone(tz)
    return datetime.combine(local.date().replace(day=1), time(), tzinfo=tz)


RATINGS = range(1, 6)


def _head_counts_query(*, cohort_id: int, month_start: datetime, now: datetime) -> QuerySet:
    enrolled = Enrolment.objects.filter(cohort=OuterRef("pk"))
    pairings = Pairing.objects.filter(cohort=OuterRef("pk"))
    held = held_sessions(
        Appointment.objects.filter(pairing__cohort=OuterRef("pk"), ends_at__gte=month_start),
        now=now,
    )
    # Answered session ratings, as feedback_rating_summary_for_cohort counts them.
    rated = Feedback.objects.filter(
        pairing__cohort=OuterRef("pk"),
        kind=Feedback.Kind.SESSION,
        answered_at__isnull=False,
        rating__isnull=False,
    )
    return (
        Cohort.objects.filter(pk=cohort_id)
        .annotate(
            mentees=_count(enrolled.filter(role=ParticipantRole.MENTEE)),
            mentors=_count(enrolled.filter(role=ParticipantRole.MENTOR)),
            matched=_count(pairings.filter(status__in=Pairing.LIVE)),
            active_pairings=_count(pairings.filter(status=Pairing.Status.ACTIVE)),
            sessions_this_month=_count(held),
            **{f"rated_{score}": _count(rated.filter(rating=score)) for score in RATINGS},
        )
        .values(
            "mentees",
            "mentors",
            "matched",
            "active_pairings",
            "sessions_this_month",
            *(f"rated_{score}" for score in RATINGS),
        )
    )


_HEAD_COUNTS = PreparedQuery(
    _head_counts_query,
    "cohort_id",
    "month_start",
    "now",
)


def cohort_figures(*, cohort: Cohort, now: datetime, tz: ZoneInfo) -> Figures:
    """The headline figures and the ratings' distribution (which gives their mean) in one
    query. "This month" is the viewer's calendar month in their zone."""
    found = _HEAD_COUNTS(cohort_id=cohort.pk, month_start=_month_start(now, tz), now=now)
    if not found:
        raise Cohort.DoesNotExist
    head = found[0]
    ratings = {score: head.pop(f"rated_{score}") for score in RATINGS}
    return Figures(**head, ratings=ratings)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def cohort_weeks(*, cohort: Cohort, today: date) -> list[date]:
    """The Mondays of the weeks the cohort has run so far (its first week to this one, or to
    its last week once it has ended); empty before it starts."""
    last = min(today, cohort.ends_on)
    if last < cohort.starts_on:
        return []
    first = _monday(cohort.starts_on)
    return [first + timedelta(weeks=n) for n in range((_monday(last) - first).days // 7 + 1)]


@dataclass(frozen=True)
class WeeklySeries:
    weeks: list[date]
    values: list[int]


def _sessions_per_week_query(
    *, tz: ZoneInfo, cohort_id: int, since: datetime, now: datetime
) -> QuerySet:
    sessions = Appointment.objects.filter(pairing__cohort=cohort_id, starts_at__gte=since)
    return (
        held_sessions(sessions, now=now)
        .annotate(week=TruncWeek("starts_at", tzinfo=tz))
        .order_by()
        .values("week")
        .annotate(n=Count("pk"))
    )


_SESSIONS_PER_WEEK = PreparedQuery(
    _sessions_per_week_query,
    "cohort_id",
    "since",
    "now",
)


def sessions_per_week(
    *, cohort: Cohort, now: datetime, tz: ZoneInfo, weeks: list[date]
) -> WeeklySeries:
    """Sessions held in each of `weeks` (weeks begin on Monday in the viewer's zone)."""
    if not weeks:
        return WeeklySeries(weeks=[], values=[])
    since = datetime.combine(weeks[0], time(), tzinfo=tz)
    rows = _SESSIONS_PER_WEEK(tz=tz, cohort_id=cohort.pk, since=since, now=now)
    counts = {row["week"].date(): row["n"] for row in rows}
    return WeeklySeries(weeks=weeks, values=[counts.get(week, 0) for week in weeks])


@dataclass(frozen=True)
class HealthSeries:
    weeks: list[date]
    # status -> one count per week: the pairings in that status on the week's last assessed day
    counts: dict[str, list[int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(any(values) for values in self.counts.values())


def _health_per_day_query(*, cohort_id: int, first: date, end: date) -> QuerySet:
    return (
        HealthSnapshot.objects.filter(pairing__cohort=cohort_id, day__gte=first, day__lt=end)
        .order_by()
        .values("day", "status")
        .annotate(n=Count("pk"))
    )


_HEALTH_PER_DAY = PreparedQuery(
    _health_per_day_query,
    "cohort_id",
    "first",
    "end",
)


def health_per_week(*, cohort: Cohort, weeks: list[date]) -> HealthSeries:
    """How many pairings were in each health status at the end of each week, from the
    nightly snapshots (a week without any snapshot counts nothing)."""
    statuses = list(HealthStatus.values)
    if not weeks:
        return HealthSeries(weeks=[], counts={s: [] for s in statuses})
    rows = _HEALTH_PER_DAY(cohort_id=cohort.pk, first=weeks[0], end=weeks[-1] + timedelta(weeks=1))
    by_day: dict[date, Counter] = {}
    for row in rows:
        by_day.setdefault(row["day"], Counter())[row["status"]] = row["n"]
    last_day: dict[date, date] = {}
    for day in by_day:
        week = _monday(day)
        if day > last_day.get(week, date.min):
            last_day[week] = day
    counts = {
        status: [by_day[last_day[w]][status] if w in last_day else 0 for w in weeks]
        for status in statuses
    }
    return HealthSeries(weeks=weeks, counts=counts)
