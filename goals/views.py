"""Goal pages: a pairing's goals, one goal (milestones, progress chart, updates and comments),
the mentee's create and edit forms, and the cohort admins' read-only list of shared goals.

Milestones and updates are sections that htmx swaps in place; without JavaScript every form
posts normally and the page redirects back. The "put on a session's agenda" buttons are
sessions_app's (its goal_agenda template tags and view).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from goals.charts import goal_progress_chart
from goals.forms import (
    CommentForm,
    GoalForm,
    GoalStatusForm,
    MilestoneForm,
    MilestonePickForm,
    ProgressForm,
)
from goals.models import Goal, Milestone
from goals.selectors import (
    goal_get_for_partner,
    goal_get_for_reader,
    goal_is_editable,
    goal_is_partner,
    goal_timeline,
    goal_updates_first_page,
    goal_updates_for,
    goals_overview_for,
    goals_shared_in_cohort,
    milestones_for,
)
from goals.services import (
    goal_comment_add,
    goal_create,
    goal_edit,
    goal_milestone_share,
    goal_progress_post,
    goal_status_set,
    milestone_add,
    milestone_move,
    milestone_remove,
    milestone_tick,
)
from mentoring.errors import DomainError
from mentoring.htmx import is_htmx
from mentoring.paging import page_of
from pairings.models import Pairing
from pairings.selectors import pairing_get_for_user
from programmes.selectors import cohort_get_named_for_admin

UPDATES_PAGE_SIZE = 20
COHORT_PAGE_SIZE = 25


def _detail_url(goal: Goal) -> str:
    return reverse("goals:goal_detail", args=[goal.pk])


def _require_mentee(request: HttpRequest, goal_or_pairing: Goal | Pairing) -> None:
    """Only the mentee writes their goals; the mentor reads and comments."""
    pairing = goal_or_pairing.pairing if isinstance(goal_or_pairing, Goal) else goal_or_pairing
    if request.user.pk != pairing.mentee_id:
        raise PermissionDenied(_("Only the mentee sets and changes their goals."))


# What the goals list shows of its pairing, besides what goals_overview_for and the goal
# cards read (its id): its state, its cohort's name and both people's names.
GOAL_LIST_FIELDS = (
    "cohort",
    "mentor",
    "mentee",
    "status",
    "cohort__name",
    *(
        f"{person}__{field}"
        for person in ("mentor", "mentee")
        for field in ("email", "display_name")
    ),
)


@login_required
def goal_list_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_user(
        user=request.user, pairing_id=pairing_id, profiles=False, fields=GOAL_LIST_FIELDS
    )
    return render(
        request,
        "goals/goals/list.html",
        {
            "pairing": pairing,
            "goals": goals_overview_for(
                pairing=pairing, now=timezone.now(), tz=request.user.zoneinfo
            ),
            "is_mentee": request.user.pk == pairing.mentee_id,
            "editable": pairing.status == Pairing.Status.ACTIVE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_create_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
    _require_mentee(request, pairing)
    form = GoalForm(request.POST or None, viewer_tz=request.user.zoneinfo)
    if request.method == "POST" and form.is_valid():
        try:
            goal = goal_create(pairing=pairing, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Goal set. Next: split it into milestones."))
            return redirect(_detail_url(goal))
    return render(
        request, "goals/goals/form.html", {"form": form, "pairing": pairing, "goal": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit_view(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = goal_get_for_partner(user=request.user, goal_id=goal_id)
    _require_mentee(request, goal)
    form = GoalForm(request.POST or None, instance=goal, viewer_tz=request.user.zoneinfo)
    if request.method == "POST" and form.is_valid():
        try:
            goal_edit(goal=goal, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Goal saved."))
            return redirect(_detail_url(goal))
    return render(
        request,
        "goals/goals/form.html",
        {"form": form, "pairing": goal.pairing, "goal": goal},
    )


class _CountedPaginator(Paginator):
    """A paginator told how many there are (goal_timeline counted them), so it does not ask."""

    def __init__(self, object_list: object, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.count = count


def _milestones_context(
    request: HttpRequest,
    goal: Goal,
    *,
    form: MilestoneForm | None = None,
    error: str = "",
    milestones: list[Milestone] | None = None,
) -> dict:
    if milestones is None:
        milestones = list(milestones_for(goal=goal))
    return {
        "goal": goal,
        "milestones": milestones,
        "milestones_done": sum(1 for m in milestones if m.done_at),
        "can_change": request.user.pk == goal.pairing.mentee_id and goal_is_editable(goal=goal),
        "milestone_form": form or MilestoneForm(viewer_tz=request.user.zoneinfo),
        "milestone_error": error,
    }


def _progress_context(
    request: HttpRequest,
    goal: Goal,
    *,
    progress_form: ProgressForm | None = None,
    comment_form: CommentForm | None = None,
    milestones: list[Milestone] | None = None,
) -> dict:
    """`milestones`: the goal's, when the caller has read them already."""
    number = request.GET.get("page")
    if number in (None, "1"):  # as most people see it: the updates and the chart's points at once
        first, timeline = goal_updates_first_page(goal=goal, per_page=UPDATES_PAGE_SIZE)
        paginator = _CountedPaginator(first, UPDATES_PAGE_SIZE, count=timeline.updates_total)
        page = Page(first, 1, paginator)
    else:
        timeline = goal_timeline(goal=goal)
        page = _CountedPaginator(
            goal_updates_for(goal=goal), UPDATES_PAGE_SIZE, count=timeline.updates_total
        ).get_page(number)
    now = timezone.now()
    chart = goal_progress_chart(
        goal=goal, points=timeline.points, now=now, tz=request.user.zoneinfo
    )
    partner = goal_is_partner(goal=goal, user=request.user)
    editable = partner and goal_is_editable(goal=goal)
    if milestones is None:
        from_milestones = goal_milestone_share(goal=goal) is not None
    else:
        from_milestones = bool(milestones)  # the share is None only without milestones
    return {
        "goal": goal,
        "from_milestones": from_milestones,
        "page": page,
        "chart": chart,
        "can_comment": editable,
        "can_post_progress": editable
        and request.user.pk == goal.pairing.mentee_id
        and goal.status == Goal.Status.ACTIVE,
        "progress_form": progress_form
        or ProgressForm(initial={"progress": goal.progress}, from_milestones=from_milestones),
        "comment_form": comment_form or CommentForm(),
    }


