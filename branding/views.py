"""The brand colour as a stylesheet (the Content-Security-Policy forbids inline styles) and the
logo, both public: the sign-in page shows them too."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from branding.models import Branding, logo_type
from branding.selectors import branding_of

ONE_YEAR = 365 * 24 * 3600  # the URL carries the version, so a change is a new URL


def _organisation_id(request: HttpRequest) -> int | None:
    """Whose branding: ?o=<organisation id> (pages add it for an organisation's people)."""
    value = request.GET.get("o", "")
    return int(value) if value.isdigit() else None


@require_GET
def branding_css_view(request: HttpRequest) -> HttpResponse:
    colour = branding_of(organisation_id=_organisation_id(request))["main_colour"]
    response = HttpResponse(f":root {{ --brand: {colour}; }}\n", content_type="text/css")
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response


@require_GET
def branding_logo_view(request: HttpRequest) -> FileResponse:
    organisation_id = _organisation_id(request)
    row = (
        Branding.objects.filter(organisation_id=organisation_id).first()
        if organisation_id
        else Branding.objects.filter(organisation__isnull=True).first()
    )
    if row is None or not row.logo:
        raise Http404
    handle = row.logo.open("rb")
    content_type = logo_type(handle.read(8))
    handle.seek(0)
    if content_type is None:
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


app_name = "branding"
urlpatterns = [
    path("branding.css", branding_css_view, name="css"),
    path("branding/logo", branding_logo_view, name="logo"),
]
