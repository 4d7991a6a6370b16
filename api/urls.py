"""/api/v1/ (versioned in the path), the OpenAPI 3 schema at /api/schema/ and its browsable
docs at /api/docs/ (Swagger UI, vendored under static/vendor/)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views.me import MeView

app_name = "api"

v1 = [
    path("me/", MeView.as_view(), name="me"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
