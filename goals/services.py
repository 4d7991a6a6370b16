"""Goals: the mentee sets and edits them, splits them into milestones and posts progress; either
partner comments. Only while the pairing is active: a closed pairing's goals are read-only.
(Putting a goal on a session's agenda is sessions_app's, through goal_lock_for_change.)

Every change first locks the pairing's row (as the agenda services do), so changes to one
pairing's goals, its agendas and closing it queue up behind each other; a goal's progress is
therefore always its latest progress update's.

A goal with milestones takes its progress from them: the share of milestones done. Each change
of that share (a milestone ticked, added or deleted) is recorded as a progress update, so the
chart and the timeline follow the milestones; the mentee then posts words, not a percentage.
"""

from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from goals.models import Goal, GoalUpdate, Milestone
from mentoring.errors import DomainError
from pairings.models import Pairing


class GoalRefused(DomainError):
    pass


def _lock_pairing(*, pairing_id: int) -> str:
    """Lock the pairing's row until commit and return its status."""
    return Pairing.objects.select_for_update().values_list("status", flat=True).get(pk=pairing_id)


def _check_open(*, pairing_id: int) -> None:
    if _lock_pairing(pairing_id=pairing_id) != Pairing.Status.ACTIVE:
        raise GoalRefused(_("This pairing is not active: its goals can be read, not changed."))


def _check_mentee(*, pairing: Pairing, by: User) -> None:
    if by.pk != pairing.mentee_id:
        raise GoalRefused(_("Only the mentee sets and changes their goals."))


def _check_partner(*, pairing: Pairing, by: User) -> None:
    if by.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise GoalRefused(_("Only the two people in the pairing can do this."))


def _check_target_date(*, target_date: date | None, by: User) -> None:
    if target_date is not None and target_date < timezone.localdate(timezone=by.zoneinfo):
        raise GoalRefused(_("That date is in the past. Choose today or a later day."))


def _locked_goal(*, goal: Goal, by: User, mentee_only: bool) -> None:
    """Check who may change the goal, lock its pairing, and re-read the goal's row."""
    _check_partner(pairing=goal.pairing, by=by)
    if mentee_only:
        _check_mentee(pairing=goal.pairing, by=by)
    _check_open(pairing_id=goal.pairing_id)
    goal.refresh_from_db(fields=["status", "progress", "target_date", "shared_with_programme"])


def goal_milestone_share(*, goal: Goal) -> int | None:
    """The percentage of the goal's milestones that are done (rounded), or None when it has no
    milestones (its progress is then the mentee's own figure)."""
    counts = goal.milestones.aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(done_at__isnull=False))
    )
    if not counts["total"]:
        return None
    return round(100 * counts["done"] / counts["total"])


def _progress_follow_milestones(*, goal: Goal, by: User, text: str) -> None:
    """After a milestone changed: a goal in progress takes the share of milestones done, and a
    change is recorded as a progress update (an achieved goal stays at 100%, a dropped one
    where it stopped)."""
    if goal.status != Goal.Status.ACTIVE:
        return
    share = goal_milestone_share(goal=goal)
    if share is None or share == goal.progress:
        return
    GoalUpdate.objects.create(
        goal=goal, author=by, kind=GoalUpdate.Kind.PROGRESS, progress=share, text=text
    )
    goal.progress = share
    goal.save(update_fields=["progress", "updated_at"])


def goal_lock_for_change(*, goal: Goal, by: User, mentee_only: bool = False) -> None:
    """For the apps above that change something about a goal (sessions_app puts it on an
    agenda): the same checks and lock as the goal's own changes. Call it inside
    transaction.atomic. Raises GoalRefused (outsider, not the mentee when `mentee_only`,
    pairing not active)."""
    _locked_goal(goal=goal, by=by, mentee_only=mentee_only)


@transaction.atomic
def goal_create(
    *,
    pairing: Pairing,
    by: User,
    title: str,
    why: str = "",
    measure: str = "",
    target_date: date | None = None,
    shared_with_programme: bool = False,
) -> Goal:
    """The mentee sets a goal for the programme. Raises GoalRefused (not the mentee, pairing
    not active, target date in the past)."""
    _check_mentee(pairing=pairing, by=by)
    _check_open(pairing_id=pairing.pk)
    _check_target_date(target_date=target_date, by=by)
    return Goal.objects.create(
        pairing=pairing,
        mentee=by,
        title=title,
        why=why,
        measure=measure,
        target_date=target_date,
        shared_with_programme=shared_with_programme,
    )


@transaction.atomic
def goal_edit(
    *,
    goal: Goal,
    by: User,
    title: str,
    why: str,
    measure: str,
    target_date: date | None,
    shared_with_programme: bool,
) -> Goal:
    """The mentee changes what, why, how and when, and whether the programme team may read it.
    A target date already passed may stay; a new one must not be in the past. Safe to repeat.
    Raises GoalRefused."""
    _locked_goal(goal=goal, by=by, mentee_only=True)
    if target_date != goal.target_date:
        _check_target_date(target_date=target_date, by=by)
    goal.title, goal.why, goal.measure = title, why, measure
    goal.target_date, goal.shared_with_programme = target_date, shared_with_programme
    goal.save()
    return goal


