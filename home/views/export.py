"""A person's copy of everything held about them: asked for here, mailed when ready."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from exchange.models import materials_storage
from home.selectors import data_export_get_for_owner, data_exports_for
from home.services.export import data_export_request

EXPORTS_SHOWN = 5


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def export_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        data_export_request(user=request.user)
        messages.success(
            request,
            _("We are preparing your copy. We will email you a link when it is ready."),
        )
        return redirect("home:export")
    exports = data_exports_for(user=request.user)[:EXPORTS_SHOWN]
    return render(request, "home/export.html", {"exports": exports, "now": timezone.now()})


@login_required
@require_safe
def export_download_view(request: HttpRequest, token: str) -> FileResponse:
    """The zip, for its owner only, signed in, until it expires (404 otherwise)."""
    export = data_export_get_for_owner(user=request.user, token=token, now=timezone.now())
    try:
        handle = materials_storage().open(export.file_name, "rb")
    except OSError:
        raise Http404 from None
    stamp = export.created_at.strftime("%Y%m%d")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"my-mentoring-data-{stamp}.zip",
        content_type="application/zip",
    )


urlpatterns = [
    path("profile/export/", export_view, name="export"),
    path("profile/export/<str:token>/", export_download_view, name="export_download"),
]