def _detail_render(request: HttpRequest, goal: Goal, **forms: object) -> HttpResponse:
    partner = goal_is_partner(goal=goal, user=request.user)
    editable = partner and goal_is_editable(goal=goal)
    milestones = list(milestones_for(goal=goal))
    context = {
        "pairing": goal.pairing,
        "is_partner": partner,
        "is_mentee": request.user.pk == goal.pairing.mentee_id,
        "editable": editable,
        **_milestones_context(
            request,
            goal,
            form=forms.get("milestone_form"),
            error=forms.get("milestone_error", ""),
            milestones=milestones,
        ),
        **_progress_context(
            request,
            goal,
            progress_form=forms.get("progress_form"),
            comment_form=forms.get("comment_form"),
            milestones=milestones,
        ),
    }
    return render(request, "goals/goals/detail.html", context)


@login_required
def goal_detail_view(request: HttpRequest, goal_id: int) -> HttpResponse:
    """The goal for its pairing's people; read-only for the cohort's admins once shared."""
    goal = goal_get_for_reader(user=request.user, goal_id=goal_id)
    return _detail_render(request, goal)


@login_required
@require_POST
def goal_status_view(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = goal_get_for_partner(user=request.user, goal_id=goal_id)
    _require_mentee(request, goal)
    form = GoalStatusForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    try:
        goal_status_set(goal=goal, by=request.user, status=form.cleaned_data["status"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            {
                Goal.Status.ACHIEVED: _("Well done: the goal is marked achieved."),
                Goal.Status.DROPPED: _("The goal is dropped. You can take it up again any time."),
                Goal.Status.ACTIVE: _("The goal is in progress again."),
            }[goal.status],
        )
    return redirect(_detail_url(goal))


@login_required
@require_http_methods(["GET", "POST"])
def goal_milestones_view(request: HttpRequest, goal_id: int) -> HttpResponse:
    """GET: the milestones section. POST `op`: add, or tick/untick/up/down/remove one."""
    if request.method == "GET":
        goal = goal_get_for_reader(user=request.user, goal_id=goal_id)
        if not is_htmx(request):
            return redirect(_detail_url(goal))
        return render(request, "goals/goals/_milestones.html", _milestones_context(request, goal))
    goal = goal_get_for_partner(user=request.user, goal_id=goal_id)
    _require_mentee(request, goal)
    form, error = None, ""
    if request.POST.get("op") == "add":
        form = MilestoneForm(request.POST, viewer_tz=request.user.zoneinfo)
        if form.is_valid():
            try:
                milestone_add(goal=goal, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                form = None
    else:
        pick = MilestonePickForm(request.POST, milestones=goal.milestones.all())
        if not pick.is_valid():
            if "op" in pick.errors:
                return HttpResponseBadRequest()
            error = " ".join(pick.errors.get("milestone", []))
        else:
            milestone, op = pick.cleaned_data["milestone"], pick.cleaned_data["op"]
            try:
                if op in ("tick", "untick"):
                    milestone_tick(milestone=milestone, by=request.user, done=op == "tick")
                elif op in ("up", "down"):
                    milestone_move(milestone=milestone, by=request.user, up=op == "up")
                else:
                    milestone_remove(milestone=milestone, by=request.user)
            except DomainError as exc:
                error = str(exc.message)
    if is_htmx(request):
        # The progress section follows the milestones, so it comes along out of band.
        goal.refresh_from_db(fields=["progress", "status"])
        milestones = render_to_string(
            "goals/goals/_milestones.html",
            _milestones_context(request, goal, form=form, error=error),
            request=request,
        )
        progress = render_to_string(
            "goals/goals/_progress.html",
            {**_progress_context(request, goal), "oob": True},
            request=request,
        )
        return HttpResponse(milestones + progress)
    if form is None and not error:
        return redirect(_detail_url(goal) + "#milestones")
    return _detail_render(request, goal, milestone_form=form, milestone_error=error)


@login_required
@require_http_methods(["GET", "POST"])
def goal_updates_view(request: HttpRequest, goal_id: int) -> HttpResponse:
    """GET: the progress section. POST `op`: progress (the mentee, with a %) or comment (either
    partner)."""
    if request.method == "GET":
        goal = goal_get_for_reader(user=request.user, goal_id=goal_id)
        if not is_htmx(request):
            return redirect(_detail_url(goal))
        return render(request, "goals/goals/_progress.html", _progress_context(request, goal))
    goal = goal_get_for_partner(user=request.user, goal_id=goal_id)
    op = request.POST.get("op")
    if op == "progress":
        _require_mentee(request, goal)
        from_milestones = goal_milestone_share(goal=goal) is not None
        form = ProgressForm(request.POST, from_milestones=from_milestones)
        post = goal_progress_post
    elif op == "comment":
        form, post = CommentForm(request.POST), goal_comment_add
    else:
        return HttpResponseBadRequest()
    if form.is_valid():
        try:
            post(goal=goal, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
    # The form goes back to the page (as progress_form or comment_form) only to show errors.
    forms = {f"{op}_form": form} if form.errors else {}
    if is_htmx(request):
        return render(
            request, "goals/goals/_progress.html", _progress_context(request, goal, **forms)
        )
    if not forms:
        messages.success(
            request, _("Progress posted.") if op == "progress" else _("Comment posted.")
        )
        return redirect(_detail_url(goal) + "#updates")
    return _detail_render(request, goal, **forms)


@login_required
def cohort_goals_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The goals the cohort's mentees shared with the programme team (read-only)."""
    cohort = cohort_get_named_for_admin(user=request.user, cohort_id=cohort_id)
    status = request.GET.get("status", "")
    goals = goals_shared_in_cohort(cohort=cohort, status=status)
    page = page_of(goals, COHORT_PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "goals/goals/cohort_goals.html",
        {
            "cohort": cohort,
            "page": page,
            "status": status,
            "statuses": Goal.Status.choices,
            "query": urlencode({"status": status} if status else {}),
        },
    )


urlpatterns = [
    path("pairings/<int:pairing_id>/goals/", goal_list_view, name="goal_list"),
    path("pairings/<int:pairing_id>/goals/new/", goal_create_view, name="goal_create"),
    path("goals/<int:goal_id>/", goal_detail_view, name="goal_detail"),
    path("goals/<int:goal_id>/edit/", goal_edit_view, name="goal_edit"),
    path("goals/<int:goal_id>/status/", goal_status_view, name="goal_status"),
    path("goals/<int:goal_id>/milestones/", goal_milestones_view, name="goal_milestones"),
    path("goals/<int:goal_id>/updates/", goal_updates_view, name="goal_updates"),
    path("cohorts/<int:cohort_id>/goals/", cohort_goals_view, name="cohort_goals"),
]
