"""Reads of goals, each scoped to who may see them (404 otherwise, so ids leak nothing).

A goal is private to its pairing's two people. When the mentee shares it with the programme,
the admins of the pairing's cohort may read it too (never change it); an unshared goal does
not exist for them.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from goals.charts import SPARKLINE, goal_progress_chart
from goals.models import Goal, GoalUpdate, Milestone
from mentoring.prepared import PreparedQuery
from pairings.models import Pairing
from programmes.models import Cohort
from programmes.selectors import cohorts_run_by


def _with_overview(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    """Milestones done/total and the latest update, as annotations: one query for any number
    of goals (the pairing page and the cohort list must not grow with them)."""
    latest = GoalUpdate.objects.filter(goal=OuterRef("pk")).order_by("-created_at", "-pk")
    return goals.annotate(
        milestones_total=Count("milestones", distinct=True),
        milestones_done=Count(
            "milestones", filter=Q(milestones__done_at__isnull=False), distinct=True
        ),
        latest_update_text=Subquery(latest.values("text")[:1]),
        latest_update_kind=Subquery(latest.values("kind")[:1]),
        latest_update_progress=Subquery(latest.values("progress")[:1]),
        latest_update_at=Subquery(latest.values("created_at")[:1]),
        latest_update_author_id=Subquery(latest.values("author_id")[:1]),
    )


def goals_for_pairing(*, pairing: Pairing) -> QuerySet[Goal]:
    """The pairing's goals, oldest first, each with its overview annotations. The caller got
    `pairing` through pairing_get_for_user."""
    return _with_overview(Goal.objects.filter(pairing=pairing)).order_by("created_at", "pk")


def _goals_for_partner(*, user: User) -> QuerySet[Goal]:
    return Goal.objects.filter(Q(pairing__mentor=user) | Q(pairing__mentee=user))


def goal_get_for_partner(*, user: User, goal_id: int) -> Goal:
    """A goal of one of the user's own pairings (to change or comment on), or 404."""
    return get_object_or_404(
        _goals_for_partner(user=user).select_related(
            "pairing__cohort", "pairing__mentor", "pairing__mentee"
        ),
        pk=goal_id,
    )


# What the goal's pages (page, milestones, updates) show besides the goal's own fields: its
# pairing's state and both people's names (display_name, else from the email); its cohort's
# id says whether an admin runs it.
_READER_FIELDS = (
    *(field.name for field in Goal._meta.concrete_fields),
    "pairing__cohort",
    "pairing__status",
    "pairing__mentor",
    "pairing__mentee",
    *(
        f"pairing__{person}__{field}"
        for person in ("mentor", "mentee")
        for field in ("email", "display_name")
    ),
)


def goal_get_for_reader(*, user: User, goal_id: int) -> Goal:
    """A goal the user may read: one of their pairings', or a shared one in a cohort they run.

    404 for everyone else, and for an admin asking for a goal the mentee has not shared.
    """
    # The goal's pages read its whole row but only its pairing's state and people's names.
    # Asked for by its id alone, it is the pairing's people's at once (one query, and no
    # subquery of the cohorts someone runs to build for them); a shared one is an admin's
    # after a second question, whether they run its cohort.
    goal = get_object_or_404(
        Goal.objects.select_related("pairing__mentor", "pairing__mentee").only(*_READER_FIELDS),
        pk=goal_id,
    )
    if goal_is_partner(goal=goal, user=user):
        return goal
    if (
        goal.shared_with_programme
        and cohorts_run_by(user=user).filter(pk=goal.pairing.cohort_id).exists()
    ):
        return goal
    raise Http404


def goal_is_partner(*, goal: Goal, user: User) -> bool:
    return user.pk in (goal.pairing.mentor_id, goal.pairing.mentee_id)


def goal_is_editable(*, goal: Goal) -> bool:
    """Whether the pairing's people may still change the goal (a closed pairing is read-only)."""
    return goal.pairing.status == Pairing.Status.ACTIVE


def milestones_for(*, goal: Goal) -> QuerySet[Milestone]:
    return goal.milestones.order_by("position", "pk")


_UPDATE_FIELDS = (
    *(field.name for field in GoalUpdate._meta.concrete_fields),
    "author__email",
    "author__display_name",
)


