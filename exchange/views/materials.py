"""Shared materials: a pairing's list with the share form, downloads for the two partners
only, and withdrawal by the sharer. The list is also an htmx partial other pages include."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from exchange.downloads import material_response
from exchange.forms.materials import MaterialShareForm
from exchange.selectors.materials import (
    material_get_for_user,
    material_sessions_for,
    materials_for_pairing,
    materials_with_hosts,
    pairing_get_for_materials,
)
from exchange.services.materials import (
    MaterialRefused,
    material_share_file,
    material_share_link,
    material_withdraw,
)
from mentoring.errors import DomainError
from mentoring.htmx import is_htmx
from mentoring.paging import page_of
from mentoring.uploads import uploads_dropped
from pairings.models import Pairing

PAGE_SIZE = 20


def _materials_page(request: HttpRequest, pairing: Pairing) -> Page:
    page = page_of(
        materials_for_pairing(pairing=pairing, as_listed=True), PAGE_SIZE, request.GET.get("page")
    )
    page.object_list = materials_with_hosts(page.object_list)
    return page


def _list_context(request: HttpRequest, pairing: Pairing, *, embedded: bool) -> dict:
    """What templates/exchange/_partials/materials_list.html needs."""
    return {
        "pairing": pairing,
        "page": _materials_page(request, pairing),
        "can_share": pairing.status == Pairing.Status.ACTIVE,
        "embedded": embedded,
    }


@login_required
@require_http_methods(["GET", "POST"])
def materials_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    """GET: the pairing's materials and the share form; with htmx, the list section alone
    (for the pairing page). POST: share a file or a link."""
    pairing = pairing_get_for_materials(
        user=request.user, pairing_id=pairing_id, names_only=request.method == "GET"
    )
    if request.method == "GET" and is_htmx(request):
        return render(
            request,
            "exchange/_partials/materials_list.html",
            _list_context(request, pairing, embedded=request.GET.get("embedded") == "1"),
        )
    can_share = pairing.status == Pairing.Status.ACTIVE
    sessions = material_sessions_for(pairing=pairing, now=timezone.now())
    form = None
    if can_share:
        form = MaterialShareForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            sessions=sessions,
            zone=request.user.zoneinfo,
            initial={"appointment": request.GET.get("for")},
            dropped=uploads_dropped(request),
        )
    if request.method == "POST":
        if form is None:
            messages.error(
                request, _("This pairing is not active: its materials can be read, not changed.")
            )
            return redirect("exchange:materials", pairing_id=pairing.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["file"]:
                    material_share_file(
                        pairing=pairing,
                        by=request.user,
                        upload=data["file"],
                        note=data["note"],
                        appointment=data["appointment"],
                    )
                else:
                    material_share_link(
                        pairing=pairing,
                        by=request.user,
                        url=data["url"],
                        title=data["title"],
                        note=data["note"],
                        appointment=data["appointment"],
                    )
            except MaterialRefused as exc:
                form.add_error(exc.field, exc.message)
                form.note_file_lost()
            else:
                partner = pairing.partner_of(request.user)
                messages.success(
                    request,
                    _("Shared with %(name)s. They get an email within their contact hours.")
                    % {"name": partner.name},
                )
                return redirect("exchange:materials", pairing_id=pairing.pk)
    return render(
        request,
        "exchange/materials.html",
        {
            **_list_context(request, pairing, embedded=False),
            "partner": pairing.partner_of(request.user),
            "form": form,
        },
    )


@login_required
def material_download_view(request: HttpRequest, material_id: int) -> HttpResponse:
    """The file, to the pairing's two people only, as an attachment with the content type
    found when it was checked; a link redirects to its address."""
    return material_response(material_get_for_user(user=request.user, material_id=material_id))


@login_required
@require_POST
def material_withdraw_view(request: HttpRequest, material_id: int) -> HttpResponse:
    material = material_get_for_user(user=request.user, material_id=material_id)
    pairing = material.pairing
    try:
        material_withdraw(material=material, by=request.user)
    except DomainError as exc:
        error = exc.message
    else:
        error = None
    if is_htmx(request):
        context = _list_context(request, pairing, embedded=request.GET.get("embedded") == "1")
        return render(
            request, "exchange/_partials/materials_list.html", {**context, "error": error}
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, _("Withdrawn: “%(title)s” is no longer shared.") % {"title": material.title}
        )
    return redirect("exchange:materials", pairing_id=pairing.pk)


urlpatterns = [
    path("pairings/<int:pairing_id>/materials/", materials_view, name="materials"),
    path("materials/<int:material_id>/download/", material_download_view, name="material_download"),
    path("materials/<int:material_id>/withdraw/", material_withdraw_view, name="material_withdraw"),
]
