"""Payloads as Microsoft Entra ID and Okta send them (from their SCIM documentation)."""

import pytest

from accounts.models import User
from provisioning.models import ScimGroup
from tests.provisioning.conftest import GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA

pytestmark = pytest.mark.django_db

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def test_entra_creates_a_user_with_the_enterprise_extension_and_attributes_we_do_not_keep(scim):
    response = scim.post(
        "Users",
        {
            "schemas": [USER_SCHEMA, ENTERPRISE],
            "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
            "userName": "Test_User_ab6490ee@contoso.com",
            "active": True,
            "displayName": "Test User",
            "emails": [
                {"primary": True, "type": "work", "value": "Test_User_fd0ea13b@contoso.com"}
            ],
            "meta": {"resourceType": "User"},
            "name": {"formatted": "givenName familyName", "familyName": "familyName"},
            "title": "Manager",
            "phoneNumbers": [{"type": "work", "value": "+1 555 0100"}],
            ENTERPRISE: {"employeeNumber": "701984", "department": "Sales"},
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert "title" not in body
    assert "phoneNumbers" not in body
    user = User.objects.get(email="test_user_fd0ea13b@contoso.com")
    assert user.display_name == "Test User"


def test_entra_patches_without_a_path_and_with_a_filtered_path(scim):
    nina = scim.create_user("nina@example.org")

    response = scim.patch(
        f"Users/{nina['id']}",
        {
            "schemas": [PATCH_SCHEMA],
            "Operations": [
                {
                    "op": "Replace",
                    "value": {"displayName": "Nina Okafor", "name.givenName": "Nina"},
                },
                {
                    "op": "Replace",
                    "path": 'emails[type eq "work"].value',
                    "value": "nina.okafor@example.org",
                },
                {"op": "Add", "path": "externalId", "value": "E-7"},
            ],
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["displayName"] == "Nina Okafor"
    assert body["name"]["givenName"] == "Nina"
    assert body["emails"][0]["value"] == "nina.okafor@example.org"
    assert User.objects.filter(email="nina.okafor@example.org").exists()


def test_entra_removes_a_member_by_value_and_okta_replaces_the_name(scim):
    nina = scim.create_user("nina@example.org")
    omar = scim.create_user("omar@example.org")
    group = scim.create_group("Mentors", [nina["id"], omar["id"]])

    removed = scim.patch(
        f"Groups/{group['id']}",
        {
            "schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "Remove", "path": "members", "value": [{"value": nina["id"]}]}],
        },
    )
    renamed = scim.patch(
        f"Groups/{group['id']}",
        {
            "schemas": [PATCH_SCHEMA],
            "Operations": [
                {"op": "replace", "value": {"id": group["id"], "displayName": "Mentors 2027"}}
            ],
        },
    )

    assert removed.status_code == 200, removed.content
    assert [m["value"] for m in removed.json()["members"]] == [omar["id"]]
    assert renamed.status_code == 200, renamed.content
    assert ScimGroup.objects.get().display_name == "Mentors 2027"


def test_okta_deactivates_with_a_put_of_the_whole_user(scim):
    nina = scim.create_user("nina@example.org")
    whole = scim.get(f"Users/{nina['id']}").json()

    response = scim.put(f"Users/{nina['id']}", {**whole, "active": False})

    assert response.status_code == 200, response.content
    assert response.json()["active"] is False


def test_okta_checks_for_an_existing_user_then_creates_the_group(scim):
    assert (
        scim.get(
            "Users", filter='userName eq "nina@example.org"', startIndex="1", count="100"
        ).json()["totalResults"]
        == 0
    )
    nina = scim.create_user("nina@example.org")

    response = scim.post(
        "Groups",
        {
            "schemas": [GROUP_SCHEMA],
            "displayName": "Mentees",
            "members": [{"value": nina["id"], "display": "nina"}],
        },
    )

    assert response.status_code == 201, response.content