def goal_updates_for(*, goal: Goal) -> QuerySet[GoalUpdate]:
    """Progress updates and comments, newest first, with their authors' names."""
    return (
        goal.updates.select_related("author").only(*_UPDATE_FIELDS).order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class GoalTimeline:
    """What the goal page's progress section needs besides the page of updates it shows."""

    points: list[tuple[datetime, int]]  # (when, progress %) of each progress update, oldest first
    updates_total: int  # progress updates and comments: what the pages of updates count


def _timeline_of(rows: Iterable[tuple[str, datetime, int]]) -> GoalTimeline:
    """The timeline of (kind, time, progress) rows, oldest first."""
    points = []
    total = 0
    for kind, at, progress in rows:
        total += 1
        if kind == GoalUpdate.Kind.PROGRESS:
            points.append((at, progress))
    return GoalTimeline(points=points, updates_total=total)


def goal_timeline(*, goal: Goal) -> GoalTimeline:
    """The chart's points and the number of updates, in one query (kinds and times, no texts)."""
    rows = goal.updates.order_by("created_at", "pk").values_list("kind", "created_at", "progress")
    return _timeline_of(rows)


def goal_updates_first_page(*, goal: Goal, per_page: int) -> tuple[list[GoalUpdate], GoalTimeline]:
    """The first `per_page` of goal_updates_for and the goal's timeline: one query when every
    update fits on that page (most goals; the page is read with one row more to know), the
    timeline's own query besides when they do not."""
    first = list(goal_updates_for(goal=goal)[: per_page + 1])
    if len(first) > per_page:
        return first[:per_page], goal_timeline(goal=goal)
    return first, _timeline_of(
        (update.kind, update.created_at, update.progress) for update in reversed(first)
    )


@dataclass(frozen=True)
class GoalsOverview:
    """The pairing page's goals section."""

    goals: list[Goal]  # each with the overview annotations and `sparkline` (a ProgressChart)


def _overview_goals(*, pairing_id: int) -> QuerySet[Goal]:
    latest = GoalUpdate.objects.filter(goal=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        Goal.objects.filter(pairing=pairing_id)
        .annotate(
            milestones_total=Count("milestones", distinct=True),
            milestones_done=Count(
                "milestones", filter=Q(milestones__done_at__isnull=False), distinct=True
            ),
            latest_update_text=Subquery(latest.values("text")[:1]),
        )
        .order_by("created_at", "pk")
    )


def _overview_updates(*, pairing_id: int) -> QuerySet:
    return (
        GoalUpdate.objects.filter(goal__pairing=pairing_id)
        .order_by("created_at", "pk")
        .values_list("goal_id", "kind", "created_at", "progress", "author_id")
    )


# The pairing page's two reads of its goals, compiled once (mentoring.prepared).
_OVERVIEW_GOALS = PreparedQuery(_overview_goals, "pairing_id")
_OVERVIEW_UPDATES = PreparedQuery(_overview_updates, "pairing_id")


def goals_overview_for(*, pairing: Pairing, now: datetime, tz: ZoneInfo) -> GoalsOverview:
    """The pairing's goals with their overview and progress over time: two queries at most,
    however many goals, milestones and updates, each compiled once. (The one-click "put on the
    next session's agenda" button beside each is sessions_app's goal_agenda template tag.)

    The same annotations as goals_for_pairing's, read more cheaply: the goals bring their
    milestone counts and their latest update's text; the other fields of that update come
    with the chart's points, from one list of every update's kind, time and progress in the
    same order (its last one for a goal is the goal's latest)."""
    goals = _OVERVIEW_GOALS(pairing_id=pairing.pk)
    if not goals:
        return GoalsOverview(goals=[])
    points: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    latest_updates = {}
    for goal_id, kind, at, progress, author_id in _OVERVIEW_UPDATES(pairing_id=pairing.pk):
        if kind == GoalUpdate.Kind.PROGRESS:
            points[goal_id].append((at, progress))
        latest_updates[goal_id] = (kind, at, progress, author_id)  # the later replaces
    for goal in goals:
        # None without updates (as the text: none, or a goal's first update came in between).
        latest_update = (None, None, None, None)
        if goal.latest_update_text is not None:
            latest_update = latest_updates.get(goal.pk, latest_update)
        (
            goal.latest_update_kind,
            goal.latest_update_at,
            goal.latest_update_progress,
            goal.latest_update_author_id,
        ) = latest_update
        goal.sparkline = goal_progress_chart(
            goal=goal, points=points[goal.pk], now=now, tz=tz, frame=SPARKLINE
        )
    return GoalsOverview(goals=goals)


# What the cohort's list of shared goals shows of each goal: its own fields in the table and
# both people's names (display_name, else from the email).
_COHORT_LIST_FIELDS = (
    "pairing",
    "title",
    "status",
    "progress",
    "target_date",
    "pairing__mentor",
    "pairing__mentee",
    *(
        f"pairing__{person}__{field}"
        for person in ("mentor", "mentee")
        for field in ("email", "display_name")
    ),
)


def goals_shared_in_cohort(*, cohort: Cohort, status: str = "") -> QuerySet[Goal]:
    """Goals the mentees of the cohort shared with the programme team (never the others), with
    both people's names, their milestones done/total and when their latest update was
    (`latest_update_at`): what the list shows, in one query however many goals. The caller
    got `cohort` through cohort_get_for_admin."""
    goals = Goal.objects.filter(pairing__cohort=cohort, shared_with_programme=True)
    if status in Goal.Status.values:
        goals = goals.filter(status=status)
    # The latest update's time alone: one probe of the goal's updates, not a join of them
    # with the milestones that the counts already join.
    latest = GoalUpdate.objects.filter(goal=OuterRef("pk")).order_by("-created_at")
    return (
        goals.select_related("pairing__mentor", "pairing__mentee")
        .only(*_COHORT_LIST_FIELDS)
        .annotate(
            milestones_total=Count("milestones", distinct=True),
            milestones_done=Count(
                "milestones", filter=Q(milestones__done_at__isnull=False), distinct=True
            ),
            latest_update_at=Subquery(latest.values("created_at")[:1]),
        )
        .order_by("pairing__mentee__display_name", "created_at", "pk")
    )
