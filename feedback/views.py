"""Feedback pages for the person asked: their list (waiting, answered, and what partners shared
with them), the form of one row, and a session's feedback panel on the session page.

Only the person asked opens a form (anyone else gets 404, the partner too); only the two
people of a session see its panel. What a partner's row shows is decided by
selectors.feedback (feedback_view_for); the admins read ratings on the cohort page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from feedback.forms import feedback_form_for
from feedback.selectors import (
    feedback_for_session,
    feedback_get_for_writer,
    feedback_history_for,
    feedback_is_open,
    feedback_listed,
    feedback_shared_with,
    feedback_view_for,
    feedback_views_for,
    feedback_waiting_listed,
)
from feedback.services import feedback_answer
from mentoring.errors import DomainError
from mentoring.htmx import is_htmx
from mentoring.paging import page_of
from sessions_app.selectors.agenda import partner_in
from sessions_app.selectors.appointments import appointment_get_for_user

PAGE_SIZE = 20
_NOT_ANSWERS = ("op", "csrfmiddlewaretoken")
WAITING_ON_PAGE = 50  # more than anyone has waiting: the list is not paginated


@login_required
def feedback_list_view(request: HttpRequest) -> HttpResponse:
    """What waits for an answer, then (tabs) your earlier answers or what partners shared."""
    now = timezone.now()
    show = "shared" if request.GET.get("show") == "shared" else "mine"
    waiting = feedback_views_for(
        viewer=request.user,
        rows=feedback_waiting_listed(user=request.user, now=now, limit=WAITING_ON_PAGE),
        admin_cohort_ids=(),
    )
    if show == "shared":
        rows = feedback_shared_with(user=request.user)
    else:
        rows = feedback_history_for(user=request.user, now=now)
    page = page_of(feedback_listed(rows), PAGE_SIZE, request.GET.get("page"))
    on_page = list(page.object_list)
    return render(
        request,
        "feedback/list.html",
        {
            "waiting": waiting,
            "show": show,
            "page": page,
            "items": feedback_views_for(viewer=request.user, rows=on_page, admin_cohort_ids=()),
            "editable": {row.pk for row in on_page if feedback_is_open(feedback=row, now=now)},
            "query": f"show={show}",
        },
    )


def _preview_initial(data: dict) -> dict:
    """The input as it stands, to redraw the form without judging it (no errors yet)."""
    return {name: value for name, value in data.items() if name not in _NOT_ANSWERS}


@login_required
@require_http_methods(["GET", "POST"])
def feedback_answer_view(request: HttpRequest, feedback_id: int) -> HttpResponse:
    """The form of one of your own rows. POST op=preview (htmx, when "did it take place?"
    changes) redraws the form from the input without saving."""
    feedback = feedback_get_for_writer(
        user=request.user, feedback_id=feedback_id, listed=request.method == "GET"
    )
    context = {
        "feedback": feedback,
        "view": feedback_view_for(feedback=feedback, viewer=request.user),
        "partner": feedback.pairing.partner_of(request.user),
    }
    if not feedback_is_open(feedback=feedback, now=timezone.now()):
        return render(request, "feedback/answer.html", {**context, "form": None})
    if request.method == "POST" and request.POST.get("op") == "preview":
        form = feedback_form_for(feedback, initial=_preview_initial(request.POST))
        return render(request, "feedback/_form.html", {**context, "form": form})
    form = feedback_form_for(feedback, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_answer(feedback=feedback, by=request.user, **form.answers())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you: your answer is saved."))
            return redirect("feedback:feedback_list")
    return render(request, "feedback/answer.html", {**context, "form": form})


@login_required
def session_feedback_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """A session's feedback for one of its two people: their own prompt or answer, and the
    words their partner shared. The session page fetches it with htmx; it is a page too."""
    appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
    context = {
        "appointment": appointment,
        "partner": partner_in(appointment=appointment, user=request.user),
        "panel": feedback_for_session(
            appointment=appointment, viewer=request.user, now=timezone.now()
        ),
    }
    if is_htmx(request):
        return render(request, "feedback/_session_panel.html", context)
    return render(request, "feedback/session.html", context)


urlpatterns = [
    path("feedback/", feedback_list_view, name="feedback_list"),
    path("feedback/<int:feedback_id>/", feedback_answer_view, name="feedback_answer"),
    path("<int:appointment_id>/feedback/", session_feedback_view, name="session_feedback"),
]
