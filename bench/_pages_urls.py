from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@login_required
def trivial_signed_in(request: HttpRequest) -> HttpResponse:
    """What every signed-in page pays before its own work: the session and the user rows."""
    return HttpResponse(f"ok {request.user.pk}")


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/trivial-signed-in", trivial_signed_in),
    path("", include("mentoring.urls")),
]
