"""/scim/v2/Users: what an organisation's directory does with its people."""

import json

import pytest
from django.test import Client

from accounts.models import User
from organisations.models import Membership
from provisioning.models import ProvisionedUser
from provisioning.services.tokens import token_create, token_revoke
from tests.factories import UserFactory
from tests.provisioning.conftest import PATCH_SCHEMA, USER_SCHEMA

pytestmark = pytest.mark.django_db

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


def _error(response, status: int, scim_type: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == [ERROR_SCHEMA]
    assert body["status"] == str(status)
    if scim_type:
        assert body["scimType"] == scim_type
    return body


@pytest.mark.parametrize("header", ["", "Bearer nope", "Basic abc", "Bearer "])
def test_an_unknown_token_gets_401_with_a_scim_error(db, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()

    _error(client.get("/scim/v2/Users"), 401)


def test_a_revoked_token_gets_401(organisation):
    row, token = token_create(organisation=organisation, name="old", by=None)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/scim/v2/Users").status_code == 200

    token_revoke(token=row)

    _error(client.get("/scim/v2/Users"), 401)


def test_the_token_is_kept_only_as_its_hash(organisation):
    row, token = token_create(organisation=organisation, name="HR", by=None)

    assert token not in (row.token_hash, row.prefix)
    assert token.startswith(row.prefix)
    assert len(row.token_hash) == 64


def test_creating_a_user_makes_an_account_in_the_organisation(scim, organisation):
    body = scim.create_user(
        "nina@example.org",
        name={"givenName": "Nina", "familyName": "Okafor"},
        externalId="E-100",
    )

    user = User.objects.get(email="nina@example.org")
    assert user.display_name == "Nina Okafor"
    assert Membership.objects.get(organisation=organisation, user=user).source == "scim"
    assert body["userName"] == "nina@example.org"
    assert body["externalId"] == "E-100"
    assert body["meta"]["location"].endswith(f"/scim/v2/Users/{body['id']}")
    assert scim.get("Users")["Cache-Control"] == "no-store"
    assert scim.get(f"Users/{body['id']}").json()["name"]["givenName"] == "Nina"


def test_an_address_that_has_an_account_links_it_without_a_duplicate(scim, organisation):
    existing = UserFactory(email="Mia@Example.org", display_name="Mia")

    scim.create_user("mia@example.org")

    assert User.objects.filter(email__iexact="mia@example.org").count() == 1
    assert ProvisionedUser.objects.get(organisation=organisation).user == existing
    assert Membership.objects.filter(organisation=organisation, user=existing).exists()


def test_the_same_username_twice_is_a_409_uniqueness_conflict(scim):
    scim.create_user("nina@example.org")

    response = scim.post(
        "Users",
        {
            "schemas": [USER_SCHEMA],
            "userName": "NINA@example.org",
            "emails": [{"value": "other@example.org"}],
        },
    )

    _error(response, 409, "uniqueness")


def test_the_same_person_twice_is_a_409(scim):
    scim.create_user("nina@example.org")

    response = scim.post(
        "Users",
        {
            "schemas": [USER_SCHEMA],
            "userName": "nokafor",
            "emails": [{"value": "nina@example.org"}],
        },
    )

    _error(response, 409, "uniqueness")


def test_filters_find_people_by_username_external_id_and_email(scim):
    nina = scim.create_user("nina@example.org", externalId="E-1")
    scim.create_user("omar@example.org", externalId="E-2")

    def found(expression: str) -> list[str]:
        body = scim.get("Users", filter=expression).json()
        return [r["id"] for r in body["Resources"]] if body["totalResults"] else []

    assert found('userName eq "NINA@example.org"') == [nina["id"]]
    assert found('externalId eq "E-1"') == [nina["id"]]
    assert found('emails.value eq "nina@example.org"') == [nina["id"]]
    assert found('emails[type eq "work" and value eq "nina@example.org"]') == [nina["id"]]
    assert found('userName sw "nobody"') == []
    assert len(found('userName co "example.org"')) == 2


def test_lists_page_with_start_index_and_count(scim):
    ids = [scim.create_user(f"p{i}@example.org")["id"] for i in range(5)]

    page = scim.get("Users", startIndex="2", count="2").json()

    assert page["totalResults"] == 5
    assert page["startIndex"] == 2
    assert page["itemsPerPage"] == 2
    assert [r["id"] for r in page["Resources"]] == ids[1:3]


def test_put_replaces_and_patch_changes_the_person(scim):
    nina = scim.create_user("nina@example.org")

    replaced = scim.put(
        f"Users/{nina['id']}",
        {
            "schemas": [USER_SCHEMA],
            "userName": "nina@example.org",
            "displayName": "Nina O.",
            "emails": [{"value": "nina.okafor@example.org", "primary": True}],
        },
    )
    patched = scim.patch(
        f"Users/{nina['id']}",
        {
            "schemas": [PATCH_SCHEMA],
            "Operations": [
                {"op": "replace", "path": "name.givenName", "value": "Nina"},
                {"op": "add", "path": "externalId", "value": "E-9"},
            ],
        },
    )

    assert replaced.status_code == 200, replaced.content
    assert patched.status_code == 200, patched.content
    assert patched.json()["name"]["givenName"] == "Nina"
    assert patched.json()["externalId"] == "E-9"
    user = User.objects.get(provisioned_as__scim_id=nina["id"])
    assert (user.email, user.display_name) == ("nina.okafor@example.org", "Nina O.")


def test_a_directory_never_takes_an_address_another_account_holds(scim):
    nina = scim.create_user("nina@example.org")
    UserFactory(email="boss@example.org")

    response = scim.patch(
        f"Users/{nina['id']}",
        {
            "schemas": [PATCH_SCHEMA],
            "Operations": [
                {"op": "replace", "path": "emails", "value": [{"value": "boss@example.org"}]}
            ],
        },
    )

    _error(response, 409, "uniqueness")
    assert User.objects.filter(email="nina@example.org").exists()


def test_delete_forgets_the_record_and_answers_404_after(scim, organisation):
    nina = scim.create_user("nina@example.org")

    assert scim.delete(f"Users/{nina['id']}").status_code == 204

    _error(scim.get(f"Users/{nina['id']}"), 404)
    assert not Membership.objects.filter(organisation=organisation).exists()
    assert User.objects.get(email="nina@example.org").is_active is False


def test_another_organisations_token_gets_404_for_every_method(scim, other_scim):
    nina = scim.create_user("nina@example.org")
    path = f"Users/{nina['id']}"
    body = {
        "schemas": [USER_SCHEMA],
        "userName": "x@globex.org",
        "emails": [{"value": "x@globex.org"}],
    }

    _error(other_scim.get(path), 404)
    _error(other_scim.put(path, body), 404)
    _error(
        other_scim.patch(
            path,
            {
                "schemas": [PATCH_SCHEMA],
                "Operations": [{"op": "replace", "path": "active", "value": False}],
            },
        ),
        404,
    )
    _error(other_scim.delete(path), 404)
    assert other_scim.get("Users").json()["totalResults"] == 0
    # A filter evaluated on each resource (not translated to SQL) is scoped the same way.
    assert (
        other_scim.get("Users", filter="name.givenName pr or userName pr").json()["totalResults"]
        == 0
    )
    assert scim.get("Users", filter="name.givenName pr or userName pr").json()["totalResults"] == 1
    assert (
        other_scim.get("Users", filter='userName eq "nina@example.org"').json()["totalResults"] == 0
    )
    assert scim.get(path).json()["active"] is True
    assert User.objects.get(email="nina@example.org").is_active


def _user(**fields: object) -> str:
    return json.dumps({"schemas": [USER_SCHEMA], **fields})


@pytest.mark.parametrize(
    ("method", "raw"),
    [
        ("post", "{not json"),
        ("post", "[1, 2]"),
        ("post", '"a string"'),
        ("post", _user()),
        ("post", _user(userName=5, emails="x")),
        ("post", _user(userName="a", emails=[{"value": "not an address"}])),
        ("post", json.dumps({"schemas": ["urn:wrong"], "userName": "a@example.org"})),
        ("post", _user(userName="a@example.org", emails=[{"value": "a@x.org"}], active="maybe")),
        ("post", "\xff\xfe"),
        ("post", _user(userName="a\u0000b", emails=[{"value": "a@example.org"}])),
        ("post", _user(userName="a", emails=[{"value": "a@example.org", "type": "w\u0000"}])),
    ],
)
def test_bad_input_gets_a_400_scim_error_never_a_500(scim, method, raw):
    response = getattr(scim, method)("Users", raw=raw)

    _error(response, 400)


@pytest.mark.parametrize(
    "operations",
    [
        "not a list",
        [{"op": "explode", "path": "active", "value": True}],
        [{"op": "replace", "path": "emails[type eq", "value": "x"}],
        [{"op": "replace", "path": "id", "value": "123"}],
        [{"op": "remove", "path": "userName"}],
        [{"op": "replace", "path": "active", "value": {"deep": [1]}}],
        [{"op": "add"}],
    ],
)
def test_bad_patches_get_a_400_scim_error(scim, operations):
    nina = scim.create_user("nina@example.org")

    response = scim.patch(
        f"Users/{nina['id']}", {"schemas": [PATCH_SCHEMA], "Operations": operations}
    )

    _error(response, 400)
    assert scim.get(f"Users/{nina['id']}").json()["userName"] == "nina@example.org"


@pytest.mark.parametrize(
    "params",
    [
        {"filter": 'userName eq "unterminated'},
        {"filter": "userName zz 3"},
        {"filter": "((("},
        {"filter": 'nosuchattr eq "x"'},
        {"count": "many"},
        {"startIndex": "-"},
        {"filter": 'userName eq "a\x00"'},
    ],
)
def test_bad_queries_get_a_400_scim_error(scim, params):
    _error(scim.get("Users", **params), 400)


def test_odd_but_valid_paging_is_answered(scim):
    scim.create_user("nina@example.org")

    assert scim.get("Users", startIndex="-5").json()["startIndex"] == 1
    assert scim.get("Users", count="0").json()["itemsPerPage"] == 0
    assert scim.get("Users", count="100000").status_code == 200


@pytest.mark.parametrize("scim_id", ["123", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_ids_get_404(scim, scim_id):
    _error(scim.get(f"Users/{scim_id}"), 404)
    _error(scim.get(f"Groups/{scim_id}"), 404)


def test_an_unknown_endpoint_gets_a_scim_404(scim):
    _error(scim.get("Nope"), 404)


def test_discovery_describes_what_is_served(scim):
    config = scim.get("ServiceProviderConfig")
    types = scim.get("ResourceTypes").json()
    schemas = scim.get("Schemas").json()

    assert config["Content-Type"] == "application/scim+json"
    assert config.json()["patch"]["supported"] is True
    assert config.json()["bulk"]["supported"] is False
    assert {t["name"] for t in types["Resources"]} == {"User", "Group"}
    user_schema = next(s for s in schemas["Resources"] if s["id"] == USER_SCHEMA)
    assert {a["name"] for a in user_schema["attributes"]} >= {"userName", "emails", "active"}
    assert scim.get(f"Schemas/{USER_SCHEMA}").json()["id"] == USER_SCHEMA
    assert scim.get("ResourceTypes/User").json()["endpoint"] == "/Users"


@pytest.mark.parametrize(
    "fields",
    [
        {"userName": "u" * 300, "emails": [{"value": "a@example.org"}]},
        {"userName": "a", "externalId": "e" * 300, "emails": [{"value": "a@example.org"}]},
        {"userName": "a", "emails": [{"value": "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "org"}]},
        {"userName": "a", "emails": [{"value": "a@example.org", "primary": "sometimes"}]},
        {"userName": "a", "emails": [{"value": "a@example.org"}], "name": "Nina"},
        {"userName": "a", "emails": [{"value": "a@example.org"}], "id": {"x": 1}},
        {"userName": ["a"], "emails": [{"value": "a@example.org"}]},
    ],
)
def test_odd_users_get_a_400_never_a_500(scim, fields):
    _error(scim.post("Users", raw=_user(**fields)), 400)


@pytest.mark.parametrize(
    "raw",
    [
        "{",
        json.dumps({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]}),
        json.dumps(
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "g" * 300}
        ),
        json.dumps(
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "G",
                "members": [{"value": "not-a-uuid"}],
            }
        ),
        json.dumps(
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "G",
                "members": "everyone",
            }
        ),
    ],
)
def test_odd_groups_get_a_400_never_a_500(scim, raw):
    _error(scim.post("Groups", raw=raw), 400)


def test_a_search_by_post_finds_as_the_list_does(scim):
    nina = scim.create_user("nina@example.org")
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": 'userName eq "nina@example.org"',
        "attributes": ["userName"],
    }

    found = scim.post("Users/.search", body).json()
    everywhere = scim.post(".search", body).json()

    assert [r["id"] for r in found["Resources"]] == [nina["id"]]
    assert set(found["Resources"][0]) == {"schemas", "id", "userName"}
    assert everywhere["totalResults"] == 1


def test_the_list_query_count_does_not_grow_with_people(scim, django_assert_max_num_queries):
    def listed(n: int) -> int:
        for i in range(n):
            scim.create_user(f"q{n}-{i}@example.org")
        with django_assert_max_num_queries(6) as captured:
            assert scim.get("Users").status_code == 200
        return len(captured)

    assert listed(1) == listed(20)


def test_an_address_the_directory_gave_finds_a_linked_account_it_does_not_control(scim):
    UserFactory(email="mia@gmail.com")
    mia = scim.create_user("mia@gmail.com")
    scim.patch(
        f"Users/{mia['id']}",
        {
            "schemas": [PATCH_SCHEMA],
            "Operations": [
                {"op": "replace", "path": "emails", "value": [{"value": "mia@example.org"}]}
            ],
        },
    )

    found = scim.get("Users", filter='emails.value eq "mia@example.org"').json()

    assert [r["id"] for r in found["Resources"]] == [mia["id"]]
    # Not the organisation's address to change: the account keeps its own.
    assert User.objects.filter(email="mia@gmail.com").exists()
