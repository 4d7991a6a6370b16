"""Mentee-requests mode: a mentee's suggested mentors and choices; a mentor's inbox and answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from matching.forms.requests import ACCEPT, RequestAnswerForm, RequestCreateForm
from matching.selectors.requests import (
    request_choice_get_for_mentee,
    request_enrolment_get_for_mentee,
    request_get_for_mentor,
    request_page_for_mentee,
    request_reasons,
    requests_pending_for_mentor,
)
from matching.services.requests import (
    request_accept,
    request_create,
    request_decline,
    request_withdraw,
)
from mentoring.errors import DomainError
from programmes.models import Enrolment

PAGE_SIZE = 25


def _choose_page(
    request: HttpRequest, enrolment: Enrolment, form: RequestCreateForm | None = None
) -> HttpResponse:
    page = request_page_for_mentee(enrolment=enrolment)
    return render(request, "matching/requests/choose.html", {"page": page, "form": form})


@login_required
def request_choose_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    enrolment = request_enrolment_get_for_mentee(user=request.user, cohort_id=cohort_id)
    return _choose_page(request, enrolment)


@login_required
@require_POST
def request_create_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    enrolment = request_enrolment_get_for_mentee(user=request.user, cohort_id=cohort_id)
    options = request_page_for_mentee(enrolment=enrolment).options
    form = RequestCreateForm(request.POST, options=options)
    if form.is_valid():
        mentor = form.cleaned_data["mentor"]
        try:
            choice = request_create(enrolment=enrolment, mentor=mentor)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if choice.rank == 1:
                messages.success(request, _("Your request went to %(name)s.") % {"name": mentor})
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s is your choice no. %(rank)d: asked if the choices before do "
                        "not work out."
                    )
                    % {"name": mentor, "rank": choice.rank},
                )
            return redirect("matching:request_choose", cohort_id=cohort_id)
    return _choose_page(request, enrolment, form)


@login_required
@require_POST
def request_withdraw_view(request: HttpRequest, cohort_id: int, mentor_id: int) -> HttpResponse:
    enrolment = request_enrolment_get_for_mentee(user=request.user, cohort_id=cohort_id)
    choice = request_choice_get_for_mentee(enrolment=enrolment, mentor_id=mentor_id)
    request_withdraw(choice=choice)
    messages.success(
        request, _("%(name)s is no longer one of your choices.") % {"name": choice.mentor}
    )
    return redirect("matching:request_choose", cohort_id=cohort_id)


@login_required
def request_inbox_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(requests_pending_for_mentor(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    reasons = request_reasons(requests=page.object_list)
    items = [
        (r, RequestAnswerForm(auto_id=f"id_request{r.pk}_%s"), reasons.get(r.pk, []))
        for r in page.object_list
    ]
    return render(request, "matching/requests/inbox.html", {"page": page, "items": items})


@login_required
@require_http_methods(["GET", "POST"])
def request_answer_view(request: HttpRequest, request_id: int) -> HttpResponse:
    mentor_request = request_get_for_mentor(user=request.user, request_id=request_id)
    form = RequestAnswerForm(request.POST or None, auto_id=f"id_request{request_id}_%s")
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == ACCEPT
        answer = request_accept if accept else request_decline
        try:
            answer(mentor_request=mentor_request, by=request.user, note=form.cleaned_data["note"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if accept:
                text = _("You now mentor %(name)s. Next: agree how and when you keep in touch.")
            else:
                text = _("You declined %(name)s's request; they have been told.")
            messages.success(request, text % {"name": mentor_request.mentee.name})
            return redirect("matching:request_inbox")
    return render(
        request,
        "matching/requests/answer.html",
        {
            "mentor_request": mentor_request,
            "form": form,
            "reasons": request_reasons(requests=[mentor_request]).get(mentor_request.pk, []),
        },
    )


urlpatterns = [
    path("cohorts/<int:cohort_id>/requests/", request_choose_view, name="request_choose"),
    path("cohorts/<int:cohort_id>/requests/new/", request_create_view, name="request_create"),
    path(
        "cohorts/<int:cohort_id>/requests/<int:mentor_id>/withdraw/",
        request_withdraw_view,
        name="request_withdraw",
    ),
    path("requests/", request_inbox_view, name="request_inbox"),
    path("requests/<int:request_id>/", request_answer_view, name="request_answer"),
]