@transaction.atomic
def goal_status_set(*, goal: Goal, by: User, status: str) -> Goal:
    """The mentee marks the goal achieved (its progress becomes 100%, recorded as a progress
    update so the chart ends there), drops it, or takes it up again. Safe to repeat.
    Raises GoalRefused."""
    if status not in Goal.Status.values:
        raise GoalRefused(_("Choose achieved, dropped or in progress."))
    _locked_goal(goal=goal, by=by, mentee_only=True)
    if goal.status == status:
        return goal
    goal.status = status
    if status == Goal.Status.ACHIEVED:
        GoalUpdate.objects.create(
            goal=goal,
            author=by,
            kind=GoalUpdate.Kind.PROGRESS,
            progress=100,
            text=_("Marked the goal achieved."),
        )
        goal.progress = 100
    goal.save(update_fields=["status", "progress", "updated_at"])
    if status == Goal.Status.ACTIVE:
        _progress_follow_milestones(goal=goal, by=by, text=_("Taken up again."))
    return goal


@transaction.atomic
def goal_progress_post(
    *, goal: Goal, by: User, progress: int | None = None, text: str = ""
) -> GoalUpdate:
    """The mentee reports progress (0-100%); the goal's progress follows it. A goal with
    milestones ignores `progress`: the update carries the share of milestones done.
    Raises GoalRefused (not the mentee, goal not in progress, pairing not active, no
    percentage for a goal without milestones)."""
    if progress is not None and not 0 <= progress <= 100:
        raise GoalRefused(_("Progress is a percentage from 0 to 100."))
    _locked_goal(goal=goal, by=by, mentee_only=True)
    share = goal_milestone_share(goal=goal)
    if share is not None:
        progress = share
    elif progress is None:
        raise GoalRefused(_("Say how far along the goal you are, from 0 to 100%."))
    if goal.status != Goal.Status.ACTIVE:
        raise GoalRefused(
            _("This goal is %(status)s: take it up again to post progress.")
            % {"status": goal.get_status_display().lower()}
        )
    update = GoalUpdate.objects.create(
        goal=goal, author=by, kind=GoalUpdate.Kind.PROGRESS, progress=progress, text=text.strip()
    )
    goal.progress = progress
    goal.save(update_fields=["progress", "updated_at"])
    return update


@transaction.atomic
def goal_comment_add(*, goal: Goal, by: User, text: str) -> GoalUpdate:
    """Either partner comments on the goal. Raises GoalRefused (empty, outsider, not active)."""
    if not text.strip():
        raise GoalRefused(_("Write a comment first."))
    _locked_goal(goal=goal, by=by, mentee_only=False)
    return GoalUpdate.objects.create(
        goal=goal, author=by, kind=GoalUpdate.Kind.COMMENT, text=text.strip()
    )


@transaction.atomic
def milestone_add(*, goal: Goal, by: User, title: str, due_on: date | None = None) -> Milestone:
    """The mentee adds a step at the end of the goal's list. Raises GoalRefused."""
    _locked_goal(goal=goal, by=by, mentee_only=True)
    _check_target_date(target_date=due_on, by=by)
    last = goal.milestones.order_by("-position").values_list("position", flat=True).first()
    milestone = Milestone.objects.create(
        goal=goal, title=title, due_on=due_on, position=0 if last is None else last + 1
    )
    _progress_follow_milestones(
        goal=goal, by=by, text=_("Milestone added: %(title)s") % {"title": title}
    )
    return milestone


@transaction.atomic
def milestone_tick(*, milestone: Milestone, by: User, done: bool) -> Milestone:
    """The mentee marks a step done (keeping when it was first done) or not. Safe to repeat.
    Raises GoalRefused."""
    _locked_goal(goal=milestone.goal, by=by, mentee_only=True)
    milestone.refresh_from_db(fields=["done_at"])
    if done and milestone.done_at is None:
        milestone.done_at = timezone.now()
    elif not done:
        milestone.done_at = None
    milestone.save(update_fields=["done_at"])
    done_text = _("Milestone done: %(title)s") if done else _("Milestone not done yet: %(title)s")
    _progress_follow_milestones(
        goal=milestone.goal, by=by, text=done_text % {"title": milestone.title}
    )
    return milestone


@transaction.atomic
def milestone_remove(*, milestone: Milestone, by: User) -> None:
    """The mentee deletes a step (a goal left without milestones keeps its progress).
    Raises GoalRefused."""
    _locked_goal(goal=milestone.goal, by=by, mentee_only=True)
    milestone.delete()
    _progress_follow_milestones(
        goal=milestone.goal,
        by=by,
        text=_("Milestone deleted: %(title)s") % {"title": milestone.title},
    )


@transaction.atomic
def milestone_move(*, milestone: Milestone, by: User, up: bool) -> None:
    """The mentee moves a step one place up or down (nothing at either end). Raises
    GoalRefused."""
    goal = milestone.goal
    _locked_goal(goal=goal, by=by, mentee_only=True)
    order = list(goal.milestones.order_by("position", "pk"))
    at = next(i for i, m in enumerate(order) if m.pk == milestone.pk)
    to = at - 1 if up else at + 1
    if not 0 <= to < len(order):
        return
    order[at], order[to] = order[to], order[at]
    # Renumber them all: rows added before positions existed may share one.
    for position, step in enumerate(order):
        step.position = position
    Milestone.objects.bulk_update(order, ["position"])
