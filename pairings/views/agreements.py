"""Contact agreement pages: where it stands, one's own terms, acknowledging the partner's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mentoring.errors import DomainError
from pairings.forms.agreements import AcknowledgeForm, ContactTermsForm
from pairings.models import Pairing
from pairings.selectors import pairing_get_for_terms, pairing_get_for_user
from pairings.selectors.agreements import agreement_summary_for, terms_for, terms_initial_for
from pairings.services.agreements import (
    AgreementChanged,
    agreement_acknowledge,
    agreement_closed_message,
    agreement_terms_save,
)
from programmes.forms.hours import HOURS_ACTION, hours_action_apply


@login_required
def agreement_detail_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
    summary = agreement_summary_for(pairing=pairing, viewer=request.user)
    return render(request, "pairings/agreements/detail.html", {"summary": summary})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_terms_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    if request.method == "POST":
        pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
    else:
        pairing = pairing_get_for_terms(user=request.user, pairing_id=pairing_id)
    if pairing.status != Pairing.Status.ACTIVE:
        messages.error(request, agreement_closed_message(status=pairing.status))
        return redirect("pairings:agreement_detail", pairing_id=pairing.pk)
    me = pairing.mentor if request.user.pk == pairing.mentor_id else pairing.mentee
    terms = terms_for(pairing=pairing, person=me)
    hours_action = request.POST.get(HOURS_ACTION)  # a preset: fill the hours, save nothing
    form = ContactTermsForm(
        None if hours_action else request.POST or None,
        person=me,
        profile=me.profile,
        terms=terms,
        first_draft=None if terms else terms_initial_for(pairing=pairing, person=me),
    )
    if hours_action:
        hours_action_apply(form, request.POST, form.days, hours_action)
    elif request.method == "POST" and form.is_valid():
        try:
            _terms, changed = agreement_terms_save(pairing=pairing, person=me, **form.terms())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            partner = pairing.partner_of(me)
            if changed:
                messages.success(
                    request,
                    _("Your terms are saved. %(partner)s is asked to read and acknowledge them.")
                    % {"partner": partner.name},
                )
            else:
                messages.info(request, _("Nothing changed: your terms stand as they were."))
            return redirect("home:pairing_detail", pairing_id=pairing.pk)
    return render(
        request,
        "pairings/agreements/terms.html",
        {"form": form, "pairing": pairing, "partner": pairing.partner_of(me), "terms": terms},
    )


@login_required
@require_POST
def agreement_acknowledge_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
    form = AcknowledgeForm(request.POST)
    seen_version = form.cleaned_data["version"] if form.is_valid() else -1
    try:
        agreement_acknowledge(pairing=pairing, person=request.user, seen_version=seen_version)
    except AgreementChanged as exc:
        summary = agreement_summary_for(pairing=pairing, viewer=request.user)
        summary["acknowledge_error"] = exc.message
        return render(request, "pairings/agreements/detail.html", {"summary": summary})
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("pairings:agreement_detail", pairing_id=pairing.pk)
    messages.success(
        request,
        _("You acknowledged the terms of %(partner)s.")
        % {"partner": pairing.partner_of(request.user)},
    )
    return redirect("home:pairing_detail", pairing_id=pairing.pk)


urlpatterns = [
    path("pairings/<int:pairing_id>/agreement/", agreement_detail_view, name="agreement_detail"),
    path(
        "pairings/<int:pairing_id>/agreement/terms/",
        agreement_terms_view,
        name="agreement_terms",
    ),
    path(
        "pairings/<int:pairing_id>/agreement/acknowledge/",
        agreement_acknowledge_view,
        name="agreement_acknowledge",
    ),
]
