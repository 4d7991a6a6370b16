"""/api/v1/ (versioned in the path), the OpenAPI 3 schema at /api/schema/ and its browsable
docs at /api/docs/ (Swagger UI, vendored under static/vendor/), and the pages where people
make their tokens."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import tokens
from api.views.me import MeView

app_name = "api"

v1 = [
    path("me/", MeView.as_view(), name="me"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("tokens/", tokens.token_list_view, name="tokens"),
    path("tokens/<int:token_id>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    path(
        "organisations/<slug:slug>/tokens/",
        tokens.organisation_token_list_view,
        name="organisation_tokens",
    ),
    path(
        "organisations/<slug:slug>/tokens/<int:token_id>/revoke/",
        tokens.organisation_token_revoke_view,
        name="organisation_token_revoke",
    ),
]
