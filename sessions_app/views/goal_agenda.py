"""One click puts a goal on an upcoming session's agenda, from the goal's page, the goal list
or the pairing page (a plain POST that redirects back: no htmx). Mounted under "programmes/"
beside the goal pages, at /programmes/goals/<id>/agenda/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from goals.selectors import goal_get_for_partner
from mentoring.errors import DomainError
from sessions_app.forms.goal_agenda import AgendaPickForm
from sessions_app.selectors.goal_agenda import goal_agenda_choices
from sessions_app.services.goal_agenda import agenda_goal_add


@login_required
@require_POST
def goal_agenda_view(request: HttpRequest, goal_id: int) -> HttpResponse:
    """Put the goal on an upcoming session's agenda in one click (either partner)."""
    goal = goal_get_for_partner(user=request.user, goal_id=goal_id)
    form = AgendaPickForm(request.POST, sessions=goal_agenda_choices(goal=goal, now=timezone.now()))
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("appointment", [])))
    else:
        appointment = form.cleaned_data["appointment"]
        try:
            _item, created = agenda_goal_add(goal=goal, by=request.user, appointment=appointment)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            when = formats.date_format(timezone.localtime(appointment.starts_at), "D j M, H:i")
            messages.success(
                request,
                (
                    _("On the agenda of the session on %(when)s.")
                    if created
                    else _("Already on the agenda of the session on %(when)s.")
                )
                % {"when": when},
            )
    # A button on the pairing page or the goal list comes back to where it was clicked.
    back = request.POST.get("next")
    if back == "pairing":
        return redirect("home:pairing_detail", pairing_id=goal.pairing_id)
    if back == "list":
        return redirect("goals:goal_list", pairing_id=goal.pairing_id)
    return redirect("goals:goal_detail", goal_id=goal.pk)


urlpatterns = [
    path("goals/<int:goal_id>/agenda/", goal_agenda_view, name="goal_agenda"),
]
