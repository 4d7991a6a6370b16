"""The API describes itself: an OpenAPI 3 schema at /api/schema/ (YAML, or JSON with
?format=json) and Swagger UI at /api/docs/, both public, the viewer served from this site.
(That the docs page renders in a browser without a CSP violation: tests/e2e/test_api_docs.py.)"""

import json

import pytest
import yaml
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_in_yaml_by_default_and_public():
    response = Client().get("/api/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_the_schema_in_json_on_request():
    response = Client().get("/api/schema/?format=json")

    assert response.status_code == 200
    assert json.loads(response.content)["openapi"].startswith("3.")


def test_every_operation_documents_401_403_and_429_with_retry_after():
    schema = json.loads(Client().get("/api/schema/?format=json").content)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)
            assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_the_docs_page_loads_the_vendored_viewer_and_nothing_inline():
    response = Client().get("/api/docs/")

    page = response.text
    assert response.status_code == 200
    assert "/static/vendor/swagger-ui-5.36.0/swagger-ui-bundle.js" in page
    assert "<style" not in page
    assert "<script>" not in page  # every script has a src on this site
    assert "//cdn" not in page
    assert "unpkg" not in page
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.text
