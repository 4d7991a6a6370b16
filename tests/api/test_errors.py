"""Every error under /api/ is JSON in one shape, `{"detail", "code"}` (and `errors` for refused
fields), whether DRF, a view or Django itself answered; the schema documents that shape once
and names it for every error of every operation; and it generates without a warning."""

import json

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.test import APIClient

from api.errors import error_body, server_error
from api.schema import ERROR, HTTP_METHODS
from api.services import api_token_create
from mentoring import urls
from pairings.models import Pairing

pytestmark = pytest.mark.django_db
COHORTS = "/api/v1/admin/cohorts/"


@pytest.fixture
def admin_client(programme_admin) -> APIClient:
    text = api_token_create(user=programme_admin, name="x", scope="read", expires_at=None)[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


def test_without_a_token_401_says_why_with_a_code():
    response = Client().get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["detail"]


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_address_under_api_that_names_nothing_answers_404_in_json(method):
    response = getattr(Client(), method)("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "There is nothing at this address.", "code": "not_found"}


def test_the_pages_keep_their_own_404_page():
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_control_character_in_an_api_query_string_answers_400_in_json(admin_client):
    response = admin_client.get(COHORTS, {"ordering": "na\x03me"})

    assert response.status_code == 400
    assert response.json()["code"] == "control_character"
    assert Client().get("/", {"q": "a\x03"})["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "address", [f"{COHORTS}?ordering=%FF%FE", f"{COHORTS}?cursor=%C0%80", "/api/v1/admin/%FF/"]
)
def test_bytes_that_are_not_utf_8_get_json_too(admin_client, address):
    response = admin_client.get(address)

    assert response.status_code in {200, 400, 404}
    assert response["Content-Type"] == "application/json"
    if response.status_code != 200:
        assert set(response.json()) >= {"detail", "code"}


def test_a_server_error_under_api_is_json_and_the_pages_keep_their_page():
    assert urls.handler500 == "api.errors.server_error"
    api = server_error(RequestFactory().get("/api/v1/me/"))
    page = server_error(RequestFactory().get("/"))

    assert api.status_code == page.status_code == 500
    assert json.loads(api.content)["code"] == "server_error"
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("cursor", ["nonsense", "%C3%A9t%C3%A9", "cD1ub3QtYS1kYXRl"])
def test_a_cursor_the_list_never_gave_answers_400(admin_client, cursor):
    response = admin_client.get(f"{COHORTS}?cursor={cursor}")  # the last: "p=not-a-date"

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_refused_fields_are_named_under_errors(admin_client, cohort):
    response = admin_client.get(f"{COHORTS}{cohort.pk}/sessions/", {"from": "soon"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["from"]
    assert body["detail"]


def test_every_shape_drf_gives_becomes_the_one_shape():
    nested = {"mentor": {"name": ["Too long."]}, "items": [{}, {"title": ["Required."]}]}

    assert error_body(nested, status_code=400)["errors"] == {
        "mentor.name": ["Too long."],
        "items.1.title": ["Required."],
    }
    assert error_body(["Not now."], status_code=400) == {"detail": "Not now.", "code": "invalid"}
    assert error_body({"non_field_errors": ["Clash."]}, status_code=400) == {
        "detail": "Clash.",
        "code": "invalid",
    }
    kept = {"detail": "Taken.", "code": "slot_unavailable", "free_times": []}
    assert error_body(kept, status_code=409) == kept


def test_the_schema_documents_every_error_with_the_one_shape():
    schema = json.loads(Client().get("/api/schema/?format=json").content)

    assert schema["components"]["schemas"]["Error"] == ERROR
    for address, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation["responses"]
            for status, answer in responses.items():
                if status.startswith(("4", "5")):
                    assert answer["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"
                    }, (method, address, status)
            where = {p["in"] for p in operation.get("parameters", [])}
            if "query" in where or "requestBody" in operation:
                assert "400" in responses, (method, address)
            if "path" in where:
                assert "404" in responses, (method, address)


def test_the_schema_generates_valid_and_without_a_warning(tmp_path):
    call_command(
        "spectacular", validate=True, fail_on_warn=True, file=str(tmp_path / "schema.yaml")
    )

    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")


class _PairingSketch(serializers.ModelSerializer):
    """Fields declared as a hurried serializer might: neither null nor blank allowed."""

    closed_at = serializers.DateTimeField(read_only=True)
    mentor_name = serializers.CharField(source="mentor.display_name", read_only=True)
    closer = serializers.CharField(source="closed_by.display_name", read_only=True)
    close_reason = serializers.ChoiceField(choices=Pairing.CloseReason.choices, read_only=True)

    class Meta:
        model = Pairing
        fields = ["closed_at", "mentor_name", "closer", "close_reason"]


class _SketchView(GenericAPIView):
    serializer_class = _PairingSketch
    queryset = Pairing.objects.none()

    def get(self, request: object) -> None: ...


def test_the_schema_says_null_and_blank_where_the_model_may_give_them():
    schema = SchemaGenerator(patterns=[path("sketch/", _SketchView.as_view())]).get_schema(
        request=None, public=True
    )

    fields = schema["components"]["schemas"]["_PairingSketch"]["properties"]

    def may_be_null(field: dict) -> bool:  # OpenAPI 3.1: null is one of the types
        return "null" in field.get("type", []) or {"type": "null"} in field.get("oneOf", [])

    assert may_be_null(fields["closed_at"])
    assert not may_be_null(fields["mentor_name"])  # a pairing always has its mentor
    assert may_be_null(fields["closer"])  # no closer while open
    assert {"$ref": "#/components/schemas/BlankEnum"} in fields["close_reason"]["oneOf"]
