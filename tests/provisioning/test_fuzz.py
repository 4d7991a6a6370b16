"""Whatever a directory sends, the answer is a SCIM response, never a server error."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.provisioning.conftest import GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA

pytestmark = pytest.mark.django_db

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_KEYS = st.sampled_from(
    ["userName", "emails", "active", "name", "displayName", "externalId", "members", "id", "groups"]
)
_RESOURCE = st.dictionaries(_KEYS, _JSON, max_size=5)
_OPERATION = st.fixed_dictionaries(
    {"op": st.sampled_from(["add", "replace", "remove", "Replace", "nope"])},
    optional={
        "path": st.sampled_from(
            [
                "active",
                "emails",
                'emails[type eq "work"].value',
                "members",
                "name.givenName",
                "x[",
                "",
            ]
        )
        | st.text(max_size=10),
        "value": _JSON,
    },
)
_FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _ok(response) -> None:
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


@_FUZZ
@given(body=_RESOURCE)
def test_any_user_or_group_body(scim, body):
    _ok(scim.post("Users", {"schemas": [USER_SCHEMA], **body}))
    _ok(scim.post("Groups", {"schemas": [GROUP_SCHEMA], **body}))


@_FUZZ
@given(operations=st.lists(_OPERATION, max_size=3))
def test_any_patch(scim, operations):
    user = scim.post(
        "Users",
        {
            "schemas": [USER_SCHEMA],
            "userName": "fuzz@example.org",
            "emails": [{"value": "fuzz@example.org"}],
        },
    )
    user_id = (
        user.json()["id"]
        if user.status_code == 201
        else scim.get("Users", filter='userName eq "fuzz@example.org"').json()["Resources"][0]["id"]
    )
    group = scim.post("Groups", {"schemas": [GROUP_SCHEMA], "displayName": "Fuzz"}).json()["id"]

    for path in (f"Users/{user_id}", f"Groups/{group}"):
        _ok(scim.patch(path, {"schemas": [PATCH_SCHEMA], "Operations": operations}))


@_FUZZ
@given(
    expression=st.text(max_size=40)
    | st.builds(
        lambda a, op, v: f"{a} {op} {json.dumps(v)}",
        _KEYS,
        st.sampled_from(["eq", "ne", "co", "sw", "gt", "pr", "zz"]),
        _SCALARS,
    )
)
def test_any_filter(scim, expression):
    _ok(scim.get("Users", filter=expression))
    _ok(scim.get("Groups", filter=expression))


def test_a_nul_character_escaped_in_a_filter_value_is_refused_as_a_scim_error(scim):
    """Found by test_any_filter: the filter's JSON escape reaches PostgreSQL as a NUL."""
    for endpoint, attribute in (("Users", "userName"), ("Groups", "displayName")):
        response = scim.get(endpoint, filter=f'{attribute} eq "\\u0000"')

        assert response.status_code == 400
        assert response.json()["scimType"] == "invalidFilter"
