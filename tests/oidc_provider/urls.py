import json

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from oauth2_provider.views import ConnectDiscoveryInfoView

from tests.oidc_provider.settings import ROGUE_JWK


def rogue_discovery(request: HttpRequest) -> HttpResponse:
    """The real discovery document, but naming a key set the provider does not sign with: a
    client that checks the ID token's signature against it must refuse the token."""
    real = json.loads(ConnectDiscoveryInfoView.as_view()(request).content)
    real["jwks_uri"] = request.build_absolute_uri("/rogue/jwks/")
    return JsonResponse(real)


def rogue_jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"keys": [ROGUE_JWK]})


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("rogue/.well-known/openid-configuration", rogue_discovery),
    path("rogue/jwks/", rogue_jwks),
]
