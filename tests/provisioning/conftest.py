import json

import pytest
from django.test import Client

from provisioning.services.tokens import token_create
from tests.factories import OrganisationFactory, default_organisation

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class Scim:
    """A directory calling /scim/v2/ with its organisation's bearer token."""

    def __init__(self, token: str):
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def _send(self, method: str, path: str, body: object = None, raw: str | None = None):
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        return getattr(self.client, method)(
            f"/scim/v2/{path}", data=data, content_type="application/scim+json"
        )

    def get(self, path: str, **params: str):
        return self.client.get(f"/scim/v2/{path}", params)

    def post(self, path: str, body: object = None, raw: str | None = None):
        return self._send("post", path, body, raw)

    def put(self, path: str, body: object = None, raw: str | None = None):
        return self._send("put", path, body, raw)

    def patch(self, path: str, body: object = None, raw: str | None = None):
        return self._send("patch", path, body, raw)

    def delete(self, path: str):
        return self.client.delete(f"/scim/v2/{path}")

    def create_user(self, email: str, **extra: object) -> dict:
        body = {
            "schemas": [USER_SCHEMA],
            "userName": email,
            "emails": [{"value": email, "type": "work", "primary": True}],
            "active": True,
            **extra,
        }
        response = self.post("Users", body)
        assert response.status_code == 201, response.content
        return response.json()

    def create_group(self, name: str, members: list[str] = ()) -> dict:
        response = self.post(
            "Groups",
            {
                "schemas": [GROUP_SCHEMA],
                "displayName": name,
                "members": [{"value": m} for m in members],
            },
        )
        assert response.status_code == 201, response.content
        return response.json()

    def set_active(self, scim_id: str, active: bool):
        """As Microsoft Entra ID sends it: a path-less replace, with the value as a string."""
        return self.patch(
            f"Users/{scim_id}",
            {
                "schemas": [PATCH_SCHEMA],
                "Operations": [{"op": "Replace", "value": {"active": str(active)}}],
            },
        )


@pytest.fixture
def organisation(db):
    """The default organisation (where CohortFactory puts cohorts): its directory provisions."""
    return default_organisation()


@pytest.fixture
def scim(organisation) -> Scim:
    return Scim(token_create(organisation=organisation, name="HR", by=None)[1])


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(slug="globex", name="Globex")


@pytest.fixture
def other_scim(other_organisation) -> Scim:
    """Globex's directory: must see nothing of the default organisation's people."""
    return Scim(token_create(organisation=other_organisation, name="HR", by=None)[1])
