"""The admins' outreach: nudge a pairing, rematch its mentee, announce to the cohort.

Every page is for the cohort's admins; anyone else gets 404 from the selectors, so ids in URLs
tell nothing about what exists.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mentoring.errors import DomainError
from oversight.forms.outreach import AnnouncementForm, NudgeForm, RematchForm
from oversight.models import Nudge
from oversight.selectors.outreach import (
    announcement_audience_counts,
    announcement_get_for_admin,
    announcement_progress,
    announcements_for_cohort,
    nudges_for_pairing,
    pairing_get_for_nudge_page,
)
from oversight.services.announcements import announcement_send
from oversight.services.outreach import nudge_send, nudge_text_initial, pairing_rematch
from pairings.selectors import pairing_get_for_admin
from programmes.models import Cohort
from programmes.selectors import cohort_get_for_admin

NUDGES_PAGE_SIZE = 10
ANNOUNCEMENTS_PAGE_SIZE = 20


@login_required
@require_http_methods(["GET", "POST"])
def pairing_nudge_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    if request.method == "POST":
        pairing = pairing_get_for_admin(user=request.user, pairing_id=pairing_id)
        form = NudgeForm(request.POST, pairing=pairing)
    else:
        pairing = pairing_get_for_nudge_page(user=request.user, pairing_id=pairing_id)
        template = request.GET.get("template")
        if template not in Nudge.Template.values:
            template = Nudge.Template.CHECK_IN
        initial = {
            "template": template,
            "text": nudge_text_initial(pairing=pairing, template=template),
            "recipients": "both",
        }
        form = NudgeForm(initial=initial, pairing=pairing)
    if request.method == "POST" and form.is_valid():
        try:
            nudge_send(pairing=pairing, by=request.user, **form.nudge_arguments())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Nudge sent."))
            return redirect("oversight:pairing_nudge", pairing_id=pairing.pk)
    history = Paginator(nudges_for_pairing(pairing=pairing), NUDGES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "oversight/outreach/nudge.html",
        {"pairing": pairing, "form": form, "history": history},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pairing_rematch_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_admin(user=request.user, pairing_id=pairing_id)
    form = RematchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pairing_rematch(pairing=pairing, by=request.user, note=form.cleaned_data["note"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            names = {"mentee": pairing.mentee.name, "mentor": pairing.mentor.name}
            if pairing.cohort.matching_mode == Cohort.MatchingMode.REQUESTS:
                messages.success(
                    request,
                    _(
                        "The pairing is closed. %(mentee)s can now ask other mentors from "
                        "their requests page; %(mentor)s is no longer among them."
                    )
                    % names,
                )
                return redirect("oversight:cohort_pairings", cohort_id=pairing.cohort_id)
            messages.success(
                request,
                _(
                    "The pairing is closed and %(mentee)s is waiting for a new mentor. Next: "
                    "run matching, review the proposal and publish it. %(mentee)s will not be "
                    "proposed to %(mentor)s again."
                )
                % names,
            )
            return redirect("matching:match", cohort_id=pairing.cohort_id)
    return render(request, "oversight/outreach/rematch.html", {"pairing": pairing, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def announcement_new_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    form = AnnouncementForm(
        request.POST or None, audience_counts=announcement_audience_counts(cohort=cohort)
    )
    if request.method == "POST" and form.is_valid():
        try:
            announcement = announcement_send(
                cohort=cohort,
                by=request.user,
                audience=form.cleaned_data["audience"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                key=form.cleaned_data["key"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Sending: each person gets one copy."))
            return redirect("oversight:announcement_detail", announcement_id=announcement.pk)
    return render(
        request, "oversight/outreach/announcement_new.html", {"cohort": cohort, "form": form}
    )


def _announcement_render(request: HttpRequest, announcement_id: int, template: str) -> HttpResponse:
    """The announcement (its cohort's admins only, else 404) and how far its sending got."""
    announcement = announcement_get_for_admin(user=request.user, announcement_id=announcement_id)
    context = {
        "announcement": announcement,
        "cohort": announcement.cohort,
        "progress": announcement_progress(announcement=announcement),
    }
    return render(request, template, context)


@login_required
@require_GET
def announcement_detail_view(request: HttpRequest, announcement_id: int) -> HttpResponse:
    return _announcement_render(
        request, announcement_id, "oversight/outreach/announcement_detail.html"
    )


@login_required
@require_GET
def announcement_progress_view(request: HttpRequest, announcement_id: int) -> HttpResponse:
    """The progress section alone, polled by htmx every 2 s until every copy is out."""
    return _announcement_render(
        request, announcement_id, "oversight/outreach/_announcement_progress.html"
    )


@login_required
@require_GET
def announcement_list_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    page = Paginator(announcements_for_cohort(cohort=cohort), ANNOUNCEMENTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "oversight/outreach/announcement_list.html", {"cohort": cohort, "page": page}
    )


urlpatterns = [
    path("pairings/<int:pairing_id>/nudge/", pairing_nudge_view, name="pairing_nudge"),
    path("pairings/<int:pairing_id>/rematch/", pairing_rematch_view, name="pairing_rematch"),
    path(
        "cohorts/<int:cohort_id>/announcements/",
        announcement_list_view,
        name="announcement_list",
    ),
    path(
        "cohorts/<int:cohort_id>/announcements/new/",
        announcement_new_view,
        name="announcement_new",
    ),
    path(
        "announcements/<int:announcement_id>/",
        announcement_detail_view,
        name="announcement_detail",
    ),
    path(
        "announcements/<int:announcement_id>/progress/",
        announcement_progress_view,
        name="announcement_progress",
    ),
]
