"""Cohort pages: the admins' list, form, cohort page, report and exports; a participant's
answers and directory."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import programme_admin_required
from organisations.selectors import organisations_administered
from programmes.forms.cohorts import CohortForm, EnrolmentForm
from programmes.models import ParticipantRole
from programmes.selectors import cohort_get_for_admin, enrolment_get_for_user
from programmes.selectors.cohorts import (
    cohort_get_for_member,
    mentor_directory,
)
from programmes.services.cohorts import cohort_create, cohort_update
from programmes.services.enrolments import enrolment_answer

PAGE_SIZE = 25
# The table's sortable columns: (sort key, header). The first click sorts the way an admin
# most often wants it (most serious, longest silent, fewest sessions, A to Z, newest).


@programme_admin_required
@require_http_methods(["GET", "POST"])
def cohort_create_view(request: HttpRequest) -> HttpResponse:
    organisations = organisations_administered(user=request.user)
    if not organisations.exists():
        if request.user.is_staff:  # staff create organisations, in the admin
            messages.info(
                request,
                _(
                    "Cohorts belong to an organisation, and you run none yet. Create your "
                    "organisation here with yourself as its owner, then create the cohort."
                ),
            )
            return redirect("admin:organisations_organisation_add")
        messages.error(
            request,
            _(
                "Cohorts belong to an organisation, and you run none yet. Ask your "
                "organisation's owner to make you one of its programme admins."
            ),
        )
        return redirect("home")
    form = CohortForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        cohort = cohort_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("Cohort created. Next: invite people."))
        return redirect("oversight:cohort_detail", cohort_id=cohort.pk)
    return render(request, "programmes/cohorts/form.html", {"form": form})


@programme_admin_required
@require_http_methods(["GET", "POST"])
def cohort_edit_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        cohort_update(cohort=cohort, **form.cleaned_data)
        messages.success(request, _("Cohort saved."))
        return redirect("oversight:cohort_detail", cohort_id=cohort.pk)
    return render(request, "programmes/cohorts/form.html", {"form": form, "cohort": cohort})


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_view(request: HttpRequest, cohort_id: int, role: str) -> HttpResponse:
    if role not in ParticipantRole.values:
        raise Http404
    enrolment = enrolment_get_for_user(
        user=request.user, cohort_id=cohort_id, role=role, whole=request.method == "POST"
    )
    form = EnrolmentForm(
        request.POST or None,
        enrolment=enrolment,
        questions=list(enrolment.cohort.questions.all()),
    )
    if request.method == "POST" and form.is_valid():
        enrolment_answer(enrolment=enrolment, **form.answers())
        messages.success(request, _("Thank you: your answers are saved."))
        return redirect("home:dashboard")
    return render(
        request, "programmes/cohorts/enrolment.html", {"form": form, "enrolment": enrolment}
    )


@login_required
def directory_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_get_for_member(user=request.user, cohort_id=cohort_id)
    page = Paginator(mentor_directory(cohort=cohort), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "programmes/cohorts/directory.html", {"cohort": cohort, "page": page})


urlpatterns = [
    path("cohorts/new/", cohort_create_view, name="cohort_create"),
    path("cohorts/<int:cohort_id>/edit/", cohort_edit_view, name="cohort_edit"),
    path("cohorts/<int:cohort_id>/join-as/<str:role>/", enrolment_view, name="enrolment"),
    path("cohorts/<int:cohort_id>/mentors/", directory_view, name="directory"),
]
